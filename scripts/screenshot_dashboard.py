#!/usr/bin/env python3
"""Serve the dashboard over a store and save a PNG screenshot of it.

    python scripts/screenshot_dashboard.py --db placard.db --out docs/dashboard.png
    python scripts/screenshot_dashboard.py --db dev.db --out docs/event.png --view '#/event/12'

Needs Python Playwright and Debian's chromium (apt-get install chromium); the
browser is started from its executable path, so Playwright downloads nothing.
"""
from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BackgroundServer:
    """uvicorn in a thread, for as long as the ``with`` block lasts."""

    def __init__(self, app, port: int):
        import uvicorn

        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "BackgroundServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the store (SQLite path or postgresql:// URL)")
    parser.add_argument("--out", required=True, type=Path, help="PNG file to write")
    parser.add_argument("--view", default="#/", help="dashboard view (URL hash), e.g. '#/review' or '#/?country=KZ'")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full-page", action="store_true", help="the whole page, not just the viewport")
    args = parser.parse_args(argv)

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no browser at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    from placard.api import Settings, create_app

    if "://" not in args.db and not Path(args.db).exists():
        raise SystemExit(f"no store at {args.db}")
    app = create_app(args.db, Settings.from_env())
    port = free_port()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with BackgroundServer(app, port), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(f"http://127.0.0.1:{port}/{args.view}")
        page.wait_for_selector("body[data-ready=true]", timeout=30000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(600)  # map fit animation and marker clustering
        page.screenshot(path=str(args.out), full_page=args.full_page)
        browser.close()
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
