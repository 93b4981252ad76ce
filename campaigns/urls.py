from django.urls import path

from campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("<int:page_id>/sign/", views.sign_petition, name="sign"),
    path("embed/<int:page_id>/", views.embed_petition, name="embed"),
    path("verify/<str:token>/", views.verify_signature, name="verify_signature"),
]
