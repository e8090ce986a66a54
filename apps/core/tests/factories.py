"""Factories for the backup tests: users and media assets with real files in the storages."""

import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from apps.media.models import Asset


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Writer {n} 作者{n}")
    password = factory.django.Password("correct horse battery")


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
