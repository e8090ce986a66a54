"""Viewsets: parse input, call one selector or service, render. Language: see language.py."""

from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from apps.blog import selectors, services
from apps.blog.models import LANGUAGE_CODES, Post, PostRevision, Project, Section, Tag, lang_suffix

from . import serializers as s
from .filters import PostFilter, PostSearchFilter
from .language import LanguageMixin
from .permissions import IsEditor, IsEditorOrReadOnly

LANG_PARAMETER = OpenApiParameter(
    "lang",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["en", "zh-hans"],
    description="Response language; without it, Accept-Language decides.",
)
# Rendered HTML of every language is only needed on the detail page (the Markdown sources tell
# the list's `translation_status` which languages a post is written in).
_LIST_DEFERRED = (
    *(f"{name}_{lang_suffix(code)}" for name in ("body_html", "toc_html") for code in LANGUAGE_CODES),
    "body_html",
    "toc_html",
)


class WriteThrottleMixin:
    """Unsafe methods count against the "write" throttle scope."""

    def get_throttles(self) -> list[Any]:
        if self.request.method not in SAFE_METHODS:  # type: ignore[attr-defined]
            self.throttle_scope = "write"
        return super().get_throttles()  # type: ignore[misc]


@extend_schema_view(
    list=extend_schema(parameters=[LANG_PARAMETER]),
    retrieve=extend_schema(parameters=[LANG_PARAMETER], responses=s.PostDetailResponseSerializer),
    create=extend_schema(request=s.PostWriteSerializer, responses={201: s.PostEditorSerializer}),
    update=extend_schema(request=s.PostWriteSerializer, responses=s.PostEditorSerializer),
    partial_update=extend_schema(request=s.PostWriteSerializer, responses=s.PostEditorSerializer),
)
class PostViewSet(
    LanguageMixin,
    WriteThrottleMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts. The public sees live posts; editors see and write every status."""

    lookup_field = "slug"
    permission_classes = (IsEditorOrReadOnly,)
    filterset_class = PostFilter
    # `?search=` follows the search page's rule (PostSearchFilter), not DRF's per-field search.
    filter_backends = (DjangoFilterBackend, PostSearchFilter, OrderingFilter)
    ordering_fields = ("published_at", "updated_at", "created_at")
    queryset = Post.objects.none()  # for the schema; get_queryset() asks the selectors

    @property
    def is_editor(self) -> bool:
        return selectors.user_is_editor(self.request.user)

    def get_queryset(self) -> QuerySet[Post]:
        qs = selectors.post_list_visible(user=self.request.user)
        if self.action == "list":
            # Related rows by prefetch, not joins: a join makes SQLite sort every live post's wide
            # joined row before the LIMIT.
            qs = qs.defer(*_LIST_DEFERRED).select_related(None).prefetch_related("section", "author", "cover")
        return qs

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action in ("create", "update", "partial_update"):
            return s.PostWriteSerializer
        if self.action == "list":
            return s.PostListSerializer
        return s.PostEditorSerializer if self.is_editor else s.PostDetailSerializer

    def _editor_view(self, post: Post, status_code: int = status.HTTP_200_OK) -> Response:
        post = selectors.post_list_visible(user=self.request.user).get(pk=post.pk)
        context = self.get_serializer_context()
        return Response(s.PostEditorSerializer(post, context=context).data, status=status_code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.PostWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        post = services.post_create(by=request.user, data=serializer.validated_data)
        return self._editor_view(post, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        serializer = s.PostWriteSerializer(
            post, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        post = services.post_update(post=post, by=request.user, data=serializer.validated_data)
        return self._editor_view(post)

    @extend_schema(request=s.PostPublishSerializer, responses=s.PostEditorSerializer)
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def publish(self, request: Request, slug: str | None = None) -> Response:
        """Publish now (a past `at` backdates; a future `at` schedules)."""
        body = s.PostPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        post = services.post_publish(post=self.get_object(), by=request.user, at=body.validated_data.get("at"))
        return self._editor_view(post)

    @extend_schema(request=None, responses=s.PostEditorSerializer)
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def unpublish(self, request: Request, slug: str | None = None) -> Response:
        """Back to draft."""
        return self._editor_view(services.post_unpublish(post=self.get_object(), by=request.user))

    @extend_schema(request=s.PostScheduleSerializer, responses=s.PostEditorSerializer)
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def schedule(self, request: Request, slug: str | None = None) -> Response:
        """Go live at `at` (in the future); no cron needed."""
        body = s.PostScheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        post = services.post_schedule(post=self.get_object(), by=request.user, at=body.validated_data["at"])
        return self._editor_view(post)

    @extend_schema(request=None, responses=s.PostRevisionPageSerializer)
    @action(detail=True, methods=["get"], permission_classes=(IsEditor,))
    def revisions(self, request: Request, slug: str | None = None) -> Response:
        """The post's revisions, newest first (paginated)."""
        post = self.get_object()
        qs = PostRevision.objects.filter(post=post).select_related("created_by").order_by("-created_at", "-id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.PostRevisionSerializer(page, many=True).data)

    @extend_schema(request=s.PostRestoreSerializer, responses=s.PostEditorSerializer)
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def restore(self, request: Request, slug: str | None = None) -> Response:
        """Put one of the post's revisions back (text, SEO, section, tags; the status is kept)."""
        post = self.get_object()
        body = s.PostRestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revision = PostRevision.objects.filter(post=post, pk=body.validated_data["revision"]).first()
        if revision is None:
            raise serializers.ValidationError(
                {"revision": [_("This post has no such revision.")]}, code="unknown_revision"
            )
        return self._editor_view(services.post_revision_restore(revision=revision, by=request.user))

    # --- Narration (issue 13) ---

    @extend_schema(
        request=s.PostNarrateSerializer,
        responses={202: s.NarrationJobSerializer, 503: OpenApiTypes.OBJECT},
        description="Queue the narration of the post in one language (editors). Answers the job; 503 with "
        "the reason when nothing can speak on this site (no Azure key and no espeak-ng).",
    )
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def narrate(self, request: Request, slug: str | None = None) -> Response:
        """Narrate the post in `language` (default: its source language); regenerated only when its text changed."""
        post = self.get_object()
        body = s.PostNarrateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason = selectors.narration_unavailable_reason()
        if reason:
            raise NarrationUnavailable(reason)
        language = body.validated_data.get("language") or post.source_language
        job = services.post_narration_request(post=post, language=language, by=request.user)
        return Response(s.NarrationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=s.PostNarrationSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=())
    def narrations(self, request: Request, slug: str | None = None) -> Response:
        """The post's narrations the caller may play (none of a premium post without access)."""
        post = self.get_object()
        can_read = selectors.user_can_read_post(user=request.user, post=post)
        players = [
            selectors.post_narration_for_reader(post=post, language=code, user=request.user, can_read=can_read)
            for code in LANGUAGE_CODES
        ]
        data = [{**asdict(p), "url": request.build_absolute_uri(p.url)} for p in players if p is not None]
        return Response(s.PostNarrationSerializer(data, many=True).data)


class NarrationUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Narration is unavailable."
    default_code = "narration_unavailable"


@extend_schema_view(
    list=extend_schema(parameters=[LANG_PARAMETER], responses=s.SectionSerializer(many=True)),
    retrieve=extend_schema(parameters=[LANG_PARAMETER]),
)
class SectionViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Active sections as a tree: the list holds the top level, each with its `children` nested."""

    serializer_class = s.SectionSerializer
    lookup_field = "slug"
    pagination_class = None
    filter_backends = ()
    queryset = Section.objects.none()

    def get_queryset(self) -> QuerySet[Section]:
        return selectors.section_list_active()

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        children: dict[int | None, list[Section]] = {}
        for section in self.get_queryset():
            children.setdefault(section.parent_id, []).append(section)
        context["children"] = children
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        context = self.get_serializer_context()
        roots = context["children"].get(None, [])
        return Response(s.SectionSerializer(roots, many=True, context=context).data)


@extend_schema_view(
    list=extend_schema(parameters=[LANG_PARAMETER]), retrieve=extend_schema(parameters=[LANG_PARAMETER])
)
class TagViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Tags with at least one live post (and how many)."""

    serializer_class = s.TagSerializer
    lookup_field = "slug"
    filter_backends = ()
    queryset = Tag.objects.none()

    def get_queryset(self) -> Any:
        return selectors.tag_list_used()


@extend_schema_view(
    list=extend_schema(parameters=[LANG_PARAMETER]), retrieve=extend_schema(parameters=[LANG_PARAMETER])
)
class ProjectViewSet(LanguageMixin, viewsets.ReadOnlyModelViewSet):
    """Published projects (editors see all). The attachment is never linked here."""

    lookup_field = "slug"
    filter_backends = ()
    queryset = Project.objects.none()

    def get_queryset(self) -> Any:
        return selectors.project_list_visible(user=self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.ProjectListSerializer if self.action == "list" else s.ProjectDetailSerializer
