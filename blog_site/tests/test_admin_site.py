"""The admin as an editor working in Chinese meets it: grouped index, dashboard, language switch."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.analytics.tests.factories import PageViewFactory
from apps.blog.tests.factories import PostFactory
from apps.community.models import Comment
from apps.community.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
# Strings the admin showed in English to a Chinese editor before (issue 15), and words that would
# betray an untranslated Django/third-party string.
KNOWN_ENGLISH = (
    "administration",
    "back office",
    "ACCOUNTS",
    "Accounts",
    "Media library",
    "Assets",
    "Core",
    "Visibility",
    "Model name",
    "Add link",
    "Outstanding Token",
    "Blacklisted Token",
    "User sessions",
    "Drafts",
    "Scheduled",
    "Recently published",
    "Missing a translation",
    "Created",
    "Edited",
    'alt="Search"',
    'alt="True"',
)


def _zh(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html


def _group_names(html: str) -> list[str]:
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section"[^>]*>([^<]+)</a>', html)


def test_the_chinese_admin_index_has_no_known_english_string(client, admin_user):
    client.force_login(admin_user)
    PostFactory(draft=True, title_en="A draft", title_zh_hans="一篇草稿")
    html = _visible_text(_zh(client).get(INDEX).content.decode())
    found = [s for s in KNOWN_ENGLISH if s in html]
    assert found == []
    assert "Inkwell 管理后台" in html
    assert "编辑工作台" in html


def test_the_chinese_post_editor_has_no_known_english_string(client, editor):
    post = PostFactory()
    client.force_login(editor)
    html = _visible_text(_zh(client).get(reverse("admin:blog_post_change", args=[post.pk])).content.decode())
    found = [s for s in (*KNOWN_ENGLISH, "No cover", "View on site", "Insert image") if s in html]
    assert found == []
    assert "在站点上查看" in html  # "View on site"


def test_editors_see_groups_for_editors_and_no_system_group(client, editor):
    client.force_login(editor)
    names = _group_names(_zh(client).get(INDEX).content.decode())
    assert names[:3] == ["博客", "媒体库", "社区"]
    assert "系统" not in names
    assert names.count("账户") <= 1


def test_admins_get_one_accounts_group_and_the_plumbing_under_system(client, admin_user):
    client.force_login(admin_user)
    html = client.get(INDEX).content.decode()
    names = _group_names(html)
    assert names.count("Accounts") == 1
    assert names[-1] == "System"
    system = html[html.index('class="app-system module') :]
    for model in ("Periodic tasks", "Sites", "Social applications", "Blacklisted Tokens", "User sessions", "Backup"):
        assert model in system, model
    accounts = html[html.index('class="app-accounts module') : html.index('class="app-system module')]
    assert "Email addresses" in accounts
    assert "Groups" in accounts
    assert "Users" in accounts


def test_dashboard_lists_drafts_scheduled_recent_and_missing_translations(client, editor):
    draft = PostFactory(draft=True, title_en="Half written", title_zh_hans="")
    at = timezone.now() + timedelta(days=2)
    scheduled = PostFactory(scheduled=True, published_at=at, title_en="Coming soon")
    recent = PostFactory(title_en="Out today")
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    board = html[html.index('class="ink-dashboard"') :]
    drafts, rest = board.split("Scheduled", 1)
    assert "Half written" in drafts
    assert "Coming soon" in rest
    assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M") in rest
    assert "Out today" in rest.split("Recently published", 1)[1]
    missing = rest.split("Missing a translation", 1)[1]
    assert "Half written" in missing
    assert 'ink-badge--missing" title="Missing">zh-hans' in missing
    assert reverse("admin:blog_post_change", args=[draft.pk]) in drafts
    assert reverse("admin:blog_post_change", args=[scheduled.pk]) in rest
    assert reverse("admin:blog_post_change", args=[recent.pk]) in rest


def test_dashboard_shows_the_moderation_queue_and_the_weeks_visitors(client, editor):
    CommentFactory(status=Comment.Status.PENDING, body="Please look at me")
    PageViewFactory(visitor="a" * 16)
    PageViewFactory(visitor="b" * 16)
    client.force_login(editor)
    html = client.get(INDEX).content.decode()
    assert "Waiting for moderation" in html
    assert reverse("admin:community_moderationqueue_changelist") in html
    assert "This week's visitors" in html
    week = html[html.index("This week") :]
    assert re.search(r'class="ink-count">2<', week)
    assert "2 page views in the last 7 days" in week


def test_dashboard_queries_stay_flat(client, editor, django_assert_max_num_queries):
    for n in range(6):
        PostFactory(draft=True, title_zh_hans="")
        PostFactory(title_en=f"Live {n}")
    client.force_login(editor)
    client.get(INDEX)
    with django_assert_max_num_queries(40):
        client.get(INDEX)


def test_readers_get_no_dashboard(client, reader):
    client.force_login(reader)
    response = client.get(INDEX)
    assert response.status_code == 302


def test_the_language_switch_sets_the_profile_language_and_the_admin_follows(client, editor):
    client.force_login(editor)
    assert 'lang="en"' in client.get(INDEX).content.decode()[:200]
    response = client.post(reverse("admin:language"), {"language": "zh-hans", "next": INDEX})
    assert response.status_code == 302
    assert response["Location"] == INDEX
    editor.refresh_from_db()
    assert editor.preferred_language == "zh-hans"
    html = client.get(INDEX).content.decode()
    assert 'lang="zh-hans"' in html[:200]
    assert "编辑工作台" in html
    client.post(reverse("admin:language"), {"language": "en", "next": "https://evil.example/"})
    editor.refresh_from_db()
    assert editor.preferred_language == "en"
    assert "Editor's dashboard" in client.get(INDEX).content.decode()


def test_the_language_switch_ignores_unknown_languages_and_gets(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:language")).status_code == 405
    response = client.post(reverse("admin:language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == INDEX
    editor.refresh_from_db()
    assert editor.preferred_language == "en"


def test_yes_no_icons_are_translated(client, admin_user):
    client.force_login(admin_user)
    html = _zh(client).get(reverse("admin:accounts_user_changelist")).content.decode()
    assert 'alt="True"' not in html
    assert 'alt="是"' in html
