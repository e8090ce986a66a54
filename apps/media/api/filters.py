"""Filters of the media API's list."""

import django_filters

from apps.core.filters import IsoDateTimeFilter
from apps.media.models import Asset


class AssetFilter(django_filters.FilterSet):
    created_after = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    created_on = django_filters.DateFilter(field_name="created_at", lookup_expr="date")

    class Meta:
        model = Asset
        fields = ("kind", "status", "visibility", "owner")
