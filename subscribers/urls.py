from django.urls import path

from cms import url_converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "subscribers"
urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("change-email/<str:token>/", views.change_email, name="change_email"),
    path("erased/", views.erased, name="erased"),
    path("new-link/", views.new_link, name="new_link"),
    path("embed/<id:page_id>/", views.embed_signup, name="embed"),
]
