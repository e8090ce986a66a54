"""AI assistance: a 50,000-character post translated end to end (run by `make bench`).

The real `dashscope` SDK talks to the local DashScope stand-in, which answers each request after a
fixed delay (standing in for the model's time). The same post is translated with one request in flight
and with `AI_TRANSLATE_CONCURRENCY` requests in flight, on a throwaway SQLite database; the ratio of the
two wall times is what concurrency buys (target: at least 2x with 3 in flight). Also prints the time
the Markdown cutting and reassembly takes on its own (mdsplit, no requests).

    .venv/bin/python bench/ai_translate_bench.py          # BENCH_AI_DELAY=0.2 seconds per answer
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog_site.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ.pop("CELERY_BROKER_URL", None)  # tasks run in-process

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

call_command("migrate", verbosity=0)

from apps.blog import mdsplit, services  # noqa: E402
from apps.blog.models import AIJob, Post, TranslationDraft  # noqa: E402
from apps.blog.qwen_standin import QwenStandIn  # noqa: E402

DELAY = float(os.environ.get("BENCH_AI_DELAY", "0.2"))
paragraphs = []
number = 0
while sum(len(p) + 2 for p in paragraphs) < 50_000:
    number += 1
    paragraphs.append(f"Paragraph {number:05d} explains one more detail of vector search, calmly and at length.")
    if number % 40 == 0:
        paragraphs.append(f"```\ncode block {number:05d} stays as it is\n```")
BODY = "\n\n".join(paragraphs) + "\n"

started = time.perf_counter()
prepared = mdsplit.prepare_markdown(BODY, max_chars=settings.AI_TRANSLATE_CHUNK_CHARS)
chunks = mdsplit.make_chunks(prepared.units, max_chars=settings.AI_TRANSLATE_CHUNK_CHARS)
identity = {}
for chunk in chunks:
    identity.update(mdsplit.read_chunk(mdsplit.chunk_wire(chunk), chunk, prepared.placeholders))
if mdsplit.assemble(prepared, identity) != BODY:
    sys.exit("bench: cutting and reassembling changed the text")
cutting = time.perf_counter() - started
print(f"mdsplit: {len(BODY):,} characters → {len(chunks)} chunks and back in {cutting * 1000:.0f} ms")


def translate(concurrency: int) -> float:
    post = Post.objects.create(source_language="en", title_en=f"Long read {concurrency}", body_en=BODY)
    with override_settings(AI_TRANSLATE_CONCURRENCY=concurrency):
        began = time.perf_counter()
        job = services.translation_request(post=post, by=None, language="zh-hans")
        elapsed = time.perf_counter() - began
    job.refresh_from_db()
    if job.status != AIJob.Status.DONE:
        sys.exit(f"bench: the translation failed: {job.error}")
    body = TranslationDraft.objects.get(post=post, field="body").text
    if body.count("【译】") != number:
        sys.exit("bench: a paragraph went missing")
    return elapsed


with (
    QwenStandIn(delay=DELAY) as standin,
    override_settings(
        QWEN_API_KEY="bench",
        QWEN_API_BASE_URL=standin.url,
        AI_ASSISTANT_CLASS="apps.blog.assistant.QwenAssistant",
    ),
):
    one = translate(1)
    many = translate(3)
print(f"translation of {len(BODY):,} characters, {DELAY:.2f} s per answer:")
print(f"  1 request in flight {one:.2f} s, 3 in flight {many:.2f} s")
ratio = one / many
print(f"concurrency gain: {ratio:.2f}x (target ≥ 2x)")
if ratio < 2:
    sys.exit("bench: translating three chunks at a time should be at least twice as fast")
