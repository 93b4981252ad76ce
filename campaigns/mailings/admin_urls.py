from django.urls import path

from campaigns.mailings import admin_views as views
from campaigns.mailings import alert_views
from cms import url_converters  # noqa: F401 - registers <id:...>

app_name = "campaigns_mailings"
urlpatterns = [
    path("", views.MailingIndexView.as_view(), name="index"),
    path("new/", views.MailingCreateView.as_view(), name="create"),
    path("<id:pk>/", views.MailingDetailView.as_view(), name="detail"),
    path("<id:pk>/send/", views.send_now, name="send_now"),
    path("<id:pk>/schedule/", views.schedule, name="schedule"),
    path("<id:pk>/pause/", views.pause, name="pause"),
    path("<id:pk>/resume/", views.resume, name="resume"),
    path("<id:pk>/cancel/", views.cancel, name="cancel"),
    path("<id:pk>/test/", views.send_test, name="send_test"),
    path("<id:pk>/progress.json", views.progress, name="progress"),
    path("<id:pk>/report.csv", views.export_csv, name="export_csv"),
    path("<id:pk>/charts/<str:name>.svg", views.chart, name="chart"),
    path("alerts/new/", alert_views.RallyAlertView.as_view(), name="rally_alert"),
    path(
        "alerts/event/<id:event_id>/",
        alert_views.EventAlertView.as_view(),
        name="event_alert",
    ),
    path("alerts/<id:pk>/", alert_views.AlertDetailView.as_view(), name="alert"),
    path("alerts/<id:pk>/preview/", alert_views.preview, name="alert_preview"),
    path("alerts/<id:pk>/send/", alert_views.send, name="alert_send"),
    path("alerts/<id:pk>/approve/", alert_views.approve, name="alert_approve"),
    path("alerts/<id:pk>/update/", alert_views.update, name="alert_update"),
    path(
        "alerts/<id:pk>/cancel-event/",
        alert_views.cancel_event,
        name="alert_cancel_event",
    ),
]
