"""Fill English translations in locale/en/LC_MESSAGES/django.po from a JSON glossary.

Usage: python scripts/po_fill.py locale/en/glossary.json [--update] [--strict]
Source strings are French; the glossary maps each French msgid to its English text.
Plural entries use a list of two strings (singular, plural).

- Entries with an empty msgstr are filled from the glossary.
- Fuzzy entries (msgmerge's guesses from a similar string, which Django never uses) are
  replaced by the glossary text and lose their ``fuzzy`` flag and ``#|`` previous-msgid lines.
- Existing, non-fuzzy translations are kept, unless ``--update`` is given: then the glossary
  wins and a translation that differs from it is replaced (``make messages`` does this, so the
  glossary is the one place to edit an English text).
- A glossary text whose python-format placeholders (``%(name)s``, ``%s``) differ from the
  msgid's is refused and reported, so ``msgfmt --check-format`` keeps passing.
- The header loses its ``fuzzy`` flag and gets ``Language: en``.

Exits with status 1 with ``--strict`` when an entry is still untranslated.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
NAMED_PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


_QUOTE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"})


def placeholders(text: str, python_format: bool = True) -> list[str]:
    """The python-format placeholders of a string, sorted (``%%`` excluded).

    Without the ``python-format`` flag a lone ``%`` is plain text ("30 % de marge"), so
    only named placeholders such as ``%(n)s`` count.
    """
    pattern = PLACEHOLDER if python_format else NAMED_PLACEHOLDER
    return sorted(match for match in pattern.findall(text) if match != "%%")


def _unquote(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        text += re.sub(r"\\(.)", lambda m: _escape_char(m.group(1)), line[1:-1])
    return text


def _escape_char(char: str) -> str:
    if char not in _ESCAPES:
        raise ValueError(f"unsupported escape \\{char} in django.po")
    return _ESCAPES[char]


def _quote(text: str) -> str:
    return '"' + text.translate(_QUOTE) + '"'


def _msgstr_lines(keyword: str, text: str) -> list[str]:
    pieces = re.findall(r"[^\n]*\n|[^\n]+$", text)
    if len(pieces) <= 1:
        return [f"{keyword} {_quote(text)}"]
    return [f'{keyword} ""', *(_quote(piece) for piece in pieces)]


def _field(lines: list[str], keyword: str) -> str | None:
    """The (possibly multi-line) string value of ``keyword`` in an entry, or None."""
    for index, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword) + 1 :]]
            for following in lines[index + 1 :]:
                if not following.startswith('"'):
                    break
                parts.append(following)
            return _unquote(parts)
    return None


_HEADER_DEFAULTS = {
    "# SOME DESCRIPTIVE TITLE.": "# English translation of KAMRI (source strings are French).",
    '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: KAMRI\\n"',
    '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"': '"PO-Revision-Date: 2026-11-27 08:00+0100\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: KAMRI team\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: English\\n"',
    '"Language: \\n"': '"Language: en\\n"',
}


def _fix_header(block: str) -> str:
    """Drops the header's fuzzy flag and msgmerge's placeholder values (msgfmt warns about them)."""
    block = re.sub(r"^#, fuzzy\n", "", block, flags=re.M)
    for default, value in _HEADER_DEFAULTS.items():
        block = block.replace(default, value)
    return block


def _fill_entry(block: str, glossary: dict[str, str | list[str]], update: bool) -> tuple[str, str | None]:
    """Returns the (possibly rewritten) block and a problem message, or None when it is translated."""
    lines = block.split("\n")
    msgid = _field(lines, "msgid")
    plural = _field(lines, "msgid_plural")
    flags = [flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")]
    fuzzy = "fuzzy" in flags
    if plural is None:
        current = [_field(lines, "msgstr") or ""]
    else:
        current = [_field(lines, "msgstr[0]") or "", _field(lines, "msgstr[1]") or ""]
    entry = glossary.get(msgid)
    translated = all(current) and not fuzzy
    same = entry == (current[0] if plural is None else current)
    if translated and (not update or entry is None or same):
        return block, None
    wanted = [entry] if plural is None and isinstance(entry, str) else entry
    if plural is not None and not (isinstance(entry, list) and len(entry) == 2):
        wanted = None
    if not wanted or not all(isinstance(text, str) and text for text in wanted):
        return block, f"missing: {msgid}"
    sources = [msgid] if plural is None else [msgid, plural]
    for source, text in zip(sources, wanted, strict=True):
        python_format = "python-format" in flags
        if placeholders(source, python_format) != placeholders(text, python_format):
            return block, f"placeholders differ: {source!r} -> {text!r}"

    rebuilt, in_msgstr = [], False
    other_flags = [flag for flag in flags if flag and flag != "fuzzy"]
    for line in lines:
        if line.startswith(("#|", "#,")):
            continue
        if line.startswith("msgstr"):
            in_msgstr = True
            continue
        if line.startswith('"') and in_msgstr:
            continue
        in_msgstr = False
        if not line.startswith("#") and other_flags:
            rebuilt.append("#, " + ", ".join(other_flags))
            other_flags = []
        rebuilt.append(line)
    if plural is None:
        rebuilt.extend(_msgstr_lines("msgstr", wanted[0]))
    else:
        rebuilt.extend(_msgstr_lines("msgstr[0]", wanted[0]))
        rebuilt.extend(_msgstr_lines("msgstr[1]", wanted[1]))
    return "\n".join(rebuilt), "filled"


def fill(glossary: dict[str, str | list[str]], update: bool = False) -> tuple[int, list[str]]:
    text = PO.read_text(encoding="utf-8")
    trailing = text.endswith("\n")
    blocks = text.rstrip("\n").split("\n\n")
    filled, problems = 0, []
    for index, block in enumerate(blocks):
        lines = block.split("\n")
        if not any(line.startswith("msgid ") for line in lines):
            continue
        if _field(lines, "msgid") == "":
            blocks[index] = _fix_header(block)
            continue
        blocks[index], problem = _fill_entry(block, glossary, update)
        if problem == "filled":
            filled += 1
        elif problem:
            problems.append(problem)
    PO.write_text("\n\n".join(blocks) + ("\n" if trailing else ""), encoding="utf-8")
    return filled, problems


if __name__ == "__main__":
    count, untranslated = fill(
        json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")), "--update" in sys.argv[2:]
    )
    print(f"{count} translations filled; {len(untranslated)} still missing")
    for problem in untranslated:
        print("  " + problem)
    if untranslated:
        print(
            "Add the English text of each missing French msgid to locale/en/glossary.json, then run `make messages`."
        )
    if untranslated and "--strict" in sys.argv[2:]:
        sys.exit(1)
