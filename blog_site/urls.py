"""URL map: API and machine endpoints outside the language prefix, reader pages inside it."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.blog import machine_views as blog_machine_views
from apps.core import views as core_views
from apps.payments import views as payments_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("blog_site.api")),
    path("_allauth/", include("allauth.headless.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # Our page around ReDoc (templates/drf_spectacular/redoc.html): every asset local, no inline script.
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("admin/", admin.site.urls),
    # Stripe's webhook (outside the language prefix; its address goes in Stripe's dashboard).
    path("payments/stripe/webhook/", payments_views.stripe_webhook, name="stripe-webhook"),
    path("", include("apps.media.urls")),
    path("robots.txt", blog_machine_views.robots_txt, name="robots-txt"),
    # Browsers ask for /favicon.ico whatever the page links: send them to the one icon.
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("sitemap.xml", blog_machine_views.sitemap_index, name="sitemap-index"),
    path("sitemap-<section>.xml", blog_machine_views.sitemap_section, name="sitemap-section"),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("apps.community.urls")),
    path("", include("apps.payments.urls")),
    path("", include("apps.blog.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
