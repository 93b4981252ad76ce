from django.urls import path

from cms import admin_views

app_name = "cms_outbox"
urlpatterns = [
    path("", admin_views.OutboxIndexView.as_view(), name="index"),
    path("send-test/", admin_views.send_test_email, name="send_test"),
    path("<str:name>/", admin_views.OutboxMessageView.as_view(), name="message"),
]
