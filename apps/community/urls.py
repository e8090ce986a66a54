"""Community reader URLs, mounted under the language prefix (/en/, /zh-hans/)."""

from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    path("comments/<str:kind>/<slug:slug>/new/", views.comment_new, name="new"),
    path("comments/<int:pk>/reply/", views.comment_reply, name="reply"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="delete"),
    path("comments/notifications/", views.notification_preferences, name="notifications"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("likes/<slug:slug>/", views.like_toggle, name="like"),
    path("bookmarks/", views.bookmark_list, name="bookmarks"),
    path("bookmarks/<slug:slug>/", views.bookmark_toggle, name="bookmark"),
    path("friends/apply/", views.friend_apply, name="friend_apply"),
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/confirm/<str:token>/", views.newsletter_confirm, name="newsletter_confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.newsletter_unsubscribe, name="newsletter_unsubscribe"),
]
