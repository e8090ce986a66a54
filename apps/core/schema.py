"""How the OpenAPI schema names things and what it promises: one tag per resource, readable operation ids
and summaries, and the errors every operation can answer.

Set as DRF's DEFAULT_SCHEMA_CLASS; `tag_descriptions` is a drf-spectacular postprocessing hook.
With SCHEMA_PATH_PREFIX set to the `/api/v<n>` prefix, `/api/v1/posts/{slug}/publish/` becomes:
tag `Posts`, operation id `posts_publish`, summary from the action's docstring ("Publish now").

Errors: drf-spectacular documents only the success response of each operation, so a client (or
schemathesis) reading the schema could not expect the 400 of a bad filter, the 401 of an expired token
or the 429 of a rate limit. `AutoSchema` adds them, each with the `Error` body of `apps.core.api.error_body`:
- 400 when the operation takes a body (a DELETE's too) or query parameters (validation, unknown `lang`,
  bad filters);
- 401 everywhere (a refused token is refused on public reads too);
- 403 on unsafe methods (permissions, CSRF for cookie clients) and on operations whose permissions go
  beyond "signed in" / "read-only for anyone";
- 404 when the path names an object, the list is paginated (a page past the end), or the operation takes
  a body (which names objects too: the post to like, the comment answered; one the caller may not see
  is "not found", never "forbidden");
- 413 when the operation takes a body (`ApiErrorMiddleware`: over DATA_UPLOAD_MAX_MEMORY_SIZE);
- 429 everywhere (rate limits).
An `extend_schema(responses=...)` that already documents one of these codes wins.
"""

import re
from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers

STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy"}
# Summaries of the standard actions; {one} and {many} name the resource.
STANDARD_SUMMARIES = {
    "list": "List {many}",
    "create": "Create {one}",
    "retrieve": "Get {one}",
    "update": "Replace {one}",
    "partial_update": "Update {one}",
    "destroy": "Delete {one}",
}
# The verb of a method on an action that answers several (`/users/me/`: get, update, delete).
METHOD_VERBS = {"get": "Get", "post": "Set", "put": "Replace", "patch": "Update", "delete": "Delete"}

_PLAIN_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated, permissions.IsAuthenticatedOrReadOnly)
_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field and what is wrong with it.",
    "401": "Not signed in, or the token is invalid, expired or revoked.",
    "403": "Signed in, but not allowed to do this (or a cookie client without its CSRF token).",
    "404": "No such object, or a page past the end of the list.",
    "413": "The request body is too large.",
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


def resource_tag(segment: str) -> str:
    """`posts` → `Posts`, `access-grants` → `Access grants`."""
    return segment.replace("-", " ").replace("_", " ").capitalize()


def _singular(segment: str) -> str:
    """`posts` → `post`; a word without a plural `s` (`media`) → `media item`."""
    words = segment.replace("-", " ").replace("_", " ")
    return words[:-1] if words.endswith("s") and not words.endswith("ss") else f"{words} item"


def _first_clause(doc: str) -> str:
    """The docstring's first clause: up to the first colon, semicolon, bracket or full stop."""
    first_line = doc.strip().splitlines()[0] if doc.strip() else ""
    return re.split(r":\s|;\s|\s\(|\.(?:\s|$)", first_line, maxsplit=1)[0].strip()


class AutoSchema(SpectacularAutoSchema):
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
        body = bool(operation.get("requestBody")) or self._delete_body()
        if body or any(p.get("in") == "query" for p in parameters):
            codes.append("400")
        if unsafe or not all(isinstance(p, _PLAIN_PERMISSIONS) for p in self._permissions()):
            codes.append("403")
        if body or any(p.get("in") == "path" for p in parameters) or any(p.get("name") == "page" for p in parameters):
            codes.append("404")
        if body:
            codes.append("413")
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

    def _resource_and_rest(self) -> tuple[str, list[str]]:
        tokens = self._tokenize_path()
        return (tokens[0], tokens[1:]) if tokens else ("root", [])

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def _is_custom_action(self) -> bool:
        return self._action() is not None and self._action() not in STANDARD_ACTIONS

    def _has_one_method(self) -> bool:
        return len(getattr(self.view, "action_map", None) or {}) == 1

    def get_tags(self) -> list[str]:
        return [resource_tag(self._resource_and_rest()[0])]

    def get_operation_id(self) -> str:
        operation_id = super().get_operation_id()
        if self._is_custom_action() and self._has_one_method():
            # `posts_publish_create` → `posts_publish`: the method adds nothing when the action has one.
            return operation_id.rsplit("_", 1)[0]
        return operation_id

    def get_summary(self) -> str | None:
        action = self._action()
        own_doc = getattr(getattr(self.view, action, None), "__doc__", None) if action else None
        if self._is_custom_action() and own_doc:
            return _first_clause(own_doc)
        resource, rest = self._resource_and_rest()
        if not self._is_custom_action():
            standard = (
                "list" if self.method == "GET" and self._is_list_view() else self.method_mapping[self.method.lower()]
            )
            return STANDARD_SUMMARIES[standard].format(one=f"a {_singular(resource)}", many=resource.replace("-", " "))
        words = [("your" if word == "me" else word.replace("-", " ").replace("_", " ")) for word in rest]
        if words == ["your"]:
            words = ["your account"]
        phrase = " ".join(words)
        if self._has_one_method():
            return phrase[:1].upper() + phrase[1:]
        return f"{METHOD_VERBS[self.method.lower()]} {phrase}"


def tag_descriptions(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """List every tag once, alphabetically, described by the first paragraph of its viewset's docstring."""
    used = {
        tag
        for path in result.get("paths", {}).values()
        for operation in path.values()
        for tag in operation.get("tags", [])
    }
    descriptions: dict[str, str] = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        operation = result.get("paths", {}).get(path, {}).get(method.lower(), {})
        doc = (getattr(getattr(callback, "cls", None), "__doc__", None) or "").strip()
        for tag in operation.get("tags", [])[:1]:
            if doc:
                descriptions.setdefault(tag, " ".join(doc.split("\n\n")[0].split()))
    result["tags"] = [
        {"name": tag, **({"description": descriptions[tag]} if tag in descriptions else {})} for tag in sorted(used)
    ]
    return result
