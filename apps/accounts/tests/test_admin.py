import pytest

from apps.accounts.models import User

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_searches_users(client, admin_user):
    UserFactory(email="needle@example.com")
    client.force_login(admin_user)
    html = client.get("/admin/accounts/user/?q=needle").content.decode()
    assert "needle@example.com" in html
    assert "reader@example.com" not in html


def test_admin_actions_disable_and_change_role(client, admin_user):
    target = UserFactory(email="target@example.com")
    version = target.token_version
    client.force_login(admin_user)
    url = "/admin/accounts/user/"
    client.post(url, {"action": "disable_users", "_selected_action": [target.pk]})
    target.refresh_from_db()
    assert not target.is_active
    assert target.token_version == version + 1
    client.post(url, {"action": "make_editors", "_selected_action": [target.pk]})
    target.refresh_from_db()
    assert target.is_staff
    assert list(target.groups.values_list("name", flat=True)) == ["Editors"]


def test_an_admin_cannot_disable_themselves_from_the_admin(client, admin_user):
    client.force_login(admin_user)
    client.post("/admin/accounts/user/", {"action": "disable_users", "_selected_action": [admin_user.pk]})
    assert User.objects.get(pk=admin_user.pk).is_active
