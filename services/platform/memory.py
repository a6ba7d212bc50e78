"""Giving memory a bulk read freed back to the operating system (glibc's malloc_trim).

glibc keeps what a thread frees in that thread's arena and hands it back only from the top of
a heap. A province's full read leaves holes there: the drivers' buffers (ADBC's Arrow columns,
psycopg's) are malloc'd in the loader threads and freed when the frames built on them go, in
no particular order. A long-lived process (the app's own sweep, the sync worker) then held
more after every sync. Measured on the PostgreSQL province, eight sweeps and full syncs in one
process: the resident size after each rose from 857 to 1,673 MB and the full sync's peak from
2.30 to 3.25 GB (past the 3 GB target); with the sync trimming (services.lights.sync), 408-647
MB after and 1.99-2.29 GB at the peak over fourteen. A trim of 1 GB of such holes takes 12 ms.
Elsewhere than glibc (musl, macOS) there is no such call and nothing is done."""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim  # glibc's name; musl has no libc.so.6
    except (OSError, AttributeError):
        return None


_TRIM = _malloc_trim()


def release_free_memory() -> bool:
    """Hand the free pages of every malloc arena back to the system; True when some were
    (False without glibc). For after a bulk read, not per request."""
    return bool(_TRIM(0)) if _TRIM is not None else False
