from django.urls import path

from cms import email_preview

app_name = "cms_email_preview"
urlpatterns = [
    path("<int:page_id>/", email_preview.EmailPreviewView.as_view(), name="preview"),
    path("<int:page_id>/send-test/", email_preview.send_page_test, name="send_test"),
]
