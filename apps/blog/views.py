"""Reader pages. Each view reads through `selectors`, builds the page's metadata, and renders.

Anonymous GETs are served from the page cache (`page_cache.cached_page`); signed-in readers,
editors and preview links always get a fresh page.
"""

from datetime import date
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


def _paginate(request: HttpRequest, queryset: Any, per_page: int = PAGE_SIZE) -> Page:
    """The requested page of every paginated page. A number that is not plain ASCII digits ("²", "٣",
    "1.0"), or out of range, is a 404 (never a 500, nor page 1 under another URL)."""
    number = parse_whole_number(request.GET.get("page", "1"))
    if number is None:
        raise Http404(_("No such page."))
    paginator = Paginator(queryset, per_page)
    if number > paginator.num_pages:
        raise Http404(_("No such page."))
    return paginator.page(number)


def _cards(posts: Any, sections: Any = ()) -> list[Post]:
    """A list page's posts for `{% post_card %}`: each gets its cached card fragments (`card_html`,
    see `page_cache.cards_read`), and only the others load what a card shows (`post_cards_load`)."""
    posts = list(posts)
    generation, cached = page_cache.cards_read(get_language(), [post.pk for post in posts])
    for post in posts:
        post.card_html = cached.get(post.pk)
        post.card_generation = generation
    selectors.post_cards_load(posts=[post for post in posts if post.card_html is None], sections=sections)
    return posts


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
    latest = _paginate(request, selectors.post_list_cards(with_cover=True))
    if latest.number > 1:
        featured = []
        latest.object_list = _cards(latest.object_list)
    else:
        featured = list(selectors.post_list_cards(featured=True, with_cover=True)[:FEATURED_COUNT])
        featured_ids = {p.pk for p in featured}
        shown = [p for p in latest.object_list if p.pk not in featured_ids]
        cards = _cards([*featured, *shown])
        featured, latest.object_list = cards[: len(featured)], cards[len(featured) :]
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
    request: HttpRequest, template: str, posts: Any, meta: PageMeta, sections: Any = (), **context: Any
) -> HttpResponse:
    page = _paginate(request, posts)
    page.object_list = _cards(page.object_list, sections)
    if page.number > 1:
        meta.title = _("%(title)s, page %(number)s") % {"title": meta.title, "number": page.number}
    return render(request, template, {"meta": meta, "page": page, **context})


@require_safe
@cached_page
def section_detail(request: HttpRequest, slug: str) -> HttpResponse:
    section = selectors.section_get_active(slug=slug)
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
        selectors.post_list_cards(section=section, with_cover=True),
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
    tag = selectors.tag_get(slug=slug)
    if tag is None:
        raise Http404(_("No such tag."))
    url = reverse("blog:tag", args=[tag.slug])
    meta = PageMeta(
        title=_("Posts tagged “%(name)s”") % {"name": tag.name},
        description=_("Every post tagged “%(name)s”, newest first.") % {"name": tag.name},
        breadcrumbs=[(tag.name, url)],
    )
    return _listing(request, "blog/tag_detail.html", selectors.post_list_cards(tag=tag, with_cover=True), meta, tag=tag)


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
    posts = selectors.post_list_cards(year=year, month=month, with_cover=True)
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
    return _listing(request, "blog/archive.html", posts, meta, period=label, months=months)


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
        language = get_language()
        parsed = search_text.parse_query(query)
        page = _paginate(request, selectors.post_search(query=query, language=language, user=request.user))
        suffix = language.replace("-", "_")
        results = []
        for post in page.object_list:
            # A body the reader may not read is never quoted (it was not searched either).
            prose = (getattr(post, f"prose_{suffix}") or "") if post.body_readable else ""
            results.append(
                {
                    "post": post,
                    "title": search_text.highlight(post.title, parsed.marks),
                    "snippet": search_text.snippet(prose=prose, summary=post.summary or "", query=parsed),
                }
            )
        context.update(page=page, results=results)
    return render(request, "blog/search.html", context)


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
