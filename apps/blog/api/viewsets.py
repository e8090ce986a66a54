"""Viewsets: parse input, call one selector or service, render. Language: see language.py."""

import hashlib
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponseNotModified
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.filters import OrderingFilter
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response

from apps.blog import page_cache, selectors, services
from apps.blog.errors import AssistantUnavailable
from apps.blog.models import LANGUAGE_CODES, AIJob, KeyPoints, Post, PostRevision, Project, Section, Tag, lang_suffix
from apps.core.filters import StrictFilterBackend
from apps.core.schema import ErrorSerializer

from . import serializers as s
from .filters import AIJobFilter, PostFilter, PostSearchFilter
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
    *(f"{name}_{lang_suffix(code)}" for name in ("body_html", "toc_html", "search_text") for code in LANGUAGE_CODES),
    "body_html",
    "toc_html",
)


# What a reader's detail request reads before it knows whether the post's data is cached.
_ACCESS_FIELDS = ("id", "slug", "status", "published_at", "is_premium", "updated_at")


class NarrationUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Narration is unavailable."
    default_code = "narration_unavailable"


class AssistantUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The writing assistant is unavailable.")
    default_code = "assistant_unavailable"


class AssistantErrorsMixin:
    """A provider that cannot do the work (no key) is a 503 with the reason, in the API's error shape."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, AssistantUnavailable):
            exc = AssistantUnavailableError(detail=str(exc))
        return super().handle_exception(exc)  # type: ignore[misc]


AI_UNAVAILABLE = OpenApiResponse(ErrorSerializer, description="No provider can do this here (e.g. no QWEN_API_KEY).")


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
    AssistantErrorsMixin,
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
    filter_backends = (StrictFilterBackend, PostSearchFilter, OrderingFilter)
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

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The page's ids first, then each post's data from the fragment cache (`page_cache`); only the
        posts not cached are loaded and serialized. An item shows nothing of the caller (no body, no
        `locked`: `PostListSerializer`), so it is kept per post and language alone; who may see which post
        is decided by the id query, which runs every time."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset.values_list("pk", flat=True))
        if page is None:
            return Response(self.get_serializer(queryset, many=True).data)
        keys = {pk: f"api-post-item:{pk}:{self.language}" for pk in page}
        generation, found = page_cache.fragments_read(list(keys.values()))
        missing = [pk for pk, key in keys.items() if key not in found]
        if missing:
            for item in self.get_serializer(queryset.filter(pk__in=missing), many=True).data:
                found[keys[item["id"]]] = item
                page_cache.fragment_store(keys[item["id"]], generation, item)
        return self.get_paginated_response([found[key] for key in keys.values()])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if self.is_editor:
            post = self.get_object()
            response = Response(self.get_serializer(post).data)
            if post.is_live:
                response.page_object = ("post", post.pk)  # a read of this post (page_cache.py: `page_object`)
            return response
        # Readers see live posts only. A narrow row decides what they may read; the whole post is loaded
        # and serialized once per post, language, access level and generation (`page_cache.fragment`).
        post = self._reader_post()
        can_read = selectors.user_can_read_post(user=request.user, post=post)
        access = "full" if can_read else "teaser"
        generation, data = page_cache.fragment_with_generation(
            f"api-post:{post.pk}:{self.language}:{access}", lambda: self._reader_data(post.pk, can_read)
        )
        tag = f"{post.updated_at.isoformat()}:{generation}:{access}:{self.language}:{request.accepted_renderer.format}"
        etag = '"' + hashlib.md5(tag.encode(), usedforsecurity=False).hexdigest() + '"'
        if page_cache.etag_matches(request, etag):
            response: Any = HttpResponseNotModified()
        else:
            response = Response(data)
            response.page_object = ("post", post.pk)  # a read of this post (page_cache.py: `page_object`)
        response["ETag"] = etag
        return response

    def _reader_post(self) -> Post:
        """`get_object()` (same filters, 404 and permission checks) reading only what access depends on."""
        queryset = self.filter_queryset(self.get_queryset()).select_related(None).prefetch_related(None)
        post = get_object_or_404(queryset.only(*_ACCESS_FIELDS), slug=self.kwargs[self.lookup_field])
        self.check_object_permissions(self.request, post)
        return post

    def _reader_data(self, pk: int, can_read: bool) -> dict[str, Any]:
        post = self.get_queryset().get(pk=pk)
        context = {**self.get_serializer_context(), "_readable": {pk: can_read}}
        return dict(s.PostDetailSerializer(post, context=context).data)

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
        responses={
            202: s.NarrationJobSerializer,
            503: OpenApiResponse(ErrorSerializer, description="Nothing can speak on this site."),
        },
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

    # --- AI assistance (editors): translation drafts and key points -----------------------------

    def _translations(self, post: Post, status_code: int = status.HTTP_200_OK) -> Response:
        post = Post.objects.select_related("section").prefetch_related("tags", "key_points").get(pk=post.pk)
        return Response(s.PostTranslationsSerializer(s.post_translations_data(post)).data, status=status_code)

    @extend_schema(request=s.TranslateRequestSerializer, responses={202: s.AIJobSerializer, 503: AI_UNAVAILABLE})
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def translate(self, request: Request, slug: str | None = None) -> Response:
        """Queue a machine translation into `language` (an AIJob); the drafts then wait for review.

        503 when no translating provider is configured (`QWEN_API_KEY`), with the reason."""
        body = s.TranslateRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.translation_request(post=self.get_object(), by=request.user, **body.validated_data)
        return Response(s.AIJobSerializer(selectors.aijob_list().get(pk=job.pk)).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=s.KeyPointsRequestSerializer, responses={202: s.AIJobSerializer, 503: AI_UNAVAILABLE})
    @action(detail=True, methods=["post"], permission_classes=(IsEditor,))
    def summarize(self, request: Request, slug: str | None = None) -> Response:
        """Queue 3 to 5 key points in `language` (an AIJob): Qwen, or the local extractive summarizer."""
        body = s.KeyPointsRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = services.key_points_request(post=self.get_object(), by=request.user, **body.validated_data)
        return Response(s.AIJobSerializer(selectors.aijob_list().get(pk=job.pk)).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=s.PostTranslationsSerializer)
    @action(detail=True, methods=["get"], permission_classes=(IsEditor,))
    def translations(self, request: Request, slug: str | None = None) -> Response:
        """Per field and language: state (missing, machine_draft, reviewed, stale), source, published
        text and draft; the section's and tags' names; key points per language."""
        return self._translations(self.get_object())

    @extend_schema(request=s.DraftReviewSerializer, responses=s.PostTranslationsSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=(IsEditor,),
        url_path="translations/review",
        url_name="translations-review",
    )
    def review_translation(self, request: Request, slug: str | None = None) -> Response:
        """Accept a draft (its text, or `text` as corrected) into the reader field, or reject it."""
        post = self.get_object()
        body = s.DraftReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        draft = selectors.translation_drafts_for_post(post=post).filter(pk=body.validated_data["draft"]).first()
        if draft is None:
            raise serializers.ValidationError({"draft": [_("This post has no such draft.")]}, code="unknown_draft")
        if body.validated_data["decision"] == "accept":
            services.translation_draft_accept(draft=draft, by=request.user, text=body.validated_data.get("text"))
        else:
            services.translation_draft_reject(draft=draft, by=request.user)
        return self._translations(post)

    @extend_schema(request=s.AcceptAllSerializer, responses=s.PostTranslationsSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=(IsEditor,),
        url_path="translations/accept-all",
        url_name="translations-accept-all",
    )
    def accept_all_translations(self, request: Request, slug: str | None = None) -> Response:
        """Accept every draft waiting for review (in `language`, or all): one revision of the post."""
        post = self.get_object()
        body = s.AcceptAllSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.translation_drafts_accept_pending(
            post=post, by=request.user, language=body.validated_data.get("language")
        )
        return self._translations(post)

    @extend_schema(request=s.KeyPointsReviewSerializer, responses=s.PostTranslationsSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=(IsEditor,),
        url_path="key-points/review",
        url_name="key-points-review",
    )
    def review_key_points(self, request: Request, slug: str | None = None) -> Response:
        """Publish the key points of `language` (the draft's, or `points` as corrected), or reject them."""
        post = self.get_object()
        body = s.KeyPointsReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        record = KeyPoints.objects.filter(post=post, language=data["language"]).first()
        if record is None:
            raise serializers.ValidationError(
                {"language": [_("This post has no key points in this language yet.")]}, code="no_key_points"
            )
        if data["decision"] == "accept":
            services.key_points_accept(key_points=record, by=request.user, points=data.get("points"))
        else:
            services.key_points_reject(key_points=record, by=request.user)
        return self._translations(post)


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

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        response = Response(self.get_serializer(project).data)
        if project.is_published:
            response.page_object = ("project", project.pk)  # a read of this project (see PostViewSet)
        return response

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return s.ProjectListSerializer if self.action == "list" else s.ProjectDetailSerializer


class AIJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Editors: every AI job (translation, key points, narration), newest first, with a retry for failed ones."""

    serializer_class = s.AIJobSerializer
    permission_classes = (IsEditor,)
    filterset_class = AIJobFilter
    filter_backends = (StrictFilterBackend,)
    queryset = AIJob.objects.none()

    def get_queryset(self) -> QuerySet[AIJob]:
        return selectors.aijob_list()

    @extend_schema(request=None, responses=s.AIJobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        """Queue a failed job again (400 for a job that has not failed)."""
        job = services.aijob_requeue(job=self.get_object(), by=request.user)
        return Response(s.AIJobSerializer(selectors.aijob_list().get(pk=job.pk)).data)
