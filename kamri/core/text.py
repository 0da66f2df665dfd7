"""Text every supported database accepts."""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata

# Bidirectional formatting characters: they reorder what a reader sees ("txt.exe" shown as "exe.txt").
_BIDI_CONTROLS = dict.fromkeys([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)


def single_line(text: str, *, collapse: bool = True) -> str:
    """A name or an address line as people may type it: no control characters (tabs and line breaks become
    spaces), no bidi overrides, storable; spaces collapsed (else only stripped: a length the customer typed
    is kept for its check)."""
    text = storable(text).translate(_BIDI_CONTROLS)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split()) if collapse else text.strip()


def storable(text: str) -> str:
    """Text any database can store: no NUL (PostgreSQL refuses it), no lone surrogate ("\\ud800" in JSON
    decodes to one, and no database driver can encode it); both become U+FFFD."""
    text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


# A \uD800–\uDBFF escape not followed by a low half, or a \uDC00–\uDFFF escape not preceded by a high half.
_LONE_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def storable_json(text: str) -> str:
    """JSON text whose decoded strings are storable too: a lone surrogate escape ("\\ud800", which decodes
    to a character no database or page can encode) becomes "\\ufffd"; NUL and surrogates in the text itself
    go as in `storable`."""
    return _LONE_SURROGATE_ESCAPE.sub(r"\\ufffd", storable(text))


def pretty_json(text: str) -> str:
    """Stored JSON indented for a page, or the text as it is when it is not JSON (or nested too deep to
    decode); never a character a page cannot encode."""
    with contextlib.suppress(ValueError, RecursionError):
        text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    return storable(text)
