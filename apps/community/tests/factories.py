"""Factories and helpers for community tests."""

import time

import factory
from django.core import signing

from apps.accounts.tests.factories import UserFactory
from apps.blog.models import Section
from apps.blog.tests.factories import PostFactory, SectionFactory
from apps.community.forms import STAMP_SALT
from apps.community.models import Comment
from apps.community.rendering import render_comment

__all__ = ["BoardFactory", "CommentFactory", "PostFactory", "UserFactory", "old_stamp"]


class BoardFactory(SectionFactory):
    type = Section.Type.BOARD
    name_en = "Message board"
    name_zh_hans = "留言板"
    slug = "board"


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved comment on a live post, by a signed-in reader (written straight to the database:
    tests of the rules go through the services)."""

    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    user = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment number {n} with *emphasis*.")
    body_html = factory.LazyAttribute(lambda o: render_comment(o.body))
    status = Comment.Status.APPROVED
    depth = 1


def old_stamp(target: str, seconds_ago: float = 60) -> str:
    """The signed form stamp of a form shown `seconds_ago` (the minimum time to submit has passed)."""
    return signing.dumps({"t": time.time() - seconds_ago, "k": target}, salt=STAMP_SALT, compress=True)
