"""The whole import on the test database, fed from memory (the MariaDB run in test_mariadb.py reads the
same rows from a real old schema)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from apps.analytics.models import ImportedViews
from apps.analytics.selectors import content_views_map
from apps.blog.models import KeyPoints, Post, PostNarration, Project, Section, Tag
from apps.community.models import Bookmark, Comment
from apps.legacy.fetch import MediaFetcher
from apps.legacy.importer import Importer
from apps.legacy.models import ImportedRow
from apps.legacy.source import MemorySource
from apps.media.models import Asset

from .fixture import OLD_PASSWORD

pytestmark = pytest.mark.django_db


def run(rows, **options):
    return Importer(MemorySource(rows), fetcher=MediaFetcher(), **options).run()


def test_users_come_with_their_passwords_roles_and_accounts(old_rows, client):
    run(old_rows)
    users = get_user_model().objects
    alice = users.get(email="alice@example.com")
    assert alice.display_name == "alice"
    assert alice.is_superuser
    assert alice.groups.filter(name="Admins").exists()
    assert alice.check_password(OLD_PASSWORD)
    assert not alice.check_password("wrong")
    assert EmailAddress.objects.get(user=alice).verified
    assert not EmailAddress.objects.get(email="bob@example.com").verified
    assert not users.get(email="carol@example.com").is_active  # deleted on the old site
    assert not users.get(email="dave@example.com").has_usable_password()
    assert {(a.provider, a.uid) for a in SocialAccount.objects.all()} == {("github", "gh-1001"), ("google", "g-2002")}
    assert alice.avatar is not None
    assert alice.avatar.kind == Asset.Kind.IMAGE
    # The old password signs in through the site's own login.
    response = client.post("/en/accounts/login/", {"login": "alice@example.com", "password": OLD_PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(alice.pk)


def test_posts_sections_tags_and_their_content(old_rows):
    report = run(old_rows)
    dev = Section.objects.get(slug="dev-notes")
    assert dev.parent.slug == "blog"
    assert dev.name_zh_hans == "开发笔记"
    assert Section.objects.get(slug="blog").seo_title_en == "Blog"
    assert Section.objects.get(slug="forum").type == Section.Type.BOARD
    assert Tag.objects.get(slug="life").name_zh_hans == "生活"

    post = Post.objects.get(slug="start-writing")
    assert post.status == Post.Status.PUBLISHED
    assert post.is_featured
    assert post.published_at.isoformat() == "2024-03-10T09:00:00+00:00"
    assert post.source_language == "zh-hans"
    assert post.title_en == "Start writing"
    assert post.seo_keywords_zh_hans == "写作,开始"
    assert {t.slug for t in post.tags.all()} == {"python", "life"}
    assert post.cover is not None
    assert "```python" in post.body_zh_hans
    html = post.body_html_zh_hans
    assert "<table>" in html
    assert "<ol>" in html
    assert "<del>删除</del>" in html
    assert "<u>下划线</u>" in html
    assert '<img alt="示意图" src="/media/' in html  # the image now served from Inkwell's storage
    assert "<hr>" in html
    assert "第二行" in html

    only_zh = Post.objects.get(slug="only-chinese")
    assert only_zh.status == Post.Status.DRAFT
    assert not only_zh.title_en
    assert only_zh.cover is None
    assert Post.objects.get(slug="old-news").status == Post.Status.ARCHIVED

    points = KeyPoints.objects.get(post=post, language="en")
    assert points.published_points == ["Point one", "Point two", "Point three"]
    assert points.is_reviewed
    assert PostNarration.objects.get(post=post, language="zh-hans").asset.kind == Asset.Kind.AUDIO
    assert ImportedViews.objects.get(object_id=post.pk).views == 1234
    assert content_views_map()[f"post:{post.pk}"] == 1234

    # The unreachable cover is reported; the post that uses it is still there.
    media = report.tables["media"]
    assert [old_id for old_id, _reason in media.failed] == [5]
    assert "HTTP 404" in media.failed[0][1]
    assert any("media #5" in note for _id, note in report.tables["blogs"].notes)


def test_projects_comments_bookmarks(old_rows):
    run(old_rows)
    project = Project.objects.get(slug="ink-tool")
    assert project.price == 2000
    assert project.currency == "NZD"
    assert project.attachment.visibility == Asset.Visibility.PRIVATE
    assert project.type == Project.Type.DESKTOP

    post = Post.objects.get(slug="start-writing")
    comments = {c.body or (c.deleted_at and "(deleted)"): c for c in Comment.objects.filter(post=post)}
    assert comments["Thanks!"].parent == comments["写得好。"]
    assert comments["Third level"].depth == 3
    fourth = comments["Fourth level"]
    assert fourth.depth == 3
    assert fourth.reply_to == comments["Third level"]
    deleted = Comment.objects.get(post=post, deleted_at__isnull=False)
    assert deleted.body == ""
    assert deleted.user.email == "carol@example.com"
    assert all(c.status == Comment.Status.APPROVED for c in Comment.objects.all())
    assert comments["写得好。"].created_at.isoformat() == "2024-03-16T09:00:00+00:00"

    board = Section.objects.get(slug="forum")
    messages = Comment.objects.filter(board=board)
    assert messages.count() == 3
    assert messages.get(body="Welcome!").parent.body == "大家好"

    assert set(Bookmark.objects.values_list("post__slug", flat=True)) == {"start-writing", "only-chinese"}


def test_a_second_run_changes_nothing_and_a_third_imports_only_new_rows(old_rows, file_server):
    run(old_rows)
    counts = {m: m.objects.count() for m in (Post, Comment, Asset, Section, Tag, Project, Bookmark)}
    fetched = len(file_server.requests)
    second = run(old_rows)
    assert {m: m.objects.count() for m in counts} == counts
    for name, table in second.tables.items():
        assert (table.created, table.updated) == (0, 0), name
    assert len(file_server.requests) == fetched + 1  # only the file that failed is tried again

    old_rows["blog_comment"].append(
        {"id": 6, "blog_id": 1, "user_id": 2, "comment": "New one", "is_deleted": 0, "parent_id": None,
         "created_at": None, "updated_at": None}
    )  # fmt: skip
    old_rows["blogs"][2]["english_title"] = "Old news, edited"
    third = run(old_rows)
    assert third.tables["blog_comment"].created == 1
    assert third.tables["blogs"].updated == 1
    assert third.tables["blogs"].skipped == 2
    assert Post.objects.get(slug="old-news").title_en == "Old news, edited"
    assert Comment.objects.filter(body="New one").count() == 1


def test_dry_run_writes_nothing(old_rows, file_server):
    report = run(old_rows, dry_run=True)
    assert report.tables["blogs"].created == 3
    assert Post.objects.count() == 0
    assert ImportedRow.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert file_server.requests == []


def test_only_imports_the_parts_named(old_rows):
    run(old_rows, only=["users"])
    assert get_user_model().objects.count() == 4
    assert Post.objects.count() == 0
    with pytest.raises(ValueError, match="unknown part"):
        run(old_rows, only=["nope"])


def test_parts_inkwell_cannot_hold_yet_are_reported(old_rows):
    report = run(old_rows)
    lines = "\n".join(report.lines())
    assert "payment_records" in lines
    assert "not imported" in lines


def test_friend_links_and_subscribers(old_rows, django_capture_on_commit_callbacks, mailoutbox):
    from apps.community.models import FriendLink, Subscriber

    with django_capture_on_commit_callbacks(execute=True):
        run(old_rows)
    links = {link.url: link for link in FriendLink.objects.all()}
    assert (links["https://a.example"].status, links["https://a.example"].is_featured) == ("approved", True)
    assert (links["https://b.example"].status, links["https://b.example"].is_featured) == ("approved", False)
    assert links["https://c.example"].status == "pending"  # hidden on the old site
    assert links["https://a.example"].description_en == "Good"
    reader = Subscriber.objects.get(email="reader@example.com")
    assert reader.status == Subscriber.Status.ACTIVE
    assert reader.confirmed_at.isoformat() == "2024-03-05T09:00:00+00:00"
    assert Subscriber.objects.get(email="gone@example.com").status == Subscriber.Status.UNSUBSCRIBED
    assert mailoutbox == []  # nobody is e-mailed by the import


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("en-US,en;q=0.9", "/en/posts/start-writing/"), ("", "/zh-hans/posts/start-writing/"),
     ("zh-CN", "/zh-hans/posts/start-writing/"), ("fr", "/zh-hans/posts/start-writing/")],
)  # fmt: skip
def test_old_urls_redirect_in_the_visitors_language(old_rows, client, accept, expected):
    run(old_rows)
    response = client.get("/dev-notes/start-writing", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 301
    assert response["Location"] == expected


def test_old_section_and_project_urls_redirect_and_unknown_ones_stay_404(old_rows, client):
    run(old_rows)
    assert client.get("/dev-notes", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/sections/dev-notes/"
    assert client.get("/projects/ink-tool", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/projects/ink-tool/"
    assert client.get("/dev-notes/no-such-post").status_code == 404
    assert client.get("/nothing-here/at-all").status_code == 404


def test_the_old_clients_fixed_pages_redirect_too(client):
    assert client.get("/archive", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/archive/"
    assert client.get("/login")["Location"] == "/zh-hans/accounts/login/"
    assert client.get("/register", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/en/accounts/signup/"


def test_a_rerun_after_an_old_row_changed_keeps_a_password_changed_here(old_rows):
    run(old_rows)
    alice = get_user_model().objects.get(email="alice@example.com")
    alice.set_password("New-Passw0rd!")
    alice.save()
    old_rows["users"][0]["bio"] = "changed on the old site"
    report = run(old_rows)
    assert report.tables["users"].updated == 1
    alice.refresh_from_db()
    assert alice.bio == "changed on the old site"
    assert alice.check_password("New-Passw0rd!")
