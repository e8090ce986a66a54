"""Factories for the backup tests: media assets with real files in the storages (users: accounts' UserFactory)."""

import hashlib

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from apps.accounts.tests.factories import UserFactory
from apps.media.models import Asset


class AssetFactory(DjangoModelFactory):
    class Meta:
        model = Asset

    owner = factory.SubFactory(UserFactory)
    kind = Asset.Kind.IMAGE
    mime_type = "image/png"
    title_en = factory.Sequence(lambda n: f"Harbour at dawn {n}")
    title_zh_hans = factory.Sequence(lambda n: f"黎明的港口 {n}")
    alt_text_en = "Boats in the harbour"
    alt_text_zh_hans = "港口里的船"
    status = Asset.Status.READY

    @factory.lazy_attribute_sequence
    def file(self, n: int) -> ContentFile:
        return ContentFile(b"\x89PNG\r\n\x1a\n" + f"pixels {n} ".encode() * 500, name=f"harbour-{n}.png")

    @factory.lazy_attribute
    def size(self) -> int:
        return self.file.size

    @factory.lazy_attribute
    def sha256(self) -> str:
        return hashlib.sha256(self.file.read()).hexdigest()
