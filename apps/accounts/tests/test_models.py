import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from apps.accounts.models import User


@pytest.mark.django_db
def test_email_uniqueness_is_case_insensitive():
    User.objects.create_user(email="Writer@Example.com", password="x" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="writer@EXAMPLE.COM", password="x" * 12)
    assert User.objects.get_by_natural_key("WRITER@example.com").email == "writer@example.com"


@pytest.mark.django_db
def test_the_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Readers", "Editors", "Admins"}


@pytest.mark.django_db
def test_editors_can_manage_media_but_not_users():
    editors = Group.objects.get(name="Editors")
    perms = set(editors.permissions.values_list("content_type__app_label", "codename"))
    assert ("media", "change_asset") in perms
    assert ("accounts", "view_user") in perms
    assert ("accounts", "change_user") not in perms


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2_in_production(settings):
    from django.contrib.auth.hashers import get_hasher

    production_hashers = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    settings.PASSWORD_HASHERS = production_hashers
    user = User.objects.create_user(email="a@example.com", password="correct horse battery")
    assert user.password.startswith("argon2")
    assert get_hasher("default").algorithm == "argon2"


@pytest.mark.django_db
def test_public_name_never_falls_back_to_the_email():
    user = User.objects.create_user(email="quiet@example.com", password="x" * 12)
    assert "quiet" not in str(user.public_name)
