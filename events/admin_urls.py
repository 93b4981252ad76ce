from django.urls import path

from cms import url_converters  # noqa: F401 - registers <id:...>
from events import admin_views

app_name = "events_checkin"
urlpatterns = [
    path("", admin_views.CheckInIndexView.as_view(), name="index"),
    path("attendance.csv", admin_views.attendance_csv, name="attendance_csv"),
    path("<id:page_id>/", admin_views.CheckInView.as_view(), name="event"),
    path("<id:page_id>/mark/", admin_views.check_in, name="mark"),
]
