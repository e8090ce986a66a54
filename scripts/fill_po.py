"""Fill empty msgstr entries of a .po file from a JSON dictionary: `python scripts/fill_po.py PO JSON`.

Used when adding UI strings: keep translations in the .po (the source of truth); this only helps
fill many single-line entries at once.
"""

import json
import re
import sys
from pathlib import Path


def fill(po_path: Path, table: dict[str, str]) -> int:
    text = po_path.read_text(encoding="utf-8")
    count = 0

    def repl(match: re.Match) -> str:
        nonlocal count
        msgid = json.loads(match.group(1))
        if msgid in table:
            count += 1
            return f"msgid {match.group(1)}\nmsgstr {json.dumps(table[msgid], ensure_ascii=False)}\n"
        return match.group(0)

    text = re.sub(r'^msgid (".+")\nmsgstr ""\n(?!")', repl, text, flags=re.M)
    text = text.replace("#, fuzzy\n", "", 1) if count else text
    po_path.write_text(text, encoding="utf-8")
    return count


if __name__ == "__main__":
    n = fill(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
    sys.stdout.write(f"filled {n}\n")
