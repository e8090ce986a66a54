"""robots.txt and the sitemaps: outside the language prefix, cached like the pages."""

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .page_cache import cached_page
from .sitemaps import sitemaps


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "robots.txt",
        {"sitemap_url": settings.SITE_URL + "/sitemap.xml"},
        content_type="text/plain; charset=utf-8",
    )


@require_safe
@cached_page
def sitemap_index(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.index(request, sitemaps=sitemaps(), sitemap_url_name="sitemap-section")
    response.render()
    # Django builds the index from the Sites framework's domain; the site is known by SITE_URL.
    host = f"{request.scheme}://{get_current_site(request).domain}"
    if host != settings.SITE_URL:
        response.content = response.content.replace(host.encode(), settings.SITE_URL.encode())
    return response


@require_safe
@cached_page
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    response = sitemap_views.sitemap(request, sitemaps=sitemaps(), section=section)
    response.render()
    return response
