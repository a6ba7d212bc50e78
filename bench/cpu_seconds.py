"""Wall and CPU seconds of a block: this process's (every thread, user and system) and the
machine's (every process, the database server's too: the busy time in /proc/stat, all cores
together). A CPU-bound step on 2 cores cannot take less wall time than machine_s / 2. Linux only."""

from __future__ import annotations

import os
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    """user + nice + system + irq + softirq + steal of every core, in seconds (idle and iowait
    left out)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / TICK


def _process_s() -> float:
    t = os.times()
    return t.user + t.system


class CpuSeconds:
    """`with CpuSeconds() as cpu:` … then `cpu.wall_s`, `cpu.process_s`, `cpu.machine_s`."""

    wall_s = process_s = machine_s = 0.0

    def __enter__(self) -> CpuSeconds:
        self._start = (time.perf_counter(), _process_s(), _machine_busy_s())
        return self

    def __exit__(self, *exc: object) -> None:
        wall, process, machine = self._start
        self.wall_s = round(time.perf_counter() - wall, 3)
        self.process_s = round(_process_s() - process, 2)
        self.machine_s = round(_machine_busy_s() - machine, 2)
