from django.urls import path

from campaigns.mailings import admin_views as views

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
]
