"""The account pages, through the Django test client, in both languages."""

import io

import pytest
from django.core import mail
from PIL import Image

from apps.accounts.models import User

from .factories import PASSWORD
from .helpers import last_code

pytestmark = pytest.mark.django_db


def test_sign_up_verify_by_code_and_land_signed_in(client, django_capture_on_commit_callbacks):
    response = client.post("/en/accounts/signup/", {"email": "page@example.com", "password1": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    page = client.get(response["Location"])
    assert "code" in page.content.decode().lower()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/accounts/confirm-email/", {"code": last_code("page@example.com")})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200
    welcome = mail.outbox[-1]
    assert welcome.subject == "Welcome to Inkwell"
    assert "/en/accounts/profile/" in welcome.body
    assert welcome.alternatives[0][1] == "text/html"


def test_signing_up_on_the_page_with_a_taken_email_looks_like_a_new_sign_up(client, member):
    taken = client.post("/en/accounts/signup/", {"email": "member@example.com", "password1": PASSWORD})
    fresh = client.post("/en/accounts/signup/", {"email": "fresh@example.com", "password1": PASSWORD})
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email="member@example.com").count() == 1
    # The owner of the taken address is told by e-mail instead.
    assert any("member@example.com" in m.to for m in mail.outbox)


def test_the_sign_up_page_is_styled_and_translated(client):
    html = client.get("/zh-hans/accounts/signup/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "site.css" in html
    assert "注册" in html


def test_sign_in_by_password_on_the_page(client, member):
    response = client.post("/en/accounts/login/", {"login": "MEMBER@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_a_wrong_password_on_the_page_says_the_same_for_unknown_addresses(client, member):
    known = client.post("/en/accounts/login/", {"login": "member@example.com", "password": "nope nope"})
    unknown = client.post("/en/accounts/login/", {"login": "nobody@example.com", "password": "nope nope"})
    assert known.status_code == unknown.status_code == 200
    strip = lambda r: r.content.decode().replace("member@example.com", "X").replace("nobody@example.com", "X")  # noqa: E731
    assert strip(known).split("csrfmiddlewaretoken")[0] == strip(unknown).split("csrfmiddlewaretoken")[0]


def test_sign_in_by_emailed_code_on_the_page(client, member):
    response = client.post("/en/accounts/login/code/", {"email": "member@example.com"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": last_code("member@example.com")})
    assert response.status_code == 302
    assert client.get("/en/accounts/profile/").status_code == 200


def test_reset_a_forgotten_password_by_code_on_the_page(client, member):
    response = client.post("/en/accounts/password/reset/", {"email": "member@example.com"})
    assert response.status_code == 302
    response = client.post(response["Location"], {"code": last_code("member@example.com")})
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"password1": "brand new secret 77", "password2": "brand new secret 77"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("brand new secret 77")


def test_a_reset_request_for_an_unknown_address_looks_the_same(client, member):
    known = client.post("/en/accounts/password/reset/", {"email": "member@example.com"})
    unknown = client.post("/en/accounts/password/reset/", {"email": "ghost@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_changing_the_password_needs_the_current_one(client, member):
    client.force_login(member)
    bad = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": "wrong", "password1": "another secret 55", "password2": "another secret 55"},
    )
    assert bad.status_code == 200
    good = client.post(
        "/en/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "another secret 55", "password2": "another secret 55"},
    )
    assert good.status_code == 302
    member.refresh_from_db()
    assert member.check_password("another secret 55")


def test_the_profile_page_saves_name_bio_language_and_avatar(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(member)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "blue").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "face.png"
    response = client.post(
        "/en/accounts/profile/",
        {"display_name": "Mia", "bio": "Tea.", "preferred_language": "zh-hans", "avatar_file": buffer},
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/accounts/profile/"
    member.refresh_from_db()
    assert (member.display_name, member.bio, member.preferred_language) == ("Mia", "Tea.", "zh-hans")
    page = client.get(response["Location"]).content.decode()
    assert member.avatar.file.url in page
    assert "个人资料" in page


def test_the_profile_page_refuses_a_long_bio(client, member):
    client.force_login(member)
    response = client.post("/en/accounts/profile/", {"display_name": "M", "bio": "x" * 301, "preferred_language": "en"})
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode() or "300" in response.content.decode()


def test_a_signed_in_user_lands_in_their_preferred_language(client, member):
    member.preferred_language = "zh-hans"
    member.save()
    client.force_login(member)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/zh-hans/"


def test_deleting_the_account_on_the_page_needs_the_password(client, member):
    client.force_login(member)
    assert client.post("/en/accounts/delete/", {"password": "wrong", "confirm": "on"}).status_code == 200
    assert User.objects.filter(pk=member.pk).exists()
    response = client.post("/en/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()


def test_log_out_everywhere_ends_other_sessions(client, member):
    from django.test import Client

    other = Client()
    other.post("/en/accounts/login/", {"login": "member@example.com", "password": PASSWORD})
    assert other.get("/en/accounts/profile/").status_code == 200
    client.post("/en/accounts/login/", {"login": "member@example.com", "password": PASSWORD})
    response = client.post("/en/accounts/logout-everywhere/")
    assert response.status_code == 302
    assert other.get("/en/accounts/profile/").status_code == 302  # sent to sign in
    assert client.get("/en/accounts/profile/").status_code == 302


def test_oauth_buttons_appear_only_when_configured(client, settings):
    html = client.get("/en/accounts/login/").content.decode()
    assert "GitHub" not in html
    assert "Google" not in html
    settings.SOCIALACCOUNT_PROVIDERS = {"github": {"APPS": [{"client_id": "id", "secret": "s", "key": ""}]}}
    html = client.get("/en/accounts/login/").content.decode()
    assert "GitHub" in html
    assert "Google" not in html


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
@pytest.mark.parametrize("page", ["profile/", "email/", "password/change/", "sessions/", "delete/", "3rdparty/"])
def test_every_account_page_renders_in_the_site_layout(client, member, lang, page):
    client.force_login(member)
    response = client.get(f"/{lang}/accounts/{page}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert "site.css" in html
    assert "auth-menu" in html


@pytest.mark.parametrize("page", ["login/", "signup/", "login/code/", "password/reset/"])
def test_the_entrance_pages_render_for_visitors(client, page):
    response = client.get(f"/zh-hans/accounts/{page}")
    assert response.status_code == 200
    assert 'class="stack"' in response.content.decode()


def test_the_account_menu_is_fully_translated(client, member):
    client.force_login(member)
    html = client.get("/zh-hans/accounts/profile/").content.decode()
    for text in ("电子邮件地址", "会话", "删除账户", "在所有设备上退出"):
        assert text in html
    assert "E-mail addresses" not in html
