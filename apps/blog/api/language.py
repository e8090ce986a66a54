"""Which language an API response is in: `?lang=` first, then `Accept-Language`, then the default."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from rest_framework import serializers

from apps.blog.models import LANGUAGE_CODES


def requested_language(request: HttpRequest) -> tuple[str, str | None]:
    """(language, error): an unknown `?lang=` is an error, never a silent fallback; so is an empty one
    (`?lang=`) or more than one (`?lang=en&lang=zh-hans`), which the schema's enum refuses too."""
    if "lang" in request.GET:
        values = request.GET.getlist("lang")
        asked = values[-1] if len(values) == 1 else ",".join(values)
        code = asked.lower().replace("_", "-")
        if code in LANGUAGE_CODES:
            return code, None
        return settings.LANGUAGE_CODE, asked
    # check_path=False: the API lives outside the /en/ /zh-hans/ prefixes.
    code = translation.get_language_from_request(request, check_path=False)
    return (code if code in LANGUAGE_CODES else settings.LANGUAGE_CODE), None


class LanguageMixin:
    """Runs the whole request in the chosen language and says so in the response headers."""

    language: str = settings.LANGUAGE_CODE
    _bad_language: str | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.language, self._bad_language = requested_language(request)
        with translation.override(self.language):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if self._bad_language is not None:
            raise serializers.ValidationError(
                {
                    "lang": [
                        _("Unknown language “%(lang)s”; use one of: %(codes)s.")
                        % {"lang": self._bad_language, "codes": ", ".join(LANGUAGE_CODES)}
                    ]
                },
                code="invalid_language",
            )

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        patch_vary_headers(response, ("Accept-Language",))
        response["Content-Language"] = self.language
        return response

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["language"] = self.language
        return context
