"""Query-string filters for the posts list (`?section=`, `?tag=`, `?featured=`, `?year=`, `?month=`, `?status=`,
`?search=`)."""

from typing import Any

import django_filters
from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import SearchFilter

from apps.blog import selectors
from apps.blog.models import AIJob, Post, Section, Tag
from apps.core.numbers import MAX_WHOLE_NUMBER as MAX_ID
from apps.core.numbers import parse_whole_number

# The end of 9999 is in year 10000 in UTC for a site west of UTC (an OverflowError): 9998 is the last year.
YEAR_MIN, YEAR_MAX = 1970, 9998


class WholeNumberField(forms.IntegerField):
    """An integer in ASCII digits only (`apps.core.numbers`): "٣", "2024.5" and "1e3" are refused."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_whole_number(str(value), minimum=0)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


def whole_number_filter(*, minimum: int, maximum: int, **kwargs: Any) -> WholeNumberFilter:
    """A WholeNumberFilter documented as an integer from `minimum` to `maximum` (not "number")."""
    schema = {"type": "integer", "minimum": minimum, "maximum": maximum}
    return extend_schema_field(schema)(WholeNumberFilter(min_value=minimum, max_value=maximum, **kwargs))


class PostFilter(django_filters.FilterSet):
    section = django_filters.ModelChoiceFilter(
        queryset=Section.objects.all(),
        to_field_name="slug",
        method="filter_section",
        label=_("Section slug (includes its child sections)"),
    )
    tag = django_filters.ModelChoiceFilter(queryset=Tag.objects.all(), to_field_name="slug", field_name="tags")
    featured = django_filters.BooleanFilter(field_name="is_featured")
    year = whole_number_filter(field_name="published_at", lookup_expr="year", minimum=YEAR_MIN, maximum=YEAR_MAX)
    month = whole_number_filter(field_name="published_at", lookup_expr="month", minimum=1, maximum=12)
    status = django_filters.ChoiceFilter(choices=Post.Status.choices, label=_("Status (editors only see non-live)"))

    class Meta:
        model = Post
        fields = ("section", "tag", "featured", "year", "month", "status")

    def filter_section(self, queryset: QuerySet[Post], name: str, value: Section | None) -> QuerySet[Post]:
        if value is None:
            return queryset
        return queryset.filter(section_id__in=selectors.section_descendant_ids(section=value))


class PostSearchFilter(SearchFilter):
    """`?search=` by the search page's rule and order (`selectors.post_search_filter`): locked premium
    bodies are neither matched, counted nor ranked. DRF's own SearchFilter would search every body it
    is given. An explicit `?ordering=` (OrderingFilter, after this one) replaces the relevance order."""

    search_description = _(
        "Words to find in the title, summary, tags and (of posts you may read) the body, in the response language. "
        "Best matches first (title over summary, tags and body; the words together over the words apart), "
        "unless `ordering` is given."
    )

    def filter_queryset(self, request: Any, queryset: QuerySet[Post], view: Any) -> QuerySet[Post]:
        query = request.query_params.get(self.search_param, "")
        if not query.strip():
            return queryset
        return selectors.post_search_filter(queryset, query=query, language=view.language, user=request.user)


class AIJobFilter(django_filters.FilterSet):
    post = extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})(
        WholeNumberFilter(field_name="post_id", min_value=1, label=_("Only this post's jobs (its id)."))
    )
    kind = django_filters.ChoiceFilter(choices=AIJob.Kind.choices)
    status = django_filters.ChoiceFilter(choices=AIJob.Status.choices)
    language = django_filters.ChoiceFilter(choices=settings.LANGUAGES)

    class Meta:
        model = AIJob
        fields = ("post", "kind", "status", "language")
