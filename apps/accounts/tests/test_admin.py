import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from apps.accounts import services
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


# --- The role is the one control; it works exactly like the service (and the API) -------------------


def _change_form(user, **overrides):
    """The user change form's fields, as the browser posts them."""
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "bio": user.bio,
        "avatar": "",
        "preferred_language": user.preferred_language,
        "role": services.user_role(user=user),
        "active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _access(user) -> tuple:
    user = User.objects.get(pk=user.pk)
    return sorted(user.groups.values_list("name", flat=True)), user.is_staff, user.is_superuser


@pytest.mark.parametrize("role", ["Editors", "Admins", "Readers"])
def test_setting_a_role_in_the_admin_changes_groups_and_flags_exactly_like_the_service(client, admin_user, role):
    in_admin, by_service = UserFactory(), UserFactory()
    for user in (in_admin, by_service):
        services.user_set_role(user=user, role="Editors" if role == "Readers" else "Readers", by=admin_user)
    client.force_login(admin_user)

    response = client.post(f"/admin/accounts/user/{in_admin.pk}/change/", _change_form(in_admin, role=role))
    services.user_set_role(user=by_service, role=role, by=admin_user)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _access(in_admin) == _access(by_service)
    assert _access(in_admin)[0] == [role]


def test_the_user_form_cannot_set_staff_superuser_or_groups_directly(client, admin_user):
    target = UserFactory()
    services.user_set_role(user=target, role="Readers", by=admin_user)
    client.force_login(admin_user)
    admins = Group.objects.get(name="Admins")

    page = client.get(f"/admin/accounts/user/{target.pk}/change/").content.decode()
    client.post(
        f"/admin/accounts/user/{target.pk}/change/",
        {**_change_form(target), "is_staff": "on", "is_superuser": "on", "groups": [admins.pk]},
    )

    assert 'name="role"' in page
    for name in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{name}"' not in page
    assert _access(target) == (["Readers"], False, False)


def test_demoting_yourself_gets_the_same_refusal_in_the_admin_and_the_api(client, admin_user):
    client.force_login(admin_user)
    api = APIClient()
    api.force_authenticate(admin_user)

    response = client.post(f"/admin/accounts/user/{admin_user.pk}/change/", _change_form(admin_user, role="Readers"))
    answer = api.post(f"/api/v1/users/{admin_user.pk}/role/", {"role": "Readers"})

    assert response.status_code == 200
    form_errors = response.context["adminform"].form.errors["role"]
    assert answer.status_code == 400
    assert answer.json()["code"] == "self_demote"
    assert form_errors == answer.json()["errors"]["non_field_errors"] == ["You cannot remove your own admin role."]
    assert _access(admin_user) == (["Admins"], True, True)


def test_disabling_in_the_user_form_logs_out_everywhere_like_the_action(client, admin_user):
    in_form, by_action = UserFactory(), UserFactory()
    client.force_login(admin_user)

    client.post(f"/admin/accounts/user/{in_form.pk}/change/", _change_form(in_form, active=""))
    client.post("/admin/accounts/user/", {"action": "disable_users", "_selected_action": [by_action.pk]})

    for user in (in_form, by_action):
        user.refresh_from_db()
        assert (user.is_active, user.token_version) == (False, 1)


def test_a_user_added_in_the_admin_gets_the_role_chosen_through_the_service(client, admin_user):
    client.force_login(admin_user)
    password = "a long unusual passphrase 7"

    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New@Example.com",
            "password1": password,
            "password2": password,
            "role": "Editors",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="new@example.com")
    assert _access(user) == (["Editors"], True, False)
    assert user.check_password(password)
