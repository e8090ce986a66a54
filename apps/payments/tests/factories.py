"""Payments' factories and helpers: tax rates, orders, a private zip attachment."""

import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.tests.factories import UserFactory
from apps.blog.tests.factories import ProjectFactory
from apps.payments.models import Order, TaxRate


class TaxRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaxRate

    name = "GST"
    rate = 1500
    inclusive = True
    active = True


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending order for a 20.00 NZD project, GST included (as a checkout would have made it)."""

    class Meta:
        model = Order

    buyer = factory.SubFactory(UserFactory)
    buyer_email = factory.LazyAttribute(lambda o: o.buyer.email)
    buyer_name = factory.LazyAttribute(lambda o: o.buyer.display_name)
    project = factory.SubFactory(ProjectFactory, price=2000, currency="NZD")
    item_title = factory.LazyAttribute(lambda o: o.project.title if o.project else o.post.title)
    net = 1739
    tax_name = "GST"
    tax_rate = 1500
    tax_amount = 261
    total = 2000
    currency = "NZD"
    stripe_session_id = factory.Sequence(lambda n: f"cs_test_factory{n}")


def zip_upload(name: str = "project.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "The project's files.\n")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")
