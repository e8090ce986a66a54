"""`reverse()` of a URL without arguments, once per process: the answer depends only on the URLconf,
the script prefix, the current app and the active language, and base.html and every page's JSON-LD
ask for the same few (home, search, feeds) on each request, at ~20-30 µs a `reverse()`."""

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_reversed: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_reversed(**kwargs) -> None:
    _reversed.clear()  # e.g. a test overriding ROOT_URLCONF


def reverse_once(view_name: str, *, current_app: str | None = None) -> str:
    return reverse_all_once([view_name], current_app=current_app)[0]


def reverse_all_once(view_names: list[str], *, current_app: str | None = None) -> list[str]:
    """`reverse_once` of each name (the URLconf, prefix and language looked up once for all)."""
    where = (get_urlconf(), get_script_prefix(), current_app, get_language())
    urls = []
    for view_name in view_names:
        try:
            urls.append(_reversed[(view_name, *where)])
        except KeyError:
            url = _reversed[(view_name, *where)] = reverse(view_name, current_app=current_app)
            urls.append(url)
    return urls
