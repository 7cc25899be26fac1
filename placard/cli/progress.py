"""A progress bar for long commands: documents per second, events and failures so far."""
from __future__ import annotations

import contextlib
import sys

from tqdm import tqdm


class _Bar:
    def __init__(self, bar):
        self.bar = bar
        self.events = 0

    def update(self, n: int = 1, *, events: int = 0, failed: int = 0) -> None:
        self.events += events
        if self.bar is not None:
            self.bar.update(n)
            self.bar.set_postfix(events=self.events, failed=failed, refresh=False)


@contextlib.contextmanager
def progress_bar(enabled: bool | None, desc: str, total: int | None = None):
    """Shows on stderr when ``enabled``, or when it is None and stderr is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    bar = tqdm(total=total, desc=desc, unit="doc", file=sys.stderr, dynamic_ncols=True) if show else None
    try:
        yield _Bar(bar)
    finally:
        if bar is not None:
            bar.close()
