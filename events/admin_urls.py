from django.urls import path

from events import admin_views

app_name = "events_checkin"
urlpatterns = [
    path("", admin_views.CheckInIndexView.as_view(), name="index"),
    path("attendance.csv", admin_views.attendance_csv, name="attendance_csv"),
    path("<int:page_id>/", admin_views.CheckInView.as_view(), name="event"),
    path("<int:page_id>/mark/", admin_views.check_in, name="mark"),
]
