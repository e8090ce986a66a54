import pytest

from .factories import BoardFactory


@pytest.fixture(autouse=True)
def _community_settings(settings):
    """The defaults, made explicit: guests off, first comments held, 15-minute edit window."""
    settings.COMMUNITY_GUEST_COMMENTS = False
    settings.COMMUNITY_HOLD_FIRST_COMMENT = True
    settings.COMMUNITY_EDIT_MINUTES = 15
    settings.COMMUNITY_MAX_LINKS = 2
    settings.COMMUNITY_MIN_SUBMIT_SECONDS = 3


@pytest.fixture
def board(db):
    return BoardFactory()
