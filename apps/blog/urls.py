"""Reader URLs, mounted under the language prefix (/en/, /zh-hans/)."""

from django.urls import path

from . import views

app_name = "blog"
urlpatterns = [
    path("", views.home, name="home"),
]
