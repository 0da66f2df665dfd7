"""Optional SQLite state file: a JSON snapshot of the mutable state (accounts, tokens, orders, overrides)."""

from __future__ import annotations

import json
import sqlite3
import threading

_lock = threading.Lock()


def save(path: str, snapshot: dict) -> None:
    data = json.dumps(snapshot, separators=(",", ":"), default=str)
    with _lock, sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES ('state', ?)", (data,))


def load(path: str) -> dict | None:
    try:
        with _lock, sqlite3.connect(path) as db:
            row = db.execute("SELECT value FROM kv WHERE key = 'state'").fetchone()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row else None
