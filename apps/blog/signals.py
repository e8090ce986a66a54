"""Signals the blog sends, for higher apps and cache invalidation (never for business rules).

All are sent after the database transaction commits, so receivers see the new state.
"""

from django.dispatch import Signal

# A post went live now (published by an editor, or a scheduled post flipped by the beat task).
# Arguments: sender=Post, post: Post, by: User | None.
post_published = Signal()

# A post stopped being live (unpublished back to draft, or archived).
# Arguments: sender=Post, post: Post, by: User | None.
post_unpublished = Signal()

# Something readers can see may have changed: a post, section, tag or project was saved or deleted,
# a post's tags changed, or a revision was restored. Receivers drop cached pages and feeds.
# Arguments: sender=the model class, instance: the object, post_ids: list[int] (the posts whose
# pages may show the change; empty when it is a section, tag or project page only).
content_changed = Signal()
