"""Factories for blog models, with both languages filled in."""

from datetime import timedelta

import factory
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.blog.models import AccessGrant, Post, Project, Section, Tag


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    type = Section.Type.BLOG
    name_en = factory.Sequence(lambda n: f"Section {n}")
    name_zh_hans = factory.Sequence(lambda n: f"栏目 {n}")
    description_en = "Notes and essays."
    description_zh_hans = "笔记与随笔。"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name_en = factory.Sequence(lambda n: f"Topic {n}")
    name_zh_hans = factory.Sequence(lambda n: f"话题 {n}")


class PostFactory(factory.django.DjangoModelFactory):
    """A live bilingual post by default; `PostFactory(draft=True)`, `(scheduled=True)` for others."""

    class Meta:
        model = Post
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Post.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            status=Post.Status.SCHEDULED, published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )
        archived = factory.Trait(status=Post.Status.ARCHIVED)

    title_en = factory.Sequence(lambda n: f"Post number {n}")
    title_zh_hans = factory.Sequence(lambda n: f"第 {n} 篇文章")
    summary_en = "A short summary."
    summary_zh_hans = "简短的摘要。"
    body_en = "## Introduction\n\nSome *words* here.\n\n```python\nprint('hi')\n```\n"
    body_zh_hans = "## 介绍\n\n这里是一些文字。\n"
    source_language = "en"
    section = factory.SubFactory(SectionFactory)
    author = factory.SubFactory(UserFactory)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def tags(self, create: bool, extracted: list[Tag] | None, **kwargs) -> None:
        if create and extracted:
            self.tags.set(extracted)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title_en = factory.Sequence(lambda n: f"Project {n}")
    title_zh_hans = factory.Sequence(lambda n: f"项目 {n}")
    description_en = "A useful tool."
    description_zh_hans = "一个有用的工具。"
    body_en = "## Features\n\n- fast\n- small\n"
    body_zh_hans = "## 特性\n\n- 快\n- 小\n"
    type = Project.Type.WEB
    repository_url = "https://example.com/repo"
    is_published = True


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    user = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory, is_premium=True)
