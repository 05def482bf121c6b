"""Writing benchmark results: the machine they ran on, and one section of a results file.

A results file is a ``# Title`` and then ``## Section`` blocks. Each benchmark run replaces
its own section (or adds it at the end) and leaves the others as they are, so the national
run and the runs on each database can be repeated one at a time.
"""

from __future__ import annotations

import os
import platform
from datetime import datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent
PLACER_RESULTS = RESULTS_DIR / "results-placer.md"
PLACER_TITLE = "Placer benchmark"


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo (``platform.processor()`` is empty on Linux)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    """The 1-minute load average: other work on the machine slows every timing down."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def run_lines(command: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The date, machine and command of a run, as the list items under a section heading."""
    return [
        f"- Date: {datetime.now():%Y-%m-%d %H:%M}",
        f"- Machine: {platform.machine()}, {cpu_name()} ({os.cpu_count()} CPUs), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"load average {load_average()} when the run ended",
        *extra,
        f"- Command: `{command}`",
    ]


def table(rows: list[tuple[str, str]]) -> list[str]:
    return ["| Measure | Value |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in rows)]


def write_section(path: Path, title: str, heading: str, body: list[str]) -> str:
    """Replace (or add) the ``## heading`` section of the results file; returns the section."""
    section = "\n".join([f"## {heading}", "", *body]).rstrip() + "\n"
    sections: list[str] = []
    if path.exists():
        text = path.read_text()
        # Everything before the first section is the title (and any old untitled content).
        parts = text.split("\n## ")
        sections = ["## " + part.rstrip() + "\n" for part in parts[1:]]
    marker = f"## {heading}\n"
    replaced = False
    for i, existing in enumerate(sections):
        if existing.startswith(marker):
            sections[i] = section
            replaced = True
    if not replaced:
        sections.append(section)
    path.write_text("\n".join([f"# {title}\n", *sections]))
    return section
