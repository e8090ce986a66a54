from django.urls import path

from . import views

app_name = "media"
urlpatterns = [
    path("files/private/<str:token>", views.private_file, name="private-file"),
]
