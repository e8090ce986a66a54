"""The post editor and the revision history, as an editor sees them (issue 15)."""

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation

from apps.blog import selectors, services
from apps.blog.models import Post, PostRevision, Section
from apps.blog.tests.factories import PostFactory, SectionFactory
from apps.media import services as media_services
from apps.media.tests.factories import image_bytes, upload

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:blog_post_changelist")


@pytest.fixture
def media_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _change(post: Post) -> str:
    return reverse("admin:blog_post_change", args=[post.pk])


# --- Autosave ---------------------------------------------------------------------------------------


def test_autosave_keeps_the_unsaved_text_as_a_revision_and_leaves_the_post_alone(editor_client, editor):
    post = services.post_create(by=editor, data={"title_en": "Saved title", "body_en": "Saved body."})
    url = reverse("admin:blog_post_autosave", args=[post.pk])
    response = editor_client.post(url, {"title_en": "Saved title", "body_en": "Saved body, and more typed."})
    assert response.status_code == 200
    assert response.json()["saved"] is True
    revision = post.revisions.order_by("-created_at", "-id").first()
    assert revision.note == PostRevision.Note.AUTOSAVED
    assert revision.data["body_en"] == "Saved body, and more typed."
    assert revision.created_by == editor
    post.refresh_from_db()
    assert post.body_en == "Saved body."

    # A second autosave by the same editor updates that revision; the same text again records nothing.
    editor_client.post(url, {"body_en": "Saved body, and even more typed."})
    assert post.revisions.filter(note=PostRevision.Note.AUTOSAVED).count() == 1
    assert editor_client.post(url, {"body_en": "Saved body, and even more typed."}).json()["saved"] is False
    assert post.revisions.count() == 2


def test_autosave_refuses_unknown_fields_and_needs_a_post(editor_client, editor):
    post = services.post_create(by=editor, data={"title_en": "T"})
    url = reverse("admin:blog_post_autosave", args=[post.pk])
    assert editor_client.get(url).status_code == 405
    # Only text fields are kept: a status in the request is not a field autosave knows.
    response = editor_client.post(url, {"title_en": "T2", "status": "published"})
    assert response.status_code == 200
    assert "status" not in services.AUTOSAVE_FIELDS
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert editor_client.post(reverse("admin:blog_post_autosave", args=[987654])).status_code == 404


def test_readers_cannot_autosave(client, reader, editor):
    post = services.post_create(by=editor, data={"title_en": "T"})
    client.force_login(reader)
    response = client.post(reverse("admin:blog_post_autosave", args=[post.pk]), {"body_en": "x"})
    assert response.status_code == 302  # to the admin's login
    assert post.revisions.count() == 1


def test_the_editor_offers_a_newer_autosave(editor_client, editor):
    post = services.post_create(by=editor, data={"title_en": "T", "body_en": "One."})
    services.post_autosave(post=post, by=editor, data={"body_en": "One. Two."})
    html = editor_client.get(_change(post)).content.decode()
    assert "An autosaved version from" in html
    assert reverse("admin:blog_post_revisions", args=[post.pk]) in html


# --- The editor page -----------------------------------------------------------------------------


def test_the_editor_page_loads_its_scripts_and_config_without_inline_code(editor_client, editor):
    post = services.post_create(by=editor, data={"title_en": "T"})
    html = editor_client.get(_change(post)).content.decode()
    assert "blog/admin/post_editor.js" in html
    config = re.search(r'<script id="blog-post-editor-config" type="application/json">(.*?)</script>', html, re.S)
    assert config
    assert reverse("admin:blog_post_autosave", args=[post.pk]) in config.group(1)
    assert reverse("admin:media_asset_picker") in config.group(1)
    # Every <script> is a file or JSON data: the admin's CSP allows no inline script.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    # "View on site" links to the reader page.
    assert f'href="/en/posts/{post.slug}/"' in html or f"/en/posts/{post.slug}/" in html


def test_the_cover_is_chosen_among_public_images_with_a_thumbnail(editor_client, editor, media_dirs):
    image = media_services.asset_create(owner=editor, uploaded_file=upload(image_bytes(), "a.jpg"), title="Sunset")
    media_services.asset_create(
        owner=editor,
        uploaded_file=upload(image_bytes(size=(500, 400)), "b.jpg"),
        title="Secret",
        visibility="private",
    )
    post = services.post_create(by=editor, data={"title_en": "T", "cover": image})
    html = editor_client.get(_change(post)).content.decode()
    cover = html[html.index('class="ink-cover"') :][:3000]
    assert '<select name="cover"' in cover
    assert f'<option value="{image.pk}" selected>Sunset</option>' in cover
    assert "Secret" not in cover
    assert 'class="ink-cover__thumb"' in cover
    assert 'name="cover" type="text"' not in html  # not a raw id field any more


def test_the_post_list_fits_with_compact_language_badges(editor_client):
    PostFactory(title_en="Only English", title_zh_hans="")
    html = editor_client.get(CHANGELIST).content.decode()
    headers = re.findall(r'<th scope="col" class="([^"]*)"', html)
    columns = [h.split()[0] for h in headers]
    assert (
        columns
        == [
            "action-checkbox-column",
            "sortable",
            "sortable",
            "sortable",
            "sortable",
            "column-languages",
            "column-flags",
        ]
        or len(columns) <= 7
    )
    assert 'class="ink-badge ink-badge--ok" title="English">EN</span>' in html
    assert 'class="ink-badge ink-badge--missing" title="Missing Simplified Chinese">中</span>' in html
    assert "column-author" not in html


def test_the_section_filter_lists_blog_sections_only(editor_client):
    SectionFactory(name_en="Essays", type=Section.Type.BLOG)
    SectionFactory(name_en="Guestbook", type=Section.Type.BOARD)
    SectionFactory(name_en="Tools", type=Section.Type.PROJECTS)
    html = editor_client.get(CHANGELIST).content.decode()
    filters = html[html.index('id="changelist-filter"') :]
    assert "Essays" in filters
    assert "Guestbook" not in filters
    assert "Tools" not in filters


def test_the_section_filter_filters(editor_client):
    essays = SectionFactory(name_en="Essays", type=Section.Type.BLOG)
    PostFactory(title_en="In essays", section=essays)
    PostFactory(title_en="Elsewhere")
    html = editor_client.get(CHANGELIST, {"section__id__exact": essays.pk}).content.decode()
    assert "In essays" in html
    assert "Elsewhere" not in html
    assert editor_client.get(CHANGELIST, {"section__id__exact": "²"}).status_code == 200


# --- Revisions: notes as codes, word-level diffs with human labels --------------------------------


def test_revision_notes_are_codes_shown_in_the_readers_language(editor_client, editor):
    post = services.post_create(by=editor, data={"title_en": "T"})
    services.post_update(post=post, by=editor, data={"title_en": "T2"})
    assert list(post.revisions.values_list("note", flat=True)) == ["edited", "created"]
    editor_client.cookies["django_language"] = "zh-hans"
    html = editor_client.get(reverse("admin:blog_post_revisions", args=[post.pk])).content.decode()
    assert "已编辑" in html
    assert "已创建" in html
    assert ">Edited<" not in html
    assert ">Created<" not in html


def test_a_restore_names_the_revision_it_came_from(editor, editor_client):
    post = services.post_create(by=editor, data={"title_en": "First"})
    first = post.revisions.get()
    services.post_update(post=post, by=editor, data={"title_en": "Second"})
    services.post_revision_restore(revision=first, by=editor)
    latest = post.revisions.order_by("-created_at", "-id").first()
    assert latest.note == "restored"
    assert latest.restored_from == first
    with translation.override("zh-hans"):
        assert latest.note_label.startswith("已恢复 ")


def test_the_migration_turns_english_and_chinese_notes_into_codes(editor):
    post = services.post_create(by=editor, data={"title_en": "T"})
    for note in ("Created", "已编辑", "Published", "Restored revision from 2026-01-01 10:00", "a custom note"):
        PostRevision.objects.create(post=post, data={}, note=note)
    migration = importlib.import_module("apps.blog.migrations.0008_revision_note_codes")
    migration.notes_to_codes(django_apps, None)
    notes = set(post.revisions.values_list("note", flat=True))
    assert notes == {"created", "edited", "published", "restored", "a custom note"}


def test_the_diff_marks_changed_words_and_chinese_characters():
    parts = selectors.text_diff("The quick brown fox.\n", "The quick red fox.\n")
    assert ("-", "brown") in parts
    assert ("+", "red") in parts
    assert ("=", "The quick ") in parts
    parts = selectors.text_diff("我喜欢猫。", "我喜欢狗。")
    assert ("-", "猫") in parts
    assert ("+", "狗") in parts


def test_the_diff_leaves_out_long_unchanged_stretches():
    before = "".join(f"line {n}\n" for n in range(50))
    after = before.replace("line 25\n", "line twenty-five\n")
    parts = selectors.text_diff(before, after)
    assert ("…", "") in parts
    text = "".join(t for op, t in parts if op == "=")
    assert "line 0\n" not in text
    assert "line 24\n" in text
    assert "line 26\n" in text


def test_the_revisions_page_labels_fields_for_people_in_chinese(editor, editor_client):
    post = services.post_create(by=editor, data={"title_en": "Hello world", "body_zh_hans": "我喜欢猫。"})
    services.post_update(post=post, by=editor, data={"title_en": "Hello there world", "body_zh_hans": "我喜欢狗。"})
    older, newer = post.revisions.order_by("created_at", "id")
    editor_client.cookies["django_language"] = "zh-hans"
    url = reverse("admin:blog_post_revisions", args=[post.pk])
    html = editor_client.get(url, {"a": older.pk, "b": newer.pk}).content.decode()
    assert "标题（英语）" in html  # noqa: RUF001 - full-width brackets in Chinese
    assert "body_zh_hans" not in html
    assert "title_en" not in html
    assert "<ins>there </ins>" in html
    assert "<del>猫</del><ins>狗</ins>" in html
