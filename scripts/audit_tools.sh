#!/usr/bin/env bash
# The npm tools the page audits use (Lighthouse 12.8, axe-core, the Nu HTML Checker's vnu-jar), installed
# once into a scratch directory (AUDIT_TOOLS, default /tmp/audit), never into the repository.
# Used by `make audit` (bench/audit_pages.sh) and `make e2e` (tests/e2e/test_accessibility.py).
set -euo pipefail
TOOLS="${AUDIT_TOOLS:-/tmp/audit}"
if [ ! -x "$TOOLS/node_modules/.bin/lighthouse" ] || [ ! -f "$TOOLS/node_modules/vnu-jar/build/dist/vnu.jar" ] \
  || [ ! -f "$TOOLS/node_modules/axe-core/axe.min.js" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && { [ -f package.json ] || npm init -y > /dev/null; })
  (cd "$TOOLS" && npm install --no-audit --no-fund lighthouse@12.8 axe-core > /dev/null)
  (cd "$TOOLS" && npm install --no-audit --no-fund --ignore-scripts vnu-jar > /dev/null)
fi
