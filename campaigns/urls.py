from django.urls import path

from campaigns import views
from cms import url_converters  # noqa: F401 - registers <id:...>

app_name = "campaigns"
urlpatterns = [
    path("<id:page_id>/sign/", views.sign_petition, name="sign"),
    path("embed/<id:page_id>/", views.embed_petition, name="embed"),
    # verify/<token>/ is in cms/urls.py's language patterns: the page in each language.
]
