"""Hypothesis strategies for hostile form input: any text, huge strings, NUL bytes, numbers of every shape."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Small in CI (R3): a few dozen cases per form; `make bench-reliability` may raise it with HYPOTHESIS_PROFILE.
FORM_FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database persists across examples: invariants are cumulative
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1.5",
    "1,5",
    "1e999",
    "-1e-999",
    "NaN",
    "Infinity",
    "-Infinity",
    "9" * 40,
    "0." + "0" * 30 + "1",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "%s%s%n",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "\u202e\u200b\ufeff",
    "日本語テキスト",
    "🙂" * 50,
    "A" * 70_000,
    "2024-02-30",
    "9999-12-31",
    "0001-01-01",
]

# Text that UTF-8 can carry (the test client, like a browser, cannot send lone surrogates).
_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)

value = st.one_of(
    st.sampled_from(NASTY),
    _TEXT,
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)


def fields(names, *, extra: dict | None = None) -> st.SearchStrategy[dict]:
    """Form data: any subset of the fields, each a hostile value or (sometimes) a list of them."""
    one = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    optional = {name: one for name in names}
    return st.fixed_dictionaries(extra or {}, optional=optional)


def path_value() -> st.SearchStrategy[str]:
    """A URL path segment: whatever fits between two slashes."""
    return st.one_of(
        st.sampled_from(["0", "1", "-1", "9" * 30, "abc", "%00", "é", "x" * 300]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#%"), min_size=1, max_size=60),
    )


def is_local_redirect(response) -> bool:
    """A redirect that stays on this site (no open redirect)."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return True
    target = urlsplit(response["Location"])
    return not target.scheme and not target.netloc and response["Location"].startswith("/")


def has_nul(*values) -> bool:
    return any("\x00" in str(v) for v in values if v is not None)
