"""Interpreter settings for a process that extracts document after document (the isolation workers)."""

import gc


def tune_for_batch() -> None:
    """Fewer garbage collections: parsing makes many short-lived objects and almost no reference cycles.

    What is alive now (modules, loaded tables) is frozen out of every collection, and the youngest generation
    is collected after 10,000 net allocations instead of 700. Reference counting still frees nearly everything
    at once; the collector only has cycles left to find. Worth about 7% of parse time on text reports.
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
