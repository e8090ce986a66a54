"""Payments' reader pages, under the language prefix. Stripe's webhook is outside it (blog_site/urls.py)."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("payments/checkout/", views.checkout, name="checkout"),
    path("payments/orders/<int:pk>/thanks/", views.success, name="success"),
    path("payments/orders/<int:pk>/cancelled/", views.cancel, name="cancel"),
    path("accounts/orders/", views.order_list, name="orders"),
    path("payments/invoices/<int:pk>.pdf", views.invoice_download, name="invoice"),
    path("projects/<slug:slug>/download/", views.project_download, name="download"),
]
