"""Shapes of the analytics API's answers (read-only: nothing is written through this API)."""

from rest_framework import serializers


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()


class TotalsSerializer(serializers.Serializer):
    views = serializers.IntegerField()
    visitors = serializers.IntegerField(help_text="The sum of each day's unique visitors.")


class OverviewSerializer(serializers.Serializer):
    period = PeriodSerializer()
    views = serializers.IntegerField()
    visitors = serializers.IntegerField(help_text="The sum of each day's unique visitors.")
    views_per_visitor = serializers.FloatField(allow_null=True)
    previous = TotalsSerializer(help_text="The same numbers for the period of the same length just before.")
    signed_in_views = serializers.IntegerField()
    api_views = serializers.IntegerField()
    last_rolled_up_day = serializers.DateField(allow_null=True)
    waiting = serializers.IntegerField(
        allow_null=True, help_text="Captured, not stored yet (null: buffer unreachable)."
    )
    lost = serializers.IntegerField(help_text="Views dropped because the buffer was unreachable or full.")


class DayPointSerializer(serializers.Serializer):
    date = serializers.DateField(source="day")
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()


class TimeseriesSerializer(serializers.Serializer):
    period = PeriodSerializer()
    results = DayPointSerializer(many=True)


class RowSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The stored value (a host, a browser, a path, a language code...).")
    label = serializers.CharField()
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()


class ContentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="key")
    title = serializers.CharField(source="label")
    url = serializers.CharField(allow_blank=True, help_text="The reader page ('' when the object was deleted).")
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()


class TopContentSerializer(serializers.Serializer):
    period = PeriodSerializer()
    posts = ContentRowSerializer(many=True)
    projects = ContentRowSerializer(many=True)
    pages = RowSerializer(many=True, help_text="Other reader pages (home, tags, sections...) by path.")


class ReferrersSerializer(serializers.Serializer):
    period = PeriodSerializer()
    referrers = RowSerializer(many=True, help_text="By host; key '' is direct traffic or none.")
    campaigns = RowSerializer(many=True, help_text="By 'utm_source / utm_medium / utm_campaign'.")


class ClientsSerializer(serializers.Serializer):
    period = PeriodSerializer()
    browsers = RowSerializer(many=True)
    operating_systems = RowSerializer(many=True)
    devices = RowSerializer(many=True)
    languages = RowSerializer(many=True)


class GrowthDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    added = serializers.IntegerField()
    total = serializers.IntegerField()


class GrowthSeriesSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    before = serializers.IntegerField(help_text="The total before the period.")
    added = serializers.IntegerField()
    total = serializers.IntegerField()
    days = GrowthDaySerializer(many=True)


class GrowthSerializer(serializers.Serializer):
    period = PeriodSerializer()
    series = GrowthSeriesSerializer(many=True, help_text="Users; subscribers, comments, revenue once those apps exist.")


class PostRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class PostStatsSerializer(serializers.Serializer):
    post = PostRefSerializer()
    period = PeriodSerializer()
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()
    total_views = serializers.IntegerField(help_text="All-time views.")
    series = DayPointSerializer(many=True)
    referrers = RowSerializer(many=True)


class PopularPostSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.CharField()
    published_at = serializers.DateTimeField()
    is_premium = serializers.BooleanField()
    views = serializers.IntegerField()
    visitors = serializers.IntegerField()


class PopularSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    results = PopularPostSerializer(many=True)
