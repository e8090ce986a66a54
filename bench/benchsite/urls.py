"""The product's URLs plus `/bench/bare/`: a plain Django view returning 10 KB, the yardstick.

With BENCH_SERVE_MEDIA set (page audits), uploaded media is served too, as a web server would.
"""

import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.views.static import serve

from blog_site.urls import handler404, handler500  # noqa: F401
from blog_site.urls import urlpatterns as site_urlpatterns

BARE_BODY = "x" * 10 * 1024


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_BODY)


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
if os.environ.get("BENCH_SERVE_MEDIA"):
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))
