"""Benchmark: the learning-analysis pages and the practitioner's pages at national scale.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        flask --app wsgi bench generate --practitioners 20000   # once, on an empty database
    .venv/bin/python bench/analytics.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench [--requests 30]

Runs against a database that ``flask bench generate`` filled. It adds a national leader
and gives one practitioner a password, to sign in as them; and when the database has no
quarterly snapshot yet it takes ``--snapshots`` of them (20: five years), one in each of
the quarters before today, as the quarterly job would have, so the trend page has its
history. Nothing else is changed, so a second run measures the same data.

Each page is requested through the WSGI app (Flask's test client, so no network in the
timing; what start-up made is frozen out of the collector, ``gc.freeze()``, as ``wsgi.py``
does) ``--requests`` times after one warm-up request (5 times when the warm-up took
over a second); p50 and p95 are of those. Each heatmap has two references, timed
the same way:

- the rollup aggregate: the reads of the rollups that the page runs
  (``heatmap.page_statements``: every sum by grade for the totals, the measure's own by the
  grouping, or each team's line of them by team or site with no grade or band filter),
  executed and fetched on their own, without building or suppressing anything.
  It is what the page itself reads, so it is the floor the page cannot beat;
- the profile aggregate: the same sums (``rollups.add_profile``'s, every one) added up
  straight from the stored skill profiles, joined to the practitioners, their teams and
  PDUs for the grouping and the grade or band filter. It is what the page would have to
  read without rollups.

Before timing, the two are checked to give the same figures. The results go in their
section of ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Collection
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Select, and_, case, func, literal, select, text  # noqa: E402

from bench.results import RESULTS_DIR, run_lines, write_section  # noqa: E402
from learning_app import create_app  # noqa: E402
from learning_app.accounts.constants import Band, Grade, Role  # noqa: E402
from learning_app.accounts.models import RoleAssignment, User  # noqa: E402
from learning_app.accounts.passwords import hash_password  # noqa: E402
from learning_app.analytics.heatmap import (  # noqa: E402
    DEFAULT_METRIC,
    Filters,
    group_sums_statements,
    page_statements,
)
from learning_app.analytics.models import (  # noqa: E402
    SUM_COLUMNS,
    AnalyticsCell,
    AnalyticsPduCell,
    AnalyticsRegionCell,
    AnalyticsTeamTotal,
)
from learning_app.analytics.quarters import quarter_of  # noqa: E402
from learning_app.analytics.rollups import periods, take_snapshot  # noqa: E402
from learning_app.assessments.models import SelfRating  # noqa: E402
from learning_app.core.time import london_today  # noqa: E402
from learning_app.extensions import db  # noqa: E402
from learning_app.observations.models import ObservationRating  # noqa: E402
from learning_app.org.models import Pdu, Region, Team  # noqa: E402
from learning_app.profiles.models import SkillProfileRecord  # noqa: E402

RESULTS = RESULTS_DIR / "results.md"
TITLE = "Learning-analysis benchmark"
PASSWORD = "bench-password-2026"
LEADER_EMAIL = "national.leader@bench.example"
TARGET_P95_MS = 100
TARGET_RATIO = 2
# A page whose warm-up takes longer than this is timed only SLOW_REQUESTS times.
SLOW_SECONDS = 1.0
SLOW_REQUESTS = 5


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call, requests: int) -> tuple[float, float]:
    start = time.perf_counter()
    call()  # warm-up
    if time.perf_counter() - start > SLOW_SECONDS:
        requests = min(requests, SLOW_REQUESTS)
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), percentile(samples, 0.95)


def national_leader() -> User:
    leader = db.session.scalar(select(User).where(User.email == LEADER_EMAIL))
    if leader is None:
        leader = User(email=LEADER_EMAIL, name="National leader", grade=Grade.OTHER)
        for region in db.session.scalars(select(Region)):
            leader.role_assignments.append(RoleAssignment(role=Role.LEADER, region=region))
        db.session.add(leader)
    leader.password_hash = hash_password(PASSWORD)
    return leader


def a_practitioner() -> User:
    person = db.session.scalars(
        select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.PRACTITIONER.value)
        .order_by(User.id)
    ).first()
    person.password_hash = hash_password(PASSWORD)
    return person


def ensure_snapshots(count: int) -> int:
    """Take a snapshot in each of the ``count`` quarters before today, unless there are some."""
    if count and not periods():
        day = london_today()
        for _ in range(count):
            day = date(day.year, (int(quarter_of(day)[-1]) - 1) * 3 + 1, 1) - timedelta(days=1)
            take_snapshot(day)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon: the planner should know the tables have grown.
            for model in (AnalyticsCell, AnalyticsPduCell, AnalyticsRegionCell, AnalyticsTeamTotal):
                db.session.execute(text(f"ANALYZE {model.__tablename__}"))
            db.session.commit()
    return len(periods())


def _band(today: date):
    """``accounts.constants.experience_band`` of each user, in SQL ('' for no band)."""
    try:
        cutoff = today.replace(year=today.year - 2)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - 2, day=28)
    # months_between(qualified_on, today) < 24 exactly when qualified_on > cutoff.
    return case(
        (User.grade == Grade.PSO.value, Band.PSO.value),
        (User.grade == Grade.PQIP.value, Band.TRAINEE.value),
        (User.grade == Grade.SPO.value, Band.SPO.value),
        (
            and_(User.grade == Grade.PO.value, User.qualified_on > cutoff),
            Band.NEW.value,
        ),
        (User.grade == Grade.PO.value, Band.EXPERIENCED.value),
        else_=literal(""),
    )


def profile_sums_statement(
    team_ids: Collection[int], grouping: str, filters: Filters, every_team: bool, today: date
) -> Select:
    """(group key, skill slug, *SUM_COLUMNS) added up from the stored skill profiles.

    The sums ``rollups.add_profile`` adds into each rollup row, over the active
    practitioners of ``team_ids`` (no team filter at all when ``every_team``), grouped as
    the heatmap groups; the live figures only (profiles have no quarters).
    """
    profile = SkillProfileRecord
    band = _band(today)
    group = {
        "team": User.team_id,
        "pdu": Team.pdu_id,
        "region": Pdu.region_id,
        "site": Team.site,
        "grade": User.grade,
        "band": band,
    }[grouping]
    observed = profile.observed_level.is_not(None)
    rated = profile.self_level.is_not(None)
    level = profile.level
    buckets = [
        level < 1.5,
        and_(level >= 1.5, level < 2.5),
        and_(level >= 2.5, level < 3.5),
        level >= 3.5,
    ]
    sums = {
        "people": func.count(),
        "gap_sum": func.coalesce(func.sum(profile.gap), 0),
        "priority_sum": func.coalesce(func.sum(profile.priority), 0),
        "below_target": func.count().filter(profile.gap > 0),
        "observed_n": func.count(profile.observed_level),
        "observed_sum": func.coalesce(func.sum(profile.observed_level), 0),
        "self_n": func.count(profile.self_level),
        "self_sum": func.coalesce(func.sum(profile.self_level), 0),
        "both_n": func.count().filter(observed, rated),
        "blind_spots": func.count().filter(observed, rated, profile.blind_spot.is_(True)),
        "with_evidence": func.count().filter(profile.evidence_gap.is_(False)),
        **{f"level_{i}": func.count().filter(b) for i, b in enumerate(buckets, start=1)},
    }
    is_practitioner = select(RoleAssignment.id).where(
        RoleAssignment.user_id == User.id, RoleAssignment.role == Role.PRACTITIONER.value
    )
    statement = (
        select(group, profile.skill_slug, *(sums[c] for c in SUM_COLUMNS))
        .select_from(profile)
        .join(User, User.id == profile.practitioner_id)
        .where(User.active.is_(True), is_practitioner.exists())
        .group_by(group, profile.skill_slug)
    )
    if grouping in ("pdu", "region", "site"):
        statement = statement.join(Team, Team.id == User.team_id)
    if grouping == "region":
        statement = statement.join(Pdu, Pdu.id == Team.pdu_id)
    if every_team:
        statement = statement.where(User.team_id.is_not(None))
    else:
        statement = statement.where(User.team_id.in_(sorted(team_ids)))
    if filters.grade:
        statement = statement.where(User.grade == filters.grade)
    if filters.band:
        statement = statement.where(band == filters.band)
    return statement


def fetched_sums(statements: list[Select]) -> dict[tuple[str, str], list[float]]:
    """The rows of ``statements`` added up per (group key, skill slug)."""
    found: dict[tuple[str, str], list[float]] = {}
    for statement in statements:
        for row in db.session.execute(statement).tuples():
            key, values = (str(row[0]), row[1]), [float(v or 0) for v in row[2:]]
            have = found.get(key)
            found[key] = (
                values if have is None else [a + b for a, b in zip(have, values, strict=True)]
            )
    return found


def differences(rollup: dict, profile: dict) -> list[str]:
    """Where the two aggregates disagree (counts exactly, sums to a millionth)."""
    found = []
    for key in sorted(set(rollup) | set(profile)):
        ours, theirs = rollup.get(key), profile.get(key)
        if ours is None or theirs is None:
            found.append(f"{key}: only in the {'profiles' if ours is None else 'rollups'}")
            continue
        for column, a, b in zip(SUM_COLUMNS, ours, theirs, strict=True):
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6):
                found.append(f"{key} {column}: rollups {a:g}, profiles {b:g}")
    return found


def commit_line() -> str:
    """The commit measured, and any changes to the code not yet committed."""
    root = Path(__file__).resolve().parents[1]

    def git(*words: str) -> str:
        try:
            return subprocess.run(
                ["git", *words], cwd=root, capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD").strip()
    if not commit:
        return "- Commit: unknown"
    status = git("status", "--porcelain", "--", "learning_app", "templates", "migrations")
    changed = [line[3:] for line in status.splitlines() if line.strip()]
    note = f", with uncommitted changes to {', '.join(changed)}" if changed else ""
    return f"- Commit: `{commit}`{note}"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--snapshots", type=int, default=20)
    args = parser.parse_args()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.database_url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        leader, practitioner = national_leader(), a_practitioner()
        db.session.commit()
        snapshots = ensure_snapshots(args.snapshots)
        data = (
            f"- Data: {count(User)} users, {count(SelfRating)} self ratings, "
            f"{count(ObservationRating)} observation ratings; {count(AnalyticsCell)} team "
            f"and {count(AnalyticsPduCell)} PDU rollup rows (live and {snapshots} quarterly "
            "snapshots)"
        )
        region = db.session.scalars(select(Region).order_by(Region.id)).first()
        pdu = db.session.scalars(
            select(Pdu).where(Pdu.region_id == region.id).order_by(Pdu.id)
        ).first()
        team = db.session.scalars(
            select(Team).where(Team.pdu_id == pdu.id).order_by(Team.id)
        ).first()
        all_teams = set(db.session.scalars(select(Team.id)))
        region_teams = set(
            db.session.scalars(select(Team.id).join(Pdu).where(Pdu.region_id == region.id))
        )
        pdu_teams = set(db.session.scalars(select(Team.id).where(Team.pdu_id == pdu.id)))
        leader_email, practitioner_email = leader.email, practitioner.email
        region_id, pdu_id, team_id = region.id, pdu.id, team.id

    # (label, url, teams in view, grouping, grade filter)
    heatmaps = [
        ("Heatmap, national by region", "/analytics/?grouping=region", all_teams, "region", ""),
        ("Heatmap, national by PDU", "/analytics/?grouping=pdu", all_teams, "pdu", ""),
        (
            "Heatmap, national by grade, % below target",
            "/analytics/?grouping=grade&metric=below-target",
            all_teams,
            "grade",
            "",
        ),
        ("Heatmap, national by band", "/analytics/?grouping=band", all_teams, "band", ""),
        (
            "Heatmap, a region by team",
            f"/analytics/?unit=region-{region_id}&grouping=team",
            region_teams,
            "team",
            "",
        ),
        (
            "Heatmap, a region by site",
            f"/analytics/?unit=region-{region_id}&grouping=site",
            region_teams,
            "site",
            "",
        ),
        ("Heatmap, a PDU by team", f"/analytics/?unit=pdu-{pdu_id}", pdu_teams, "team", ""),
        (
            "Heatmap, a PDU by team, PO only",
            f"/analytics/?unit=pdu-{pdu_id}&grade=PO",
            pdu_teams,
            "team",
            "PO",
        ),
        (
            "Heatmap, a team by grade",
            f"/analytics/?unit=team-{team_id}&grouping=grade",
            {team_id},
            "grade",
            "",
        ),
        (
            "Heatmap, national by team (2,000 rows)",
            "/analytics/?grouping=team",
            all_teams,
            "team",
            "",
        ),
        (
            "Heatmap, national by site (every site a row)",
            "/analytics/?grouping=site",
            all_teams,
            "site",
            "",
        ),
    ]
    other_pages = [
        ("Heatmap CSV, national by PDU", "/analytics/heatmap.csv?grouping=pdu"),
        ("Heatmap XLSX, national by PDU", "/analytics/heatmap.xlsx?grouping=pdu"),
        ("Trends, national", "/analytics/trends"),
        (
            "Trends, a PDU, % below target",
            f"/analytics/trends?unit=pdu-{pdu_id}&metric=below-target",
        ),
        ("Skill drill-down, national", "/analytics/skills/rosh-analysis"),
        ("Skill drill-down, a PDU", f"/analytics/skills/rosh-analysis?unit=pdu-{pdu_id}"),
        ("Oversight, national", "/analytics/oversight/"),
        ("Oversight, a PDU", f"/analytics/oversight/?unit=pdu-{pdu_id}"),
    ]
    rows = []
    # As wsgi.py does once the app is made: what exists now is left out of full collections.
    gc.freeze()
    client = app.test_client()
    client.post("/sign-in", data={"email": leader_email, "password": PASSWORD})

    def page(url, who=client):
        def call():
            response = who.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    aggregates = []
    mismatches = []
    with app.app_context():
        today = london_today()
        for label, url, teams, grouping, grade in heatmaps:
            filters = Filters(grade=grade)
            metric = parse_qs(urlsplit(url).query).get("metric", [DEFAULT_METRIC])[0]
            # Checked with every sum; timed as the page reads them.
            from_rollups = group_sums_statements(teams, grouping, filters)
            from_profiles = [
                profile_sums_statement(teams, grouping, filters, teams == all_teams, today)
            ]
            differ = differences(fetched_sums(from_rollups), fetched_sums(from_profiles))
            if differ:
                mismatches.append(f"{label}: {len(differ)} differences, first {differ[0]}")

            def run(statements):
                def call():
                    for statement in statements:
                        db.session.execute(statement).all()

                return call

            rollup_sql = timed(
                run(page_statements(teams, grouping, filters, metric)), args.requests
            )
            profile_sql = timed(run(from_profiles), args.requests)
            timing = timed(page(url), args.requests)
            rows.append((label, timing))
            aggregates.append((label, timing, rollup_sql, profile_sql))
        for label, url in other_pages:
            rows.append((label, timed(page(url), args.requests)))
    practitioner_client = app.test_client()
    practitioner_client.post("/sign-in", data={"email": practitioner_email, "password": PASSWORD})
    for label, url in (
        ("Practitioner home page", "/home"),
        ("Practitioner's own development page", "/my-development/"),
    ):
        rows.append((label, timed(page(url, practitioner_client), args.requests)))

    command = "python bench/analytics.py --database-url " + args.database_url
    body = run_lines(
        f"{command} --requests {args.requests} --snapshots {args.snapshots}",
        (data, commit_line()),
    )
    body += [
        f"- Targets (DESIGN.md section 10): every page p95 under {TARGET_P95_MS} ms; a "
        f"heatmap within {TARGET_RATIO}x of its rollup SQL aggregate (page p50 over SQL p50)",
        f"- Each page and aggregate run {args.requests} times after a warm-up "
        f"({SLOW_REQUESTS} times when the warm-up took over {SLOW_SECONDS:.0f} s); pages "
        "through the WSGI app, no network",
        "",
        "### Pages",
        "",
        f"| Page | p50 ms | p95 ms | p95 under {TARGET_P95_MS} ms |",
        "| --- | --- | --- | --- |",
    ]
    for label, (p50, p95) in rows:
        meets = "yes" if p95 < TARGET_P95_MS else "no"
        body.append(f"| {label} | {p50:.1f} | {p95:.1f} | {meets} |")
    body += [
        "",
        "### Each heatmap beside its SQL aggregates",
        "",
        "The rollup aggregate is the reads of the rollup tables that the page itself runs "
        "(every sum by grade for the totals; the measure's own sums by the row grouping, or "
        "by team or site with no grade or band filter each team's line of sums), executed "
        "and fetched alone, so it is the floor the page cannot beat. The profile aggregate "
        "adds up the same sums straight from the stored skill profiles (skill_profiles "
        "joined to users, teams and PDUs, grouped by the row grouping and skill), which is "
        "what the page would have to read without rollups.",
        "",
        "| Heatmap | Page p50 ms | Rollup SQL p50 / p95 ms | Page / rollup SQL | "
        "Profile SQL p50 / p95 ms | Page / profile SQL |",
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def ratio(p50: float, reference: float) -> str:
        return f"{p50 / reference:.1f}x" if reference else "-"

    for label, (p50, _p95), rollup, profile in aggregates:
        body.append(
            f"| {label} | {p50:.1f} | {rollup[0]:.1f} / {rollup[1]:.1f} | "
            f"{ratio(p50, rollup[0])} | {profile[0]:.1f} / {profile[1]:.1f} | "
            f"{ratio(p50, profile[0])} |"
        )
    body.append("")
    if mismatches:
        body += ["The two aggregates disagreed:", "", *(f"- {m}" for m in mismatches)]
    else:
        body.append(
            "Checked before timing: for every heatmap the two aggregates give the same sums "
            "for every group and skill (counts exactly, sums to a millionth)."
        )
    print(write_section(RESULTS, TITLE, "PostgreSQL, national data set", body))


if __name__ == "__main__":
    main()
