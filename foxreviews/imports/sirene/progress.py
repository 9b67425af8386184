"""Progress of a long import: a bar with rows/s and ETA on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, *, total_bytes: int, stream: TextIO | None = None, every: float = 5.0):
        self.total = max(total_bytes, 1)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.every = every
        self.started = time.monotonic()
        self.last = 0.0

    def update(self, *, records: int, offset: int, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < (0.5 if self.tty else self.every):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = records / elapsed
        fraction = min(offset / self.total, 1.0)
        eta = (elapsed / fraction - elapsed) if fraction > 0 else 0
        if self.tty:
            filled = int(fraction * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(
                f"\r[{bar}] {fraction:6.1%} {records:>12,} rows {rate:>9,.0f} rows/s "
                f"ETA {eta:5.0f}s"
            )
        else:
            self.stream.write(
                f"import: {records:,} rows, {fraction:.1%} of the file, {rate:,.0f} rows/s, "
                f"ETA {eta:.0f}s\n"
            )
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
