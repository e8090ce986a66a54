"""Serializers of the community API. Only `SubscriberSerializer` has an e-mail field, and only editors
get it (the subscriber list); a guest's address is never public (editors see it in the admin only),
and an account's address is never shown to others."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.community import selectors
from apps.community.models import Bookmark, Comment, FriendLink, Like, NotificationPreference, Subscriber


class CommentSerializer(serializers.ModelSerializer):
    """A comment (or board message) as the thread shows it. `body` (the Markdown source) is only given
    to its author, for editing; everyone else gets `null` there and reads `body_html`."""

    target = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    board = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    is_deleted = serializers.SerializerMethodField()
    is_own = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    editable_until = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = (
            "id",
            "target",
            "post",
            "board",
            "parent",
            "reply_to",
            "depth",
            "author",
            "body",
            "body_html",
            "status",
            "is_deleted",
            "is_own",
            "can_edit",
            "editable_until",
            "created_at",
            "edited_at",
        )
        read_only_fields = fields

    def _user(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _own(self, comment: Comment) -> bool:
        user = self._user()
        return bool(user is not None and user.is_authenticated and comment.user_id == user.pk)

    @extend_schema_field(serializers.ChoiceField(choices=["post", "board"]))
    def get_target(self, comment: Comment) -> str:
        return "post" if comment.post_id else "board"

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The post's slug (null on the board)."))
    def get_post(self, comment: Comment) -> str | None:
        return comment.post.slug if comment.post_id else None

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="The board section's slug."))
    def get_board(self, comment: Comment) -> str | None:
        return comment.board.slug if comment.board_id else None

    def get_author(self, comment: Comment) -> str:
        return selectors.comment_author_label(comment)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body(self, comment: Comment) -> str | None:
        return comment.body if self._own(comment) and comment.deleted_at is None else None

    def get_is_deleted(self, comment: Comment) -> bool:
        return comment.deleted_at is not None

    def get_is_own(self, comment: Comment) -> bool:
        return self._own(comment)

    def get_can_edit(self, comment: Comment) -> bool:
        return selectors.comment_can_edit(comment=comment, user=self._user())

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_editable_until(self, comment: Comment) -> datetime | None:
        return comment.editable_until() if self._own(comment) else None


class CommentCreateSerializer(serializers.Serializer):
    """Where: `post` (a slug), or `target: "board"` (the board; `board` names one by slug when there
    are several). `parent`: the id of the comment answered."""

    post = serializers.CharField(required=False, max_length=200)
    target = serializers.ChoiceField(choices=["post", "board"], required=False)
    board = serializers.CharField(required=False, max_length=80)
    parent = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    body = serializers.CharField(trim_whitespace=False, max_length=settings.COMMUNITY_COMMENT_MAX_CHARS * 2)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        on_board = attrs.get("target") == "board" or "board" in attrs
        if on_board == ("post" in attrs) or (attrs.get("target") == "post" and "post" not in attrs):
            raise serializers.ValidationError(
                {"post": [_('Give either a post\'s slug in `post`, or `target: "board"`.')]}, code="target"
            )
        return attrs


class CommentUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=False, max_length=settings.COMMUNITY_COMMENT_MAX_CHARS * 2)


class PostRefSerializer(serializers.Serializer):
    # Not trimmed: " " names no post (a 404, like any other slug nobody has), it is not a missing field.
    post = serializers.CharField(max_length=200, trim_whitespace=False, help_text="The post's slug.")


class LikeSerializer(serializers.ModelSerializer):
    post = serializers.CharField(source="post.slug")
    title = serializers.CharField(source="post.title")

    class Meta:
        model = Like
        fields = ("post", "title", "created_at")
        read_only_fields = fields


class BookmarkSerializer(serializers.ModelSerializer):
    post = serializers.CharField(source="post.slug")
    title = serializers.CharField(source="post.title")

    class Meta:
        model = Bookmark
        fields = ("post", "title", "created_at")
        read_only_fields = fields


class LikeStateSerializer(serializers.Serializer):
    post = serializers.CharField()
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField(min_value=0)


class BookmarkStateSerializer(serializers.Serializer):
    post = serializers.CharField()
    bookmarked = serializers.BooleanField()


class ReactionsSerializer(serializers.Serializer):
    post = serializers.CharField()
    like_count = serializers.IntegerField(min_value=0)
    comment_count = serializers.IntegerField(min_value=0)
    liked = serializers.BooleanField(help_text="Always false for anonymous callers.")
    bookmarked = serializers.BooleanField(help_text="Always false for anonymous callers.")


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ("email_on_reply", "email_on_post_comment")


# --- Friend links and the newsletter (reach) --------------------------------------------------------


class FriendLinkSerializer(serializers.ModelSerializer):
    """An approved friend link. `health`: "alive", "dead" (the weekly check found it unreachable; still
    listed) or "unknown"."""

    logo = serializers.SerializerMethodField()

    class Meta:
        model = FriendLink
        fields = ("id", "name", "url", "logo", "description_en", "description_zh_hans", "is_featured", "health")
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_logo(self, link: FriendLink) -> str:
        return link.logo_src


class FriendLinkApplySerializer(serializers.Serializer):
    """Apply for a friend link (hidden until an editor approves it). The logo is an https address here;
    the page's form also takes an upload."""

    name = serializers.CharField(max_length=80)
    # The schemes the link accepts (a URL field alone takes ftp:// too), stated as patterns in the schema.
    url = serializers.URLField(max_length=300, validators=[RegexValidator(r"^[Hh][Tt][Tt][Pp][Ss]?://")])
    logo_url = serializers.URLField(
        max_length=300,
        required=False,
        allow_blank=True,
        validators=[RegexValidator(r"^[Hh][Tt][Tt][Pp][Ss]://")],
    )
    description_en = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description_zh_hans = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class FriendLinkApplicationSerializer(serializers.ModelSerializer):
    logo_url = serializers.CharField(help_text="An https address, or empty.")

    class Meta:
        model = FriendLink
        fields = ("id", "name", "url", "logo_url", "description_en", "description_zh_hans", "status", "created_at")
        read_only_fields = fields


class SubscribeSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class SubscriptionTokenSerializer(serializers.Serializer):
    # Not trimmed: " " is a token that is not valid (404), not a missing one.
    token = serializers.CharField(
        max_length=500, trim_whitespace=False, help_text="The signed token from the e-mail's link."
    )


class SubscribeAnswerSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="The same answer whatever the address (no enumeration).")


class SubscriptionStateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active", "unsubscribed"])
    language = serializers.ChoiceField(choices=settings.LANGUAGES)


class SubscriberSerializer(serializers.ModelSerializer):
    """Editors only."""

    class Meta:
        model = Subscriber
        fields = ("id", "email", "language", "status", "confirmed_at", "emails_sent", "last_sent_at", "created_at")
        read_only_fields = fields
