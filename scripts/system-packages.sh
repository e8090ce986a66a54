#!/usr/bin/env bash
# The one list of Debian packages the test suite, CI and the benchmarks need (`make run` needs none of them).
# Installs the missing ones when it can (root, or passwordless sudo); otherwise stops at once and prints the
# command to run. When everything is there it only asks dpkg (well under a second).
# Used by `make test` and `.ci/run`. `--list` prints the list.
set -euo pipefail

PACKAGES=(
  build-essential pkg-config libmariadb-dev python3-dev        # build mysqlclient (only for DATABASE_URL=mysql://...)
  gettext                                                       # makemessages (xgettext)
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-wqy-microhei poppler-utils  # WeasyPrint PDFs, CJK
  espeak-ng sox ffmpeg                                          # narration, audio/video processing
  chromium ca-certificates libssl3 libasound2                   # headless page checks; Azure Speech SDK
  mariadb-client postgresql-client zstd sqlite3                 # backups (and pg_isready)
  wrk                                                           # make bench
)

if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

if ! command -v dpkg-query > /dev/null 2>&1; then
  echo "Inkwell: not a Debian-like system; install the equivalents of: ${PACKAGES[*]}" >&2
  exit 0
fi

# One dpkg-query for the whole list; a package dpkg has never heard of prints no line, so it counts as missing.
installed=" $({ dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${PACKAGES[@]}" 2> /dev/null || true; } | awk '$1 == "installed" {print $2}' | tr '\n' ' ') "
missing=()
for name in "${PACKAGES[@]}"; do
  [[ "$installed" == *" $name "* ]] || missing+=("$name")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then
  sudo=(sudo -n)
else
  echo "Inkwell: the test suite needs Debian packages that are missing. Run this once, then make test again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "== apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
