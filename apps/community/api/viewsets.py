"""Community API: comments (and the board), likes, bookmarks, reactions, e-mail preferences.
Viewsets parse input, call one selector or service, and render."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.blog.models import Post, Section
from apps.community import errors, selectors, services
from apps.community.models import Comment, FriendLink, Subscriber
from apps.core.net import client_ip

from . import serializers as s
from .permissions import (
    CommentRateThrottle,
    FriendLinkApplyThrottle,
    IsEditor,
    ReactionRateThrottle,
    SubscribeRateThrottle,
)


class CommunityErrorsMixin:
    """The app's refusals as API errors with their own message and code (403 `banned`,
    `edit_window_closed`, `commenting_closed`, `not_the_author`, `deleted`); validation errors are the
    core handler's 400s."""

    def handle_exception(self, exc: Exception) -> Response:
        refusals = (
            errors.CommentingClosed,
            errors.CommentingBanned,
            errors.EditWindowClosed,
            errors.NotTheAuthor,
            errors.CommentDeleted,
        )
        if isinstance(exc, refusals):
            exc = exceptions.PermissionDenied(detail=str(exc) or None, code=exc.code)
        return super().handle_exception(exc)  # type: ignore[misc]


TARGET_PARAMETERS = [
    OpenApiParameter("post", OpenApiTypes.STR, description="A post's slug: its comments."),
    OpenApiParameter(
        "target", OpenApiTypes.STR, enum=["post", "board"], description="`board`: the message board's messages."
    ),
    OpenApiParameter("board", OpenApiTypes.STR, description="A board section's slug (when there are several)."),
]


@extend_schema_view(
    list=extend_schema(parameters=TARGET_PARAMETERS),
    create=extend_schema(request=s.CommentCreateSerializer, responses={201: s.CommentSerializer}),
    partial_update=extend_schema(request=s.CommentUpdateSerializer, responses=s.CommentSerializer),
    update=extend_schema(request=s.CommentUpdateSerializer, responses=s.CommentSerializer),
)
class CommentViewSet(
    CommunityErrorsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Comments on posts and messages on the board, in thread order. Anyone reads what they may read
    (a premium post's comments: readers with access); signed-in users write; authors edit or delete
    their own for COMMUNITY_EDIT_MINUTES."""

    serializer_class = s.CommentSerializer
    permission_classes = (permissions.IsAuthenticatedOrReadOnly,)
    filter_backends = ()
    queryset = Comment.objects.none()

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            return [*super().get_throttles(), CommentRateThrottle()]
        return super().get_throttles()

    def _target(self, *, post: str | None, target: str | None, board: str | None) -> Post | Section:
        if post:
            found = selectors.post_for_comments(slug=post, user=self.request.user)
        elif target == "board" or board:
            found = selectors.board_get(slug=board)
        else:
            raise exceptions.ValidationError(
                {"post": [_("Give a post's slug in `post`, or `target=board` for the board.")]}, code="target"
            )
        if found is None:
            raise Http404
        return found

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        params = request.query_params
        found = self._target(post=params.get("post"), target=params.get("target"), board=params.get("board"))
        if isinstance(found, Post):
            comments = selectors.comment_list_for_api(viewer=request.user, post=found)
        else:
            comments = selectors.comment_list_for_api(viewer=request.user, board=found)
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(s.CommentSerializer(page, many=True, context={"request": request}).data)

    def get_object(self) -> Comment:
        pk = self.kwargs.get("pk", "")
        if not (pk.isascii() and pk.isdigit() and len(pk) < 19):
            raise Http404
        comment = selectors.comment_get_visible(pk=int(pk), viewer=self.request.user)
        if comment is None:
            raise Http404
        return comment

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.CommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        target = self._target(post=data.get("post"), target=data.get("target"), board=data.get("board"))
        parent = None
        if data.get("parent"):
            parent = selectors.comment_get_visible(pk=data["parent"], viewer=request.user)
            if parent is None:
                raise exceptions.ValidationError({"parent": [_("No such comment.")]}, code="invalid")
        comment = services.comment_create(
            user=request.user,
            target=target,
            body=data["body"],
            parent=parent,
            ip=client_ip(request._request),
            language=request.LANGUAGE_CODE,
        )
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.CommentUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        body.is_valid(raise_exception=True)
        comment = services.comment_edit(
            comment=self.get_object(), by=request.user, body=body.validated_data.get("body")
        )
        return Response(self.get_serializer(comment).data)

    def perform_destroy(self, instance: Comment) -> None:
        services.comment_delete(comment=instance, by=self.request.user)


class _PostToggleViewSet(CommunityErrorsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """List one's own (likes or bookmarks), add one (`POST {"post": slug}`, idempotent), remove one
    (`DELETE .../{slug}/`), or flip it (`POST .../toggle/`)."""

    permission_classes = (permissions.IsAuthenticated,)
    filter_backends = ()
    lookup_field = "post"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST" or self.request.method == "DELETE":
            return [*super().get_throttles(), ReactionRateThrottle()]
        return super().get_throttles()

    def _post(self, slug: str) -> Post:
        raise NotImplementedError

    def _set(self, post: Post, on: bool) -> bool:
        raise NotImplementedError

    def _state(self, post: Post, on: bool) -> dict[str, Any]:
        raise NotImplementedError

    def _current(self, post: Post) -> bool:
        raise NotImplementedError

    def _slug(self, request: Request) -> str:
        body = s.PostRefSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data["post"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self._post(self._slug(request))
        was = self._current(post)
        on = self._set(post, True)
        return Response(self._state(post, on), status=status.HTTP_200_OK if was else status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self._post(kwargs.get("post", ""))
        self._set(post, False)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _toggle(self, request: Request) -> Response:
        post = self._post(self._slug(request))
        on = self._set(post, not self._current(post))
        return Response(self._state(post, on))


@extend_schema_view(
    create=extend_schema(
        request=s.PostRefSerializer, responses={200: s.LikeStateSerializer, 201: s.LikeStateSerializer}
    ),
    destroy=extend_schema(responses={204: None}),
)
class LikeViewSet(_PostToggleViewSet):
    """The caller's likes (of posts they may read). One like per user per post; counts never drift."""

    serializer_class = s.LikeSerializer

    def get_queryset(self) -> Any:
        return selectors.like_list_own(user=self.request.user)

    def _post(self, slug: str) -> Post:
        post = selectors.post_for_comments(slug=slug, user=self.request.user)
        if post is None:
            raise Http404
        return post

    def _current(self, post: Post) -> bool:
        return selectors.post_reactions(post=post, user=self.request.user).liked

    def _set(self, post: Post, on: bool) -> bool:
        return services.like_set(user=self.request.user, post=post, liked=on)

    def _state(self, post: Post, on: bool) -> dict[str, Any]:
        count = selectors.post_reactions(post=post, user=self.request.user).like_count
        return s.LikeStateSerializer({"post": post.slug, "liked": on, "like_count": count}).data

    @extend_schema(request=s.PostRefSerializer, responses=s.LikeStateSerializer)
    @action(detail=False, methods=["post"])
    def toggle(self, request: Request) -> Response:
        """Like if not liked, else take the like back."""
        return self._toggle(request)


@extend_schema_view(
    create=extend_schema(
        request=s.PostRefSerializer, responses={200: s.BookmarkStateSerializer, 201: s.BookmarkStateSerializer}
    ),
    destroy=extend_schema(responses={204: None}),
)
class BookmarkViewSet(_PostToggleViewSet):
    """The caller's bookmarks ("My bookmarks"), newest first; posts taken down drop out of the list."""

    serializer_class = s.BookmarkSerializer

    def get_queryset(self) -> Any:
        return selectors.bookmark_list_own(user=self.request.user)

    def _post(self, slug: str) -> Post:
        post = selectors.post_for_bookmark(slug=slug, user=self.request.user)
        if post is None:
            raise Http404
        return post

    def _current(self, post: Post) -> bool:
        return selectors.post_reactions(post=post, user=self.request.user).bookmarked

    def _set(self, post: Post, on: bool) -> bool:
        return services.bookmark_set(user=self.request.user, post=post, bookmarked=on)

    def _state(self, post: Post, on: bool) -> dict[str, Any]:
        return s.BookmarkStateSerializer({"post": post.slug, "bookmarked": on}).data

    @extend_schema(request=s.PostRefSerializer, responses=s.BookmarkStateSerializer)
    @action(detail=False, methods=["post"])
    def toggle(self, request: Request) -> Response:
        """Bookmark if not bookmarked, else remove the bookmark."""
        return self._toggle(request)


class ReactionViewSet(viewsets.GenericViewSet):
    """A post's like and comment counts, and whether the caller liked or bookmarked it."""

    serializer_class = s.ReactionsSerializer
    permission_classes = (permissions.AllowAny,)
    filter_backends = ()
    lookup_field = "post"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    queryset = Post.objects.none()

    def retrieve(self, request: Request, post: str = "") -> Response:
        found = selectors.post_for_comments(slug=post, user=request.user)
        if found is None:
            raise Http404
        reactions = selectors.post_reactions(post=found, user=request.user)
        return Response(s.ReactionsSerializer({"post": found.slug, **reactions.__dict__}).data)


class NotificationPreferenceViewSet(viewsets.GenericViewSet):
    """The caller's comment e-mails: replies to their comments, comments on their posts."""

    serializer_class = s.NotificationPreferenceSerializer
    permission_classes = (permissions.IsAuthenticated,)
    filter_backends = ()
    queryset = Comment.objects.none()

    @extend_schema(methods=["GET"], responses=s.NotificationPreferenceSerializer)
    @extend_schema(
        methods=["PATCH"], request=s.NotificationPreferenceSerializer, responses=s.NotificationPreferenceSerializer
    )
    @action(detail=False, methods=["get", "patch"])
    def me(self, request: Request) -> Response:
        if request.method == "PATCH":
            body = s.NotificationPreferenceSerializer(data=request.data, partial=True)
            body.is_valid(raise_exception=True)
            preference = services.notification_preference_update(user=request.user, **body.validated_data)
        else:
            preference = selectors.notification_preference_get(user=request.user)
        return Response(s.NotificationPreferenceSerializer(preference).data)


# --- Friend links and the newsletter (reach) --------------------------------------------------------


@extend_schema_view(
    create=extend_schema(request=s.FriendLinkApplySerializer, responses={201: s.FriendLinkApplicationSerializer}),
)
class FriendLinkViewSet(CommunityErrorsMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Approved friend links (featured first) for everyone; signed-in users apply (hidden until an
    editor approves it in the moderation queue)."""

    serializer_class = s.FriendLinkSerializer
    permission_classes = (permissions.IsAuthenticatedOrReadOnly,)
    filter_backends = ()
    queryset = FriendLink.objects.none()

    def get_queryset(self) -> Any:
        return selectors.friend_link_list_public()

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            return [*super().get_throttles(), FriendLinkApplyThrottle()]
        return super().get_throttles()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.FriendLinkApplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        link = services.friend_link_apply(user=request.user, **data.validated_data)
        return Response(s.FriendLinkApplicationSerializer(link).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(description="Editors only: every subscriber, newest first."),
    create=extend_schema(
        request=s.SubscribeSerializer,
        responses={202: s.SubscribeAnswerSerializer},
        description="Subscribe: a confirmation e-mail goes to the address. The same 202 answer whether "
        "the address is new, waiting or already subscribed.",
    ),
)
class SubscriberViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The newsletter: subscribe (anyone), confirm and unsubscribe by the signed token of the e-mail
    (anyone holding it), the list (editors only)."""

    serializer_class = s.SubscriberSerializer
    filter_backends = ()
    queryset = Subscriber.objects.none()

    def get_permissions(self) -> list[Any]:
        if self.action == "list":
            return [IsEditor()]
        return [permissions.AllowAny()]

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            return [*super().get_throttles(), SubscribeRateThrottle()]
        return super().get_throttles()

    def get_queryset(self) -> Any:
        return selectors.subscriber_list()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.SubscribeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        language = data.validated_data.get("language") or getattr(request, "LANGUAGE_CODE", "") or "en"
        services.subscriber_subscribe(email=data.validated_data["email"], language=language)
        detail = _("Thank you! If this address is not subscribed yet, a confirmation e-mail is on its way.")
        return Response({"detail": detail}, status=status.HTTP_202_ACCEPTED)

    def _by_token(self, request: Request, apply: Any) -> Response:
        data = s.SubscriptionTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscriber = apply(token=data.validated_data["token"])
        if subscriber is None:
            # A well-formed request naming no subscription (a token not ours, or expired): "not found",
            # like any other object the caller cannot name; the schema's `token` is any string.
            raise exceptions.NotFound(_("This link is not valid or has expired."), code="invalid_token")
        return Response({"status": subscriber.status, "language": subscriber.language})

    @extend_schema(request=s.SubscriptionTokenSerializer, responses=s.SubscriptionStateSerializer)
    @action(detail=False, methods=["post"])
    def confirm(self, request: Request) -> Response:
        """Confirm a subscription with the token of the confirmation e-mail."""
        return self._by_token(request, services.subscriber_confirm)

    @extend_schema(request=s.SubscriptionTokenSerializer, responses=s.SubscriptionStateSerializer)
    @action(detail=False, methods=["post"])
    def unsubscribe(self, request: Request) -> Response:
        """Unsubscribe with the token of any newsletter e-mail (never by address alone)."""
        return self._by_token(request, services.subscriber_unsubscribe)
