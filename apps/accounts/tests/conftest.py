"""Fixtures of the accounts tests."""

import pytest

from .factories import UserFactory


@pytest.fixture
def member(db):
    """A verified reader with a password (see factories.PASSWORD)."""
    return UserFactory(email="member@example.com", display_name="Mia Member")
