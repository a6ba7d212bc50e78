"""services.platform.memory: what a thread freed in the middle of its malloc arena goes back to
the system when asked (a long-lived app's resident size after each full sync: module
docstring there); nothing happens, and False is said, where there is no glibc."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from services.platform import memory

PAGE = 4096


def _rss_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE / 2**20


def _holes_in_a_thread_arena() -> list[bytes]:
    """4,000 buffers of 64 KB (under malloc's mmap threshold: they come from the thread's
    arena), each followed by a small one that stays: freeing the large ones leaves 250 MB of
    holes that no heap top can give back."""
    kept: list[bytes] = []

    def work() -> None:
        large = []
        for i in range(4000):
            buffer = bytearray(65536)
            buffer[::PAGE] = b"x" * len(buffer[::PAGE])  # written: resident
            large.append(buffer)
            kept.append(bytes([i % 256]) * 200)
        del large

    t = threading.Thread(target=work)
    t.start()
    t.join()
    return kept


@pytest.mark.skipif(memory._TRIM is None, reason="glibc's malloc_trim: Linux with glibc only")
def test_freed_holes_go_back_to_the_system():
    kept = _holes_in_a_thread_arena()
    before = _rss_mb()
    assert memory.release_free_memory() is True
    after = _rss_mb()
    assert before - after >= 200, (before, after)
    assert len(kept) == 4000  # the small ones were kept throughout


def test_without_glibc_nothing_is_done(monkeypatch):
    monkeypatch.setattr(memory, "_TRIM", None)
    assert memory.release_free_memory() is False


def test_a_sync_of_whole_tables_gives_its_memory_back_and_a_partitions_does_not(seeded, monkeypatch):
    from services.lights import queue, sync

    calls: list[str] = []
    monkeypatch.setattr(sync, "release_free_memory", lambda: calls.append("released") or True)
    sync.sync_alerts(seeded, actor="test")
    assert calls == ["released"]
    queue.sweep(seeded, actor="test")
    assert calls == ["released"] * 2
    sync.sync_partitions(seeded, departments={1}, actor="test")
    assert calls == ["released"] * 2
