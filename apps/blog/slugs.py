"""Slugs: ASCII, from English text or pinyin of Chinese text, unique with a numeric suffix."""

from django.db import models
from django.utils.text import slugify


def slug_from_text(*texts: str | None, max_length: int = 80) -> str:
    """The first text that gives a non-empty ASCII slug; Chinese is transliterated with pypinyin."""
    # Imported here: pypinyin's dictionaries take ~55 MiB, and only writes make slugs (reader workers
    # never load them).
    from pypinyin import lazy_pinyin

    for text in texts:
        if not text:
            continue
        # lazy_pinyin transliterates Chinese and keeps other runs as they are ("Go 语言" → "go-yu-yan").
        slug = slugify(" ".join(lazy_pinyin(text)))
        if slug:
            return slug[:max_length].strip("-")
    return ""


def unique_slug(model: type[models.Model], base: str, *, exclude_pk: int | None = None, max_length: int = 80) -> str:
    """`base`, or `base-2`, `base-3`… whichever is free (one query for all taken candidates)."""
    base = (base or "item")[: max_length - 6].strip("-") or "item"
    qs = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    taken = set(qs.values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"
