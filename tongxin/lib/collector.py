"""The cyclic garbage collector paused around bulk work (`collector_paused`).

Building hundreds of thousands of small acyclic tuples and dicts (a national heat map, an
appraisal cycle's outcomes, a year's indicator rows) triggers collections that walk every
object alive again and again: the cost grows faster than the work (3x nationally for the
heat map, 40 % of the indicator rows' conversion, 28.9 s against 18.7 s for 100,000 people
appraised). Reference counting still frees everything; only cycles wait for the next
collection after the block."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """The collector off inside the block, as it was after it (even on error)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
