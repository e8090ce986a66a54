import pytest

from .factories import UserFactory


@pytest.fixture
def member(db):
    """A verified reader with a password (see factories.PASSWORD)."""
    return UserFactory(email="member@example.com", display_name="Mia Member")


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """Requests to /zh-hans/ pages leave Chinese active in the thread; don't leak it to other tests."""
    from django.utils import translation

    yield
    translation.activate("en")
