"""Benchmark: place 12 weeks of reflective discussions for the demo unit, through the service.

    .venv/bin/python bench/placer_demo.py [--database-url URL] [--today 2026-03-02] [--profile]
        [--practitioners N]

Builds a scratch database (a SQLite file in a temporary folder, or ``--database-url``: its
public schema is dropped and made again, so never point it at a database you want to keep),
runs the migrations, seeds the demo unit as of ``--today``, then adds 12 weeks of due
discussions for every practitioner: by their cadence under the rules in force (counted on
from their last discussion held or booked, as the daily job counts) and, like the national
run, 0 to 2 case events each, logged on days spread over the 12 weeks, each due within the
rule's 5 working days. It then times one ``services.place_due_discussions(now)`` at 05:15
London time (the daily job's time) and its commit: reading, placing, booking rows, audit
events and the booked emails queued in the outbox. A second run shows it is idempotent.
``--practitioners N`` first adds copies of the demo's teams (an SPO with the same capacity,
practitioners with the same grades; see ``bench/demo_scale.py``) until there are N.
The results go in their section of ``bench/results-placer.md``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import tempfile
import time as clock
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

from bench.demo_scale import scale_organisation  # noqa: E402
from bench.results import PLACER_RESULTS, PLACER_TITLE, run_lines, table, write_section  # noqa: E402
from learning_app import create_app  # noqa: E402
from learning_app.accounts.constants import Role  # noqa: E402
from learning_app.accounts.models import RoleAssignment, User  # noqa: E402
from learning_app.core.audit import AuditEvent  # noqa: E402
from learning_app.core.time import LONDON, london_date  # noqa: E402
from learning_app.demo.seed import DEFAULT_DEMO_PASSWORD, seed_demo  # noqa: E402
from learning_app.extensions import db  # noqa: E402
from learning_app.notifications.models import OutboxMessage  # noqa: E402
from learning_app.reflective import due, rule_store, services  # noqa: E402
from learning_app.reflective.models import (  # noqa: E402
    SLOT_HOLDING,
    CaseEvent,
    Discussion,
    DiscussionStatus,
    DueReason,
)
from learning_app.reflective.people import spo_ids_by_team  # noqa: E402
from learning_app.reflective.placing import HORIZON_WEEKS  # noqa: E402
from learning_app.reflective.rules import Rosh, cadence_weeks  # noqa: E402
from learning_app.reflective.working_days import add_working_days, bank_holidays  # noqa: E402

KEY_PREFIX = "bench:"
PLACING_TIME = time(5, 15)  # the daily place-due-discussions job
CASE_EVENTS_EACH = [0, 0, 1, 1, 2]
DUE = Discussion.status == DiscussionStatus.DUE.value
BOOKED = Discussion.status == DiscussionStatus.BOOKED.value


# The scratch database ---------------------------------------------------------------------


def build_app(url: str | None, folder: str) -> tuple[Flask, str]:
    """An app on an empty scratch database with the schema built by the migrations."""
    url = url or f"sqlite:///{folder}/bench.sqlite3"
    if url.startswith("postgresql"):
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-secret-key"})
    with app.app_context():
        upgrade()
    return app, url


@dataclass
class Added:
    practitioners: int = 0
    cadence: int = 0
    case_events: int = 0


def add_due_discussions(today: date, seed: int = 2026) -> Added:
    """Twelve weeks of due discussions for the demo unit's practitioners (flushed)."""
    rng = random.Random(seed)
    holidays = bank_holidays()
    rules = rule_store.current_rules()
    team_spo = spo_ids_by_team()
    last_day = today + timedelta(weeks=HORIZON_WEEKS, days=-1)
    practitioners = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.PRACTITIONER.value, User.active.is_(True))
        .order_by(User.id)
        .distinct()
    ).all()
    # The day of each practitioner's last discussion held or booked, as the daily job counts.
    last_held = dict(
        db.session.execute(
            select(Discussion.practitioner_id, func.max(Discussion.starts_at))
            .where(Discussion.status.in_([s.value for s in SLOT_HOLDING]))
            .group_by(Discussion.practitioner_id)
        ).all()
    )
    added = Added()
    for person in practitioners:
        spo_id = team_spo.get(person.team_id)
        if spo_id is None or spo_id == person.id:
            continue
        added.practitioners += 1
        band = person.band(today)
        weeks = cadence_weeks(rules, band, person.started_on, person.qualified_on, today)
        if weeks is not None:
            last = last_held.get(person.id)
            due_on = (
                add_working_days(today, due.FIRST_CADENCE_WORKING_DAYS, holidays)
                if last is None
                else add_working_days(london_date(last) + timedelta(weeks=weeks), 0, holidays)
            )
            while due_on <= last_day:
                due_on = max(due_on, today)
                due.new_discussion(
                    practitioner_id=person.id,
                    spo_id=spo_id,
                    reason=DueReason.CADENCE,
                    rule_code=band.value,
                    rule_label=f"Regular discussion, every {weeks} weeks",
                    earliest_on=max(
                        today,
                        due.working_days_before(due_on, due.EARLIEST_WORKING_DAYS, holidays),
                    ),
                    due_on=due_on,
                    dedupe_key=f"{KEY_PREFIX}cadence:{person.id}:{due_on.isoformat()}",
                )
                added.cadence += 1
                due_on = add_working_days(due_on + timedelta(weeks=weeks), 0, holidays)
        for number in range(rng.choice(CASE_EVENTS_EACH)):
            rosh = rng.choice(list(Rosh))
            applying = [r for r in rules.case_events if r.applies(band, rosh)]
            if not applying:
                continue
            rule = rng.choice(applying)
            occurred_on = add_working_days(today + timedelta(days=rng.randrange(84)), 0, holidays)
            case_event = CaseEvent(
                practitioner_id=person.id,
                logged_by_id=person.id,
                event_type=rule.code,
                event_label=rule.label,
                rosh_level=rosh.name.lower(),
                occurred_on=occurred_on,
            )
            db.session.add(case_event)
            db.session.flush()
            due.new_discussion(
                practitioner_id=person.id,
                spo_id=spo_id,
                reason=DueReason.CASE_EVENT,
                rule_code=rule.code,
                rule_label=rule.label,
                earliest_on=occurred_on,
                due_on=add_working_days(occurred_on, rule.due_working_days, holidays),
                dedupe_key=f"{KEY_PREFIX}case-event:{person.id}:{number}",
                focus_skills=rule.focus_skills,
                case_event_id=case_event.id,
            )
            added.case_events += 1
    db.session.flush()
    return added


# Measuring --------------------------------------------------------------------------------


@dataclass
class Run:
    placed: int
    at_risk: int
    statements: Counter
    place_seconds: float
    commit_seconds: float
    cpu_seconds: float
    emails: int
    audit_events: int


@contextmanager
def counting_statements() -> Iterator[Counter]:
    """The SQL statements sent to the database, by their first word."""
    count: Counter = Counter()

    def before_cursor_execute(_conn, _cursor, statement: str, *_args) -> None:
        count[statement.split(None, 1)[0].upper()] += 1

    event.listen(db.engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield count
    finally:
        event.remove(db.engine, "before_cursor_execute", before_cursor_execute)


def row_count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def place_once(now: datetime, profile: cProfile.Profile | None = None) -> Run:
    """One ``place_due_discussions`` and its commit, from a fresh session."""
    db.session.remove()
    emails, audit_events = row_count(OutboxMessage), row_count(AuditEvent)
    db.session.commit()
    with counting_statements() as count:
        began, cpu_began = clock.perf_counter(), clock.process_time()
        if profile is not None:
            profile.enable()
        summary = services.place_due_discussions(now)
        placed_at = clock.perf_counter()
        db.session.commit()
        if profile is not None:
            profile.disable()
        committed_at, cpu_done = clock.perf_counter(), clock.process_time()
    return Run(
        summary.placed,
        summary.at_risk,
        count,
        placed_at - began,
        committed_at - placed_at,
        cpu_done - cpu_began,
        row_count(OutboxMessage) - emails,
        row_count(AuditEvent) - audit_events,
    )


def outcomes(discussion_ids: set[int]) -> tuple[int, Counter, Counter]:
    """(placed late, at risk reasons of those placed late, of those not placed)."""
    late, unplaced = Counter(), Counter()
    rows = db.session.execute(
        select(Discussion.id, Discussion.status, Discussion.at_risk_reason)
    ).all()
    for id_, status, reason in rows:
        if id_ not in discussion_ids:
            continue
        if status == DiscussionStatus.DUE.value:
            unplaced[reason or "none recorded"] += 1
        elif reason:
            late[reason] += 1
    return sum(late.values()), late, unplaced


def statements(count: Counter) -> str:
    kinds = ", ".join(f"{kind} {n}" for kind, n in count.most_common())
    return f"{count.total()} ({kinds})"


def described(reasons: Counter) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) or "none"


# The benchmark ----------------------------------------------------------------------------


@dataclass
class Measurement:
    url: str
    server: str
    added: Added
    spos: int
    due_ids: set[int]
    booked_before: int
    prepared_seconds: float
    first: Run
    second: Run
    late: int
    late_reasons: Counter
    unplaced: Counter

    def outcome(self) -> tuple:
        """What was placed and why the rest is at risk: the same on every build."""
        return (len(self.due_ids), self.first.placed, self.late, self.late_reasons, self.unplaced)


def measure(
    url: str | None, today: date, profile: cProfile.Profile | None, practitioners: int | None
) -> Measurement:
    """Build, seed (scaled to ``practitioners``) and add the due discussions, then place
    them twice."""
    now = datetime.combine(today, PLACING_TIME, tzinfo=LONDON).astimezone(UTC)
    with tempfile.TemporaryDirectory() as folder:
        app, url = build_app(url, folder)
        with app.app_context():
            began = clock.perf_counter()
            seed_demo(DEFAULT_DEMO_PASSWORD, today)
            if practitioners is not None:
                scale_organisation(practitioners, today)
            added = add_due_discussions(today)
            db.session.commit()
            prepared = clock.perf_counter() - began
            due_ids = set(db.session.scalars(select(Discussion.id).where(DUE)))
            booked_before = db.session.scalar(select(func.count(Discussion.id)).where(BOOKED))
            spos = row_count(db.metadata.tables["spo_capacities"])
            first = place_once(now, profile)
            late, late_reasons, unplaced = outcomes(due_ids)
            second = place_once(now)
            sqlite = db.engine.dialect.name == "sqlite"
            version = "SELECT 'SQLite ' || sqlite_version()" if sqlite else "SELECT version()"
            server = db.session.scalar(text(version)).split(" on ")[0]
            db.session.remove()
            db.engine.dispose()
    return Measurement(
        url=url,
        server=server,
        added=added,
        spos=spos,
        due_ids=due_ids,
        booked_before=booked_before,
        prepared_seconds=prepared,
        first=first,
        second=second,
        late=late,
        late_reasons=late_reasons,
        unplaced=unplaced,
    )


def seconds(run: Run) -> float:
    return run.place_seconds + run.commit_seconds


def report(args: argparse.Namespace, runs: list[Measurement]) -> list[str]:
    run = min(runs, key=lambda m: seconds(m.first))
    first, second = run.first, run.second
    times = sorted(seconds(m.first) for m in runs)
    command = ".venv/bin/python bench/placer_demo.py"
    if args.database_url:
        command += f" --database-url {run.url}"
    command += f" --today {args.today.isoformat()} --repeat {args.repeat}"
    if args.practitioners is not None:
        command += f" --practitioners {args.practitioners}"
    added = run.added
    rows = [
        ("Practitioners / SPOs / weeks", f"{added.practitioners} / {run.spos} / {HORIZON_WEEKS}"),
        (
            "Discussions due",
            f"{len(run.due_ids)} (added: {added.cadence} by cadence, {added.case_events} "
            f"for case events; the rest from the demo seed; {run.booked_before} already booked)",
        ),
        ("Placed", f"{first.placed} (of which after the due date: {run.late})"),
        ("Not placed", str(sum(run.unplaced.values()))),
        ("At risk, placed late, by reason", described(run.late_reasons)),
        ("At risk, not placed, by reason", described(run.unplaced)),
        ("Emails queued / audit events written", f"{first.emails} / {first.audit_events}"),
        ("SQL statements", statements(first.statements)),
        ("Time to seed and add the due discussions", f"{run.prepared_seconds:.2f} s"),
        (
            "**Time to place, book and commit**",
            f"**{seconds(first):.2f} s** (commit {first.commit_seconds:.2f} s; "
            f"CPU time of this process {first.cpu_seconds:.2f} s)",
        ),
        (
            f"Time over {len(runs)} builds",
            f"fastest {times[0]:.2f} s, median {statistics.median(times):.2f} s, "
            f"slowest {times[-1]:.2f} s",
        ),
        (
            "Second run (idempotent)",
            f"placed {second.placed}, at risk {second.at_risk}, emails {second.emails}, "
            f"{second.statements.total()} SQL statements, {seconds(second):.2f} s",
        ),
    ]
    return [*run_lines(command, (f"- Database: {run.server}",)), "", *table(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL: its public schema is dropped first")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 3, 2))
    parser.add_argument(
        "--repeat", type=int, default=3, help="builds to time; the fastest is reported"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the first placing")
    parser.add_argument(
        "--practitioners", type=int, help="copy the demo's teams until there are this many"
    )
    parser.add_argument("--out", type=Path, default=PLACER_RESULTS)
    args = parser.parse_args()

    profile = cProfile.Profile() if args.profile else None
    scale = args.practitioners
    runs = [measure(args.database_url, args.today, profile, scale)]
    runs += [measure(args.database_url, args.today, None, scale) for _ in range(args.repeat - 1)]
    if len({repr(m.outcome()) for m in runs}) != 1:
        raise SystemExit("The builds placed differently: the benchmark is not deterministic")
    name = "PostgreSQL" if runs[0].server.startswith("PostgreSQL") else "SQLite"
    heading = f"Demo unit through the service: {name}"
    if scale is not None:
        heading = f"{scale} practitioners (copies of the demo's teams) through the service: {name}"
    print(write_section(args.out, PLACER_TITLE, heading, report(args, runs)))
    if profile is not None:
        stats = pstats.Stats(profile).strip_dirs().sort_stats("cumulative")
        stats.print_stats(30)
        stats.sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
