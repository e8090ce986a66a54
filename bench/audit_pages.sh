#!/usr/bin/env bash
# Audit reader pages: Lighthouse 12.8 (performance, accessibility, best practices, SEO; desktop and
# mobile), axe-core (light and dark colour schemes) and the Nu HTML Checker, on home, a post,
# search and a tag page in both languages. The npm tools go to a scratch directory (AUDIT_TOOLS,
# default /tmp/audit), never into the repository. AUDIT_SCREENSHOTS=1 saves full-page screenshots
# to bench/out/audit/; AUDIT_SKIP_LIGHTHOUSE=1 runs only axe and vnu.
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS="${AUDIT_TOOLS:-/tmp/audit}"
scripts/audit_tools.sh
AUDIT_TOOLS="$TOOLS" exec .venv/bin/python bench/audit/run_audits.py
