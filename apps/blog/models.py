"""The blog's data: sections, tags, posts, projects, revisions, access grants and preview links.

Bilingual fields are registered in `translation.py`; django-modeltranslation adds a column per
language (`title_en`, `title_zh_hans`, …) and makes `post.title` read the active language with a
fallback to the other one.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel

from .errors import IllegalTransition
from .slugs import slug_from_text, unique_slug

LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)  # ("en", "zh-hans")
# A post's fields written per language (and translated by the assistant, in this order).
TRANSLATED_POST_FIELDS = ("title", "summary", "body", "seo_title", "seo_description", "seo_keywords")


def lang_suffix(language: str) -> str:
    """`zh-hans` → `zh_hans`: the suffix modeltranslation uses for its columns."""
    return language.replace("-", "_")


class SlugMixin(models.Model):
    """A unique ASCII slug made from the English title, else the pinyin of the Chinese one.

    An editor may type a slug; a taken one gets a `-2`, `-3`… suffix. Two writers racing for the
    same slug both succeed: the loser of the unique index retries with a short random suffix.
    """

    slug_max_length = 80

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "slug" not in update_fields:
            super().save(*args, **kwargs)  # a partial save (e.g. a status flip) leaves the slug alone
            return
        explicit = self.slug
        for attempt in range(5):
            base = slug_from_text(explicit, *self.slug_sources(), max_length=self.slug_max_length)
            if attempt == 0:
                self.slug = unique_slug(type(self), base, exclude_pk=self.pk, max_length=self.slug_max_length)
            else:
                # A concurrent writer took it; our transaction's snapshot may not even show that row.
                self.slug = f"{(base or 'item')[: self.slug_max_length - 6]}-{secrets.token_hex(2)}"
            try:
                with transaction.atomic():
                    super().save(*args, **kwargs)
                return
            except IntegrityError as exc:
                if "slug" not in str(exc).lower() or attempt == 4:
                    raise

    def slug_sources(self) -> list[str]:
        raise NotImplementedError


class Section(SlugMixin, TimeStampedModel):
    class Type(models.TextChoices):
        BLOG = "blog", _("Blog")
        PROJECTS = "projects", _("Projects")
        BOARD = "board", _("Message board")
        FRIENDS = "friends", _("Friends")
        ABOUT = "about", _("About")

    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.BLOG, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    seo_title = models.CharField(_("SEO title"), max_length=200, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name or self.slug

    def slug_sources(self) -> list[str]:
        return [self.name_en, self.name_zh_hans]

    def clean(self) -> None:
        super().clean()
        node, seen = self.parent, set()
        while node is not None:
            if (self.pk is not None and node.pk == self.pk) or node.pk in seen:
                raise ValidationError({"parent": _("A section cannot be its own ancestor.")})
            seen.add(node.pk)
            node = node.parent


class Tag(SlugMixin, TimeStampedModel):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, blank=True)
    # Shown on the tag's page, above its posts.
    description = models.TextField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ("slug",)

    def __str__(self) -> str:
        return self.name or self.slug

    def slug_sources(self) -> list[str]:
        return [self.name_en, self.name_zh_hans]


# An ISO 4217 code (any case; saved in capitals).
CURRENCY_CODE = RegexValidator(r"^[A-Za-z]{3}\Z", _("Enter a three-letter currency code, e.g. NZD."), code="currency")


def default_currency() -> str:
    """`DEFAULT_CURRENCY` (NZD unless set): the currency a new project or premium post is priced in."""
    return settings.DEFAULT_CURRENCY


def same_second(a: Any, b: Any) -> bool:
    """Equal to the second: a form's date widgets drop microseconds, so an untouched time still compares equal."""
    if a is None or b is None:
        return a is b
    return a.replace(microsecond=0) == b.replace(microsecond=0)


class RenderedBodyMixin(models.Model):
    """Renders the Markdown `body` of every language to sanitized HTML (+ TOC, reading time) on save."""

    class Meta:
        abstract = True

    def render_bodies(self, update_fields: Any = None) -> list[str]:
        """Render every language; returns the derived fields set (none when a partial save skips bodies)."""
        from .rendering import render_markdown

        if update_fields is not None and not any(f.startswith("body") for f in update_fields):
            return []
        derived = []
        for language in LANGUAGE_CODES:
            suffix = lang_suffix(language)
            result = render_markdown(getattr(self, f"body_{suffix}") or "", language=language)
            setattr(self, f"body_html_{suffix}", result.html)
            derived.append(f"body_html_{suffix}")
            if hasattr(self, f"toc_html_{suffix}"):
                setattr(self, f"toc_html_{suffix}", result.toc_html)
                setattr(self, f"reading_time_{suffix}", result.reading_time)
                derived += [f"toc_html_{suffix}", f"reading_time_{suffix}"]
            if hasattr(self, f"search_text_{suffix}"):
                from .search import search_text

                setattr(self, f"search_text_{suffix}", search_text(result.html))
                derived.append(f"search_text_{suffix}")
            if hasattr(self, f"prose_{suffix}"):
                from .search import prose_text

                setattr(self, f"prose_{suffix}", prose_text(result.html))
                derived.append(f"prose_{suffix}")
        return derived

    def clean(self) -> None:
        super().clean()
        # The one place the body size rule lives: the admin's forms and the API's services both validate here.
        limit = settings.BLOG_BODY_MAX_CHARS
        errors = {}
        for language in LANGUAGE_CODES:
            name = f"body_{lang_suffix(language)}"
            size = len(getattr(self, name) or "")
            if size > limit:
                errors[name] = ValidationError(
                    _("The body is too long: %(size)d characters, at most %(limit)d."),
                    code="too_long",
                    params={"size": size, "limit": limit},
                )
        if errors:
            raise ValidationError(errors)

    def save_rendered(self, save: Any, *args: Any, **kwargs: Any) -> None:
        derived = self.render_bodies(kwargs.get("update_fields"))
        if derived and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        save(*args, **kwargs)


class Post(SlugMixin, RenderedBodyMixin, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    # Which moves the workflow allows; a move to the same status is a no-op, never an error.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SCHEDULED, Status.PUBLISHED, Status.ARCHIVED},
        Status.SCHEDULED: {Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED},
        Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
    }

    slug_max_length = 200

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    seo_title = models.CharField(_("SEO title"), max_length=200, blank=True)
    seo_description = models.CharField(_("SEO description"), max_length=300, blank=True)
    seo_keywords = models.CharField(_("SEO keywords"), max_length=255, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    source_language = models.CharField(
        _("source language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="posts"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    cover = models.ForeignKey(
        "media.Asset", verbose_name=_("cover"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    is_featured = models.BooleanField(_("featured"), default=False)
    is_premium = models.BooleanField(
        _("premium"), default=False, help_text=_("Readers without access see the summary and a teaser.")
    )
    price = models.PositiveIntegerField(
        _("price (minor units)"), default=0, help_text=_("What a premium post costs to buy; 0: not for sale.")
    )
    currency = models.CharField(
        _("currency"), max_length=3, default=default_currency, validators=[CURRENCY_CODE], help_text=_("e.g. NZD")
    )
    # Derived on save, per language (see translation.py).
    reading_time = models.PositiveIntegerField(_("reading time (minutes)"), default=0, editable=False)
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)
    toc_html = models.TextField(_("table of contents"), blank=True, editable=False)
    # The body's words in the search normal form (`search.normalize`: lower case, Chinese as character
    # bigrams), one column per language, kept by `render_bodies` on save. Searched with LIKE, or on
    # PostgreSQL as a `simple` tsvector (GIN index, migration 0007).
    search_text_en = models.TextField(_("search text (English)"), blank=True, default="", editable=False)
    search_text_zh_hans = models.TextField(_("search text (Chinese)"), blank=True, default="", editable=False)
    # The body's paragraphs as plain text, one per line (`search.prose_text`), kept by `render_bodies`:
    # what search snippets quote, so a results page never parses HTML.
    prose_en = models.TextField(_("prose (English)"), blank=True, default="", editable=False)
    prose_zh_hans = models.TextField(_("prose (Chinese)"), blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("-published_at", "-id")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="blog_post_status_pub_idx"),
            models.Index(fields=["section", "status", "-published_at"], name="blog_post_section_pub_idx"),
            models.Index(fields=["is_featured", "status", "-published_at"], name="blog_post_featured_pub_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.currency = (self.currency or default_currency()).upper()
        self.save_rendered(super().save, *args, **kwargs)

    def slug_sources(self) -> list[str]:
        return [self.title_en, self.title_zh_hans]

    @property
    def is_for_sale(self) -> bool:
        """A premium post with a price can be bought."""
        return self.is_premium and self.price > 0

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        title = f"title_{lang_suffix(self.source_language)}"
        if not getattr(self, title, ""):
            errors.setdefault(title, []).append(
                ValidationError(_("Give a title in the source language."), code="required")
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self) -> bool:
        """Published and due: what readers see (a scheduled post goes live at its time, no cron)."""
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def can_transition_to(self, status: str) -> bool:
        return status == self.status or status in self.TRANSITIONS.get(self.status, set())

    def transition_to(self, status: str, *, at: Any = None) -> None:
        """Move to `status` in memory (the caller saves); refuses moves the workflow does not allow.

        Publishing keeps an earlier `published_at` (a re-publish does not bump the date) unless `at`
        is given; scheduling needs a future `at`.
        """
        if status not in self.Status.values:
            raise IllegalTransition(_("Unknown status “%(status)s”.") % {"status": status}, code="unknown_status")
        if not self.can_transition_to(status):
            raise IllegalTransition(
                _("A post cannot go from %(old)s to %(new)s.") % {"old": self.status, "new": status},
                code="illegal_transition",
            )
        now = timezone.now()
        if status == self.Status.SCHEDULED:
            if at is None or at <= now:
                raise IllegalTransition(_("A post can only be scheduled for a future time."), code="schedule_in_past")
            self.published_at = at
        elif status == self.Status.PUBLISHED:
            if at is not None and at > now:
                raise IllegalTransition(
                    _("A future time means “Scheduled”: choose that status instead."), code="publish_in_future"
                )
            if at is not None:
                self.published_at = at
            elif self.published_at is None or self.published_at > now:
                self.published_at = now
        self.status = status

    def set_publishing(self, *, status: str, at: Any) -> None:
        """Apply a status and a publish time given together (the admin's post form, `post_update` data).

        The same status at the same time (to the second) is no move at all, so saving an untouched form
        never re-validates the schedule (a scheduled time may have passed since). A draft or archived post
        keeps the time given, or none, for when it is published again.
        """
        if status == self.status and same_second(at, self.published_at):
            return
        self.transition_to(status, at=at)
        if status in (self.Status.DRAFT, self.Status.ARCHIVED):
            self.published_at = at


class Project(SlugMixin, RenderedBodyMixin, TimeStampedModel):
    class Type(models.TextChoices):
        WEB = "web", _("Web")
        MOBILE = "mobile", _("Mobile")
        DESKTOP = "desktop", _("Desktop")
        OTHER = "other", _("Other")

    slug_max_length = 200

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    body = models.TextField(_("body (Markdown)"), blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    type = models.CharField(_("type"), max_length=16, choices=Type.choices, default=Type.WEB)
    cover = models.ForeignKey(
        "media.Asset", verbose_name=_("cover"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    repository_url = models.URLField(_("repository URL"), blank=True)
    demo_url = models.URLField(_("demo URL"), blank=True)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), null=True, blank=True, on_delete=models.PROTECT, related_name="projects"
    )
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    price = models.PositiveIntegerField(_("price (minor units)"), default=0, help_text=_("0 means free."))
    currency = models.CharField(
        _("currency"), max_length=3, default=default_currency, validators=[CURRENCY_CODE], help_text=_("e.g. NZD")
    )
    attachment = models.ForeignKey(
        "media.Asset",
        verbose_name=_("downloadable attachment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A private media asset; only buyers and editors can download it."),
    )
    body_html = models.TextField(_("rendered body"), blank=True, editable=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ("order", "-id")
        indexes = [models.Index(fields=["is_published", "order"], name="blog_project_pub_order_idx")]

    def __str__(self) -> str:
        return self.title or self.slug

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.currency = (self.currency or default_currency()).upper()
        self.save_rendered(super().save, *args, **kwargs)

    def slug_sources(self) -> list[str]:
        return [self.title_en, self.title_zh_hans]

    @property
    def is_for_sale(self) -> bool:
        return self.price > 0


class PostRevision(TimeStampedModel):
    """A snapshot of a post's editable fields, taken on every save from the admin or the API."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="revisions")
    data = models.JSONField(_("snapshot"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A `Note` code, translated on display (`note_label`); older callers' free text is shown as it is.
    note = models.CharField(_("note"), max_length=200, blank=True)
    restored_from = models.ForeignKey(
        "self", verbose_name=_("restored from"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Note(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        SCHEDULED = "scheduled", _("Scheduled")
        ARCHIVED = "archived", _("Archived")
        RESTORED = "restored", _("Restored an earlier revision")
        TRANSLATION_ACCEPTED = "translation_accepted", _("Translation accepted")
        AUTOSAVED = "autosaved", _("Autosaved (not published)")

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["post", "-created_at"], name="blog_revision_post_idx")]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def title(self) -> str:
        """The snapshot's title in the active language (else the other one)."""
        active = lang_suffix(translation.get_language() or settings.LANGUAGE_CODE)
        titles = [self.data.get(f"title_{active}")] + [self.data.get(f"title_{lang_suffix(c)}") for c in LANGUAGE_CODES]
        return next((t for t in titles if t), "")

    @property
    def note_label(self) -> str:
        """The note in the reader's language: its code's label, or the free text it was given."""
        if self.note == self.Note.RESTORED and self.restored_from_id and self.restored_from is not None:
            when = timezone.localtime(self.restored_from.created_at)
            return _("Restored the revision from %(when)s") % {"when": f"{when:%Y-%m-%d %H:%M}"}
        if self.note in self.Note.values:
            return str(self.Note(self.note).label)
        return self.note


class AccessGrant(TimeStampedModel):
    """`user` may read this premium post, or download this project's attachment."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Granted by an editor")
        PURCHASE = "purchase", _("Purchase")
        GIFT = "gift", _("Gift")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_grants"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE, related_name="access_grants"
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="access_grants",
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    reference = models.CharField(_("reference"), max_length=100, blank=True, help_text=_("e.g. an order number."))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ("-created_at",)
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(project__isnull=True))
                | (Q(post__isnull=True) & Q(project__isnull=False)),
                name="blog_accessgrant_exactly_one_target",
                # The one place this rule lives: forms (the admin) and `blog.services` both validate it here.
                violation_error_message=_("Choose either a post or a project, not both and not neither."),
                violation_error_code="one_target",
            ),
            # NULLs never collide, so these hold per target kind on SQLite, MariaDB and PostgreSQL alike.
            models.UniqueConstraint(fields=("user", "post"), name="blog_accessgrant_user_post_unique"),
            models.UniqueConstraint(fields=("user", "project"), name="blog_accessgrant_user_project_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post or self.project}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


PREVIEW_LINK_SALT = "blog.preview-link"


def default_preview_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.BLOG_PREVIEW_LINK_DAYS)


def new_preview_key() -> str:
    return secrets.token_urlsafe(24)


class PreviewLink(TimeStampedModel):
    """A revocable, expiring link to a draft. The URL carries `key` signed with django.core.signing."""

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="preview_links")
    key = models.CharField(max_length=64, unique=True, default=new_preview_key, editable=False)
    expires_at = models.DateTimeField(_("expires at"), default=default_preview_expiry)
    revoked = models.BooleanField(_("revoked"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return _("%(post)s (until %(date)s)") % {"post": self.post, "date": f"{self.expires_at:%Y-%m-%d}"}

    @property
    def is_usable(self) -> bool:
        return not self.revoked and self.expires_at > timezone.now()

    @property
    def token(self) -> str:
        """The URL-safe token for this link: its key, signed (a guessed or edited token never resolves)."""
        return signing.dumps(self.key, salt=PREVIEW_LINK_SALT, compress=False)


class AIJob(TimeStampedModel):
    """One piece of AI work on a post in one language: a translation, a summary or a narration.

    Editors see these in the admin and the API (progress, error, provider, tokens, timings) and can retry
    a failed one. The services in `blog.services` (`aijob_*`) are the only writers; the tasks that do the
    work claim a job first, so one post's jobs of the same kind and language never run twice at once.
    """

    class Kind(models.TextChoices):
        TRANSLATE = "translate", _("Translation")
        SUMMARIZE = "summarize", _("Summary")
        NARRATE = "narrate", _("Narration")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="ai_jobs")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("error"), blank=True)
    provider = models.CharField(_("provider"), max_length=50, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    tokens_used = models.PositiveIntegerField(_("tokens used"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What was asked (e.g. a translation's fields, "only stale"); the task reads it back.
    options = models.JSONField(_("options"), default=dict, blank=True)

    class Meta:
        verbose_name = _("AI job")
        verbose_name_plural = _("AI jobs")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["post", "kind", "language", "status"], name="blog_aijob_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.post_id} · {self.language} · {self.get_status_display()}"

    @property
    def duration(self) -> timedelta | None:
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class PostNarration(TimeStampedModel):
    """The spoken version of a post in one language: a media asset, with the hash of the text it speaks.

    Made and replaced only by `services.post_narration_generate`, which does nothing while the post's
    spoken text (its hash), voice and access (public or premium) are unchanged. A premium post's
    narration is a private asset, reached through signed URLs by readers who may read the post.
    """

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="narrations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # Deleting the audio from the media library removes the narration (the player disappears with it).
    asset = models.ForeignKey("media.Asset", verbose_name=_("audio"), on_delete=models.CASCADE, related_name="+")
    text_hash = models.CharField(_("text hash (SHA-256)"), max_length=64)
    characters = models.PositiveIntegerField(_("characters spoken"), default=0)
    duration = models.FloatField(_("duration (seconds)"), default=0)
    provider = models.CharField(_("provider"), max_length=50)
    voice = models.CharField(_("voice"), max_length=100)

    class Meta:
        verbose_name = _("narration")
        verbose_name_plural = _("narrations")
        ordering = ("post", "language")
        constraints = [
            models.UniqueConstraint(fields=("post", "language"), name="blog_postnarration_post_language_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post} ({self.language})"


# --- AI assistance: glossary, translation drafts, key points ---------------------------------------


class ReviewState(models.TextChoices):
    MACHINE_DRAFT = "machine_draft", _("Machine draft")
    REVIEWED = "reviewed", _("Reviewed")
    REJECTED = "rejected", _("Rejected")


class GlossaryTerm(TimeStampedModel):
    """How the translator must render a term, in one direction (sent with every translation request)."""

    source_language = models.CharField(_("from"), max_length=10, choices=settings.LANGUAGES)
    target_language = models.CharField(_("to"), max_length=10, choices=settings.LANGUAGES)
    term = models.CharField(_("term"), max_length=200)
    translation = models.CharField(_("translation"), max_length=200)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ("source_language", "term")
        constraints = [
            models.UniqueConstraint(
                fields=("source_language", "target_language", "term"),
                name="blog_glossary_term_unique",
                violation_error_message=_("This term already has a translation in this direction."),
            ),
            models.CheckConstraint(
                condition=~Q(source_language=F("target_language")),
                name="blog_glossary_two_languages",
                violation_error_message=_("Choose two different languages."),
                violation_error_code="same_language",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.translation} ({self.direction})"

    @property
    def direction(self) -> str:
        return f"{self.source_language} → {self.target_language}"


# The fields a translation draft may hold, as editors read them.
TRANSLATABLE_FIELD_LABELS = {
    "title": _("title"),
    "summary": _("summary"),
    "body": _("body (Markdown)"),
    "seo_title": _("SEO title"),
    "seo_description": _("SEO description"),
    "seo_keywords": _("SEO keywords"),
    "name": _("name"),
}


class TranslationDraft(TimeStampedModel):
    """One field of a post (or a tag's or section's name) in one target language: the latest machine
    draft, its review, and which version of the source the published text translates.

    Readers never read this table: accepting a draft copies its text into the reader field
    (`title_en`, `name_zh_hans`, …) through the services. The state an editor sees is derived from it
    (`selectors.translation_states`): `missing`, `machine_draft`, `reviewed`, or `stale` when the source
    text no longer has the hash the draft (`source_hash`) or the published text (`published_hash`) was
    made from.
    """

    State = ReviewState

    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.CASCADE, related_name="translation_drafts"
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), null=True, blank=True, on_delete=models.CASCADE, related_name="translation_drafts"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="translation_drafts",
    )
    field = models.CharField(_("field"), max_length=30)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    source_language = models.CharField(_("source language"), max_length=10, choices=settings.LANGUAGES)
    text = models.TextField(_("draft"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.MACHINE_DRAFT)
    source_hash = models.CharField(_("hash of the drafted source"), max_length=64, blank=True)
    published_hash = models.CharField(_("hash of the published text's source"), max_length=64, blank=True)
    provider = models.CharField(_("provider"), max_length=50, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    translated_at = models.DateTimeField(_("translated at"), null=True, blank=True)
    job = models.ForeignKey(
        AIJob, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("translation draft")
        verbose_name_plural = _("translation drafts")
        ordering = ("-updated_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(tag__isnull=True) & Q(section__isnull=True))
                | (Q(post__isnull=True) & Q(tag__isnull=False) & Q(section__isnull=True))
                | (Q(post__isnull=True) & Q(tag__isnull=True) & Q(section__isnull=False)),
                name="blog_translationdraft_one_target",
            ),
            models.UniqueConstraint(fields=("post", "field", "language"), name="blog_translationdraft_post_unique"),
            models.UniqueConstraint(fields=("tag", "field", "language"), name="blog_translationdraft_tag_unique"),
            models.UniqueConstraint(
                fields=("section", "field", "language"), name="blog_translationdraft_section_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "-updated_at"], name="blog_trdraft_state_idx")]

    def __str__(self) -> str:
        return f"{self.target} · {TRANSLATABLE_FIELD_LABELS.get(self.field, self.field)} · {self.language}"

    @property
    def target(self) -> Any:
        return self.post or self.tag or self.section

    @property
    def is_pending(self) -> bool:
        return self.state == ReviewState.MACHINE_DRAFT


class KeyPoints(TimeStampedModel):
    """3 to 5 key points of a post in one language, with their provenance; public once reviewed.

    `points` is the latest draft (machine-made, or edited); `published_points` what an editor accepted.
    A new draft never replaces published points until it is accepted in turn.

    They stand in for a summary the editor has not written (meta and Open Graph descriptions, JSON-LD
    `abstract`, feeds, newsletters: `selectors.post_summary_text`).
    """

    State = ReviewState

    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.CASCADE, related_name="key_points")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    points = models.JSONField(_("latest draft"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.MACHINE_DRAFT)
    source_language = models.CharField(_("read from"), max_length=10, choices=settings.LANGUAGES)
    source_hash = models.CharField(_("hash of the text read"), max_length=64, blank=True)
    # What readers see: the points an editor accepted (the draft above may be newer), and the hash of
    # the text they were written from.
    published_points = models.JSONField(_("published key points"), default=list, blank=True)
    published_hash = models.CharField(_("hash of the published points' text"), max_length=64, blank=True)
    provider = models.CharField(_("provider"), max_length=50, blank=True)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    job = models.ForeignKey(
        AIJob, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key points")
        verbose_name_plural = _("key points")
        ordering = ("post", "language")
        constraints = [models.UniqueConstraint(fields=("post", "language"), name="blog_keypoints_post_language")]

    def __str__(self) -> str:
        return f"{self.post_id} · {self.language} · {self.get_state_display()}"

    @property
    def is_reviewed(self) -> bool:
        return self.state == ReviewState.REVIEWED
