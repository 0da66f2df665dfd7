"""The English catalogue (locale/en) is complete, consistent and compiled.

Source strings are French; `make messages` extracts them (makemessages), fills the English
text from locale/en/glossary.json (scripts/po_fill.py) and compiles django.mo.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

HOW_TO_FIX = (
    "\nAfter adding or changing translatable strings, add the English text of each new French msgid "
    "to locale/en/glossary.json and run `make messages` (makemessages + scripts/po_fill.py + "
    "compilemessages), then commit locale/."
)

PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
NAMED_PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def label(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: msgctxt, msgid, msgid_plural, msgstr[n] and flags (no obsolete entries)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def flush():
        nonlocal entry
        if target is not None:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            flush()
            target = None
        elif line.startswith("#~"):
            continue
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.msgctxt, target = _unquote(line[8:]), ("msgctxt", None)
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = _unquote(line[13:]), ("msgid_plural", None)
        elif line.startswith("msgid "):
            entry.msgid, entry.line, target = _unquote(line[6:]), number, ("msgid", None)
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            entry.msgstr[index], target = _unquote(line[line.index("]") + 1 :]), ("msgstr", index)
        elif line.startswith("msgstr "):
            entry.msgstr[0], target = _unquote(line[7:]), ("msgstr", 0)
        elif line.startswith('"'):
            name, index = target
            if name == "msgstr":
                entry.msgstr[index] += _unquote(line)
            else:
                setattr(entry, name, getattr(entry, name) + _unquote(line))
    flush()
    return [entry for entry in entries if entry.msgid]


def placeholders(text: str, python_format: bool) -> list[str]:
    pattern = PLACEHOLDER if python_format else NAMED_PLACEHOLDER
    return sorted(match for match in pattern.findall(text) if match != "%%")


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert PO.exists(), f"{PO} is missing." + HOW_TO_FIX
    parsed = parse_po(PO)
    assert parsed, f"{PO} has no entries." + HOW_TO_FIX
    return parsed


def test_header_is_english_utf8_with_plural_forms():
    header = PO.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header, "The .po header is fuzzy." + HOW_TO_FIX
    assert '"Language: en\\n"' in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header


def test_every_msgid_has_an_english_translation(entries):
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (ignored by Django): {entry.label}")
        expected = 1 if entry.msgid_plural is None else 2
        texts = [entry.msgstr.get(index, "") for index in range(expected)]
        if not all(text.strip() for text in texts):
            problems.append(f"untranslated: {entry.label}")
    assert not problems, (
        f"{len(problems)} of {len(entries)} entries are not translated:\n  "
        + "\n  ".join(problems)
        + HOW_TO_FIX
    )


def test_placeholders_are_identical(entries):
    problems = []
    for entry in entries:
        python_format = "python-format" in entry.flags
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        for index, source in enumerate(sources):
            text = entry.msgstr.get(index, "")
            if placeholders(source, python_format) != placeholders(text, python_format):
                problems.append(f"{entry.label}: msgstr[{index}] {text!r}")
            if "{{" in text or "{%" in text:
                problems.append(f"{entry.label}: template syntax in msgstr[{index}] {text!r}")
    assert not problems, (
        "Placeholders differ between msgid and msgstr:\n  " + "\n  ".join(problems) + HOW_TO_FIX
    )


def test_compiled_mo_is_up_to_date(entries):
    assert MO.exists(), f"{MO} is missing." + HOW_TO_FIX
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    expected: dict[object, str] = {}
    for entry in entries:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    compiled = {key: value for key, value in catalog._catalog.items() if key != ""}
    stale = sorted(
        str(key) for key in expected.keys() | compiled.keys() if expected.get(key) != compiled.get(key)
    )
    assert not stale, (
        f"django.mo differs from django.po for {len(stale)} entries, e.g. {stale[:5]}." + HOW_TO_FIX
    )
    # And through the public API, as Django uses it.
    for entry in entries:
        if entry.msgctxt is not None:
            continue
        if entry.msgid_plural is None:
            assert catalog.gettext(entry.msgid) == entry.msgstr[0], entry.label + HOW_TO_FIX
        else:
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr[0], entry.label
            assert catalog.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr[1], entry.label


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_check_passes():
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(PO)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + HOW_TO_FIX


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_has_every_source_string(entries, tmp_path):
    """Extracts the French strings from a copy of the source: none may be missing from django.po."""
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    shutil.copytree(ROOT / "kamri", copy / "kamri", ignore=ignore)
    shutil.copytree(LOCALE, copy / "locale", ignore=ignore)
    shutil.copy2(ROOT / "manage.py", copy / "manage.py")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kamri.settings",
        "KAMRI_VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(copy),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=copy,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fresh = parse_po(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    known = {(entry.msgctxt, entry.msgid, entry.msgid_plural) for entry in entries}
    missing = [entry for entry in fresh if (entry.msgctxt, entry.msgid, entry.msgid_plural) not in known]
    assert not missing, (
        f"{len(missing)} French strings of the source are not in locale/en/LC_MESSAGES/django.po:\n  "
        + "\n  ".join(repr(entry.msgid) for entry in missing[:20])
        + HOW_TO_FIX
    )
