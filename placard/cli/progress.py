"""A progress bar for long commands: documents per second, events and failures so far."""
from __future__ import annotations

import sys
from typing import Optional

# Without a terminal a progress bar only fills logs, unless the run is long.
LONG_RUN_DOCUMENTS = 1000


class Progress:
    """A tqdm bar on stderr: from the start on a terminal (or when asked), otherwise only
    once the run turns out long, and then updated rarely."""

    def __init__(self, wanted: Optional[bool], desc: str):
        self.wanted = wanted
        self.desc = desc
        self.count = 0
        self.events = 0
        self.failed = 0
        self.bar = None
        self.terminal = sys.stderr.isatty()
        if wanted or (wanted is None and self.terminal):
            self._start()

    def _start(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(file=sys.stderr, desc=self.desc, unit="doc", initial=self.count,
                        mininterval=0.1 if self.terminal else 10.0)

    def advance(self, *, events: int = 0, failed: bool = False) -> None:
        self.count += 1
        self.events += events
        self.failed += failed
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(events=self.events, failed=self.failed, refresh=False)
        elif self.wanted is None and self.count >= LONG_RUN_DOCUMENTS:
            self._start()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

