"""Fill empty English translations in locale/en/LC_MESSAGES/django.po from a JSON glossary.

Usage: python scripts/po_fill.py locale/en/glossary.json
Source strings are French; the glossary maps each French msgid to its English text.
Plural entries use a list of two strings. Existing translations are kept.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _unquote(lines: list[str]) -> str:
    return "".join(json.loads(line.strip()) for line in lines)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(glossary: dict[str, str | list[str]]) -> tuple[int, list[str]]:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    filled, missing = 0, []
    for index, block in enumerate(blocks):
        msgid_match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid_match:
            continue
        msgid = _unquote(msgid_match.group(1).strip().split("\n"))
        if not msgid:
            continue
        if "msgid_plural" in block:
            if re.search(r'^msgstr\[0\] ""\s*$', block, re.M) and not re.search(r'^msgstr\[0\] ""\n"', block, re.M):
                entry = glossary.get(msgid)
                if isinstance(entry, list):
                    block = re.sub(r'^msgstr\[0\] ""$', "msgstr[0] " + _quote(entry[0]), block, flags=re.M)
                    block = re.sub(r'^msgstr\[1\] ""$', "msgstr[1] " + _quote(entry[1]), block, flags=re.M)
                    filled += 1
                else:
                    missing.append(msgid)
        elif re.search(r'^msgstr ""\s*\Z', block.strip() + "\n", re.M) or block.rstrip().endswith('msgstr ""'):
            entry = glossary.get(msgid)
            if isinstance(entry, str):
                block = re.sub(r'^msgstr ""$', "msgstr " + _quote(entry), block, flags=re.M)
                block = block.replace("#, fuzzy\n", "")
                filled += 1
            else:
                missing.append(msgid)
        blocks[index] = block
    PO.write_text("\n\n".join(blocks), encoding="utf-8")
    return filled, missing


if __name__ == "__main__":
    count, untranslated = fill(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
    print(f"{count} translations filled; {len(untranslated)} still missing")
    for msgid in untranslated:
        print("  missing:", msgid)
