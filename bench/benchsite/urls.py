"""The product's URLs plus `/bench/bare/`: a plain Django view returning 10 KB, the yardstick."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from blog_site.urls import handler404, handler500  # noqa: F401
from blog_site.urls import urlpatterns as site_urlpatterns

BARE_BODY = "x" * 10 * 1024


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_BODY)


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
