"""Errors the community app raises. A ValidationError subclass is a 400 in the API and a form error on
pages; a PermissionDenied subclass is a 403 (the API's handler turns both into its error shape)."""

from django.core.exceptions import PermissionDenied, ValidationError


class CommentingClosed(PermissionDenied):
    """Guests may not comment (COMMUNITY_GUEST_COMMENTS is off), or the reader may not see the post."""

    code = "commenting_closed"


class CommentingBanned(PermissionDenied):
    """The account, the e-mail address or its domain is banned from commenting."""

    code = "banned"


class EditWindowClosed(PermissionDenied):
    """Authors edit or delete their own comment only for COMMUNITY_EDIT_MINUTES after posting it."""

    code = "edit_window_closed"


class CommentDeleted(PermissionDenied):
    """A deleted comment keeps its place in the thread but can no longer be edited or deleted."""

    code = "deleted"


class NotTheAuthor(PermissionDenied):
    code = "not_the_author"


class CommentRefused(ValidationError):
    """Input a person can fix: too long, empty, too many links, a reply to a comment that is gone."""
