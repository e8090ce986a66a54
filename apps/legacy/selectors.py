"""Reads: the old reader URL a request names, resolved to today's page."""

from urllib.parse import unquote

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .models import OldPath


def old_path_normalize(path: str) -> str:
    return "/" + unquote(path).strip("/")


# The old client's fixed pages and their Inkwell URL names.
FIXED_PATHS = {"/archive": "blog:archive", "/login": "account_login", "/register": "account_signup"}


def old_path_target_url(*, path: str, language: str) -> str | None:
    """The Inkwell URL (in `language`) of what the old site showed at `path`, or None."""
    path = old_path_normalize(path)[:400]
    row = OldPath.objects.select_related("content_type").filter(path=path).first()
    if row is None:
        if path in FIXED_PATHS:
            with translation.override(language):
                return reverse(FIXED_PATHS[path])
        return None
    target = row.target
    if target is None:
        return None
    model = row.content_type.model
    with translation.override(language):
        try:
            if model == "post":
                return reverse("blog:post", kwargs={"slug": target.slug})
            if model == "project":
                return reverse("blog:project", kwargs={"slug": target.slug})
            if model == "section":
                if target.type == "projects":
                    return reverse("blog:projects")
                if target.type == "about":
                    return reverse("blog:about")
                return reverse("blog:section", kwargs={"slug": target.slug})
        except NoReverseMatch:
            return None
    return None
