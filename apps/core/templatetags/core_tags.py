"""Template helpers shared by every page: the site chrome of base.html, cheap on every request.

base.html (head, header, footer) wraps every reader page. Rendered plainly it cost ~1.2-1.4 ms a page:
~18 `reverse()`, the path resolved again once per language, dozens of `{% translate %}`, two includes
of the account links, four loops over the alternates, a dozen lookups for the Open Graph tags, and
Django walking the whole node tree for blocks on every render (`ExtendsNode` does, per request). So:

- `{% once user.is_authenticated nav_current %}…{% endonce %}`: the markup inside rendered once per
  process, language, URLconf and script prefix, and per value of the variables named, then kept: the
  header and footer parts that are the same for every reader of a language (signed in or not). What
  it holds must depend on nothing else: no request, no CSRF token, no reader's name.
- `{% urls_once home_url='blog:home' … %}`: `{% url 'blog:home' as home_url %}` for URLs without
  arguments, reversed once per URLconf, script prefix, current app and language
  (`apps.core.reversing.reverse_once`).
- `{% current_page home_url archive_url … as nav_current %}`: the one nav URL that is this page, the
  only thing aria-current depends on (so the navs are kept per nav URL, not per path).
- `{% language_alternates as alternates %}`: the page in every language, reversed from the URL the
  request already resolved rather than resolving the path again per language; `alternates.
  canonical_link`, `.hreflang_links`, `.og_url` and `.switch_items` write its links.
- `{% open_graph meta %}`: the Open Graph and Twitter tags and the JSON-LD of a page's `meta`.

What is kept lives in the process (it depends only on the code, settings and translations, which a
deploy restarts) and is forgotten when a setting changes (tests) or runserver sees a file change.
templates/base.html writes the same bytes as the plain template did (apps/core/tests/test_chrome.py).
"""

import functools
from urllib.parse import unquote, urlsplit, urlunsplit

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import render_value_in_context
from django.template.loader_tags import BlockNode
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.autoreload import file_changed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, override

from apps.core.reversing import reverse_all_once

register = template.Library()

# Bumped when a setting changes (tests) or runserver sees a file change: every {% once %} renders afresh.
_generation = [0]
_language_names: dict[str, str] = {}


@receiver(setting_changed)
@receiver(file_changed)  # runserver: a template or a translation (.mo) edited without a restart
def _forget_kept_chrome(**kwargs) -> None:
    _generation[0] += 1
    _language_names.clear()
    _route_in_language.cache_clear()


def _language_name(code: str) -> str:
    try:
        return _language_names[code]
    except KeyError:
        name = _language_names[code] = get_language_info(code)["name_local"]
        return name


@functools.lru_cache(maxsize=4096)
def _route_in_language(code: str, urlconf, prefix: str, view_name: str, args: tuple, kwargs: tuple) -> str | None:
    """A resolved route's URL in another language (None when it does not reverse there), kept for the
    last 4,096 routes (a post page is one; a search's query string is not part of it): each is a
    `reverse()` under `override()`, ~30-45 µs, the same for every request of that page."""
    with override(code):
        try:
            return reverse(view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs))
        except NoReverseMatch:
            return None


def _translated_url(path: str, code: str, request) -> str:
    """`translate_url(path, code)`, with the request's own resolver match when it matched this path."""
    match = getattr(request, "resolver_match", None)
    parsed = urlsplit(path)
    if match is None or unquote(parsed.path) != request.path_info:
        return translate_url(path, code)  # e.g. a 404 that matched no URL: the path in every language
    to_be_reversed = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    route = (get_urlconf(), get_script_prefix(), to_be_reversed, tuple(match.args), tuple(sorted(match.kwargs.items())))
    try:
        url = _route_in_language(code, *route)
    except TypeError:  # an argument that cannot be a key
        url = _route_in_language.__wrapped__(code, *route)
    if url is None:
        return path
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


class Alternates(list):
    """The page in every language (dicts: code, name, url, absolute_url, current) and the markup
    base.html writes from them, joined here rather than looped over four times in the template."""

    @property
    def canonical_link(self) -> SafeString:
        return format_html_join(
            "", '<link rel="canonical" href="{}">', ((a["absolute_url"],) for a in self if a["current"])
        )

    @property
    def hreflang_links(self) -> SafeString:
        links = format_html_join(
            "", '\n  <link rel="alternate" hreflang="{}" href="{}">', ((a["code"], a["absolute_url"]) for a in self)
        )
        default = (
            format_html('<link rel="alternate" hreflang="x-default" href="{}">', self[0]["absolute_url"])
            if self
            else ""
        )
        return mark_safe(f"{links}\n  {default}")  # noqa: S308 - both parts escaped by format_html

    @property
    def og_url(self) -> SafeString:
        return format_html_join(
            "", '\n  <meta property="og:url" content="{}">', ((a["absolute_url"],) for a in self if a["current"])
        )

    @property
    def switch_items(self) -> SafeString:
        """The language switch's links to the other languages."""
        return format_html_join(
            "",
            '\n            <li><a href="{}" hreflang="{}" lang="{}">{}</a></li>',
            ((a["url"], a["code"], a["code"], a["name"]) for a in self if not a["current"]),
        )


@register.simple_tag(takes_context=True)
def language_alternates(context: template.Context) -> Alternates:
    """The current page in every language: code, localized name, absolute URL, whether current."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = context.get("LANGUAGE_CODE")
    out = Alternates()
    for code, _name in settings.LANGUAGES:
        url = _translated_url(path, code, request) if request else translate_url(path, code)
        out.append(
            {
                "code": code,
                "name": _language_name(code),
                "url": url,
                "absolute_url": settings.SITE_URL + url,
                "current": code == current,
            }
        )
    return out


@register.simple_tag(takes_context=True)
def urls_once(context: template.Context, **urls: str) -> str:
    """`{% urls_once home_url='blog:home' … %}`: `{% url 'blog:home' as home_url %}` for each URL without
    arguments, reversed once per URLconf, script prefix, current app and language in this process."""
    request = context.get("request")
    current_app = getattr(request, "current_app", None)
    if current_app is None:  # what {% url %} passes: the request's current app, else its namespace
        current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
    for variable, url in zip(urls, reverse_all_once(list(urls.values()), current_app=current_app), strict=True):
        context[variable] = url
    return ""


@register.simple_tag(takes_context=True)
def current_page(context: template.Context, *urls: str) -> str:
    """The one of `urls` that is this page's path, else "": what the nav's aria-current hangs on."""
    path = getattr(context.get("request"), "path", None)
    return path if path in urls else ""


@register.simple_tag(takes_context=True)
def open_graph(context: template.Context, meta) -> SafeString:
    """A page's Open Graph and Twitter card tags and its JSON-LD, from its `meta` (blog.seo.PageMeta):
    what a dozen lookups of `meta` cost in the template, written here. Each value goes out as
    `{{ value }}` would (`render_value_in_context`: localized, escaped)."""

    def out(value) -> str:
        return render_value_in_context(value, context)

    title, description = out(meta.title), out(meta.description)
    locale = "zh_CN" if context.get("LANGUAGE_CODE") == "zh-hans" else "en_US"
    parts = [
        f'\n  <meta property="og:site_name" content="{out(context.get("SITE_NAME", ""))}">',
        f'\n  <meta property="og:type" content="{out(meta.og_type)}">',
        f'\n  <meta property="og:title" content="{title}">',
        f'\n  <meta property="og:description" content="{description}">',
        f'\n  <meta property="og:locale" content="{locale}">',
        f'\n  <meta name="twitter:card" content="{"summary_large_image" if meta.image else "summary"}">',
        f'\n  <meta name="twitter:title" content="{title}">',
        f'\n  <meta name="twitter:description" content="{description}">\n  ',
    ]
    if meta.image:
        image, image_alt = out(meta.image), out(meta.image_alt)
        parts.append(f'<meta property="og:image" content="{image}">\n  ')
        if meta.image_width:
            parts.append(f'<meta property="og:image:width" content="{out(meta.image_width)}">')
            parts.append(f'\n  <meta property="og:image:height" content="{out(meta.image_height)}">')
        parts.append(f'\n  <meta property="og:image:alt" content="{image_alt}">')
        parts.append(f'\n  <meta name="twitter:image" content="{image}">')
        parts.append(f'\n  <meta name="twitter:image:alt" content="{image_alt}">')
    parts.append(f'\n  <script type="application/ld+json">{out(meta.jsonld)}</script>')
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped by render_value_in_context


class OnceNode(template.Node):
    # Django looks for {% block %}s through every node's child nodelists, for each page that extends
    # base.html; a {% once %} holds no block (refused when parsed), so its markup is not searched.
    child_nodelists = ()

    def __init__(self, nodelist: template.NodeList, vary_on: list) -> None:
        self.nodelist = nodelist
        self.vary_on = vary_on
        self.kept: dict[tuple, str] = {}
        self.generation = _generation[0]

    def render(self, context: template.Context) -> str:
        if self.generation != _generation[0]:
            self.kept, self.generation = {}, _generation[0]
        key = (get_language(), get_urlconf(), get_script_prefix(), *[var.resolve(context) for var in self.vary_on])
        try:
            return self.kept[key]
        except KeyError:
            output = self.kept[key] = self.nodelist.render(context)
            return output
        except TypeError:  # a value that cannot be a key: render it every time
            return self.nodelist.render(context)


@register.tag
def once(parser: template.base.Parser, token: template.base.Token) -> OnceNode:
    """`{% once var1 var2 … %}…{% endonce %}`: rendered once per process, language and values of the vars."""
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("{% once %} cannot hold a {% block %}: a child template may override it.")
    return OnceNode(nodelist, [parser.compile_filter(bit) for bit in token.split_contents()[1:]])
