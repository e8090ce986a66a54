"""The site chrome (base.html) kept per process is the markup the plain template wrote, byte for byte.

base.html renders its header and footer parts once per language and kind of reader ({% once %}),
reverses its fixed URLs once (urls_once) and writes the alternates and Open Graph tags in Python
(apps/core/templatetags/core_tags.py). templates/chrome_reference/base.html here is base.html as it
was before (issue 16, fourth pass): every page, for anonymous and signed-in readers in both languages,
must come out the same through either, and the same whether its parts were kept or fresh.
When base.html changes on purpose, change the reference the same way.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template, TemplateSyntaxError

from apps.blog.tests.factories import PostFactory, ProjectFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db
REFERENCE_DIR = Path(__file__).parent / "templates" / "chrome_reference"
# Per request on purpose: CSRF tokens, the comment form's signed time stamp.
PER_REQUEST = re.compile(r'name="(csrfmiddlewaretoken|stamp)" value="[^"]+"')


@pytest.fixture
def site(settings):
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0  # every request renders
    tag = TagFactory(slug="chrome-tag")
    section = SectionFactory(slug="chrome-section")
    post = PostFactory(slug="chrome-post", title_en='Quotes "&" <tags>', section=section, tags=[tag])
    project = ProjectFactory(slug="chrome-project")
    return [
        "/",
        f"/posts/{post.slug}/",
        f"/tags/{tag.slug}/",
        f"/sections/{section.slug}/",
        "/search/?q=post&x=%E4%B8%AD%22",  # a query string kept in the language switch
        "/search/",  # overrides {% block header_search %}
        "/archive/",  # aria-current in both navs
        "/projects/",
        f"/projects/{project.slug}/",
        "/about/",
        "/accounts/login/",
        "/accounts/profile/",
        "/newsletter/subscribe/",  # overrides {% block subscribe_slot %}
        "/accounts/email/",  # allauth's layout: overrides {% block footer %}
        "/no-such-page/",  # matches no URL: the alternates keep the path
        "/posts/no-such-post/",  # a 404 from a view
    ]


def _pages(client, reader, paths: list[str]) -> dict[tuple, str]:
    """Every page for each kind of reader in both languages, in an order that switches often."""
    pages = {}
    for signed_in in (False, True, False):
        if signed_in:
            client.force_login(reader)
        else:
            client.logout()
        for path in paths:
            for language in ("en", "zh-hans"):
                response = client.get(f"/{language}{path}")
                body = PER_REQUEST.sub(r'name="\1" value="-"', response.content.decode())
                pages[(signed_in, language, path)] = f"{response.status_code}\n{body}"
    return pages


def test_every_page_is_byte_identical_to_the_plain_template_kept_or_fresh(client, reader, settings, site):
    kept = _pages(client, reader, site)  # the first request of each kind renders, the others reuse
    again = _pages(client, reader, list(reversed(site)))
    assert again == kept

    settings.TEMPLATES = [
        {**django_settings.TEMPLATES[0], "DIRS": [REFERENCE_DIR, *django_settings.TEMPLATES[0]["DIRS"]]}
    ]
    plain = _pages(client, reader, site)
    assert "{% once" not in (REFERENCE_DIR / "base.html").read_text()
    for key, page in plain.items():
        assert kept[key] == page, key
    # The parts that differ by reader and page really do.
    assert 'aria-current="page">Archive' in kept[(False, "en", "/archive/")]
    assert "aria-current" not in kept[(False, "en", "/about/")].replace('aria-current="page">About', "")
    assert "Sign out" in kept[(True, "en", "/")]
    assert "Sign out" not in kept[(False, "en", "/")]
    assert 'hreflang="zh-hans" lang="zh-hans">简体中文' in kept[(False, "en", "/")]


def test_once_keeps_its_markup_per_language_and_named_values():
    template = Template("{% load core_tags %}{% once flag %}{{ value }}{% endonce %}")
    assert template.render(Context({"flag": 1, "value": "first"})) == "first"
    assert template.render(Context({"flag": 1, "value": "second"})) == "first"
    assert template.render(Context({"flag": 2, "value": "third"})) == "third"


def test_once_forgets_its_markup_when_a_setting_changes(settings):
    template = Template("{% load core_tags %}{% once %}{{ value }}{% endonce %}")
    assert template.render(Context({"value": "first"})) == "first"
    settings.SITE_NAME = "Elsewhere"
    assert template.render(Context({"value": "second"})) == "second"


def test_once_refuses_a_block_a_child_template_could_override():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load core_tags %}{% once %}{% block nav %}{% endblock %}{% endonce %}")


def test_the_site_name_from_settings_reaches_the_kept_header_and_footer(client, settings):
    settings.BLOG_PAGE_CACHE_TIMEOUT = 0
    client.get("/en/about/")
    settings.SITE_NAME = "Renamed"
    html = client.get("/en/about/").content.decode()
    assert '<p class="footer-brand">Renamed</p>' in html
    assert "<span>Renamed</span>" in html
