"""Text every supported database accepts."""

from __future__ import annotations


def storable(text: str) -> str:
    """Text any database can store: no NUL (PostgreSQL refuses it), no lone surrogate ("\\ud800" in JSON
    decodes to one, and no database driver can encode it); both become U+FFFD."""
    text = text.replace("\x00", "\ufffd")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text
