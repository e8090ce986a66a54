# ruff: noqa: RUF001 - Chinese demo text uses full-width punctuation on purpose.
"""Demo content for `make run` (`seed_demo`) and bulk posts for benchmarks (`seed_bulk_posts`).

Both are idempotent. Cover images are drawn with Pillow and go through the media library
(`apps.media.services.asset_create`, so they get renditions and the watermark like any upload).
"""

import io
import math
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.media import services as media_services
from apps.media.models import Asset

from . import services
from .models import Post, Project, Section, Tag
from .rendering import render_markdown
from .search import prose_text, search_text

DEMO_AUTHOR_EMAIL = "writer@example.com"
BULK_SLUG_PREFIX = "bench-post-"


# --- Images -------------------------------------------------------------------------------------


def _cover_png(hue: int, size: tuple[int, int] = (1200, 630)) -> bytes:
    """A deterministic abstract cover (gradient, soft discs, an ink line): no text, so it suits every
    language. Same input, same bytes (so same sha256, and the media library dedupes it)."""
    width, height = size
    top = Image.new("HSV", (1, 1), ((hue + 24) % 256, 150, 215)).convert("RGB").getpixel((0, 0))
    base = Image.new("HSV", (1, 1), (hue % 256, 170, 95)).convert("RGB").getpixel((0, 0))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(top[i] * (1 - t) + base[i] * t) for i in range(3)))
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    rng = (hue * 7919) % 997
    for i in range(5):
        r = 90 + (rng * (i + 3)) % 170
        cx = (rng * (i + 1) * 37) % width
        cy = (rng * (i + 2) * 53) % height
        shapes.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 255, 255, 28 + 9 * i))
    points = [(x, height * 0.62 + 60 * math.sin(x / 140 + hue)) for x in range(-20, width + 40, 20)]
    shapes.line(points, fill=(255, 255, 255, 150), width=6, joint="curve")
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def demo_image_asset(*, owner: Any, title_en: str, title_zh_hans: str, hue: int) -> Asset:
    """A public image Asset made through the media library (renditions, watermark); deduped by content."""
    data = _cover_png(hue)
    return media_services.asset_create(
        owner=owner,
        uploaded_file=ContentFile(data, name=f"cover-{hue}.png"),
        alt_text=f"Cover illustration: {title_en}",
        alt_text_zh_hans=f"封面插图：{title_zh_hans}",
        title=title_en,
        title_zh_hans=title_zh_hans,
    )


# --- Content ------------------------------------------------------------------------------------

SECTIONS = [
    # slug, parent slug, type, name en, name zh, description en, description zh
    ("blog", None, "blog", "Blog", "博客", "Everything I write.", "我写下的一切。"),
    ("dev-notes", "blog", "blog", "Dev notes", "开发笔记", "Code, tools and lessons.", "代码、工具与经验。"),
    ("journal", "blog", "blog", "Journal", "日志", "What happened this month.", "这个月发生了什么。"),
    ("musings", "blog", "blog", "Musings", "随想", "Half-formed thoughts.", "尚未成形的想法。"),
    ("projects", None, "projects", "Projects", "项目", "Things I have built.", "我做过的东西。"),
    ("board", None, "board", "Message board", "留言板", "Say hello.", "打个招呼吧。"),
    ("friends", None, "friends", "Friends", "友情链接", "Blogs I read.", "我常读的博客。"),
]
ABOUT_EN = (
    "Inkwell is a bilingual notebook about software, writing and the space between them.\n\n"
    "I write in English and Chinese; every post says which language it was written in, and "
    "translations are marked as such. You can reach me through the message board."
)
ABOUT_ZH = (
    "Inkwell 是一本关于软件、写作以及两者之间的双语笔记。\n\n"
    "我用中文和英文写作；每篇文章都会注明原文语言，译文也会标出。欢迎在留言板上和我联系。"
)

CODE_SAMPLES = [
    ("python", "def fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n"
     "        a, b = b, a + b\n    return a"),
    ("javascript", "const debounce = (fn, ms) => {\n  let t;\n  return (...args) => {\n    clearTimeout(t);\n"
     "    t = setTimeout(() => fn(...args), ms);\n  };\n};"),
    ("sql", "SELECT section_id, COUNT(*) AS posts\nFROM blog_post\nWHERE status = 'published'\n"
     "GROUP BY section_id\nORDER BY posts DESC;"),
    ("bash", "python -m venv .venv\n. .venv/bin/activate\npip install -r requirements/dev.txt\nmake test"),
    ("go", 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("你好, world")\n}'),
    ("rust", "fn main() {\n    let words = vec![\"ink\", \"well\"];\n    println!(\"{}\", words.join(\"\"));\n}"),
]  # fmt: skip

POSTS = [
    # slug, section, tags, title en, title zh, summary en, summary zh
    ("fast-django-pages", "dev-notes", ["Django", "Performance"], "Fast Django pages without magic",
     "不靠魔法的快速 Django 页面", "Counting queries before caching anything.", "先数查询，再谈缓存。"),
    ("markdown-pipeline", "dev-notes", ["Markdown", "Security"], "A Markdown pipeline you can trust",
     "值得信赖的 Markdown 渲染流程", "Render, then sanitize, every time.", "先渲染，再净化，每一次都如此。"),
    ("bilingual-blogging", "musings", ["Writing", "Translation"], "Writing a blog in two languages",
     "用两种语言写博客", "What translating yourself teaches you.", "翻译自己能教会你什么。"),
    ("celery-on-commit", "dev-notes", ["Django", "Celery"], "Queue tasks on commit, not before",
     "在提交之后再排队任务", "Why transaction.on_commit matters.", "为什么 transaction.on_commit 很重要。"),
    ("october-journal", "journal", ["Life"], "October: rain and refactors", "十月：雨和重构",
     "A month of small improvements.", "小改进的一个月。"),
    ("typography-cjk", "musings", ["Typography", "Translation"], "Typography for Chinese and English side by side",
     "中英文混排的排版", "Spacing, punctuation and line height.", "间距、标点与行高。"),
    ("sqlite-vs-mariadb", "dev-notes", ["Databases"], "Testing on SQLite and MariaDB", "在 SQLite 和 MariaDB 上测试",
     "The bugs only one of them finds.", "只有其中一个才能发现的问题。"),
    ("november-journal", "journal", ["Life"], "November: first frost", "十一月：初霜",
     "Notes from a cold month.", "寒冷月份的笔记。"),
    ("accessible-by-default", "dev-notes", ["Accessibility"], "Accessible by default", "默认无障碍",
     "Landmarks, contrast and focus styles.", "地标、对比度与焦点样式。"),
    ("on-slow-reading", "musings", ["Writing"], "On slow reading", "论慢读",
     "Why reading time is a poor measure.", "为什么阅读时长不是好的衡量标准。"),
    ("rust-for-pythonistas", "dev-notes", ["Rust", "Python"], "Rust for Python programmers",
     "写给 Python 程序员的 Rust", "Ownership explained with lists.", "用列表解释所有权。"),
    ("year-in-review", "journal", ["Life", "Writing"], "A year in review", "年度回顾",
     "What I built, read and dropped.", "我做了什么、读了什么、放弃了什么。"),
    ("pinyin-slugs", "dev-notes", ["Django", "Translation"], "Readable URLs for Chinese titles",
     "中文标题的可读网址", "Transliterating with pypinyin.", "用 pypinyin 音译。"),
    ("premium-deep-dive", "dev-notes", ["Django", "Performance"], "Deep dive: caching a bilingual site",
     "深入：缓存一个双语网站", "Per-language keys and invalidation.", "按语言划分的缓存键与失效。"),
]  # fmt: skip
# English name → Chinese name, description en, description zh (tag pages show the description).
TAGS = {
    "Django": ("Django", "The web framework this site is built with.", "构建本站所用的 Web 框架。"),
    "Performance": ("性能", "Measuring before optimizing.", "先测量，再优化。"),
    "Markdown": ("Markdown", "Writing in plain text.", "用纯文本写作。"),
    "Security": ("安全", "Keeping readers and writers safe.", "保护读者和作者的安全。"),
    "Writing": ("写作", "On the craft of writing.", "关于写作这门手艺。"),
    "Translation": ("翻译", "Moving thoughts between English and Chinese.", "在中英文之间搬运思想。"),
    "Celery": ("Celery", "Background tasks in Python.", "Python 的后台任务。"),
    "Life": ("生活", "Months, seasons and small things.", "月份、季节与小事。"),
    "Typography": ("排版", "Type, spacing and punctuation.", "字体、间距与标点。"),
    "Databases": ("数据库", "SQLite, MariaDB and PostgreSQL.", "SQLite、MariaDB 与 PostgreSQL。"),
    "Accessibility": ("无障碍", "Pages everyone can use.", "人人可用的网页。"),
    "Rust": ("Rust", "A systems language with a friendly compiler.", "一门编译器很友好的系统语言。"),
    "Python": ("Python", "The language most of this blog is about.", "本博客主要谈论的语言。"),
}
SCHEDULED_SLUG = "upcoming-release-notes"
DRAFT_SLUG = "unfinished-thoughts"
PREMIUM_SLUG = "premium-deep-dive"


def _body_en(title: str, i: int) -> str:
    lang, code = CODE_SAMPLES[i % len(CODE_SAMPLES)]
    return (
        f"## Why this matters\n\n{title} is something I kept getting wrong. Here is what I learned, "
        f"with a small example[^1].\n\n## An example\n\n```{lang}\n{code}\n```\n\n"
        "## Numbers\n\n| Step | Before | After |\n|:-----|-------:|------:|\n| Queries | 42 | 4 |\n"
        "| Time (ms) | 180 | 12 |\n\n## What next\n\n- Measure first.\n- Change one thing.\n- Measure again.\n\n"
        "Read more on [the Django documentation](https://docs.djangoproject.com/).\n\n"
        "[^1]: The numbers come from my own machine; yours will differ.\n"
    )


def _body_zh(title: str, i: int) -> str:
    lang, code = CODE_SAMPLES[i % len(CODE_SAMPLES)]
    return (
        f"## 为什么重要\n\n关于「{title}」，我曾经一再犯错。下面是我学到的东西，附一个小例子[^1]。\n\n"
        f"## 例子\n\n```{lang}\n{code}\n```\n\n## 数据\n\n| 步骤 | 之前 | 之后 |\n|:-----|-----:|-----:|\n"
        "| 查询次数 | 42 | 4 |\n| 耗时（毫秒） | 180 | 12 |\n\n"
        "## 下一步\n\n- 先测量。\n- 一次只改一处。\n- 再测量。\n\n"
        "[^1]: 数据来自我自己的电脑，你的结果会不同。\n"
    )


def _demo_author() -> Any:
    User = get_user_model()
    author, created = User.objects.get_or_create(
        email=DEMO_AUTHOR_EMAIL, defaults={"display_name": "Lin Wen", "bio": "Writes about code and words."}
    )
    if created:
        author.set_unusable_password()
        author.save(update_fields=["password"])
    return author


def _tags() -> dict[str, Tag]:
    """The demo tags, named in both languages (blanks filled in on later runs; an editor's text is kept)."""
    by_name = {}
    for name_en, (name_zh, desc_en, desc_zh) in TAGS.items():
        tag = services.tag_get_or_create(name=name_en, name_other=name_zh)
        wanted = {"name_zh_hans": name_zh, "description_en": desc_en, "description_zh_hans": desc_zh}
        missing = {field: value for field, value in wanted.items() if not getattr(tag, field)}
        if missing:
            Tag.objects.filter(pk=tag.pk).update(**missing)
            for field, value in missing.items():
                setattr(tag, field, value)
        by_name[name_en] = tag
    return by_name


def _sections() -> dict[str, Section]:
    by_slug: dict[str, Section] = {}
    for order, (slug, parent, kind, name_en, name_zh, desc_en, desc_zh) in enumerate(SECTIONS):
        section, _ = Section.objects.update_or_create(
            slug=slug,
            defaults={
                "parent": by_slug.get(parent) if parent else None,
                "type": kind,
                "name_en": name_en,
                "name_zh_hans": name_zh,
                "description_en": desc_en,
                "description_zh_hans": desc_zh,
                "order": order,
            },
        )
        by_slug[slug] = section
    by_slug["about"], _ = Section.objects.update_or_create(
        slug="about",
        defaults={
            "type": Section.Type.ABOUT,
            "name_en": "About",
            "name_zh_hans": "关于",
            "description_en": ABOUT_EN,
            "description_zh_hans": ABOUT_ZH,
            "seo_description_en": "About Inkwell and its author.",
            "seo_description_zh_hans": "关于 Inkwell 和作者。",
            "order": len(SECTIONS),
        },
    )
    return by_slug


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Create the demo site once; later runs add only what is missing. Returns what was created."""
    created = {"posts": 0, "projects": 0}
    author = _demo_author()
    sections = _sections()
    tags = _tags()
    now = timezone.now()
    for i, (slug, section, tag_names, title_en, title_zh, sum_en, sum_zh) in enumerate(POSTS):
        existing = Post.objects.select_related("cover").filter(slug=slug).first()
        cover = demo_image_asset(owner=author, title_en=title_en, title_zh_hans=title_zh, hue=i * 19)
        if existing is not None:
            # Older demo covers had the English title drawn in: swap them for the textless one.
            if existing.cover and existing.cover.title == title_en and existing.cover_id != cover.pk:
                services.post_update(post=existing, by=author, data={"cover": cover})
            continue
        chinese_first = i % 3 == 2
        services.post_create(
            by=author,
            data={
                "slug": slug,
                "title_en": title_en,
                "title_zh_hans": title_zh,
                "summary_en": sum_en,
                "summary_zh_hans": sum_zh,
                "body_en": _body_en(title_en, i),
                "body_zh_hans": _body_zh(title_zh, i),
                "seo_description_en": sum_en,
                "seo_description_zh_hans": sum_zh,
                "source_language": "zh-hans" if chinese_first else "en",
                "section": sections[section],
                "cover": cover,
                "tags": [tags[name] for name in tag_names],
                "is_featured": i < 3,
                "is_premium": slug == PREMIUM_SLUG,
                "status": Post.Status.PUBLISHED,
                "published_at": now - timedelta(days=3 * (len(POSTS) - i), hours=i),
            },
        )
        created["posts"] += 1
    if not Post.objects.filter(slug=SCHEDULED_SLUG).exists():
        services.post_create(
            by=author,
            data={
                "slug": SCHEDULED_SLUG,
                "title_en": "Upcoming release notes",
                "title_zh_hans": "即将发布的版本说明",
                "body_en": "## Coming soon\n\nThis post goes live by itself.",
                "body_zh_hans": "## 即将发布\n\n这篇文章会自己上线。",
                "section": sections["dev-notes"],
                "status": Post.Status.SCHEDULED,
                "published_at": now + timedelta(days=3),
            },
        )
        created["posts"] += 1
    if not Post.objects.filter(slug=DRAFT_SLUG).exists():
        services.post_create(
            by=author,
            data={
                "slug": DRAFT_SLUG,
                "title_zh_hans": "未完成的想法",
                "body_zh_hans": "还没写完。",
                "source_language": "zh-hans",
                "section": sections["musings"],
            },
        )
        created["posts"] += 1
    created["projects"] = _projects(author=author, section=sections["projects"])
    return created


def _projects(*, author: Any, section: Section) -> int:
    specs = [
        {
            "slug": "inkwell-cli",
            "title_en": "Inkwell CLI",
            "title_zh_hans": "Inkwell 命令行工具",
            "description_en": "Write posts from your terminal.",
            "description_zh_hans": "在终端里写文章。",
            "body_en": (
                "## Features\n\n- Drafts as Markdown files\n- `inkwell publish`\n\n```bash\ninkwell new my-post\n```"
            ),
            "body_zh_hans": (
                "## 功能\n\n- 以 Markdown 文件保存草稿\n- `inkwell publish`\n\n```bash\ninkwell new my-post\n```"
            ),
            "type": Project.Type.DESKTOP,
            "repository_url": "https://github.com/example/inkwell-cli",
            "order": 1,
        },
        {
            "slug": "reading-tracker",
            "title_en": "Reading tracker",
            "title_zh_hans": "阅读记录器",
            "description_en": "A small app to log what you read. Source code for sale.",
            "description_zh_hans": "记录阅读的小应用，源代码出售。",
            "body_en": "## What you get\n\n| Item | Included |\n|---|---|\n| Source | yes |\n| Updates | 1 year |",
            "body_zh_hans": "## 你会得到\n\n| 项目 | 包含 |\n|---|---|\n| 源代码 | 是 |\n| 更新 | 一年 |",
            "type": Project.Type.MOBILE,
            "demo_url": "https://example.com/reading-tracker",
            "price": 1900,
            "currency": "USD",
            "order": 2,
        },
    ]
    made = 0
    for i, spec in enumerate(specs):
        cover = demo_image_asset(
            owner=author, title_en=spec["title_en"], title_zh_hans=spec["title_zh_hans"], hue=140 + i * 50
        )
        existing = Project.objects.select_related("cover").filter(slug=spec["slug"]).first()
        if existing is not None:
            # Older demo covers had the English title drawn in: swap them for the textless one.
            if existing.cover and existing.cover.title == spec["title_en"] and existing.cover_id != cover.pk:
                Project.objects.filter(pk=existing.pk).update(cover=cover)
            continue
        Project.objects.create(section=section, cover=cover, is_published=True, **spec)
        made += 1
    return made


# --- Bulk posts for benchmarks ------------------------------------------------------------------


def seed_bulk_posts(n: int, *, tags_per_post: int = 3) -> int:
    """Add posts until there are `n` `bench-post-*` posts (bulk inserts, bodies rendered once).

    Returns how many were created. Needs the demo sections (runs `seed_demo` first if missing).
    """
    existing = Post.objects.filter(slug__startswith=BULK_SLUG_PREFIX).count()
    if existing >= n:
        return 0
    if not Section.objects.filter(slug="dev-notes").exists():
        seed_demo()
    author = _demo_author()
    blog_sections = list(Section.objects.filter(type=Section.Type.BLOG, parent__isnull=False))
    tags = [services.tag_get_or_create(name=f"Bench {i}", name_other=f"基准 {i}") for i in range(12)]
    rendered = []
    for i in range(len(CODE_SAMPLES)):
        en, zh = _body_en("Benchmark post", i), _body_zh("基准文章", i)
        rendered.append((en, zh, render_markdown(en, language="en"), render_markdown(zh, language="zh-hans")))
    now = timezone.now()
    posts = []
    for i in range(existing, n):
        en, zh, r_en, r_zh = rendered[i % len(rendered)]
        posts.append(
            Post(
                slug=f"{BULK_SLUG_PREFIX}{i}",
                title=f"Benchmark post {i}",
                title_en=f"Benchmark post {i}",
                title_zh_hans=f"基准文章 {i}",
                summary_en=f"Summary of benchmark post {i}.",
                summary_zh_hans=f"基准文章 {i} 的摘要。",
                body_en=en,
                body_zh_hans=zh,
                body_html_en=r_en.html,
                body_html_zh_hans=r_zh.html,
                toc_html_en=r_en.toc_html,
                toc_html_zh_hans=r_zh.toc_html,
                reading_time_en=r_en.reading_time,
                reading_time_zh_hans=r_zh.reading_time,
                search_text_en=search_text(r_en.html),
                search_text_zh_hans=search_text(r_zh.html),
                prose_en=prose_text(r_en.html),
                prose_zh_hans=prose_text(r_zh.html),
                section=blog_sections[i % len(blog_sections)],
                author=author,
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(minutes=10 + i),
            )
        )
    with transaction.atomic():
        Post.objects.bulk_create(posts, batch_size=500)
        created = list(Post.objects.filter(slug__startswith=BULK_SLUG_PREFIX).exclude(tags__isnull=False).only("pk"))
        through = Post.tags.through
        links = [
            through(post_id=post.pk, tag_id=tags[(post.pk + k) % len(tags)].pk)
            for post in created
            for k in range(tags_per_post)
        ]
        through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)
    return len(posts)
