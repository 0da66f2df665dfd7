"""localstripe (the fake Stripe server from PyPI) as `make run` and the tests start it: bound to 127.0.0.1 only
(its own command listens on every interface of the machine) and without a console line per request.

Run: python -m kamri.orders.localstripe_local --port 8420 [--from-scratch]
"""

from __future__ import annotations

import argparse

from aiohttp import web
from localstripe.server import app, store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="localstripe_local")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--from-scratch", action="store_true", help="forget the state of the previous run")
    args = parser.parse_args(argv)
    if not args.from_scratch:
        store.try_load_from_disk()
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
