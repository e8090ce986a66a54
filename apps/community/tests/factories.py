"""Factories and helpers for community tests."""

import time

import factory
from django.core import signing
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.blog.models import Section
from apps.blog.tests.factories import PostFactory, SectionFactory
from apps.community.forms import STAMP_SALT
from apps.community.models import Comment, FriendLink, Subscriber
from apps.community.rendering import render_comment

__all__ = [
    "BoardFactory",
    "CommentFactory",
    "FriendLinkFactory",
    "FriendsSectionFactory",
    "PostFactory",
    "SubscriberFactory",
    "UserFactory",
    "old_stamp",
]


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


class FriendsSectionFactory(SectionFactory):
    type = Section.Type.FRIENDS
    name_en = "Friends"
    name_zh_hans = "友情链接"
    slug = "friends"


class FriendLinkFactory(factory.django.DjangoModelFactory):
    """An approved friend link (written straight to the database)."""

    class Meta:
        model = FriendLink

    name = factory.Sequence(lambda n: f"Friend blog {n}")
    url = factory.Sequence(lambda n: f"https://friend{n}.example.org/")
    description_en = "Essays on typography."
    description_zh_hans = "关于排版的随笔。"
    status = FriendLink.Status.APPROVED
    applicant = factory.SubFactory(UserFactory)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed English subscriber."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"subscriber{n}@mail.test")
    language = "en"
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(timezone.now)
