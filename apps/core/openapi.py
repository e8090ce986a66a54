"""The OpenAPI schema tells the errors too: every operation lists the 4xx it can answer, in the one shape.

drf-spectacular documents only the success response of each operation, so a client (or schemathesis)
reading the schema could not expect the 400 of a bad filter, the 401 of an expired token or the 429 of
a rate limit. `AutoSchema` adds them, each with the `Error` body of `apps.core.api.error_body`:
- 400 when the operation takes a body (a DELETE's too) or query parameters (validation, unknown `lang`,
  bad filters);
- 401 everywhere (a refused token is refused on public reads too);
- 403 on unsafe methods (permissions, CSRF for cookie clients) and on operations whose permissions go
  beyond "signed in" / "read-only for anyone";
- 404 when the path names an object or the list is paginated (a page past the end);
- 429 everywhere (rate limits).
An `extend_schema(responses=...)` that already documents one of these codes wins.
"""

from typing import Any

from drf_spectacular import openapi
from rest_framework import permissions, serializers

_PLAIN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)
_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field and what is wrong with it.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed to do this (or a cookie client without its CSRF token).",
    "404": "No such object, or a page past the end of the list.",
    "429": "Too many requests: wait the number of seconds in `Retry-After`.",
}


class ErrorSerializer(serializers.Serializer):
    """The one error body of the API (`apps.core.api.error_body`)."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence a person can act on.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. `required`, `not_found`.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per field (`non_field_errors` for the request as a whole); empty if none.",
    )

    class Meta:
        ref_name = "Error"


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(operation):
            responses.setdefault(
                code, {"description": _DESCRIPTIONS[code], "content": {"application/json": {"schema": error}}}
            )
        return operation

    def _error_codes(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        unsafe = self.method not in permissions.SAFE_METHODS
        codes = ["401", "429"]
        if operation.get("requestBody") or self._delete_body() or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if unsafe or not all(isinstance(p, _PLAIN_PERMISSIONS) for p in self._permissions()):
            codes.append("403")
        if any(p.get("in") == "path" for p in parameters) or any(p.get("name") == "page" for p in parameters):
            codes.append("404")
        return sorted(codes)

    def _delete_body(self) -> bool:
        """A DELETE that declares its own body (`extend_schema(request=...)`): the schema never draws it."""
        if self.method != "DELETE":
            return False
        declared, default = self.get_request_serializer(), self._get_serializer()
        kind = lambda s: s if isinstance(s, type) else type(s)  # noqa: E731
        return declared is not None and kind(declared) is not kind(default)

    def _permissions(self) -> list[Any]:
        try:
            return list(self.view.get_permissions())
        except Exception:  # noqa: BLE001 - a view whose permissions need a real request: assume the strict case
            return [object()]
