""" "Suivi des colis": CJ's trackInfo for one or several tracking numbers."""

from __future__ import annotations

import re

from kamri.cj.client import TrackInfo
from kamri.cj.services.connection import client_for

TRACK_NUMBER = re.compile(r"^[A-Za-z0-9\-]{4,64}$")


def clean_numbers(raw: str) -> list[str]:
    """Numbers separated by spaces, commas or lines; at most 20, each 4–64 letters, digits or dashes."""
    numbers = [part for part in re.split(r"[\s,;]+", raw or "") if part]
    return list(dict.fromkeys(number for number in numbers if TRACK_NUMBER.match(number)))[:20]


def track(numbers: list[str]) -> list[TrackInfo]:
    return client_for().track(numbers) if numbers else []
