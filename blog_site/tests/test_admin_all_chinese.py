"""Issue 15: an editor working only in Chinese never meets an English interface string in the admin.

Signed in as a superuser and as an editor, with the admin in zh-hans, the test walks the whole admin:
the index, then for every registered model its changelist (plain, filtered, searched), add form,
change form, history and delete confirmation of one object, plus the custom admin views and the
password pages. It takes the text a person sees (text nodes, `title`, `placeholder`, `aria-label`,
`alt`, button labels) and fails listing every string with a Latin word outside `ALLOWED_WORDS`.

Everything the test creates is Chinese where a person would type it; what has to be Latin (e-mail
addresses, URLs, slugs, ids, task paths, file names) is removed by `LATIN_DATA` before the check.
"""

import re
import zoneinfo
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Latin words a Chinese interface legitimately shows: brands, standards and their abbreviations, units,
# key names. (The language switch's "English" is marked `lang="en"`, and left out as such.)
ALLOWED_WORDS = frozenset(
    {
        *("Inkwell", "Markdown", "URL", "API", "Stripe", "SEO", "RSS", "JSON", "CSV", "PDF", "HTML", "UTM"),
        *("ID", "IP", "AI", "MIME", "SHA", "UTC", "NZD", "KB", "MB", "GB", "JavaScript", "Webhook"),
        *("GitHub", "Google", "DashScope", "OAuth", "AMQP", "RabbitMQ", "Redis", "Celery", "Cron"),
        *("Control", "Command", "Mac"),  # Django's "hold down Control, or Command on a Mac"
        *("en", "zh", "hans", "EN", "ZH"),  # language codes and the post list's language badges
        "poster",  # a video rendition's file name, listed with w360.webp and the others
    }
)
# Latin text that is data, not interface: removed before looking for words.
LATIN_DATA = (
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+",  # e-mail addresses
    r"\bhttps?://\S+",  # URLs
    r"(?<![\w/])/[\w/.%?=&-]*",  # paths
    r"\b[\w-]+\.(png|jpe?g|gif|webp|zip|pdf|txt|mp3|mp4|wav|svg)\b",  # file names
    r"\b(image|audio|video|application|text)/[\w.+-]+",  # MIME types
    r"\b\w+(\.\w+){2,}\b",  # dotted task paths (apps.blog.tasks.x)
    r"\b[a-z0-9]+(?:[_-][a-z0-9]+)+\b",  # slugs, ids, tokens (cs_test_1, zh-hans, inkwell-2026)
    r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b",  # setting names (QWEN_API_KEY)
    r"\b\w*\*{4,}",  # masked secrets (a password hash's summary)
    r"\b(md5|pbkdf2_sha256|argon2|bcrypt_sha256|scrypt)\b",  # password hashers
    r"\b[0-9a-f]{16,}\b",  # hashes
    r"\bINV-\d+-\d+\b",  # invoice numbers
    r"\(m/h/dM/MY/d\)",  # django-celery-beat's crontab format hint
    r"\b(Chrome|Firefox|Safari|Windows|macOS|Linux|Android|iOS)\b",  # browsers and systems (page views)
    r"^github$|^github \(\d+\)$",  # a provider id (allauth lists it raw)
)
_DATA = re.compile("|".join(f"(?:{p})" for p in LATIN_DATA))
_TIME_ZONES = zoneinfo.available_timezones()  # "America/New York": the crontab's time zone choices
_WORD = re.compile(r"[A-Za-z]{2,}")  # one letter alone is a mark (the x of a close button), not a word


class _VisibleText(HTMLParser):
    """Collect what a person reads on the page (no <script>/<style>, no hidden input values). An element
    marked as another language (`lang="en"`: the language switch's "English") is left out; the page's
    own language is `page_language`."""

    ATTRS = ("title", "placeholder", "aria-label", "alt")
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.page_language = ""
        self._skip = 0
        self._foreign: list[str] = []  # [tag, tag...]: inside an element in another language

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.page_language = values.get("lang") or ""
            return
        nested = bool(self._foreign) and tag == self._foreign[0]
        other_language = not (values.get("lang") or "zh").startswith("zh") and tag not in self.VOID
        if nested or (other_language and not self._foreign):
            self._foreign.append(tag)
        if tag in ("script", "style"):
            self._skip += 1
            return
        if self._foreign:
            return
        for name in self.ATTRS:
            if values.get(name):
                self.chunks.append(values[name] or "")
        kind = (values.get("type") or "").lower()
        if tag == "input" and kind in ("submit", "button", "reset") and values.get("value"):
            self.chunks.append(values["value"] or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if self._foreign and tag == self._foreign[0]:
            self._foreign.pop()
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._foreign and data.strip():
            self.chunks.append(" ".join(data.split()))


def english_strings(html: str) -> set[str]:
    """The visible strings of `html` holding a Latin word that is neither allowed nor data (and the
    page itself, when it is not declared Chinese)."""
    parser = _VisibleText()
    parser.feed(html)
    found = set() if parser.page_language in ("", "zh-hans") else {f'<html lang="{parser.page_language}">'}
    for chunk in parser.chunks:
        if chunk in _TIME_ZONES or chunk.replace(" ", "_") in _TIME_ZONES:
            continue
        words = _WORD.findall(_DATA.sub(" ", chunk))
        if any(word not in ALLOWED_WORDS for word in words):
            found.add(chunk)
    return found


def test_the_check_catches_english_and_ignores_data():
    html = (
        '<p>文章 <a title="View on site">x</a></p><script>var English = 1;</script>'
        '<input type="submit" value="Save"><input type="hidden" value="secret">'
        "<td>editor@example.com 于 2026 发布 https://example.com/a /zh-hans/blog/ Markdown</td>"
        '<form><button lang="en" title="x">English</button> / <strong lang="zh-hans">中文</strong></form>'
    )
    assert english_strings(html) == {"View on site", "Save"}
    assert english_strings('<html lang="en"><p>文章</p></html>') == {'<html lang="en">'}


# --- The data: one object per registered model, typed in Chinese ------------------------------------


def _seed(editor, admin_user) -> None:
    """One object of every model the admin lists, in Chinese where a person would have typed it."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
    from allauth.usersessions.models import UserSession
    from django.contrib.auth.models import Group
    from django.contrib.sites.models import Site
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from apps.accounts.tests.factories import UserFactory
    from apps.analytics.tests.factories import PageViewFactory
    from apps.blog.models import AIJob, GlossaryTerm, PostRevision, PreviewLink, TranslationDraft
    from apps.blog.tests.factories import AccessGrantFactory, PostFactory, ProjectFactory, SectionFactory, TagFactory
    from apps.community.models import Ban, BlockedTerm, Bookmark, Comment, Like, ModerationLog, NewsletterIssue
    from apps.community.tests.factories import CommentFactory, FriendLinkFactory, SubscriberFactory
    from apps.core.models import BackupRun
    from apps.core.tests.factories import AssetFactory
    from apps.payments.models import Invoice, StripeEvent
    from apps.payments.tests.factories import OrderFactory, TaxRateFactory

    now = timezone.now()
    reader = UserFactory(email="duzhe@example.com", display_name="读者小王")
    section = SectionFactory(name_en="随笔", name_zh_hans="随笔", description_en="笔记。", slug="sui-bi")
    tag = TagFactory(name_en="排版", name_zh_hans="排版", slug="pai-ban")
    post = PostFactory(
        title_en="港口的早晨",
        title_zh_hans="港口的早晨",
        summary_en="一段摘要。",
        body_en="## 早晨\n\n港口里的船。\n",
        section=section,
        author=editor,
        slug="gangkou",
        tags=[tag],
    )
    project = ProjectFactory(
        title_en="排版工具", title_zh_hans="排版工具", description_en="工具。", body_en="## 特性\n", slug="gong-ju"
    )
    AccessGrantFactory(user=reader, post=post)
    PreviewLink.objects.create(post=post, created_by=editor, expires_at=now + timedelta(days=1))
    PostRevision.objects.create(post=post, created_by=editor, note="改了标题", data={"title_zh_hans": "港口"})
    AIJob.objects.create(kind=AIJob.Kind.TRANSLATE, post=post, language="zh-hans", requested_by=editor)
    GlossaryTerm.objects.create(source_language="en", target_language="zh-hans", term="排版", translation="排版")
    TranslationDraft.objects.create(post=post, field="title", language="zh-hans", source_language="en", text="港口")
    CommentFactory(post=post, user=reader, body="写得真好。", body_html="<p>写得真好。</p>")
    CommentFactory(post=post, user=reader, body="请审核。", body_html="<p>请审核。</p>", status=Comment.Status.PENDING)
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="spam@example.com", reason="广告", created_by=editor)
    BlockedTerm.objects.create(value="广告词")
    ModerationLog.objects.create(actor=editor, action="approved", source="comment", object_repr="写得真好。")
    Like.objects.create(user=reader, post=post)
    Bookmark.objects.create(user=reader, post=post)
    FriendLinkFactory(name="朋友的博客", url="https://pengyou.example.org/", description_en="随笔。", applicant=reader)
    SubscriberFactory(email="dingyue@example.com", language="zh-hans")
    NewsletterIssue.objects.create(post=post, language="zh-hans", note="已发送", recipients=1)
    AssetFactory(owner=editor, title_en="港口", title_zh_hans="港口", alt_text_en="船", alt_text_zh_hans="船")
    BackupRun.objects.create(requested_by=admin_user, message="完成")
    tax = TaxRateFactory(name="消费税")
    order = OrderFactory(buyer=reader, buyer_name="读者小王", project=project, item_title="排版工具", tax_name=tax.name)
    Invoice.objects.create(
        order=order, number="INV-2026-1", year=2026, sequence=1, net=1739, tax_amount=261, total=2000, issued_at=now
    )
    StripeEvent.objects.create(event_id="evt_test_1", type="checkout.session.completed", order=order, payload={})
    PageViewFactory(path="/zh-hans/", language="zh-hans")
    Group.objects.get_or_create(name="编辑")
    Site.objects.update_or_create(pk=1, defaults={"domain": "inkwell.example.com", "name": "墨水"})
    token = OutstandingToken.objects.create(user=reader, jti="jti_1", token="token_1", expires_at=now)
    BlacklistedToken.objects.create(token=token)
    interval = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    CrontabSchedule.objects.create(minute="0", hour="3")
    SolarSchedule.objects.create(event="sunrise", latitude=-36.85, longitude=174.76)
    ClockedSchedule.objects.create(clocked_time=now + timedelta(days=1))
    PeriodicTask.objects.create(name="每日备份", task="apps.core.tasks.backup_run_task", interval=interval)
    EmailAddress.objects.get_or_create(user=editor, email=editor.email, defaults={"primary": True, "verified": True})
    SocialApp.objects.create(provider="github", name="代码托管登录", client_id="client_1")
    account = SocialAccount.objects.create(user=reader, provider="github", uid="uid_1")
    SocialToken.objects.create(account=account, token="token_2")
    UserSession.objects.create(user=reader, ip="127.0.0.1", session_key="session_1", user_agent="浏览器")


# --- The walk ---------------------------------------------------------------------------------------


def _url(name: str, *args) -> str | None:
    try:
        return reverse(f"admin:{name}", args=args)
    except NoReverseMatch:
        return None


def _first_filter_link(html: str, changelist: str) -> str | None:
    """The first choice of the filter sidebar that is not "all" (a query string on the changelist)."""
    start = html.find('id="changelist-filter"')
    if start < 0:
        return None
    for query in re.findall(r'href="(\?[^"]+)"', html[start:]):
        if not query.startswith("?_facets"):
            return changelist + query.replace("&amp;", "&")
    return None


def _pages(client) -> tuple[list[str], list[str]]:
    """Every admin page this user may open: index, per model (lists, forms, history, delete), custom
    views; and the models the walk could not open one object of (the seed missed them, or a superuser
    could not open the list)."""
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    without_object = []
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        changelist = _url(f"{info}_changelist")
        if changelist is None:
            continue
        response = client.get(changelist)
        if response.status_code != 200:
            if response.wsgi_request.user.is_superuser:
                without_object.append(f"{model._meta.label} (its list answered {response.status_code})")
            continue  # not this user's
        pages.append(changelist)
        html = response.content.decode()
        filtered = _first_filter_link(html, changelist)
        if filtered:
            pages.append(filtered)
        if model_admin.search_fields:
            pages.append(f"{changelist}?{urlencode({'q': '港口'})}")
        request = response.wsgi_request
        add = _url(f"{info}_add")
        if add and model_admin.has_add_permission(request):
            pages.append(add)
        obj = model_admin.get_queryset(request).order_by("pk").first()
        if obj is None:
            if _url(f"{info}_change", 1):
                without_object.append(model._meta.label)
            continue
        views = ["change", "history"]
        if model_admin.has_delete_permission(request, obj):
            views.append("delete")
        pages += [url for view in views if (url := _url(f"{info}_{view}", obj.pk))]
    post = _first_pk("blog.Post")
    user = _first_pk("accounts.User")
    pages += [
        _url("community_moderation_history"),
        _url("community_newsletter_tools"),
        _url("blog_post_translations", post),
        _url("blog_post_revisions", post),
        _url("blog_post_ai_jobs", post),
        _url("accounts_user_password_change", user),
    ]
    return [page for page in pages if page], without_object


def _first_pk(label: str) -> int:
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").values_list("pk", flat=True).first()


def _walk(client) -> tuple[dict[str, set[str]], list[str]]:
    """{url: English strings} over every page, and the pages that did not answer 200 (or models the
    walk could not open one object of)."""
    client.post(reverse("admin:language"), {"language": "zh-hans"})  # the admin's own switch
    english: dict[str, set[str]] = {}
    pages, without_object = _pages(client)
    broken = [f"{label}: nothing opened" for label in without_object]
    responses = [(url, client.get(url)) for url in pages]
    # What answers a POST: form errors, an action's confirmation page and its messages.
    posts = reverse("admin:blog_post_changelist")
    post, tag = _first_pk("blog.Post"), _first_pk("blog.Tag")
    for url, data in (
        (reverse("admin:blog_post_add"), {}),
        (reverse("admin:blog_tag_add"), {}),
        (reverse("admin:blog_tag_changelist"), {"action": "delete_selected", "_selected_action": [tag]}),
        (posts, {"action": "feature", "_selected_action": [post]}),
        (posts, {"action": "schedule", "_selected_action": [post]}),
        (posts, {"action": "feature"}),
    ):
        responses.append((f"POST {url} {data}", client.post(url, data, follow=True)))
    for url, response in responses:
        if response.status_code in (403, 405):
            continue  # a custom view this user may not open
        if response.status_code != 200:
            broken.append(f"{url} {response.status_code}")
            continue
        if "html" not in response.get("Content-Type", ""):
            continue
        found = english_strings(response.content.decode())
        if found:
            english[url] = found
    return english, broken


def _report(english: dict[str, set[str]]) -> str:
    strings: dict[str, list[str]] = {}
    for url, found in english.items():
        for text in found:
            strings.setdefault(text, []).append(url)
    lines = []
    for text, urls in sorted(strings.items()):
        more = f" +{len(urls) - 1}" if len(urls) > 1 else ""
        lines.append(f"{text!r}  ({urls[0]}{more})")
    return "\n".join(lines)


@pytest.fixture
def chinese_editor(editor):
    editor.preferred_language = "zh-hans"
    editor.display_name = "编辑小李"
    editor.save()
    return editor


@pytest.fixture
def chinese_admin(admin_user):
    admin_user.preferred_language = "zh-hans"
    admin_user.display_name = "管理员"
    admin_user.save()
    return admin_user


def test_the_chinese_login_page_shows_no_english(client, db):
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert english_strings(response.content.decode()) == set()
    refused = client.post(reverse("admin:login"), {"username": "nobody@example.com", "password": "wrong"})
    assert "错误：" in refused.content.decode()  # noqa: RUF001 - Chinese punctuation on purpose
    assert english_strings(refused.content.decode()) == set()


@pytest.mark.parametrize("persona", ["chinese_admin", "chinese_editor"])
def test_the_chinese_admin_shows_no_english_anywhere(client, persona, chinese_editor, chinese_admin):
    _seed(chinese_editor, chinese_admin)
    client.force_login(chinese_admin if persona == "chinese_admin" else chinese_editor)
    english, broken = _walk(client)
    assert broken == []
    assert english == {}, "English in the Chinese admin:\n" + _report(english)
