import pytest


@pytest.mark.django_db
def test_root_redirects_to_the_visitors_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/"
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert response["Location"] == "/en/"


@pytest.mark.django_db
def test_an_unknown_language_prefix_is_404(client):
    assert client.get("/fr/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "lang", "switch_label"), [("/en/", "en", "简体中文"), ("/zh-hans/", "zh-hans", "English")]
)
def test_reader_pages_are_served_per_language_with_a_switcher(client, prefix, lang, switch_label):
    response = client.get(prefix)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'hreflang="x-default"' in html
    assert switch_label in html
    assert 'href="#content"' in html


@pytest.mark.django_db
def test_interface_strings_are_translated(client):
    html = client.get("/zh-hans/").content.decode()
    assert "跳到正文" in html


@pytest.mark.django_db
def test_error_pages_exist_in_both_languages(client):
    assert "Page not found" in client.get("/en/no-such-page/").content.decode()
    assert "页面不存在" in client.get("/zh-hans/no-such-page/").content.decode()


@pytest.mark.django_db
def test_admin_is_branded_from_settings(client, settings):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert f"{settings.SITE_NAME} administration" in response.content.decode()
