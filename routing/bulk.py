"""Work on a whole history at once: reading it, routing every row of it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk pass, and restore it as it was.

    A large city's rule set is a few hundred thousand objects, and every row read or scored
    leaves a few that live until the pass ends: each time enough of them pile up, the
    collector walks the whole rule set again, about a tenth of a second each time, a fifth
    of what scoring a city's history costs. Reading and routing make no reference cycles to
    collect (reference counting frees the rest as usual), and anything cyclic is still
    collected once the pass is over.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
