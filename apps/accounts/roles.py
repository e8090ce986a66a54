"""Roles are groups. Editors get every model permission of the content apps."""

READERS = "Readers"
EDITORS = "Editors"
ADMINS = "Admins"
ROLE_GROUPS = (READERS, EDITORS, ADMINS)

# App labels whose models editors manage in full (named, not imported: accounts sits below them).
EDITOR_APPS = ("blog", "media", "community")
# Single permissions editors get elsewhere.
EDITOR_EXTRA_PERMISSIONS = (
    ("accounts", "view_user"),
    ("payments", "view_order"),
    ("payments", "refund_order"),
    ("payments", "view_invoice"),
    ("analytics", "view_pageview"),
)
