"""The import of an old site's database, table by table, through the apps' services.

Each old table is read whole (a blog's tables are small), then written in batches of `batch_size`
rows, one transaction per batch and a savepoint per row: a row that fails is rolled back alone and
reported with its reason, the rest of its batch is kept. `ImportedRow` maps every old row to what it
became, with the fingerprint of the data it was made from, so a second run skips what did not change,
updates what did and creates only what is new.
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.accounts import services as account_services
from apps.accounts.roles import ADMINS, READERS
from apps.analytics import services as analytics_services
from apps.blog import services as blog_services
from apps.blog.models import Post, Project, Section
from apps.community import services as community_services
from apps.media import services as media_services
from apps.media.models import Asset

from . import services
from .fetch import FetchError, MediaFetcher
from .models import ImportedRow
from .source import Source
from .tiptap import to_markdown, to_points

CREATED, UPDATED, SKIPPED = "created", "updated", "skipped"

# Old enumerations: stored by name in MySQL ENUM columns; numbers accepted too (the Python IntEnum).
ROLE = {1: "user", 2: "admin"}
PROVIDER = {1: "google", 2: "github"}
MEDIA_TYPE = {1: "image", 2: "video", 3: "audio", 4: "document", 5: "other"}
SECTION_TYPE = {1: "blog", 2: "project", 3: "board", 4: "friend", 5: "about"}
PROJECT_TYPE = {1: "web", 2: "mobile", 3: "desktop", 4: "other"}
FRIEND_TYPE = {1: "featured", 2: "normal", 3: "hidden"}
PAYMENT_TYPE = {1: "card", 2: "link", 3: "klarna", 4: "afterpay_clearpay", 5: "alipay"}
PAYMENT_STATUS = {1: "cancel", 2: "success", 3: "failed"}
SECTION_TYPES = {
    "blog": Section.Type.BLOG,
    "project": Section.Type.PROJECTS,
    "board": Section.Type.BOARD,
    "friend": Section.Type.FRIENDS,
    "about": Section.Type.ABOUT,
}

# The order tables are imported in (each needs the ones before it), and the names `--only` takes.
GROUPS = {
    "users": ("users", "social_accounts"),
    "media": ("media",),
    "sections": ("sections", "boards"),
    "tags": ("tags",),
    "posts": ("blogs", "blog_summary", "blog_tts", "saved_blog", "blog_stats"),
    "projects": ("projects",),
    "comments": ("blog_comment", "board_comments"),
    "payments": ("taxes", "payment_records"),
    "friends": ("friend_lists",),
    "subscribers": ("subscriber",),
}
_CJK = re.compile(r"[\u3400-\u9fff]")


class RowFailed(Exception):
    """This row cannot be imported; the message is the reason shown in the report."""


@dataclass
class TableReport:
    table: str
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: list[tuple[Any, str]] = field(default_factory=list)
    notes: list[tuple[Any, str]] = field(default_factory=list)
    missing: str = ""  # why the whole table was not imported


@dataclass
class Report:
    tables: dict[str, TableReport] = field(default_factory=dict)
    dry_run: bool = False

    def table(self, name: str) -> TableReport:
        return self.tables.setdefault(name, TableReport(name))

    @property
    def failed(self) -> int:
        return sum(len(t.failed) for t in self.tables.values())

    def lines(self) -> list[str]:
        out = ["Dry run: nothing was written." if self.dry_run else "Import finished."]
        out.append(f"{'table':<18}{'created':>9}{'updated':>9}{'skipped':>9}{'failed':>8}")
        for t in self.tables.values():
            if t.missing:
                out.append(f"{t.table:<18}  not imported: {t.missing}")
                continue
            out.append(f"{t.table:<18}{t.created:>9}{t.updated:>9}{t.skipped:>9}{len(t.failed):>8}")
        for t in self.tables.values():
            for old_id, reason in t.failed:
                out.append(f"FAILED {t.table}#{old_id}: {reason}")
        for t in self.tables.values():
            for old_id, note in t.notes:
                out.append(f"note {t.table}#{old_id}: {note}")
        return out


def fingerprint(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def enum_name(value: Any, numbers: dict[int, str]) -> str:
    """An old enum value as its member name ('admin'), whether stored by name or by number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return numbers.get(value, str(value))
    text = str(value or "").strip()
    if text.isascii() and text.isdigit():
        return numbers.get(int(text), text)
    return text.split(".")[-1].lower()


def aware(value: Any) -> datetime | None:
    """Old timestamps are naive UTC (MySQL DATETIME); strings are accepted too."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    return value


def _decimal(amount: Any) -> Decimal:
    """A stored number as a Decimal. MySQL FLOAT is single precision (19.995 reads back as
    19.99500083…, 0.285 as 0.28499999…): floats are read to 7 significant digits, what FLOAT holds."""
    if isinstance(amount, float):
        return Decimal(format(amount, ".7g"))
    return Decimal(str(amount or 0))


def minor_units(amount: Any) -> int:
    """A float price (e.g. 19.995) → integer minor units, rounded half up (2000)."""
    try:
        value = _decimal(amount)
    except InvalidOperation as exc:
        raise RowFailed(f"not a price: {amount!r}") from exc
    if value < 0:
        raise RowFailed(f"negative price: {amount!r}")
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def basis_points(rate: Any) -> int:
    """A tax rate as a fraction (0.15) → basis points (1500), rounded half up."""
    return int((_decimal(rate) * 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _or_none(value: Any) -> str | None:
    text = _text(value)
    return text or None


def _language_of(text: str) -> str:
    return "zh-hans" if _CJK.search(text or "") else "en"


class Importer:
    def __init__(
        self,
        source: Source,
        *,
        fetcher: MediaFetcher | None = None,
        only: Iterable[str] | None = None,
        dry_run: bool = False,
        currency: str = "NZD",
        batch_size: int = 200,
        progress: Callable[[str, int], Any] | None = None,
    ) -> None:
        self.source = source
        self.fetcher = fetcher or MediaFetcher()
        self.only = set(only or GROUPS)
        unknown = self.only - set(GROUPS)
        if unknown:
            raise ValueError(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
        self.dry_run = dry_run
        self.currency = currency.upper()
        self.batch_size = batch_size
        self.progress = progress
        self.report = Report(dry_run=dry_run)
        self._rows: dict[tuple[str, int], ImportedRow] = {}
        self._objects: dict[tuple[str, int], Any] = {}
        self._cache: dict[str, list[dict[str, Any]]] = {}

    # --- Running -------------------------------------------------------------------------------

    def run(self) -> Report:
        self._rows = {(r.table, r.old_id): r for r in ImportedRow.objects.all()}
        if self.dry_run:
            with transaction.atomic():
                self._run_all()
                transaction.set_rollback(True)
        else:
            self._run_all()
        return self.report

    def _run_all(self) -> None:
        for group, tables in GROUPS.items():
            if group not in self.only:
                continue
            for table in tables:
                getattr(self, f"_import_{table}")()

    def rows(self, table: str) -> list[dict[str, Any]]:
        if table not in self._cache:
            self._cache[table] = self.source.rows(table)
        return self._cache[table]

    def _each(self, table: str, handle: Callable[[dict[str, Any]], str], rows: list[dict[str, Any]] | None = None):
        rows = self.rows(table) if rows is None else rows
        report = self.report.table(table)
        bar = self.progress(table, len(rows)) if self.progress else None
        for start in range(0, len(rows), self.batch_size):
            with transaction.atomic():
                for row in rows[start : start + self.batch_size]:
                    old_id = row.get("id")
                    try:
                        with transaction.atomic():
                            outcome = handle(row)
                    except (RowFailed, FetchError) as exc:
                        report.failed.append((old_id, str(exc)))
                    except ValidationError as exc:
                        report.failed.append((old_id, "; ".join(_messages(exc))))
                    except Exception as exc:  # noqa: BLE001 - any other row error is reported, not fatal
                        report.failed.append((old_id, f"{type(exc).__name__}: {exc}"))
                    else:
                        setattr(report, outcome, getattr(report, outcome) + 1)
                    if bar is not None:
                        bar.update(1)
        if bar is not None:
            bar.close()

    def note(self, table: str, old_id: Any, text: str) -> None:
        self.report.table(table).notes.append((old_id, text))

    # --- The map of old rows -------------------------------------------------------------------

    def target(self, table: str, old_id: Any) -> Any:
        """What old `table`#`old_id` became (None when it was not imported)."""
        if old_id is None:
            return None
        key = (table, int(old_id))
        if key not in self._objects:
            row = self._rows.get(key)
            obj = None
            if row is not None and row.content_type_id is not None:
                model = row.content_type.model_class()
                obj = model._default_manager.filter(pk=row.object_id).first()
            self._objects[key] = obj
        return self._objects[key]

    def upsert(self, table: str, row: dict[str, Any], fp: str, write: Callable[[Any], Any]) -> str:
        """Skip an unchanged row; else write it (`write(existing or None)` returns the object)."""
        key = (table, int(row["id"]))
        known = self._rows.get(key)
        existing = self.target(table, row["id"]) if known else None
        if known is not None and existing is not None and known.fingerprint == fp:
            return SKIPPED
        obj = write(existing)
        self._rows[key] = services.imported_row_save(table=table, old_id=row["id"], target=obj, fingerprint=fp)
        self._objects[key] = obj
        return CREATED if known is None or existing is None else UPDATED

    def by(self, table: str, column: str) -> dict[Any, list[dict[str, Any]]]:
        grouped: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for row in self.rows(table):
            grouped[row.get(column)].append(row)
        return grouped

    # --- Users ---------------------------------------------------------------------------------

    def _import_users(self) -> None:
        users = get_user_model()

        def handle(row: dict[str, Any]) -> str:
            email = _text(row.get("email")).lower()
            if not email:
                raise RowFailed("no e-mail address")
            fp = fingerprint(row)
            known = self._rows.get(("users", int(row["id"])))
            other = users.objects.filter(email=email).first()
            if known is None and other is not None:
                # An account with this address exists here already (e.g. the admin who runs the import):
                # the old row is linked to it, and the account is left as it is.
                self.note("users", row["id"], f"{email} already has an account here: linked, not changed")
                self._rows[("users", int(row["id"]))] = services.imported_row_save(
                    table="users", old_id=row["id"], target=other, fingerprint=fp
                )
                self._objects[("users", int(row["id"]))] = other
                return SKIPPED
            role = ADMINS if enum_name(row.get("role"), ROLE) == "admin" else READERS
            return self.upsert(
                "users",
                row,
                fp,
                lambda user: account_services.user_import(
                    user=user,
                    email=email,
                    display_name=_text(row.get("username")),
                    bio=_text(row.get("bio")),
                    password_hash=row.get("password_hash"),
                    role=role,
                    is_active=bool(row.get("is_active", True)) and not bool(row.get("is_deleted")),
                    verified=bool(row.get("is_verified")),
                    date_joined=aware(row.get("created_at")),
                ),
            )

        self._each("users", handle)

    def _import_social_accounts(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            user = self.target("users", row.get("user_id"))
            if user is None:
                raise RowFailed(f"its user #{row.get('user_id')} was not imported")
            provider = enum_name(row.get("provider"), PROVIDER)
            if provider not in ("google", "github"):
                raise RowFailed(f"unknown provider {row.get('provider')!r}")
            uid = _text(row.get("provider_user_id"))
            return self.upsert(
                "social_accounts",
                row,
                fingerprint(row),
                lambda _old: account_services.social_account_link(user=user, provider=provider, uid=uid),
            )

        self._each("social_accounts", handle)

    # --- Media ---------------------------------------------------------------------------------

    def _private_media_ids(self) -> set[int]:
        return {int(r["attachment_id"]) for r in self.rows("project_attachments") if r.get("attachment_id")}

    def _import_media(self) -> None:
        private = self._private_media_ids()

        def handle(row: dict[str, Any]) -> str:
            owner = self.target("users", row.get("user_id"))
            if owner is None:
                raise RowFailed(f"its owner, user #{row.get('user_id')}, was not imported")
            url = _text(row.get("original_filepath_url"))
            if not url:
                raise RowFailed("no file URL")
            visibility = Asset.Visibility.PRIVATE if int(row["id"]) in private else Asset.Visibility.PUBLIC
            fp = fingerprint(row, visibility)
            name = _text(row.get("file_name")) or url.rsplit("/", 1)[-1]

            def write(existing: Any) -> Any:
                if existing is not None and existing.visibility != visibility:
                    return media_services.asset_set_visibility(asset=existing, visibility=visibility)
                if existing is not None:
                    return existing
                if self.dry_run:
                    return None
                data = self.fetcher.fetch(url)
                return media_services.asset_create(
                    owner=owner, uploaded_file=ContentFile(data, name=name), visibility=visibility, title=name[:200]
                )

            outcome = self.upsert("media", row, fp, write)
            asset = self.target("media", row["id"])
            if row.get("is_avatar") and asset is not None and owner.avatar_id != asset.pk:
                account_services.user_set_avatar_asset(user=owner, asset=asset)
            return outcome

        self._each("media", handle)

    def asset(self, media_id: Any, *, table: str, old_id: Any, what: str) -> Any:
        """The asset made from old media #`media_id`, or None (noted: the row imports without it)."""
        if media_id is None:
            return None
        asset = self.target("media", media_id)
        if asset is None and not self.dry_run:
            self.note(table, old_id, f"{what}: media #{media_id} was not imported (see media)")
        return asset

    def rewrite_url(self, url: str) -> str:
        """A link or image to an old file → the imported file's URL (unchanged when not imported)."""
        if not hasattr(self, "_urls"):
            self._urls = {}
            for row in self.rows("media"):
                asset = self.target("media", row["id"])
                if asset is not None and asset.visibility == Asset.Visibility.PUBLIC:
                    for column in ("original_filepath_url", "watermark_filepath_url", "thumbnail_filepath_url"):
                        if row.get(column):
                            self._urls[row[column]] = asset.file.url
        return self._urls.get(url, url)

    # --- Sections, boards, tags -----------------------------------------------------------------

    def seo(self, seo_id: Any) -> dict[str, Any]:
        if not hasattr(self, "_seo"):
            self._seo = {r["id"]: r for r in self.rows("seo")}
        return self._seo.get(seo_id) or {}

    def _import_sections(self) -> None:
        rows = self.rows("sections")
        parents = {r["id"]: r.get("parent_id") for r in rows}

        def depth(section_id: Any, seen: tuple = ()) -> int:
            parent = parents.get(section_id)
            return (
                0
                if parent is None or parent in seen or parent not in parents
                else 1 + depth(parent, (*seen, section_id))
            )

        def handle(row: dict[str, Any]) -> str:
            kind = enum_name(row.get("type"), SECTION_TYPE)
            if kind not in SECTION_TYPES:
                raise RowFailed(f"unknown section type {row.get('type')!r}")
            seo = self.seo(row.get("seo_id"))
            parent = self.target("sections", row.get("parent_id"))
            if row.get("parent_id") and parent is None:
                self.note(
                    "sections", row["id"], f"parent section #{row['parent_id']} was not imported: placed at the top"
                )
            data = {
                "type": SECTION_TYPES[kind],
                "slug": _text(row.get("slug")),
                "parent": parent,
                "is_active": bool(row.get("is_active", True)),
                "order": int(row["id"]),
                "name_zh_hans": _text(row.get("chinese_title")),
                "name_en": _or_none(row.get("english_title")),
                "description_zh_hans": _text(row.get("chinese_description")),
                "description_en": _or_none(row.get("english_description")),
                "seo_title_zh_hans": _text(seo.get("chinese_title"))[:200],
                "seo_title_en": _or_none(seo.get("english_title")),
                "seo_description_zh_hans": _text(seo.get("chinese_description"))[:300],
                "seo_description_en": _or_none(seo.get("english_description")),
            }
            fp = fingerprint(row, seo, parent.pk if parent else None)
            outcome = self.upsert("sections", row, fp, lambda s: blog_services.section_save(section=s, data=data))
            if _text(row.get("slug")):
                services.old_path_save(path=_text(row["slug"]), target=self.target("sections", row["id"]))
            return outcome

        self._each("sections", handle, sorted(rows, key=lambda r: (depth(r["id"]), r["id"])))

    def _import_boards(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            section = self.target("sections", row.get("section_id"))
            if section is None:
                raise RowFailed(f"its section #{row.get('section_id')} was not imported")
            if section.type != Section.Type.BOARD:
                self.note("boards", row["id"], f"section “{section.slug}” is not a board section")
            return self.upsert("boards", row, fingerprint(row, section.pk), lambda _old: section)

        self._each("boards", handle)

    def _import_tags(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            data = {
                "slug": _text(row.get("slug")),
                "name_zh_hans": _text(row.get("chinese_title")),
                "name_en": _or_none(row.get("english_title")),
            }
            return self.upsert("tags", row, fingerprint(row), lambda t: blog_services.tag_save(tag=t, data=data))

        self._each("tags", handle)

    # --- Posts ---------------------------------------------------------------------------------

    def _section_slug(self, section_id: Any) -> str:
        if not hasattr(self, "_section_slugs"):
            self._section_slugs = {r["id"]: _text(r.get("slug")) for r in self.rows("sections")}
        return self._section_slugs.get(section_id, "")

    def _markdown(self, value: Any, table: str, old_id: Any, label: str) -> str | None:
        if value in (None, ""):
            return None
        converted = to_markdown(value, rewrite_url=self.rewrite_url)
        for warning in converted.warnings:
            self.note(table, old_id, f"{label}: {warning}")
        return converted.markdown

    def _import_blogs(self) -> None:
        statuses = {r.get("blog_id"): r for r in self.rows("blog_status")}
        tags = self.by("blog_tag", "blog_id")

        def handle(row: dict[str, Any]) -> str:
            old_id = row["id"]
            status_row = statuses.get(old_id) or {}
            tag_objects = [t for t in (self.target("tags", r.get("tag_id")) for r in tags.get(old_id, [])) if t]
            section = self.target("sections", row.get("section_id"))
            if section is None:
                self.note("blogs", old_id, f"section #{row.get('section_id')} was not imported: no section")
            cover = self.asset(row.get("cover_id"), table="blogs", old_id=old_id, what="cover")
            seo = self.seo(row.get("seo_id"))
            published = bool(status_row.get("is_published")) and not bool(status_row.get("is_archived"))
            archived = bool(status_row.get("is_archived"))
            created = aware(row.get("created_at"))
            if published:
                move = {"status": Post.Status.PUBLISHED, "published_at": created or timezone.now()}
            elif archived:
                move = {"status": Post.Status.ARCHIVED, "published_at": created}
            else:
                move = {"status": Post.Status.DRAFT, "published_at": None}
            data = {
                "source_language": "zh-hans",
                "slug": _text(row.get("slug")),
                "title_zh_hans": _text(row.get("chinese_title")),
                "title_en": _or_none(row.get("english_title")),
                "summary_zh_hans": _text(row.get("chinese_description")),
                "summary_en": _or_none(row.get("english_description")),
                "body_zh_hans": self._markdown(row.get("chinese_content"), "blogs", old_id, "Chinese text") or "",
                "body_en": self._markdown(row.get("english_content"), "blogs", old_id, "English text"),
                "seo_title_zh_hans": _text(seo.get("chinese_title"))[:200],
                "seo_title_en": _or_none(seo.get("english_title")),
                "seo_description_zh_hans": _text(seo.get("chinese_description"))[:300],
                "seo_description_en": _or_none(seo.get("english_description")),
                "seo_keywords_zh_hans": _text(seo.get("chinese_keywords"))[:255],
                "seo_keywords_en": _or_none(seo.get("english_keywords")),
                "section": section,
                "author": self.target("users", row.get("user_id")),
                "cover": cover,
                "is_featured": bool(status_row.get("is_featured")),
                "tags": tag_objects,
                **move,
            }
            fp = fingerprint(
                row, status_row, sorted(t.pk for t in tag_objects), seo, section and section.pk, cover and cover.pk
            )

            def write(post: Post | None) -> Post:
                if post is None:
                    return blog_services.post_create(by=None, data=data, announce=False)
                return blog_services.post_update(post=post, by=None, data=data, announce=False)

            outcome = self.upsert("blogs", row, fp, write)
            section_slug = self._section_slug(row.get("section_id"))
            if section_slug and _text(row.get("slug")):
                services.old_path_save(path=f"{section_slug}/{_text(row['slug'])}", target=self.target("blogs", old_id))
            return outcome

        self._each("blogs", handle)

    def post(self, table: str, row: dict[str, Any]) -> Post:
        post = self.target("blogs", row.get("blog_id"))
        if post is None:
            raise RowFailed(f"its post, blog #{row.get('blog_id')}, was not imported")
        return post

    def _import_blog_summary(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            post = self.post("blog_summary", row)

            def write(_old: Any) -> Any:
                made = None
                for language, column in (("zh-hans", "chinese_summary"), ("en", "english_summary")):
                    points = to_points(row.get(column))
                    if len(points) > 5:
                        self.note("blog_summary", row["id"], f"{language}: {len(points)} points, the first 5 kept")
                    points = [p[: blog_services.KEY_POINT_MAX_CHARS] for p in points[:5]]
                    if points:
                        key_points = blog_services.key_points_import(post=post, language=language, points=points)
                        made = made or key_points
                if made is None:
                    raise RowFailed("the summary is empty")
                return made

            return self.upsert("blog_summary", row, fingerprint(row, post.pk), write)

        self._each("blog_summary", handle)

    def _import_blog_tts(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            post = self.post("blog_tts", row)
            pairs = [("zh-hans", row.get("chinese_tts_id")), ("en", row.get("english_tts_id"))]
            assets = {lang: self.target("media", media_id) for lang, media_id in pairs if media_id}
            missing = [f"{lang} (media #{mid})" for lang, mid in pairs if mid and assets.get(lang) is None]
            if missing and len(missing) == len(assets):
                raise RowFailed(f"audio not imported: {', '.join(missing)}")

            def write(_old: Any) -> Any:
                made = None
                for language, asset in assets.items():
                    if asset is not None:
                        made = made or blog_services.post_narration_import(post=post, language=language, asset=asset)
                return made

            outcome = self.upsert(
                "blog_tts", row, fingerprint(row, post.pk, sorted(a.pk for a in assets.values() if a)), write
            )
            for text in missing:
                self.note("blog_tts", row["id"], f"audio not imported: {text}")
            return outcome

        self._each("blog_tts", handle)

    def _import_saved_blog(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            post = self.post("saved_blog", row)
            user = self.target("users", row.get("user_id"))
            if user is None:
                raise RowFailed(f"its user #{row.get('user_id')} was not imported")
            return self.upsert(
                "saved_blog",
                row,
                fingerprint(row, post.pk, user.pk),
                lambda _old: community_services.bookmark_import(
                    user=user, post=post, created_at=aware(row.get("created_at"))
                ),
            )

        self._each("saved_blog", handle)

    def _import_blog_stats(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            post = self.post("blog_stats", row)
            views = max(int(row.get("views") or 0), 0)
            return self.upsert(
                "blog_stats",
                row,
                fingerprint(row, post.pk),
                lambda _old: analytics_services.imported_views_set(kind="post", object_id=post.pk, views=views),
            )

        self._each("blog_stats", handle)

    # --- Projects ------------------------------------------------------------------------------

    def _import_projects(self) -> None:
        attachments = self.by("project_attachments", "project_id")
        prices = self.by("project_monetizations", "project_id")

        def handle(row: dict[str, Any]) -> str:
            old_id = row["id"]
            section = self.target("sections", row.get("section_id"))
            cover = self.asset(row.get("cover_id"), table="projects", old_id=old_id, what="cover")
            attachment_rows = attachments.get(old_id, [])
            attachment = None
            if attachment_rows:
                last = attachment_rows[-1]
                attachment = self.asset(last.get("attachment_id"), table="projects", old_id=old_id, what="attachment")
                if len(attachment_rows) > 1:
                    self.note("projects", old_id, f"{len(attachment_rows)} attachments: the latest one kept")
            money = (prices.get(old_id) or [{}])[-1]
            price = minor_units(money.get("price")) if money else 0
            if money.get("tax_id") and not django_apps.is_installed("apps.payments"):
                self.note("projects", old_id, "tax not linked: payments has no tax rates yet")
            kind = enum_name(row.get("type"), PROJECT_TYPE)
            data = {
                "type": kind if kind in Project.Type.values else Project.Type.OTHER,
                "slug": _text(row.get("slug")),
                "section": section,
                "cover": cover,
                "attachment": attachment,
                "is_published": bool(row.get("is_published")),
                "price": price,
                "currency": self.currency,
                "title_zh_hans": _text(row.get("chinese_title")),
                "title_en": _or_none(row.get("english_title")),
                "description_zh_hans": _text(row.get("chinese_description")),
                "description_en": _or_none(row.get("english_description")),
                "body_zh_hans": self._markdown(row.get("chinese_content"), "projects", old_id, "Chinese text") or "",
                "body_en": self._markdown(row.get("english_content"), "projects", old_id, "English text"),
            }
            fp = fingerprint(
                row,
                attachment_rows,
                money,
                section and section.pk,
                cover and cover.pk,
                attachment and attachment.pk,
                self.currency,
            )
            outcome = self.upsert("projects", row, fp, lambda p: blog_services.project_save(project=p, data=data))
            section_slug = self._section_slug(row.get("section_id"))
            if section_slug and _text(row.get("slug")):
                services.old_path_save(
                    path=f"{section_slug}/{_text(row['slug'])}", target=self.target("projects", old_id)
                )
            return outcome

        self._each("projects", handle)

    # --- Comments and the board ----------------------------------------------------------------

    def _comments(self, table: str, target_of: Callable[[dict[str, Any]], Any]) -> None:
        def handle(row: dict[str, Any]) -> str:
            target = target_of(row)
            user = self.target("users", row.get("user_id"))
            if user is None:
                self.note(table, row["id"], f"its user #{row.get('user_id')} was not imported: kept without author")
            parent = self.target(table, row.get("parent_id"))
            if row.get("parent_id") and parent is None:
                self.note(table, row["id"], f"parent #{row['parent_id']} was not imported: kept at the top")
            body = _text(row.get("comment"))
            fp = fingerprint(row, target.pk, user and user.pk, parent and parent.pk)
            return self.upsert(
                table,
                row,
                fp,
                lambda c: community_services.comment_import(
                    comment=c,
                    target=target,
                    user=user,
                    body=body,
                    parent=parent,
                    created_at=aware(row.get("created_at")),
                    deleted=bool(row.get("is_deleted")),
                    language=_language_of(body),
                ),
            )

        self._each(table, handle, sorted(self.rows(table), key=lambda r: r["id"]))

    def _import_blog_comment(self) -> None:
        self._comments("blog_comment", lambda row: self.post("blog_comment", row))

    def _import_board_comments(self) -> None:
        def board(row: dict[str, Any]) -> Section:
            section = self.target("boards", row.get("board_id"))
            if section is None:
                raise RowFailed(f"its board #{row.get('board_id')} was not imported")
            return section

        self._comments("board_comments", board)

    # --- Parts whose models are not in Inkwell yet ---------------------------------------------

    def _missing(self, table: str, why: str) -> None:
        rows = self.rows(table)
        report = self.report.table(table)
        report.missing = f"{len(rows)} row(s): {why}"

    def _import_taxes(self) -> None:
        self._missing("taxes", "Inkwell's payments app has no tax rates yet")

    def _import_payment_records(self) -> None:
        self._missing("payment_records", "Inkwell's payments app has no orders yet")

    # --- Friend links and subscribers ----------------------------------------------------------

    def _import_friend_lists(self) -> None:
        from apps.community.models import FriendLink

        states = {
            "featured": (FriendLink.Status.APPROVED, True),
            "normal": (FriendLink.Status.APPROVED, False),
            "hidden": (FriendLink.Status.PENDING, False),
        }

        def handle(row: dict[str, Any]) -> str:
            kind = enum_name(row.get("type"), FRIEND_TYPE)
            if kind not in states:
                raise RowFailed(f"unknown friend link type {row.get('type')!r}")
            status, featured = states[kind]
            applicant = self.target("users", row.get("user_id"))
            return self.upsert(
                "friend_lists",
                row,
                fingerprint(row, applicant and applicant.pk),
                lambda link: community_services.friend_link_import(
                    link=link,
                    name=_text(row.get("chinese_title")) or _text(row.get("english_title")),
                    url=_text(row.get("site_url")),
                    logo_url=_text(row.get("logo_url")),
                    description_en=_text(row.get("english_description")),
                    description_zh_hans=_text(row.get("chinese_description")),
                    applicant=applicant,
                    status=status,
                    is_featured=featured,
                ),
            )

        self._each("friend_lists", handle)

    def _import_subscriber(self) -> None:
        def handle(row: dict[str, Any]) -> str:
            email = _text(row.get("email")).lower()
            if not email:
                raise RowFailed("no e-mail address")
            return self.upsert(
                "subscriber",
                row,
                fingerprint(row),
                lambda s: community_services.subscriber_import(
                    subscriber=s,
                    email=email,
                    language="zh-hans",
                    active=bool(row.get("is_active")),
                    subscribed_at=aware(row.get("subscribed_at")),
                    unsubscribed_at=aware(row.get("unsubscribed_at")),
                    emails_sent=int(row.get("send_count") or 0),
                    last_sent_at=aware(row.get("send_at")),
                ),
            )

        self._each("subscriber", handle)


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()]
    return list(exc.messages)
