from django.urls import path

from cms import (
    email_preview,
    url_converters,  # noqa: F401 - registers <id:...>
)

app_name = "cms_email_preview"
urlpatterns = [
    path("<id:page_id>/", email_preview.EmailPreviewView.as_view(), name="preview"),
    path("<id:page_id>/send-test/", email_preview.send_page_test, name="send_test"),
]
