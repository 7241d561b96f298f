"""Progress of long work: items done of total, items per second and time left, as one readable line."""

import time
from collections.abc import Callable


def duration(seconds: float) -> str:
    """Seconds as '42 s', '3 min 05 s' or '2 h 07 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class Progress:
    """Counts items done against a known total from the moment it is made; `line()` says how far and how fast."""

    def __init__(self, total: int, unit: str = "documents", clock: Callable[[], float] = time.monotonic):
        self.total, self.unit, self.clock = total, unit, clock
        self.start = clock()
        self.done = 0

    def advance(self, n: int) -> None:
        """n more items are done."""
        self.done += n

    @property
    def elapsed(self) -> float:
        return self.clock() - self.start

    @property
    def rate(self) -> float:
        """Items per second since the start (0 before any time has passed)."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def left_s(self) -> float | None:
        """Seconds left at the rate so far (None before the first item)."""
        return (self.total - self.done) / self.rate if self.rate > 0 else None

    def line(self) -> str:
        """'1,000 of 20,000 documents (5.0%), 312.4 documents/s, 1 min 01 s left'."""
        share = 100.0 * self.done / self.total if self.total else 100.0
        left = "time left unknown" if self.left_s is None else f"{duration(self.left_s)} left"
        return (
            f"{self.done:,} of {self.total:,} {self.unit} ({share:.1f}%), {self.rate:.1f} {self.unit}/s, "
            f"{left}, {duration(self.elapsed)} elapsed"
        )
