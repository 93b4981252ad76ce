from django.urls import path

from campaigns.mailings import admin_views as views
from campaigns.mailings import alert_views

app_name = "campaigns_mailings"
urlpatterns = [
    path("", views.MailingIndexView.as_view(), name="index"),
    path("new/", views.MailingCreateView.as_view(), name="create"),
    path("<int:pk>/", views.MailingDetailView.as_view(), name="detail"),
    path("<int:pk>/send/", views.send_now, name="send_now"),
    path("<int:pk>/schedule/", views.schedule, name="schedule"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/resume/", views.resume, name="resume"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/test/", views.send_test, name="send_test"),
    path("<int:pk>/progress.json", views.progress, name="progress"),
    path("<int:pk>/report.csv", views.export_csv, name="export_csv"),
    path("<int:pk>/charts/<str:name>.svg", views.chart, name="chart"),
    path("alerts/new/", alert_views.RallyAlertView.as_view(), name="rally_alert"),
    path(
        "alerts/event/<int:event_id>/",
        alert_views.EventAlertView.as_view(),
        name="event_alert",
    ),
    path("alerts/<int:pk>/", alert_views.AlertDetailView.as_view(), name="alert"),
    path("alerts/<int:pk>/preview/", alert_views.preview, name="alert_preview"),
    path("alerts/<int:pk>/send/", alert_views.send, name="alert_send"),
    path("alerts/<int:pk>/approve/", alert_views.approve, name="alert_approve"),
    path("alerts/<int:pk>/update/", alert_views.update, name="alert_update"),
    path(
        "alerts/<int:pk>/cancel-event/",
        alert_views.cancel_event,
        name="alert_cancel_event",
    ),
]
