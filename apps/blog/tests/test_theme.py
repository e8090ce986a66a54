"""The reader theme (issue 15): header, cards, post page, archive, tag and section pages, feeds in a
browser, markup the HTML checker flagged, Chinese interface punctuation."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from apps.blog.rendering import render_markdown

from .factories import PostFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_time_elements_carry_seconds_never_microseconds(client):
    post = PostFactory(published_at=datetime(2026, 10, 28, 11, 51, 41, 325770, tzinfo=UTC), tags=[TagFactory()])
    for url in ("/en/", f"/en/posts/{post.slug}/", "/en/archive/", "/en/search/?q=" + post.title_en.split()[0]):
        html = _html(client, url)
        stamps = re.findall(r'<time[^>]* datetime="([^"]*)"', html)
        assert stamps, url
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:?\d\d", s) for s in stamps), (url, stamps)


def test_the_search_count_is_a_live_region_outside_every_heading(client):
    PostFactory(title_en="Harbour lights")
    html = _html(client, "/en/search/?q=harbour")
    assert 'role="status"' in html
    for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", html, re.S):
        assert "role=" not in heading


def test_the_header_has_a_search_icon_and_a_menu_that_opens_without_script(client):
    html = _html(client, "/en/")
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert 'href="/en/search/"' in header
    assert 'name="q"' not in header  # the search box lives on the search page only
    assert '<details class="menu">' in header
    assert "<script" not in header
    search = _html(client, "/en/search/")
    assert (
        search.split('<header class="site-header">')[1].split("</header>")[0].count('href="/en/search/"') == 0
    )  # no icon for the page you are on


def test_latest_cards_show_their_covers_with_sizes_and_lazy_loading(client, editor, settings, tmp_path):
    from apps.media import services as media_services
    from apps.media.tests.factories import image_bytes

    settings.MEDIA_ROOT = tmp_path
    cover = media_services.asset_create(owner=editor, uploaded_file=ContentFile(image_bytes((64, 48)), "c.jpg"))
    PostFactory(title_en="With a cover", cover=cover)
    PostFactory(title_en="Without a cover")
    html = _html(client, "/en/")
    card = html.split("With a cover")[0].rsplit("<article", 1)[1]
    assert 'class="card-cover"' in card
    assert re.search(r'<img [^>]*width="\d+" height="\d+"[^>]*loading="lazy"', card)
    bare = html.split("Without a cover")[0].rsplit("<article", 1)[1]
    assert "card-no-cover" in bare


def test_post_page_has_an_author_box_share_links_and_one_toc_box_closed_on_phones(client):
    post = PostFactory(body_en="## One\n\nText.\n\n## Two\n\nMore.")
    post.author.display_name = "Lin Wen"
    post.author.bio = "Writes about code."
    post.author.save()
    html = _html(client, f"/en/posts/{post.slug}/")
    assert "Writes about code." in html
    assert re.search(r'class="author-box".*Lin Wen', html, re.S)
    assert "twitter.com/intent/tweet?url=http%3A%2F%2F" in html
    assert "<script src=" not in html.split('class="share"')[1].split("</div>")[0]
    assert '<details class="toc toc-wide" open>' in html
    assert '<details class="toc toc-narrow">' in html


def test_footnote_back_links_are_labelled_in_the_posts_language():
    zh = render_markdown("文字[^1]\n\n[^1]: 注释", language="zh-hans").html
    assert 'title="返回正文中的脚注 1"' in zh
    en = render_markdown("Text[^1]\n\n[^1]: Note", language="en").html
    assert 'title="Jump back to footnote 1 in the text"' in en


def test_tables_keep_markdown_alignment_and_the_stylesheet_does_not_override_it():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |", language="en").html
    assert '<td align="right">2</td>' in html
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert not re.search(r"(^|\n)th, td \{[^}]*text-align", css)
    assert 'td[align="right"] { text-align: right; }' in css


def test_archive_lists_years_and_months_with_counts_and_titles(client):
    PostFactory(title_en="In March", published_at=datetime(2025, 3, 5, tzinfo=UTC))
    PostFactory(title_en="Also in March", published_at=datetime(2025, 3, 9, tzinfo=UTC))
    PostFactory(title_en="In May", published_at=datetime(2026, 5, 5, tzinfo=UTC))
    PostFactory(draft=True, title_en="Unpublished", published_at=None)
    html = _html(client, "/en/archive/")
    assert html.index("2026") < html.index("2025")
    for title in ("In March", "Also in March", "In May"):
        assert title in html
    assert "Unpublished" not in html
    assert re.search(r"March 2025</a> <span class=\"count\">2 posts</span>", html)
    assert re.search(r"2025</a> <span class=\"count\">2 posts</span>", html)
    zh = _html(client, "/zh-hans/archive/")
    assert "2 篇文章" in zh


def test_archive_index_costs_one_query_for_the_posts(client, django_assert_max_num_queries):
    for day in range(1, 20):
        PostFactory(published_at=datetime(2025, 1 + day % 12, day, tzinfo=UTC))
    with django_assert_max_num_queries(6):
        _html(client, "/en/archive/")


def test_tag_page_shows_its_description_and_post_count(client):
    tag = TagFactory(description_en="Notes on speed.", description_zh_hans="关于速度的笔记。")
    PostFactory(tags=[tag])
    PostFactory(tags=[tag])
    html = _html(client, f"/en/tags/{tag.slug}/")
    assert "Notes on speed." in html
    assert "2 posts" in html
    assert "关于速度的笔记。" in _html(client, f"/zh-hans/tags/{tag.slug}/")


def test_section_page_shows_its_child_sections(client):
    parent = SectionFactory(name_en="Blog")
    SectionFactory(name_en="Dev notes", parent=parent, description_en="Code and tools.")
    PostFactory(section=parent)
    html = _html(client, f"/en/sections/{parent.slug}/")
    assert "Dev notes" in html
    assert "Code and tools." in html


def test_every_page_footer_invites_to_subscribe_once(client):
    tag = TagFactory()
    PostFactory(tags=[tag])
    for path in ("/en/", f"/en/tags/{tag.slug}/", "/zh-hans/archive/"):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert footer.count('id="subscribe-email"') == 1, path
        assert html.count('id="subscribe-email"') == 1, path
    assert client.get("/en/newsletter/subscribe/").content.decode().count('id="subscribe-email"') == 1


def test_feeds_name_a_stylesheet_and_stay_valid_rss_and_atom(client):
    tag = TagFactory()
    PostFactory(tags=[tag])
    for url, root in (
        ("/en/feed/rss.xml", "rss"),
        ("/zh-hans/feed/atom.xml", "{http://www.w3.org/2005/Atom}feed"),
        (f"/en/tags/{tag.slug}/rss.xml", "rss"),
        ("/en/feed/podcast.xml", "rss"),
    ):
        response = client.get(url)
        body = response.content.decode()
        assert re.match(
            r'<\?xml version="1.0" encoding="utf-8"\?><\?xml-stylesheet type="text/xsl" href="[^"]*feeds/feed.xsl"\?>',
            body,
        )
        assert ET.fromstring(response.content).tag == root  # noqa: S314 - our own feed
    assert client.get("/en/feed/rss.xml")["Content-Type"].startswith("application/xml")
    xsl = ET.parse(Path(settings.BASE_DIR) / "static/feeds/feed.xsl").getroot()  # noqa: S314 - our own file
    assert xsl.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"


def test_chinese_form_labels_end_with_a_full_width_colon(client):
    html = _html(client, "/zh-hans/accounts/login/")
    assert "电子邮件:" not in html
    assert not re.search(r"[\u4e00-\u9fff][:;,!?](?=[<\s\"])", html)


def test_chinese_pages_get_the_cjk_font_stack_and_no_italic_emphasis():
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    zh = css.split(":root:lang(zh) {")[1].split("}")[0]
    for font in ("PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Microsoft YaHei", "WenQuanYi Micro Hei"):
        assert font in zh
    assert "--leading: 1.8" in zh
    assert re.search(r":lang\(zh\) em[^{]*\{ font-style: normal", css)
