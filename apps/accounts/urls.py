"""Account pages of ours, mounted under /<lang>/accounts/ beside allauth's."""

from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("delete/", views.account_delete, name="account_delete"),
    path("logout-everywhere/", views.logout_everywhere, name="account_logout_everywhere"),
]
