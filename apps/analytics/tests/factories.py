"""Raw page views for tests (as the flush would have stored them)."""

from datetime import timedelta

import factory
from django.utils import timezone

from apps.analytics.models import PageView


class PageViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PageView

    time = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    path = "/en/"
    language = "en"
    visitor = factory.Sequence(lambda n: f"{n:016x}")
    browser = "Chrome"
    os = "Windows"
    device = PageView.Device.DESKTOP
