"""/api/v1/users/ (admins), /api/v1/users/me/ (the caller), /api/v1/profiles/ (public)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from PIL import Image
from rest_framework.test import APIClient

from apps.accounts.models import User

from .factories import PASSWORD, UserFactory
from .helpers import bearer, post

pytestmark = pytest.mark.django_db


def _png(name: str = "me.png", color: str = "red") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def _as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_me_shows_and_updates_the_callers_profile(member):
    client = _as(member)
    response = client.patch(
        "/api/v1/users/me/", {"display_name": "Mia M.", "bio": "Hi.", "preferred_language": "zh-hans"}
    )
    assert response.status_code == 200
    assert response.json()["display_name"] == "Mia M."
    member.refresh_from_db()
    assert (member.bio, member.preferred_language) == ("Hi.", "zh-hans")


def test_me_refuses_a_bio_over_300_characters_and_an_unknown_language(member):
    client = _as(member)
    response = client.patch("/api/v1/users/me/", {"bio": "x" * 301})
    assert response.status_code == 400
    assert "bio" in response.json()["errors"]
    assert client.patch("/api/v1/users/me/", {"preferred_language": "fr"}).status_code == 400


def test_me_ignores_attempts_to_change_email_or_role(member):
    _as(member).patch("/api/v1/users/me/", {"email": "evil@example.com", "is_superuser": True}, format="json")
    member.refresh_from_db()
    assert member.email == "member@example.com"
    assert not member.is_superuser


def test_anonymous_callers_get_401_from_me(api_client):
    response = api_client.get("/api/v1/users/me/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "errors"}


def test_an_avatar_uploads_into_the_media_library_and_shows_on_the_public_profile(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _as(member).post("/api/v1/users/me/avatar/", {"file": _png()}, format="multipart")
    assert response.status_code == 200, response.json()
    member.refresh_from_db()
    assert member.avatar.owner == member
    public = APIClient().get(f"/api/v1/profiles/{member.pk}/").json()
    assert public["avatar_url"] == member.avatar.file.url
    assert _as(member).delete("/api/v1/users/me/avatar/").json()["avatar_url"] is None


def test_a_non_image_avatar_is_refused_with_a_field_error(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bogus = io.BytesIO(b"%PDF-1.4 not an image")
    bogus.name = "me.png"
    response = _as(member).post("/api/v1/users/me/avatar/", {"file": bogus}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_the_public_profile_shows_name_avatar_and_bio_only(api_client, member):
    member.bio = "Writes about tea."
    member.save()
    body = api_client.get(f"/api/v1/profiles/{member.pk}/").json()
    assert body == {"id": member.pk, "display_name": "Mia Member", "avatar_url": None, "bio": "Writes about tea."}


def test_a_disabled_users_public_profile_is_gone(api_client, member):
    member.is_active = False
    member.save()
    assert api_client.get(f"/api/v1/profiles/{member.pk}/").status_code == 404


def test_only_admins_may_list_users(reader, editor, admin_user):
    assert _as(reader).get("/api/v1/users/").status_code == 403
    assert _as(editor).get("/api/v1/users/").status_code == 403
    assert _as(admin_user).get("/api/v1/users/").status_code == 200


def test_admins_search_and_filter_users(admin_user, django_assert_max_num_queries):
    UserFactory.create_batch(5)
    UserFactory(email="findme@example.com", display_name="Findable")
    UserFactory(email="off@example.com", is_active=False)
    client = _as(admin_user)
    assert [u["email"] for u in client.get("/api/v1/users/?search=findab").json()["results"]] == ["findme@example.com"]
    assert [u["email"] for u in client.get("/api/v1/users/?is_active=false").json()["results"]] == ["off@example.com"]
    assert [u["email"] for u in client.get("/api/v1/users/?role=Admins").json()["results"]] == ["admin@example.com"]
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/users/?page_size=50").json()["count"] == 8


def test_admins_disable_and_enable_a_user_and_the_disabled_token_stops(client, admin_user, member):
    meta = post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).json()["meta"]
    admin = _as(admin_user)
    assert admin.post(f"/api/v1/users/{member.pk}/disable/").json()["is_active"] is False
    assert client.get("/api/v1/users/me/", **bearer(meta["access_token"])).status_code == 401
    assert post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).status_code == 401
    assert admin.post(f"/api/v1/users/{member.pk}/enable/").json()["is_active"] is True
    assert post(client, "/auth/login", {"email": "member@example.com", "password": PASSWORD}).status_code == 200


def test_admins_change_roles_and_staff_flags_follow(admin_user, member):
    admin = _as(admin_user)
    body = admin.post(f"/api/v1/users/{member.pk}/role/", {"role": "Editors"}).json()
    assert body["role"] == "Editors"
    member.refresh_from_db()
    assert member.is_staff
    assert not member.is_superuser
    assert list(member.groups.values_list("name", flat=True)) == ["Editors"]
    admin.post(f"/api/v1/users/{member.pk}/role/", {"role": "Admins"})
    member.refresh_from_db()
    assert member.is_superuser
    assert admin.post(f"/api/v1/users/{member.pk}/role/", {"role": "Kings"}).status_code == 400


def test_an_admin_cannot_lock_themselves_out(admin_user):
    admin = _as(admin_user)
    assert admin.post(f"/api/v1/users/{admin_user.pk}/disable/").status_code == 400
    assert admin.post(f"/api/v1/users/{admin_user.pk}/role/", {"role": "Readers"}).status_code == 400
    assert admin.delete(f"/api/v1/users/{admin_user.pk}/").status_code == 400


def test_admins_delete_a_user_and_their_assets_go_with_them(admin_user, member, settings, tmp_path):
    from apps.media.models import Asset

    settings.MEDIA_ROOT = tmp_path
    _as(member).post("/api/v1/users/me/avatar/", {"file": _png()}, format="multipart")
    assert _as(admin_user).delete(f"/api/v1/users/{member.pk}/").status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()
    assert not Asset.objects.filter(owner_id=member.pk).exists()


def test_deleting_your_account_needs_the_password(member):
    client = _as(member)
    assert client.delete("/api/v1/users/me/", {"password": "wrong one"}).status_code == 400
    assert User.objects.filter(pk=member.pk).exists()
    assert client.delete("/api/v1/users/me/", {"password": PASSWORD}).status_code == 204
    assert not User.objects.filter(pk=member.pk).exists()


def test_deleting_an_account_without_password_works_with_an_emailed_code(db):
    user = UserFactory(email="social@example.com")
    user.set_unusable_password()
    user.save()
    client = _as(user)
    assert client.post("/api/v1/users/me/deletion-code/").status_code == 204
    code = mail.outbox[-1].body.split("\n\n")[1].strip()
    assert len(code) == 6
    assert mail.outbox[-1].alternatives  # HTML part too
    assert client.delete("/api/v1/users/me/", {"code": "000000" if code != "000000" else "111111"}).status_code == 400
    assert client.delete("/api/v1/users/me/", {"code": code}).status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_deletion_code_dies_after_five_wrong_tries(db):
    user = UserFactory(email="tries@example.com")
    client = _as(user)
    client.post("/api/v1/users/me/deletion-code/")
    code = mail.outbox[-1].body.split("\n\n")[1].strip()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert client.delete("/api/v1/users/me/", {"code": wrong}).status_code == 400
    assert client.delete("/api/v1/users/me/", {"code": code}).status_code == 400
    assert User.objects.filter(pk=user.pk).exists()


def test_new_sign_ups_join_the_readers_group(client):
    post(client, "/auth/signup", {"email": "joiner@example.com", "password": PASSWORD})
    user = User.objects.get(email="joiner@example.com")
    assert list(user.groups.values_list("name", flat=True)) == ["Readers"]
    assert Group.objects.get(name="Readers").user_set.filter(pk=user.pk).exists()
