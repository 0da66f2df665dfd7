"""CJ's daily points ledger (CJ-API.md §4.3, CJ's points page), on by default like the real CJ since July 2026.

- Daily total = base points (50,000) + the order conversion bonus (CJ: 100 points per USD of the best of the
  last 3 months' transaction amounts, recalculated daily; here a figure the control API sets, 0 by default).
- Every call to a listed endpoint costs its points, unlisted endpoints cost 0; a refused call costs nothing.
- Every authenticated answer carries ``pointsInfo {usedToday, remaining, total}``.
- Not enough points left: the observed live answer (HTTP 200, code 16900500, ``data: null``) by default, or the
  documented one (HTTP 429, body code 429) with ``points_http_status=429``.
- The day resets at 00:00 UTC of the ledger's clock. The clock is the wall clock plus an offset that the control
  API moves (``POST /_sandbox/points/clock``), so a benchmark can play 30 days in minutes.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

from .config import POINT_COSTS
from .errors import ApiError

__all__ = ["PointsLedger"]


class PointsLedger:
    def __init__(self, *, enabled: bool, base_per_day: int, http_status: int) -> None:
        self.enabled = enabled
        self.base_per_day = base_per_day
        self.http_status = http_status
        self.offset_s = 0.0
        self._lock = threading.Lock()
        self._used: dict[str, int] = {}  # apiKey -> points used on ``_day[apiKey]``
        self._day: dict[str, str] = {}
        self._bonus: dict[str, int] = {}  # apiKey -> order conversion points

    # --- clock ------------------------------------------------------------------------------------
    def now(self) -> float:
        return time.time() + self.offset_s

    def set_clock(self, *, now: float | None = None, advance_s: float | None = None) -> float:
        with self._lock:
            if now is not None:
                self.offset_s = now - time.time()
            if advance_s is not None:
                if advance_s < 0:
                    raise ValueError("advanceSeconds must be >= 0 (CJ's clock never goes back)")
                self.offset_s += advance_s
        return self.now()

    def _today(self) -> str:
        return datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%d")

    # --- figures ----------------------------------------------------------------------------------
    def total(self, api_key: str) -> int:
        return self.base_per_day + self._bonus.get(api_key, 0)

    def _used_today(self, api_key: str) -> int:
        today = self._today()
        if self._day.get(api_key) != today:
            self._day[api_key], self._used[api_key] = today, 0
        return self._used[api_key]

    def info(self, api_key: str) -> dict[str, int]:
        with self._lock:
            used = self._used_today(api_key)
        total = self.total(api_key)
        return {"usedToday": used, "remaining": max(0, total - used), "total": total}

    def charge(self, api_key: str, path: str) -> dict | None:
        """Charge one call; ``pointsInfo`` after it, or None when the ledger is off. Raises when short."""
        if not self.enabled:
            return None
        cost = POINT_COSTS.get(path, 0)
        total = self.total(api_key)
        with self._lock:
            used = self._used_today(api_key)
            remaining = max(0, total - used)
            if cost > remaining:
                docs_style = self.http_status == 429
                err = ApiError(
                    429 if docs_style else 16900500,
                    f"Insufficient API points. Used today: {used}, Remaining: {remaining}, Required: {cost}",
                    http_status=self.http_status,
                )
                err.points_info = {"usedToday": used, "remaining": remaining, "total": total}
                raise err
            self._used[api_key] = used + cost
            return {"usedToday": used + cost, "remaining": remaining - cost, "total": total}

    # --- control ----------------------------------------------------------------------------------
    def set_account(self, api_key: str, *, used_today: int | None = None, bonus: int | None = None) -> None:
        with self._lock:
            self._used_today(api_key)
            if used_today is not None:
                self._used[api_key] = max(0, int(used_today))
            if bonus is not None:
                self._bonus[api_key] = max(0, int(bonus))

    def public(self, api_keys: list[str]) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "now": datetime.fromtimestamp(self.now(), UTC).isoformat(),
            "basePerDay": self.base_per_day,
            "httpStatus": self.http_status,
            "accounts": {key: {**self.info(key), "bonus": self._bonus.get(key, 0)} for key in api_keys},
        }

    def reset(self) -> None:
        with self._lock:
            self._used.clear()
            self._day.clear()
            self._bonus.clear()
            self.offset_s = 0.0
