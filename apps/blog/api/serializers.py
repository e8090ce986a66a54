"""Read serializers (what clients see, in the request's language) and write serializers (what editors send).

Read serializers are answers, never input: every field is read-only, so the schema marks each one
required (it is always present), and nullable exactly where the answer can be null.
`apps/blog/tests/test_schema.py` validates real answers against the generated schema.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.blog import selectors
from apps.blog.assistant import translation_unavailable_reason
from apps.blog.models import (
    LANGUAGE_CODES,
    AIJob,
    Post,
    PostRevision,
    Project,
    ReviewState,
    Section,
    Tag,
    TranslationDraft,
    lang_suffix,
)
from apps.blog.selectors import TRANSLATION_FIELD_STATES
from apps.blog.seo import author_name
from apps.blog.services import TRANSLATE_FIELD_CHOICES, TRANSLATED_FIELDS

TRANSLATION_STATES = ("complete", "fallback", "missing")

# The language an answer is in (`?lang=` / Accept-Language). A pattern, not an enum: drf-spectacular
# would name a second enum component for the choice set `source_language` already names.
LANGUAGE_FIELD = {"type": "string", "pattern": "^(" + "|".join(LANGUAGE_CODES) + ")$"}


@extend_schema_field(LANGUAGE_FIELD)
class LanguageCodeField(serializers.CharField):
    pass


# A blank URL field answers "", which is no URI: "a URI or empty" (anyOf, since "" may pass both
# branches with validators that do not check formats, which would break drf-spectacular's oneOf).
@extend_schema_field({"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]})
class OptionalUrlField(serializers.URLField):
    pass


# --- small nested shapes ------------------------------------------------------------------------


class SectionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ("id", "slug", "name", "type")
        read_only_fields = fields


class TagBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ("id", "slug", "name")
        read_only_fields = fields


class CoverSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = serializers.CharField(read_only=True, allow_null=True, help_text=_("Null for a private file."))
    alt = serializers.CharField(read_only=True)
    width = serializers.IntegerField(read_only=True, allow_null=True)
    height = serializers.IntegerField(read_only=True, allow_null=True)


def cover_data(asset: Any) -> dict[str, Any] | None:
    """A public cover's URL and size; a private asset's URL is never shown."""
    if asset is None:
        return None
    public = asset.visibility == asset.Visibility.PUBLIC and bool(asset.file)
    return {
        "id": asset.pk,
        "url": asset.file.url if public else None,
        "alt": asset.alt_text,
        "width": asset.width,
        "height": asset.height,
    }


class TranslationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TRANSLATION_STATES, read_only=True)
    shown_language = LanguageCodeField(read_only=True)
    missing_fields = serializers.ListField(child=serializers.CharField(), read_only=True)


# --- posts: read --------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _when(field: serializers.Field, value: Any) -> Any:
    return None if value is None else field.to_representation(value)


class PostListSerializer(serializers.ModelSerializer):
    section = SectionBriefSerializer(read_only=True, allow_null=True)
    tags = TagBriefSerializer(many=True, read_only=True)
    author = serializers.SerializerMethodField()
    cover = serializers.SerializerMethodField()
    reading_time = serializers.IntegerField(read_only=True)
    language = serializers.SerializerMethodField()
    translation_status = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = (
            "id",
            "slug",
            "title",
            "summary",
            "section",
            "tags",
            "author",
            "cover",
            "status",
            "published_at",
            "updated_at",
            "is_featured",
            "is_premium",
            "reading_time",
            "source_language",
            "language",
            "translation_status",
        )
        read_only_fields = fields

    def to_representation(self, post: Post) -> dict[str, Any]:
        """The same data as the declared fields give, built directly: DRF's per-field machinery
        (17 fields and two nested serializers per post, 20 posts a page) was a third of a list request.
        Subclasses (detail, editor) go through the declared fields as usual."""
        if type(self) is not PostListSerializer:
            return super().to_representation(post)
        fields = self.fields
        section = post.section
        return {
            "id": post.pk,
            "slug": post.slug,
            "title": _text(post.title),
            "summary": _text(post.summary),
            "section": None
            if section is None
            else {"id": section.pk, "slug": section.slug, "name": _text(section.name), "type": section.type},
            "tags": [{"id": tag.pk, "slug": tag.slug, "name": _text(tag.name)} for tag in post.tags.all()],
            "author": self.get_author(post),
            "cover": self.get_cover(post),
            "status": fields["status"].to_representation(post.status),
            "published_at": _when(fields["published_at"], post.published_at),
            "updated_at": _when(fields["updated_at"], post.updated_at),
            "is_featured": bool(post.is_featured),
            "is_premium": bool(post.is_premium),
            "reading_time": None if post.reading_time is None else int(post.reading_time),
            "source_language": fields["source_language"].to_representation(post.source_language),
            "language": self.get_language(post),
            "translation_status": self.get_translation_status(post),
        }

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, post: Post) -> str | None:
        """The author label every page and feed shows (never an e-mail address); null without an author."""
        return author_name(post.author) or None

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, post: Post) -> dict[str, Any] | None:
        return cover_data(post.cover)

    @extend_schema_field(LANGUAGE_FIELD)
    def get_language(self, post: Post) -> str:
        return self.context["language"]

    @extend_schema_field(TranslationStatusSerializer)
    def get_translation_status(self, post: Post) -> dict[str, Any]:
        state = selectors.translation_status(post=post, language=self.context["language"])
        return {
            "status": state.status,
            "shown_language": state.shown_language,
            "missing_fields": list(state.missing_fields),
        }


class PostDetailSerializer(PostListSerializer):
    """The body is omitted (null, `locked: true`) for premium posts the caller has no grant for.

    `key_points`: the reviewed key points in the answer's language (never an unreviewed draft)."""

    body_html = serializers.SerializerMethodField()
    toc_html = serializers.SerializerMethodField()
    locked = serializers.SerializerMethodField()
    key_points = serializers.SerializerMethodField()

    class Meta(PostListSerializer.Meta):
        fields = (
            *PostListSerializer.Meta.fields,
            "seo_title",
            "seo_description",
            "seo_keywords",
            "price",
            "currency",
            "locked",
            "body_html",
            "toc_html",
            "key_points",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_key_points(self, post: Post) -> list[str]:
        return selectors.post_key_points(post=post, language=self.context["language"])

    def _readable(self, post: Post) -> bool:
        cache = self.context.setdefault("_readable", {})
        if post.pk not in cache:
            cache[post.pk] = selectors.user_can_read_post(user=self.context["request"].user, post=post)
        return cache[post.pk]

    def get_locked(self, post: Post) -> bool:
        return not self._readable(post)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_body_html(self, post: Post) -> str | None:
        return post.body_html if self._readable(post) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_toc_html(self, post: Post) -> str | None:
        return post.toc_html if self._readable(post) else None


def _translated(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{name}_{lang_suffix(code)}" for name in names for code in LANGUAGE_CODES)


class PostEditorSerializer(PostDetailSerializer):
    """What editors see: every language's source fields, as they would write them back."""

    class Meta(PostDetailSerializer.Meta):
        fields = (*PostDetailSerializer.Meta.fields, *_translated(TRANSLATED_FIELDS))
        read_only_fields = fields


class PostDetailResponseSerializer(PostDetailSerializer):
    """Schema only: `GET /posts/{slug}/` answers `PostDetail` to everyone and `PostEditor` to editors,
    i.e. the detail plus every language's source fields, present for editors only."""

    class Meta(PostDetailSerializer.Meta):
        fields = PostEditorSerializer.Meta.fields
        read_only_fields = PostDetailSerializer.Meta.fields
        extra_kwargs = {
            name: {"required": False, "help_text": _("Editors only: the source text in one language.")}
            for name in _translated(TRANSLATED_FIELDS)
        }


# --- posts: write -------------------------------------------------------------------------------


class PostWriteSerializer(serializers.ModelSerializer):
    """Create/update input. Status moves go through the publish/unpublish/schedule actions."""

    section = serializers.PrimaryKeyRelatedField(queryset=Section.objects.all(), allow_null=True, required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60),
        required=False,
        help_text=_("Tag names or slugs; new names are created."),
    )

    class Meta:
        model = Post
        fields = (
            *_translated(TRANSLATED_FIELDS),
            "slug",
            "source_language",
            "section",
            "cover",
            "tags",
            "is_featured",
            "is_premium",
            "price",
            "currency",
        )
        extra_kwargs = {"slug": {"required": False}}
        # Rules about the post itself (a title in the source language, each body's size) are the
        # model's, checked by the services: the admin gives the same messages.


class PostScheduleSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text=_("When the post goes live (must be in the future)."))


class PostPublishSerializer(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False, help_text=_("Optional: a past time backdates; a future time schedules.")
    )


class PostRestoreSerializer(serializers.Serializer):
    revision = serializers.IntegerField(help_text=_("The id of one of this post's revisions."))


class PostRevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()

    class Meta:
        model = PostRevision
        fields = ("id", "created_at", "created_by", "note", "data")
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, revision: PostRevision) -> str | None:
        user = revision.created_by
        return (getattr(user, "display_name", "") or str(user)) if user else None


class PostRevisionPageSerializer(serializers.Serializer):
    """The paginated envelope of the revisions action (for the schema)."""

    count = serializers.IntegerField(read_only=True)
    next = serializers.URLField(read_only=True, allow_null=True)
    previous = serializers.URLField(read_only=True, allow_null=True)
    results = PostRevisionSerializer(many=True, read_only=True)


# --- sections, tags, projects -------------------------------------------------------------------


class SectionSerializer(serializers.ModelSerializer):
    """A section with its child sections nested (the whole tree from one query)."""

    children = serializers.SerializerMethodField()
    language = serializers.SerializerMethodField()

    class Meta:
        model = Section
        fields = (
            "id",
            "slug",
            "type",
            "name",
            "description",
            "seo_title",
            "seo_description",
            "order",
            "parent",
            "children",
            "language",
        )
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"$ref": "#/components/schemas/Section"}})
    def get_children(self, section: Section) -> list[dict[str, Any]]:
        kids = self.context.get("children", {}).get(section.pk, [])
        return SectionSerializer(kids, many=True, context=self.context).data

    @extend_schema_field(LANGUAGE_FIELD)
    def get_language(self, section: Section) -> str:
        return self.context["language"]


class TagSerializer(serializers.ModelSerializer):
    post_count = serializers.IntegerField(read_only=True, default=None)
    language = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ("id", "slug", "name", "post_count", "language")
        read_only_fields = fields

    @extend_schema_field(LANGUAGE_FIELD)
    def get_language(self, tag: Tag) -> str:
        return self.context["language"]


class ProjectListSerializer(serializers.ModelSerializer):
    section = SectionBriefSerializer(read_only=True, allow_null=True)
    cover = serializers.SerializerMethodField()
    repository_url = OptionalUrlField(read_only=True)
    demo_url = OptionalUrlField(read_only=True)
    language = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = (
            "id",
            "slug",
            "title",
            "description",
            "type",
            "cover",
            "repository_url",
            "demo_url",
            "section",
            "order",
            "price",
            "currency",
            "is_for_sale",
            "language",
        )
        read_only_fields = fields

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, project: Project) -> dict[str, Any] | None:
        return cover_data(project.cover)

    @extend_schema_field(LANGUAGE_FIELD)
    def get_language(self, project: Project) -> str:
        return self.context["language"]


class ProjectDetailSerializer(ProjectListSerializer):
    """`can_download`: whether the caller may fetch the private attachment (the file itself is never linked)."""

    can_download = serializers.SerializerMethodField()

    class Meta(ProjectListSerializer.Meta):
        fields = (*ProjectListSerializer.Meta.fields, "body_html", "can_download")
        read_only_fields = fields

    def get_can_download(self, project: Project) -> bool:
        return bool(project.attachment_id) and selectors.user_can_download_project(
            user=self.context["request"].user, project=project
        )


# --- Narration (issue 13) ------------------------------------------------------------------------


class PostNarrateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=LANGUAGE_CODES,
        required=False,
        help_text=_("Which language to narrate; default: the post's source language."),
    )


class NarrationJobSerializer(serializers.ModelSerializer):
    """The narration job (`AIJob`, kind "narrate"): poll it until `status` is done or failed."""

    post = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AIJob
        fields = (
            "id",
            "kind",
            "post",
            "language",
            "status",
            "progress",
            "error",
            "provider",
            "model_name",
            "tokens_used",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        )
        read_only_fields = fields
        extra_kwargs = {
            "progress": {"help_text": _("Percent done.")},
            "model_name": {"help_text": _("For a narration: the voice.")},
            "tokens_used": {"help_text": _("For a narration: the characters spoken.")},
        }


class PostNarrationSerializer(serializers.Serializer):
    """A narration the caller may play: the URL is public for free posts, signed for the caller (and
    short-lived) for premium ones."""

    language = serializers.CharField()
    url = serializers.CharField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField(help_text=_("Bytes."))
    duration = serializers.FloatField(help_text=_("Seconds."))
    provider = serializers.CharField()
    voice = serializers.CharField()


# --- AI assistance: jobs, translation drafts, key points (editors) ----------------------------------


class AIJobSerializer(serializers.ModelSerializer):
    """One translation, key-points or narration run: progress, error, provider, tokens, timings."""

    post = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = AIJob
        fields = (
            "id",
            "kind",
            "post",
            "language",
            "status",
            "progress",
            "error",
            "provider",
            "model_name",
            "tokens_used",
            "attempts",
            "options",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
        )
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}},
            "required": ["id", "slug"],
        }
    )
    def get_post(self, job: AIJob) -> dict[str, Any]:
        return {"id": job.post_id, "slug": job.post.slug}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_requested_by(self, job: AIJob) -> str | None:
        return author_name(job.requested_by) or None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_duration_seconds(self, job: AIJob) -> float | None:
        return round(job.duration.total_seconds(), 3) if job.duration is not None else None


class TranslateRequestSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text=_("Target language; default: the one the post lacks.")
    )
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=TRANSLATE_FIELD_CHOICES),
        required=False,
        max_length=len(TRANSLATE_FIELD_CHOICES),
        help_text=_(
            "Translate exactly these (\"names\": the section's and tags' names), whatever their state; "
            "default: every field whose translation is missing or stale."
        ),
    )
    only_stale = serializers.BooleanField(
        default=False, help_text=_('Translate again only the fields whose source changed ("Regenerate stale").')
    )


class KeyPointsRequestSerializer(serializers.Serializer):
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text=_("Default: the post's source language.")
    )
    force = serializers.BooleanField(default=False, help_text=_("Write them again even if the body is unchanged."))


class TranslationDraftBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = TranslationDraft
        fields = ("id", "text", "state", "provider", "model_name", "translated_at", "job", "reviewed_at")
        read_only_fields = fields


class FieldStateSerializer(serializers.Serializer):
    target = serializers.ChoiceField(choices=("post", "tag", "section"), read_only=True)
    target_id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    field = serializers.CharField(read_only=True)
    language = LanguageCodeField(read_only=True)
    state = serializers.ChoiceField(choices=TRANSLATION_FIELD_STATES, read_only=True)
    source_text = serializers.CharField(read_only=True)
    published_text = serializers.CharField(read_only=True)
    draft = TranslationDraftBriefSerializer(read_only=True, allow_null=True)


class KeyPointsStateSerializer(serializers.Serializer):
    language = LanguageCodeField(read_only=True)
    state = serializers.ChoiceField(choices=TRANSLATION_FIELD_STATES, read_only=True)
    text_language = LanguageCodeField(read_only=True)
    id = serializers.IntegerField(read_only=True, allow_null=True)
    review = serializers.ChoiceField(choices=ReviewState.choices, read_only=True, allow_null=True)
    points = serializers.ListField(child=serializers.CharField(), read_only=True)
    published_points = serializers.ListField(child=serializers.CharField(), read_only=True)
    provider = serializers.CharField(read_only=True)
    model_name = serializers.CharField(read_only=True)
    generated_at = serializers.DateTimeField(read_only=True, allow_null=True)


class PostTranslationsSerializer(serializers.Serializer):
    """Everything an editor reviews for a post: field states with drafts, key points, availability."""

    source_language = LanguageCodeField(read_only=True)
    translation_available = serializers.BooleanField(read_only=True)
    unavailable_reason = serializers.CharField(read_only=True)
    fields = FieldStateSerializer(many=True, read_only=True)
    key_points = KeyPointsStateSerializer(many=True, read_only=True)


def post_translations_data(post: Post) -> dict[str, Any]:
    reason = translation_unavailable_reason()
    key_points = []
    for item in selectors.key_points_states(post=post):
        record = item.record
        key_points.append(
            {
                "language": item.language,
                "state": item.state,
                "text_language": item.text_language,
                "id": record.pk if record else None,
                "review": record.state if record else None,
                "points": list(record.points) if record else [],
                "published_points": list(record.published_points) if record else [],
                "provider": record.provider if record else "",
                "model_name": record.model_name if record else "",
                "generated_at": record.generated_at if record else None,
            }
        )
    fields = [*selectors.translation_states(post=post), *selectors.translation_name_states(post=post)]
    return {
        "source_language": post.source_language,
        "translation_available": not reason,
        "unavailable_reason": reason,
        "fields": [{**vars(state), "draft": state.draft} for state in fields],
        "key_points": key_points,
    }


class DraftReviewSerializer(serializers.Serializer):
    draft = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("The id of one of the post's drafts (see GET translations).")
    )
    decision = serializers.ChoiceField(choices=("accept", "reject"))
    text = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text=_("Accept this text instead of the draft's.")
    )


class AcceptAllSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)


class KeyPointsReviewSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=settings.LANGUAGES)
    decision = serializers.ChoiceField(choices=("accept", "reject"))
    points = serializers.ListField(
        child=serializers.CharField(max_length=300),
        required=False,
        max_length=5,
        help_text=_("Accept these points instead of the draft's (one to five)."),
    )
