"""Reader pages. Each view reads through `selectors`, builds the page's metadata, and renders.

Anonymous GETs are served from the page cache (`page_cache.cached_page`); signed-in readers,
editors and preview links always get a fresh page.
"""

import hashlib
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from apps.core.numbers import parse_whole_number

from . import page_cache, selectors
from . import search as search_text
from .models import Post, Project, Section
from .page_cache import cached_page
from .rendering import render_markdown
from .seo import PageMeta, absolute, author_name, describe, post_description, post_jsonld

PAGE_SIZE = 10
FEATURED_COUNT = 3
SEARCH_MAX_LENGTH = 100


def _page_number(request: HttpRequest) -> int:
    """The requested page of a paginated page. A number that is not plain ASCII digits ("²", "٣",
    "1.0"), or out of range, is a 404 (never a 500, nor page 1 under another URL)."""
    number = parse_whole_number(request.GET.get("page", "1"))
    if number is None:
        raise Http404(_("No such page."))
    return number


def _page_of(items: Any, number: int, per_page: int = PAGE_SIZE) -> Page:
    """Page `number` of `items` (a list, or anything with `count()` and slices); past the end: a 404."""
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise Http404(_("No such page."))
    return paginator.page(number)


def _list_page(
    request: HttpRequest,
    key: str,
    ids: Callable[[], Any],
    *,
    number: int | None = None,
    extra: dict[str, Callable[[], Any]] | None = None,
) -> tuple[Page, dict[str, Any]]:
    """The requested page of a list of posts, as their ids (`object_list`), and the `extra` values.

    `ids` makes the list's ids query (`selectors.post_list_card_ids`); its count, each page's ids and the
    `extra` values (built by their callables) are kept per list (`key`: what it filters on) and cache
    generation, so a list page usually builds no query at all. Every reader gets the same list."""
    number = _page_number(request) if number is None else number
    extra = extra or {}
    keys = {name: f"list:{key}:{name}" for name in ("count", *extra)}
    keys["ids"] = f"list:{key}:page:{number}"
    generation, found = page_cache.fragments_read(list(keys.values()))

    def get(name: str, build: Callable[[], Any]) -> Any:
        value = found.get(keys[name])
        if value is None:
            value = build()
            page_cache.fragment_store(keys[name], generation, value)
        return value

    paginator = Paginator(range(get("count", lambda: ids().count())), PAGE_SIZE)
    if number > paginator.num_pages:
        raise Http404(_("No such page."))
    bottom = (number - 1) * PAGE_SIZE
    page = Page(get("ids", lambda: list(ids()[bottom : bottom + PAGE_SIZE])), number, paginator)
    return page, {name: get(name, build) for name, build in extra.items()}


def _cards(ids: list[int], sections: Any = (), variants: dict[int, str] | None = None) -> list[Any]:
    """A list page's entries for `{% post_card %}`, from the posts' ids: a `CachedCard` for each card
    whose markup is cached (`page_cache.cards_read`; `variants`: the markup a post's card needs when
    not the lists' `LIST_CARD`), and only the other posts loaded with what a card shows
    (`post_cards_get`, `post_cards_load`)."""
    generation, cached = page_cache.cards_read(get_language(), ids)
    variants = variants or {}
    missing = [pk for pk in ids if variants.get(pk, page_cache.LIST_CARD) not in cached.get(pk, ())]
    loaded = selectors.post_cards_load(posts=selectors.post_cards_get(ids=missing), sections=sections)
    posts: dict[int, Any] = {post.pk: post for post in loaded}
    for post in loaded:
        post.card_html = cached.get(post.pk)
        post.card_generation = generation
    missing_set = set(missing)
    for pk in ids:
        if pk not in missing_set:
            posts[pk] = page_cache.CachedCard(pk, cached[pk], generation)
    return [posts[pk] for pk in ids if pk in posts]


def _cover_meta(asset: Any) -> dict[str, Any]:
    if asset is None or not asset.file:
        return {}
    return {
        "image": absolute(asset.file.url),
        "image_width": asset.width,
        "image_height": asset.height,
        "image_alt": asset.alt_text or "",
    }


@require_safe
@cached_page
def home(request: HttpRequest) -> HttpResponse:
    number = _page_number(request)
    extra = {}
    if number == 1:
        extra["featured"] = lambda: list(selectors.post_list_card_ids(featured=True)[:FEATURED_COUNT])
    latest, found = _list_page(request, "home", selectors.post_list_card_ids, number=number, extra=extra)
    if latest.number > 1:
        featured = []
        latest.object_list = _cards(latest.object_list)
    else:
        featured_ids = found["featured"]
        shown = [pk for pk in latest.object_list if pk not in featured_ids]
        # The first featured card is the big one (see home.html).
        big = {featured_ids[0]: page_cache.card_variant(3, big=True, loading="eager")} if featured_ids else {}
        cards = _cards([*featured_ids, *shown], variants=big)
        featured_set = set(featured_ids)
        featured = [card for card in cards if card.pk in featured_set]
        latest.object_list = [card for card in cards if card.pk not in featured_set]
    title = _("Page %(number)s") % {"number": latest.number} if latest.number > 1 else ""
    meta = PageMeta(
        title=title or settings.SITE_NAME,
        description=_("A bilingual blog about writing, code and everything between."),
    )
    return render(request, "blog/home.html", {"meta": meta, "featured": featured, "page": latest})


def _show_machine_drafts(post: Post, language: str) -> bool:
    """With AI_SHOW_MACHINE_DRAFTS, unreviewed machine translations stand in for missing fields (in
    memory only, for this page; never saved, never in lists, feeds, search or the API)."""
    if not settings.AI_SHOW_MACHINE_DRAFTS:
        return False
    overlay = selectors.machine_draft_overlay(post=post, language=language)
    if not overlay:
        return False
    suffix = language.replace("-", "_")
    for name, text in overlay.items():
        setattr(post, f"{name}_{suffix}", text)
    if "body" in overlay:
        rendered = render_markdown(overlay["body"], language=language)
        setattr(post, f"body_html_{suffix}", rendered.html)
        setattr(post, f"toc_html_{suffix}", rendered.toc_html)
        setattr(post, f"reading_time_{suffix}", rendered.reading_time)
    return True


# The parts of the post page's article (templates `blog/_post_article_*.html`), around the reader's own.
ARTICLE_PARTS = ("top", "body", "end")


def _post_article(post: Post, *, language: str, can_read: bool, preview: bool) -> dict[str, Any]:
    """What the post page shows alike to every reader with the same access: the article's markup (header,
    body or premium teaser, TOC, key points, tags, author, neighbours, related posts) and the page's
    head data (`meta`: title, description, Open Graph, JSON-LD). Rendered without the request, so
    nothing of the reader can slip in; `_post_page` keeps it as a fragment for live posts."""
    selectors.post_page_relations_load(post=post)
    machine_translated = _show_machine_drafts(post, language)
    status = selectors.translation_status(post=post, language=language)
    previous, following = selectors.post_prev_next(post=post)
    related = selectors.post_list_related(post=post, links_only=True)
    url = reverse("blog:post", kwargs={"slug": post.slug})
    summary = selectors.post_summary_text(post=post, language=language)
    description = post_description(post, summary=summary)
    machine_points = settings.AI_SHOW_MACHINE_DRAFTS
    key_points = selectors.post_key_points(post=post, language=language, machine_drafts=machine_points)
    key_points_language = language
    if not key_points and status.is_fallback:
        key_points_language = status.shown_language
        key_points = selectors.post_key_points(post=post, language=key_points_language, machine_drafts=machine_points)
    crumbs = []
    if post.section_id:
        if post.section.parent_id:
            crumbs.append((post.section.parent.name, reverse("blog:section", args=[post.section.parent.slug])))
        crumbs.append((post.section.name, reverse("blog:section", args=[post.section.slug])))
    crumbs.append((post.title, url))
    cover = _cover_meta(post.cover)
    meta = PageMeta(
        title=post.seo_title or post.title,
        description=description,
        og_type="article",
        # Unreviewed machine translations are not for search engines.
        noindex=preview or not post.is_live or machine_translated,
        breadcrumbs=crumbs,
        extra_jsonld=[
            post_jsonld(post=post, url=url, image=cover.get("image", ""), description=description, abstract=summary)
        ],
        **cover,
    )
    context = {
        "LANGUAGE_CODE": language,
        "post": post,
        "translation": status,
        "shown_language": status.shown_language,
        "can_read": can_read,
        "previous": previous,
        "following": following,
        "related": related,
        "author_name": author_name(post.author),
        "share_url": absolute(url),
        "preview": preview,
        "not_live": not post.is_live,
        "crumbs": crumbs[:-1],
        "machine_translated": machine_translated,
        "key_points": key_points,
        "key_points_language": key_points_language,
        "key_points_machine": bool(key_points)
        and selectors.post_key_points_are_machine_drafts(post=post, language=key_points_language),
    }
    article: dict[str, Any] = {
        part: render_to_string(f"blog/_post_article_{part}.html", context) for part in ARTICLE_PARTS
    }
    return {
        **article,
        "meta": meta,
        # The narration of the text shown (the source language's, when this one is missing), without the
        # reader's link: only for readers who may hear it (`selectors.narration_player_for_reader`).
        "narration": selectors.post_narration_source(post=post, language=status.shown_language) if can_read else None,
    }


ARTICLE_ACCESS = ("full", "teaser")


def _article_key(slug: str, language: str, access: str) -> str:
    # By slug, so the page can look its article up before reading the post (a new slug is a new generation).
    return f"post-article:{slug}:{language}:{access}"


def _post_page(
    request: HttpRequest,
    post: Post,
    *,
    preview: bool = False,
    whole: Post | None = None,
    cached: tuple[int, dict[str, Any]] | None = None,
) -> HttpResponse:
    """`post`: at least `selectors.POST_ACCESS_FIELDS`, what is decided per request. `whole`: the post with
    what its article shows, when the caller has it; otherwise loaded only when the article is not cached.
    `cached`: (generation, {key: article}) of this post's articles already read (`post_detail`)."""
    language = get_language()
    can_read = preview or selectors.user_can_read_post(user=request.user, post=post)

    def build() -> dict[str, Any]:
        try:
            shown = whole or selectors.post_with_relations(pk=post.pk)
        except Post.DoesNotExist:
            raise Http404(_("No such post.")) from None
        return _post_article(shown, language=language, can_read=can_read, preview=preview)

    if post.is_live and not preview:
        # One copy per access level: a teaser is never served to a reader who may read the body, nor the
        # body to one who may not. Kept per generation, so any change readers could see shows at once.
        key = _article_key(post.slug, language, "full" if can_read else "teaser")
        if cached is None:
            article = page_cache.fragment(key, build)
        elif key in cached[1]:
            article = cached[1][key]
        else:
            article = build()
            page_cache.fragment_store(key, cached[0], article)
    else:
        article = build()
    context = {
        "meta": article["meta"],
        "post": post,
        "article": {part: mark_safe(article[part]) for part in ARTICLE_PARTS},  # noqa: S308 - rendered by templates
        "can_read": can_read,
        "preview": preview,
        "narration": selectors.narration_player_for_reader(
            source=article["narration"], post=post, user=request.user, can_read=can_read
        ),
    }
    response = render(request, "blog/post_detail.html", context)
    if preview or not post.is_live:
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
    else:
        response.page_object = ("post", post.pk)  # kept by the page cache (page_cache.py)
    return response


@require_safe
@cached_page
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # The article's fragments first (one cache round trip). When one is there, a narrow row decides access
    # and which one this reader gets; when none is, the whole post is read at once, as it is needed anyway.
    language = get_language()
    cached = page_cache.fragments_read([_article_key(slug, language, access) for access in ARTICLE_ACCESS])
    whole = None
    if cached[1]:
        post = selectors.post_get_visible_access(slug=slug, user=request.user)
    else:
        post = whole = selectors.post_get_visible(slug=slug, user=request.user)
    if post is None:
        raise Http404(_("No such post."))
    return _post_page(request, post, whole=whole, cached=cached)


@require_safe
def preview(request: HttpRequest, token: str) -> HttpResponse:
    """A draft shown to whoever holds a valid preview link: never cached, never indexed."""
    from .services import preview_link_resolve

    post = preview_link_resolve(token=token)
    if post is None:
        response = render(request, "404.html", status=404)
        response["Cache-Control"] = "no-store"
        return response
    post = selectors.post_with_relations(pk=post.pk)
    return _post_page(request, post, preview=True, whole=post)


def _listing(
    request: HttpRequest,
    template: str,
    key: str,
    ids: Callable[[], Any],
    meta: PageMeta,
    sections: Any = (),
    **context: Any,
) -> HttpResponse:
    page, _found = _list_page(request, key, ids)
    page.object_list = _cards(page.object_list, sections)
    if page.number > 1:
        meta.title = _("%(title)s, page %(number)s") % {"title": meta.title, "number": page.number}
    return render(request, template, {"meta": meta, "page": page, **context})


def _section_with_tree(slug: str) -> Section | None:
    """The active section `slug` with its tree of active descendants read (`section_descendants` keeps
    it on the section, and the cached section keeps it too)."""
    section = selectors.section_get_active(slug=slug)
    if section is not None:
        selectors.section_descendants(section=section)
    return section


@require_safe
@cached_page
def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = page_cache.fragment_found(f"section:{slug}", lambda: _section_with_tree(slug))
    if section is None:
        raise Http404(_("No such section."))
    if section.type == Section.Type.ABOUT:
        return redirect("blog:about", permanent=True)
    if section.type == Section.Type.PROJECTS:
        return redirect("blog:projects", permanent=True)
    url = reverse("blog:section", args=[section.slug])
    crumbs = [(section.parent.name, reverse("blog:section", args=[section.parent.slug]))] if section.parent_id else []
    meta = PageMeta(
        title=section.seo_title or section.name,
        description=describe(section.seo_description, section.description)
        or _("Posts in %(name)s.") % {"name": section.name},
        breadcrumbs=[*crumbs, (section.name, url)],
    )
    if section.type == Section.Type.BOARD:
        # The message board: its messages and form come from the community app's template tags.
        return render(request, "blog/section_board.html", {"meta": meta, "section": section, "crumbs": crumbs})
    if section.type == Section.Type.FRIENDS:
        # The friend links: listed by the community app's template tag.
        return render(request, "blog/section_friends.html", {"meta": meta, "section": section, "crumbs": crumbs})
    return _listing(
        request,
        "blog/section_detail.html",
        f"section:{section.pk}",
        partial(selectors.post_list_card_ids, section=section),
        meta,
        # The section's tree (one query) gives its children and every card's section.
        sections=selectors.section_descendants(section=section),
        section=section,
        children=selectors.section_list_children(section=section),
        crumbs=crumbs,
    )


@require_safe
@cached_page
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = page_cache.fragment_found(f"tag:{slug}", lambda: selectors.tag_get(slug=slug))
    if tag is None:
        raise Http404(_("No such tag."))
    url = reverse("blog:tag", args=[tag.slug])
    meta = PageMeta(
        title=_("Posts tagged “%(name)s”") % {"name": tag.name},
        description=_("Every post tagged “%(name)s”, newest first.") % {"name": tag.name},
        breadcrumbs=[(tag.name, url)],
    )
    ids = partial(selectors.post_list_card_ids, tag=tag)
    return _listing(request, "blog/tag_detail.html", f"tag:{tag.pk}", ids, meta, tag=tag)


@require_safe
@cached_page
def archive(request: HttpRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
    if year is None:
        meta = PageMeta(
            title=_("Archive"),
            description=_("Every post, month by month."),
            breadcrumbs=[(_("Archive"), reverse("blog:archive"))],
        )
        years = selectors.post_archive_tree()
        return render(request, "blog/archive_index.html", {"meta": meta, "years": years})
    months = selectors.post_archive_months()
    # Only periods that have live posts exist: a year like 0, 10000 or 10**20 (which no date can hold)
    # and an empty month are 404s before any date is built from them.
    if not any(m.year == year and month in (None, m.month) for m in months):
        raise Http404(_("No posts were published in this period."))
    ids = partial(selectors.post_list_card_ids, year=year, month=month)
    if month is None:
        label = str(year)
        url = reverse("blog:archive-year", args=[year])
    else:
        label = date_format(date(year, month, 1), "YEAR_MONTH_FORMAT")
        url = reverse("blog:archive-month", args=[year, month])
    meta = PageMeta(
        title=_("Archive: %(period)s") % {"period": label},
        description=_("Posts published in %(period)s.") % {"period": label},
        breadcrumbs=[(_("Archive"), reverse("blog:archive")), (label, url)],
    )
    key = f"archive:{year}:{month or ''}"
    return _listing(request, "blog/archive.html", key, ids, meta, period=label, months=months)


@require_safe
@cached_page
def search(request: HttpRequest) -> HttpResponse:
    query = " ".join(selectors.search_words(request.GET.get("q", "")))[:SEARCH_MAX_LENGTH]
    meta = PageMeta(
        title=_("Search: %(query)s") % {"query": query} if query else _("Search"),
        description=_("Search the posts of this blog."),
        breadcrumbs=[(_("Search"), reverse("blog:search"))],
    )
    context: dict[str, Any] = {"meta": meta, "query": query, "page": None, "results": []}
    if query:
        number = _page_number(request)
        language = get_language()
        parsed = search_text.parse_query(query)
        # Readers who may search the same bodies get the same results: ranked once per query (as parsed),
        # language, access and cache generation; each result's markup likewise (its snippet is the query's).
        access = selectors.post_search_access(user=request.user)
        words = hashlib.md5(repr(parsed).encode(), usedforsecurity=False).hexdigest()
        key = f"search:{language}:{access}:{words}"
        ids = page_cache.fragment(
            key, lambda: selectors.post_search_ranked_ids(query=query, language=language, user=request.user)
        )
        page = _page_of(ids, number)
        context.update(page=page, results=_search_results(page.object_list, key, parsed, language, request.user))
    return render(request, "blog/search.html", context)


def _search_results(ids: list[int], key: str, parsed: Any, language: str, user: Any) -> list[str]:
    """The markup of each result (`blog/_search_result.html`), kept per result as `<key>:<post id>`; only
    the posts not kept are loaded."""
    keys = {pk: f"{key}:{pk}" for pk in ids}
    generation, found = page_cache.fragments_read(list(keys.values()))
    missing = [pk for pk in ids if keys[pk] not in found]
    suffix = language.replace("-", "_")
    for post in selectors.post_search_results_load(ids=missing, language=language, user=user):
        # A body the reader may not read is never quoted (it was not searched either).
        prose = (getattr(post, f"prose_{suffix}") or "") if post.body_readable else ""
        result = {
            "post": post,
            "title": search_text.highlight(post.title, parsed.marks),
            "snippet": search_text.snippet(prose=prose, summary=post.summary or "", query=parsed),
        }
        html = render_to_string("blog/_search_result.html", {"result": result}).strip()
        found[keys[post.pk]] = html
        page_cache.fragment_store(keys[post.pk], generation, html)
    return [mark_safe(found[keys[pk]]) for pk in ids if keys[pk] in found]  # noqa: S308 - rendered by the template


@require_safe
@cached_page
def project_list(request: HttpRequest) -> HttpResponse:
    meta = PageMeta(
        title=_("Projects"),
        description=_("Things I have built: tools, apps and experiments."),
        breadcrumbs=[(_("Projects"), reverse("blog:projects"))],
    )
    projects = [_with_price_label(p) for p in selectors.project_list_published()]
    return render(request, "blog/project_list.html", {"meta": meta, "projects": projects})


ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD"})


def _with_price_label(project: Project) -> Project:
    """`price_label`: "19.00 USD" from the price in minor units."""
    if project.currency in ZERO_DECIMAL_CURRENCIES:
        amount = f"{project.price}"
    else:
        amount = f"{project.price // 100}.{project.price % 100:02d}"
    project.price_label = f"{amount} {project.currency}"
    return project


@require_safe
@cached_page
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project: Project | None = selectors.project_get_published(slug=slug)
    if project is None:
        raise Http404(_("No such project."))
    url = reverse("blog:project", args=[project.slug])
    meta = PageMeta(
        title=project.title,
        description=describe(project.description, project.body_html),
        breadcrumbs=[(_("Projects"), reverse("blog:projects")), (project.title, url)],
        **_cover_meta(project.cover),
    )
    response = render(request, "blog/project_detail.html", {"meta": meta, "project": _with_price_label(project)})
    response.page_object = ("project", project.pk)  # kept by the page cache (page_cache.py)
    return response


@require_safe
@cached_page
def about(request: HttpRequest) -> HttpResponse:
    section = selectors.section_get_about()
    if section is None:
        raise Http404(_("There is no about page yet."))
    meta = PageMeta(
        title=section.seo_title or section.name,
        description=describe(section.seo_description, section.description),
        breadcrumbs=[(section.name, reverse("blog:about"))],
    )
    return render(request, "blog/about.html", {"meta": meta, "section": section})
