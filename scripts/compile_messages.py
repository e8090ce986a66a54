"""Compile every `locale/*/LC_MESSAGES/*.po` into its `.mo`, in Python (Babel): no GNU gettext needed.

`make run` and `make test` use this instead of `manage.py compilemessages`, which shells out to
`msgfmt` (a Debian package a fresh machine lacks). Like `msgfmt --check-format`, a translation whose
placeholders do not match its message stops the build with the file, line and problem.
Run from the project root: `.venv/bin/python scripts/compile_messages.py`.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def compile_catalog(po_path: Path) -> list[str]:
    """Write `po_path`'s `.mo` beside it (fuzzy entries left out, as msgfmt does) unless it has problems."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle, abort_invalid=True)
    problems = [
        f"{po_path.relative_to(ROOT)}:{message.lineno}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    for message in list(catalog):
        # Babel would write a plural entry with empty forms, and ngettext would then answer "": drop it.
        if message.id and isinstance(message.string, tuple) and not all(message.string):
            catalog.delete(message.id, context=message.context)
    if not problems:
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
    return problems


def main() -> int:
    catalogs = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
    problems = [problem for po in catalogs for problem in compile_catalog(po)]
    for problem in problems:
        print(problem, file=sys.stderr)  # noqa: T201 - a build script's output
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
