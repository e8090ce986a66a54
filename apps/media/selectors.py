"""Reads of the media library, for the API, the admin, templates and other apps.

- `asset_user_is_manager(user) -> bool`: editors and admins (may change any asset; no quota).
- `asset_list_for_user(*, user) -> QuerySet[Asset]`: managers see every asset, others their own.
- `asset_url(*, asset, for_user=None) -> str`: a public file's stable URL; for a private file a signed,
  short-lived URL made now, only when `for_user` is its owner or a manager ("" otherwise).
- `asset_private_url(*, asset, for_user, rendition=None, expires=None) -> str`: a signed URL that works
  for `for_user` only, for `expires` seconds. The caller decides who may have it (payments gives it to
  buyers); it is never stored.
- `rendition_url(*, rendition, for_user=None) -> str`: like `asset_url`, for one rendition.
- `asset_picture(*, asset, watermark=False) -> Picture | None`: what `{% picture %}` renders.
- `asset_where_used(*, asset) -> list[Usage]`: rows of any app pointing at the asset.
- `private_token_read(*, token) -> PrivateToken | None`: the content of a signed URL of the local view.
"""

import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import Model, Prefetch, Q, QuerySet
from django.urls import reverse

from .models import Asset, Rendition

_SIGNING_SALT = "apps.media.private"


def asset_user_is_manager(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.has_perm("media.change_asset"))
    )


def asset_list_for_user(*, user: Any) -> QuerySet[Asset]:
    """Assets `user` may see in the library, with owner and renditions loaded (two queries per page)."""
    queryset = Asset.objects.select_related("owner").prefetch_related(
        Prefetch("renditions", queryset=Rendition.objects.order_by("spec"))
    )
    if asset_user_is_manager(user):
        return queryset
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(owner=user)


def _is_signed_storage(storage: Any) -> bool:
    """S3-like storages sign URLs themselves; local private files go through our view."""
    return hasattr(storage, "bucket_name")


@dataclass(frozen=True)
class PrivateToken:
    asset_id: int
    user_id: int
    spec: str


def asset_private_url(
    *, asset: Asset, for_user: Any, rendition: Rendition | None = None, expires: int | None = None
) -> str:
    """A signed URL to a private file, made on request and never stored."""
    name = rendition.file.name if rendition else asset.file.name
    storage = rendition.storage if rendition else asset.storage
    if _is_signed_storage(storage):
        expire = expires or getattr(settings, "AWS_QUERYSTRING_EXPIRE", settings.MEDIA_PRIVATE_URL_EXPIRE)
        return storage.url(name, expire=expire)
    expires_at = int(time.time()) + (expires or settings.MEDIA_PRIVATE_URL_EXPIRE)
    spec = rendition.spec if rendition else ""
    payload = {"a": asset.pk, "u": getattr(for_user, "pk", None), "s": spec, "x": expires_at}
    token = signing.dumps(payload, salt=_SIGNING_SALT, compress=True)
    return reverse("media:private-file", kwargs={"token": token})


def private_token_read(*, token: str) -> PrivateToken | None:
    """The token's content when its signature is good and it has not expired; None otherwise."""
    try:
        payload = signing.loads(token, salt=_SIGNING_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("x", 0) < time.time():
        return None
    return PrivateToken(asset_id=payload["a"], user_id=payload["u"], spec=payload["s"])


def asset_url(*, asset: Asset, for_user: Any = None) -> str:
    if not asset.file:
        return ""
    if asset.visibility == Asset.Visibility.PUBLIC:
        return asset.storage.url(asset.file.name)
    if for_user is not None and (asset.owner_id == for_user.pk or asset_user_is_manager(for_user)):
        return asset_private_url(asset=asset, for_user=for_user)
    return ""


def rendition_url(*, rendition: Rendition, for_user: Any = None) -> str:
    asset = rendition.asset
    if asset.visibility == Asset.Visibility.PUBLIC:
        return rendition.storage.url(rendition.file.name)
    if for_user is not None and (asset.owner_id == for_user.pk or asset_user_is_manager(for_user)):
        return asset_private_url(asset=asset, for_user=for_user, rendition=rendition)
    return ""


@dataclass
class Picture:
    fallback_src: str
    width: int
    height: int
    webp_srcset: str = ""
    fallback_srcset: str = ""
    fallback_mime: str = ""
    sources: list[tuple[int, str, str]] = field(default_factory=list)


def asset_thumbnail_url(asset: Asset) -> str:
    """A small public image of `asset` for the admin's pickers: its smallest plain WebP rendition (or
    the poster of a video), else the original of a public image; "" for private files and the rest.
    Prefetch `renditions` when calling it for many assets."""
    if asset.visibility != Asset.Visibility.PUBLIC or not asset.file:
        return ""
    renditions = list(asset.renditions.all())
    plain = [
        r for r in renditions if r.spec.startswith("w") and not r.spec.startswith("wm-") and r.mime_type == "image/webp"
    ]
    chosen = (
        min(plain, key=lambda r: r.width or 0)
        if plain
        else next((r for r in renditions if r.spec.startswith("poster")), None)
    )
    if chosen is not None:
        return chosen.storage.url(chosen.file.name)
    return asset.storage.url(asset.file.name) if asset.kind == Asset.Kind.IMAGE else ""


def asset_list_images_for_picker(*, user: Any, query: str = "", limit: int = 48) -> list[Asset]:
    """Public images for the post editor's pickers (cover, insert into Markdown), newest first."""
    qs = asset_list_for_user(user=user).filter(kind=Asset.Kind.IMAGE, visibility=Asset.Visibility.PUBLIC)
    for word in query.split()[:5]:
        qs = qs.filter(
            Q(title_en__icontains=word)
            | Q(title_zh_hans__icontains=word)
            | Q(alt_text_en__icontains=word)
            | Q(alt_text_zh_hans__icontains=word)
            | Q(original_name__icontains=word)
        )
    return list(qs.order_by("-created_at", "-id").prefetch_related("renditions")[:limit])


def asset_picture(*, asset: Asset, watermark: bool = False) -> Picture | None:
    """WebP and original-format srcsets from the renditions (watermarked ones when asked and present).

    Before processing has finished, the original file stands in. Private assets give None: they are
    never put into a page.
    """
    if asset is None or not asset.file or asset.visibility != Asset.Visibility.PUBLIC or asset.kind != "image":
        return None
    renditions = list(asset.renditions.all())
    plain = [r for r in renditions if r.spec.startswith("w") and not r.spec.startswith("wm-")]
    marked = [r for r in renditions if r.spec.startswith("wm-")]
    chosen = marked if watermark and settings.MEDIA_WATERMARK_ENABLED and marked else plain
    if not chosen:
        src = asset.storage.url(asset.file.name)
        return Picture(fallback_src=src, width=asset.width or 0, height=asset.height or 0)
    webp = sorted((r for r in chosen if r.mime_type == "image/webp"), key=lambda r: r.width or 0)
    fallback = sorted((r for r in chosen if r.mime_type != "image/webp"), key=lambda r: r.width or 0)
    largest = (fallback or webp)[-1]

    def srcset(items: list[Rendition]) -> str:
        return ", ".join(f"{r.storage.url(r.file.name)} {r.width}w" for r in items)

    return Picture(
        fallback_src=largest.storage.url(largest.file.name),
        width=largest.width or 0,
        height=largest.height or 0,
        webp_srcset=srcset(webp),
        fallback_srcset=srcset(fallback),
        fallback_mime=largest.mime_type,
    )


@dataclass(frozen=True)
class Usage:
    model_label: str  # e.g. "blog.post"
    verbose_name: str
    field_name: str
    obj: Model


def asset_where_used(*, asset: Asset, limit: int = 50) -> list[Usage]:
    """Every row of any app pointing at `asset` (covers, avatars, attachments...), found through the
    reverse relations Django knows about, so media never imports the apps that use it."""
    usages: list[Usage] = []
    # include_hidden: apps point at assets with related_name="+" (no reverse accessor), still relations.
    relations = [f for f in Asset._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
    for relation in relations:
        if relation.related_model is Rendition or relation.related_model._meta.auto_created:
            continue
        model = relation.related_model
        # The same lookup serves foreign keys, one-to-ones and many-to-manys.
        for obj in model._default_manager.filter(**{relation.field.name: asset})[:limit]:
            usages.append(Usage(model._meta.label_lower, str(model._meta.verbose_name), relation.field.name, obj))
    return usages


@dataclass
class StorageAudit:
    orphan_files: list[tuple[str, str]] = field(default_factory=list)  # (storage alias, name)
    missing_assets: list[Asset] = field(default_factory=list)


def _walk(storage: Any, directory: str) -> list[str]:
    try:
        folders, files = storage.listdir(directory)
    except (FileNotFoundError, NotImplementedError):
        return []
    prefix = f"{directory.rstrip('/')}/" if directory else ""
    names = [f"{prefix}{name}" for name in files]
    for folder in folders:
        names.extend(_walk(storage, f"{prefix}{folder}"))
    return names


def media_storage_audit() -> StorageAudit:
    """Compare what storage holds under `assets/` and `renditions/` with what the database knows."""
    from django.core.files.storage import storages

    audit = StorageAudit()
    known: dict[str, set[str]] = {"default": set(), "private": set()}
    for asset in Asset.objects.only("id", "file", "visibility").iterator():
        known[asset.storage_alias].add(asset.file.name)
        if not asset.storage.exists(asset.file.name):
            audit.missing_assets.append(asset)
    for alias, name in Rendition.objects.values_list("storage_alias", "file").iterator():
        known.setdefault(alias, set()).add(name)
    for alias, names in known.items():
        storage = storages[alias]
        for top in ("assets", "renditions"):
            audit.orphan_files.extend((alias, name) for name in _walk(storage, top) if name not in names)
    return audit
