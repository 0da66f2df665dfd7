""" "Suivi des colis": CJ's trackInfo for one or several tracking numbers, one row per number entered."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kamri.cj import status as cj_status
from kamri.cj.client import TrackInfo
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJOrder

TRACK_NUMBER = re.compile(r"^[A-Za-z0-9\-]{4,64}$")
MAX_NUMBERS = 20


@dataclass(frozen=True)
class EnteredNumbers:
    valid: list[str]  # at most MAX_NUMBERS, in the order typed, without repeats
    invalid: list[str]  # not a tracking number (other characters, too short or too long)
    dropped: int  # valid numbers beyond MAX_NUMBERS, not looked up
    limit: int = MAX_NUMBERS


def parse_numbers(raw: str) -> EnteredNumbers:
    """Numbers separated by spaces, commas, semicolons or lines; each 4–64 letters, digits or dashes."""
    entered = list(dict.fromkeys(part for part in re.split(r"[\s,;]+", raw or "") if part))
    valid = [number for number in entered if TRACK_NUMBER.match(number)]
    invalid = [number[:64] for number in entered if not TRACK_NUMBER.match(number)]
    return EnteredNumbers(
        valid=valid[:MAX_NUMBERS], invalid=invalid, dropped=max(0, len(valid) - MAX_NUMBERS)
    )


@dataclass(frozen=True)
class TrackedParcel:
    number: str
    info: TrackInfo | None  # None: CJ does not know this number
    order: CJOrder | None  # the KAMRI order shipped with this number, if any

    @property
    def status_label(self) -> str:
        return cj_status.tracking_status(self.info.status if self.info else None)[0]

    @property
    def status_tone(self) -> str:
        return cj_status.tracking_status(self.info.status if self.info else None)[1]


def track(numbers: list[str]) -> list[TrackedParcel]:
    """One row per number, in the order entered: CJ's trackInfo, or nothing when CJ does not know it."""
    if not numbers:
        return []
    infos = {info.tracking_number.upper(): info for info in client_for().track(numbers)}
    orders = {
        row.track_number.upper(): row
        for row in CJOrder.objects.filter(track_number__in=numbers).select_related("order")
    }
    return [
        TrackedParcel(number=number, info=infos.get(number.upper()), order=orders.get(number.upper()))
        for number in numbers
    ]
