"""localstripe (the fake Stripe server from PyPI) as `make run` and the tests start it: bound to 127.0.0.1 only
(its own command listens on every interface of the machine) and without a console line per request.

Run: python -m kamri.orders.localstripe_local --port 8420 [--from-scratch] [--in-memory]

`--in-memory` (the tests): localstripe otherwise pickles its whole store to /tmp/localstripe.pickle on every write,
a file every instance on the machine shares, and a cost that grows with the store: over a test session the
webhooks of a payment came later and later, and two test workers overwrote each other's file.
"""

from __future__ import annotations

import argparse

from aiohttp import web
from localstripe.server import app, store


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="localstripe_local")
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--from-scratch", action="store_true", help="forget the state of the previous run")
    parser.add_argument("--in-memory", action="store_true", help="never write the state to disk")
    args = parser.parse_args(argv)
    if args.in_memory:
        store.dump_to_disk = lambda: None  # the instance attribute shadows the method Store.__setitem__ calls
    if not args.from_scratch:
        store.try_load_from_disk()
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
