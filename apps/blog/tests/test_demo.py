import pytest
from django.core.management import CommandError, call_command

from apps.blog import selectors
from apps.blog.demo import seed_bulk_posts
from apps.blog.models import Post, Project, Section
from apps.media.models import Asset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_seed_demo_builds_a_bilingual_site_and_is_idempotent(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo")  # covers go through the media library: renditions made on commit
    call_command("seed_demo")
    assert "0 posts and 0 projects created" in capsys.readouterr().out

    blog = Section.objects.get(slug="blog")
    assert set(blog.children.values_list("slug", flat=True)) == {"dev-notes", "journal", "musings"}
    assert set(Section.objects.values_list("type", flat=True)) == set(Section.Type.values)
    assert "bilingual" in Section.objects.get(type="about").description_en

    live = list(selectors.post_list_published())
    assert len(live) >= 12
    assert all(p.title_en and p.title_zh_hans and p.cover_id for p in live)
    assert all("codehilite" in p.body_html_en and "<table>" in p.body_html_zh_hans for p in live)
    assert all('class="footnote"' in p.body_html_en for p in live)
    assert Post.objects.filter(status=Post.Status.SCHEDULED).count() == 1
    assert Post.objects.filter(status=Post.Status.DRAFT).count() == 1
    assert Post.objects.filter(is_premium=True).count() == 1
    assert Project.objects.count() == 2
    assert Project.objects.filter(price__gt=0).count() == 1

    cover = Asset.objects.first()
    assert cover.status == Asset.Status.READY
    assert cover.renditions.filter(spec__endswith=".webp").exists()
    assert cover.file.storage.exists(cover.file.name)
    assert cover.alt_text_en


def test_bulk_posts_are_live_tagged_rendered_and_not_duplicated():
    assert seed_bulk_posts(30) == 30
    assert seed_bulk_posts(30) == 0
    assert seed_bulk_posts(35) == 5
    bulk = Post.objects.filter(slug__startswith="bench-post-")
    assert bulk.count() == 35
    post = selectors.post_get_published(slug="bench-post-7")
    assert post.tags.count() == 3
    assert "codehilite" in post.body_html_en
    assert post.title_zh_hans == "基准文章 7"


def test_seed_demo_refuses_a_negative_bulk_count():
    with pytest.raises(CommandError):
        call_command("seed_demo", "--bulk", "-1")
