"""Benchmark: place 12 weeks of reflective discussions for a national volume.

    .venv/bin/python bench/placer.py [--practitioners 20000] [--spos 2000] [--weeks 12]

Generates, deterministically, every SPO's weekly capacity (2 to 4 discussions a week on two or
three weekdays, 60-minute slots), some leave, the discussions that fall due over the period by
each practitioner's cadence (every 2, 4, 6 or 8 weeks) plus case-event discussions due within 5
working days, then times ``learning_app.reflective.placer.place`` and writes the result to
its section of ``bench/results-placer.md``. Target: under 30 seconds for the national volume.
"""

from __future__ import annotations

import argparse
import random
import sys
import time as clock
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.results import PLACER_RESULTS, PLACER_TITLE, run_lines, table, write_section  # noqa: E402
from learning_app.reflective.placer import Capacity, DueItem, Leave, Period, place  # noqa: E402
from learning_app.reflective.working_days import add_working_days, bank_holidays  # noqa: E402

CADENCE_WEEKS = [2, 4, 4, 6, 6, 8, 8, 8]
NATIONAL = "National volume: the pure placer"


def generate(practitioners: int, spos: int, weeks: int, start: date, seed: int = 2026):
    rng = random.Random(seed)
    holidays = bank_holidays()
    capacities, leave, items = [], [], []
    for spo in range(spos):
        days = rng.sample(range(5), rng.choice([2, 3]))
        capacities.append(
            Capacity(
                spo_id=spo,
                sessions_per_week=rng.choice([2, 3, 4]),
                weekdays=frozenset(days),
                day_starts=time(rng.choice([9, 10, 13])),
                day_ends=time(rng.choice([12, 16, 17])),
                slot_minutes=60,
            )
        )
        if rng.random() < 0.3:
            first = start + timedelta(days=rng.randrange(weeks * 7))
            leave.append(Leave(spo, first, first + timedelta(days=rng.choice([2, 4, 9, 13]))))
    end = start + timedelta(weeks=weeks) - timedelta(days=1)
    next_id = 0
    for person in range(practitioners):
        spo = person % spos
        cadence = timedelta(weeks=rng.choice(CADENCE_WEEKS))
        due = start + timedelta(days=rng.randrange(cadence.days))
        while due <= end:
            items.append(DueItem(next_id, 100_000 + person, spo, due, due - timedelta(days=14)))
            next_id += 1
            due += cadence
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            logged = start + timedelta(days=rng.randrange(weeks * 7))
            items.append(
                DueItem(
                    next_id, 100_000 + person, spo, add_working_days(logged, 5, holidays), logged
                )
            )
            next_id += 1
    period = Period(start, end, datetime.combine(start, time()))
    return items, capacities, leave, holidays, period


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=20_000)
    parser.add_argument("--spos", type=int, default=2_000)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--out", type=Path, default=PLACER_RESULTS)
    args = parser.parse_args()
    start = date(2026, 3, 2)

    began = clock.perf_counter()
    items, capacities, leave, holidays, period = generate(
        args.practitioners, args.spos, args.weeks, start
    )
    generated = clock.perf_counter() - began
    began = clock.perf_counter()
    result = place(items, capacities, leave, [], holidays, period)
    placed_in = clock.perf_counter() - began

    late = sum(1 for p in result.placed if p.late)
    reasons = Counter(r.reason.value for r in result.at_risk)
    by_reason = ", ".join(f"{k} {v}" for k, v in sorted(reasons.items()))
    command = (
        f".venv/bin/python bench/placer.py --practitioners {args.practitioners} "
        f"--spos {args.spos} --weeks {args.weeks}"
    )
    rows = [
        ("Practitioners / SPOs / weeks", f"{args.practitioners} / {args.spos} / {args.weeks}"),
        ("Discussions due", str(len(items))),
        ("Placed", f"{len(result.placed)} (of which after the due date: {late})"),
        ("Not placed", str(len(result.unplaced_ids))),
        ("At risk, by reason", by_reason or "none"),
        ("Time to generate the input", f"{generated:.2f} s"),
        ("**Time to place** (target under 30 s)", f"**{placed_in:.2f} s**"),
    ]
    print(write_section(args.out, PLACER_TITLE, NATIONAL, [*run_lines(command), "", *table(rows)]))


if __name__ == "__main__":
    main()
