"""Audit reader pages with Lighthouse, axe-core and the Nu HTML Checker (see bench/audit_pages.sh).

Seeds the demo content into a scratch SQLite database, serves the site with gunicorn (DEBUG off,
compressed static files, media served by a bench-only URL), then checks home, a post, search and
a tag page in both languages. Prints one line per page and tool and writes the raw reports to
AUDIT_OUT (default: bench/out/audit). Exits non-zero when a target is missed.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import blog_bench

ROOT = blog_bench.ROOT
TOOLS = Path(os.environ.get("AUDIT_TOOLS", "/tmp/audit"))
OUT = Path(os.environ.get("AUDIT_OUT", ROOT / "bench" / "out" / "audit"))
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync"
)
PAGES = {
    "home": "/{lang}/",
    "post": "/{lang}/posts/markdown-pipeline/",
    "search": "/{lang}/search/?q={query}",
    "tag": "/{lang}/tags/python/",
    "signin": "/{lang}/accounts/login/",
}
# Sign-in pages carry `noindex` on purpose (Lighthouse then scores SEO 66): no SEO target for them.
NOINDEX_PAGES = {"signin"}
QUERIES = {"en": "python", "zh-hans": "%E6%B8%B2%E6%9F%93"}
AXE_SCRIPT = "axe.run().then(r => r.violations.map(v => `${v.id} [${v.impact}]: ${v.nodes.length}`))"
LIGHTHOUSE_TARGETS = {"performance": 0.99, "accessibility": 1.0, "best-practices": 1.0, "seo": 1.0}


def lighthouse(url: str, name: str, preset: str) -> tuple[dict, list[str]]:
    out = OUT / f"lighthouse-{name}-{preset}.json"
    command = [str(TOOLS / "node_modules/.bin/lighthouse"), url, "--output=json", f"--output-path={out}", "--quiet"]
    command += [f"--chrome-flags={CHROME_FLAGS}", "--only-categories=performance,accessibility,best-practices,seo"]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": "/usr/bin/chromium"}
    subprocess.run(command, env=env, check=True, capture_output=True)
    report = json.loads(out.read_text())
    scores = {key: cat["score"] for key, cat in report["categories"].items()}
    failing = [
        f"{audit_id} ({audit['score']})"
        for audit_id, audit in report["audits"].items()
        if (audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary")
        or (audit.get("score") is not None and audit["score"] < 0.5)
    ]
    return scores, failing


def axe(urls: dict[str, str]) -> dict[str, list[str]]:
    from playwright.sync_api import sync_playwright

    results = {}
    args = CHROME_FLAGS.replace("--headless=new ", "").split()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        for scheme in ("light", "dark"):
            page = browser.new_page(color_scheme=scheme, bypass_csp=True)  # axe is injected inline
            for name, url in urls.items():
                page.goto(url)
                page.add_script_tag(path=str(TOOLS / "node_modules/axe-core/axe.min.js"))
                found = page.evaluate(
                    "axe.run().then(r => r.violations.map(v => v.id + ' [' + v.impact + ']: ' + v.nodes.length))"
                )
                results[f"{name} ({scheme})"] = found
                if os.environ.get("AUDIT_SCREENSHOTS"):
                    page.screenshot(path=str(OUT / f"shot-{name}-{scheme}.png"), full_page=True)
            page.close()
        browser.close()
    return results


def vnu(urls: dict[str, str]) -> dict[str, list[str]]:
    jar = TOOLS / "node_modules/vnu-jar/build/dist/vnu.jar"
    results = {}
    for name, url in urls.items():
        done = subprocess.run(["java", "-jar", str(jar), "--format", "json", url], capture_output=True, text=True)
        messages = json.loads(done.stderr or '{"messages": []}')["messages"]
        results[name] = [f"{m['type']}: {m.get('message')}" for m in messages if m["type"] == "error"]
    return results


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="inkwell-audit-"))
    env = blog_bench.base_env(workdir)
    env["BENCH_SERVE_MEDIA"] = "1"
    blog_bench.manage(env, "migrate", "--noinput", "-v0")
    blog_bench.manage(env, "collectstatic", "--noinput", "-v0")
    blog_bench.manage(env, "compilemessages", "--ignore=.venv", "-v0")
    blog_bench.manage(env, "seed_demo")
    process, base = blog_bench.serve({**env, "BENCH_PAGE_CACHE": "1"})
    ok = True
    try:
        urls = {
            f"{name}-{lang}": base + path.format(lang=lang, query=QUERIES[lang])
            for lang in ("en", "zh-hans")
            for name, path in PAGES.items()
        }
        for name, problems in vnu(urls).items():
            ok &= not problems
            print(f"vnu   {name:<16} {problems if problems else 'ok'}")
        for name, violations in axe(urls).items():
            ok &= not violations
            print(f"axe   {name:<24} {violations if violations else 'ok'}")
        if os.environ.get("AUDIT_SKIP_LIGHTHOUSE"):
            return 0 if ok else 1
        for name, url in urls.items():
            for preset in ("desktop", "mobile"):
                scores, failing = lighthouse(url, name, preset)
                noindex = name.split("-")[0] in NOINDEX_PAGES
                targets = {k: v for k, v in LIGHTHOUSE_TARGETS.items() if not (noindex and k == "seo")}
                missed = [k for k, target in targets.items() if (scores.get(k) or 0) < target]
                ok &= not missed
                text = " ".join(f"{k}={round((v or 0) * 100)}" for k, v in scores.items())
                print(f"lh    {name:<16} {preset:<8} {text}" + (f"  failing: {failing}" if missed else ""))
    finally:
        blog_bench.stop(process)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
