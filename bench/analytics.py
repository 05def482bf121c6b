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
timing) ``--requests`` times after one warm-up request (5 times when the warm-up took
over a second); p50 and p95 are of those. For each
heatmap the bare SQL aggregate of the table it shows (the grouped sums over the rollups
that ``heatmap.group_sums`` runs, executed and fetched on their own, without building or
suppressing anything) is timed the same way: that is the floor a page cannot beat. The
results go in their section of ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

from bench.results import RESULTS_DIR, run_lines, write_section  # noqa: E402
from learning_app import create_app  # noqa: E402
from learning_app.accounts.constants import Grade, Role  # noqa: E402
from learning_app.accounts.models import RoleAssignment, User  # noqa: E402
from learning_app.accounts.passwords import hash_password  # noqa: E402
from learning_app.analytics.heatmap import Filters, group_sums_statements  # noqa: E402
from learning_app.analytics.models import AnalyticsCell, AnalyticsPduCell  # noqa: E402
from learning_app.analytics.rollups import periods, quarter_of, take_snapshot  # noqa: E402
from learning_app.assessments.models import SelfRating  # noqa: E402
from learning_app.core.time import london_today  # noqa: E402
from learning_app.extensions import db  # noqa: E402
from learning_app.observations.models import ObservationRating  # noqa: E402
from learning_app.org.models import Pdu, Region, Team  # noqa: E402

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
            db.session.execute(text("ANALYZE analytics_cells"))
            db.session.execute(text("ANALYZE analytics_pdu_cells"))
            db.session.commit()
    return len(periods())


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
    client = app.test_client()
    client.post("/sign-in", data={"email": leader_email, "password": PASSWORD})

    def page(url, who=client):
        def call():
            response = who.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    with app.app_context():
        for label, url, teams, grouping, grade in heatmaps:
            statements = group_sums_statements(teams, grouping, Filters(grade=grade))

            def bare_sql(statements=statements):
                for statement in statements:
                    db.session.execute(statement).all()

            bare = timed(bare_sql, args.requests)
            rows.append((label, timed(page(url), args.requests), bare))
        for label, url in other_pages:
            rows.append((label, timed(page(url), args.requests), None))
    practitioner_client = app.test_client()
    practitioner_client.post("/sign-in", data={"email": practitioner_email, "password": PASSWORD})
    for label, url in (
        ("Practitioner home page", "/home"),
        ("Practitioner's own development page", "/my-development/"),
    ):
        rows.append((label, timed(page(url, practitioner_client), args.requests), None))

    command = "python bench/analytics.py --database-url " + args.database_url
    body = run_lines(f"{command} --requests {args.requests} --snapshots {args.snapshots}", (data,))
    body += [
        f"- Targets (DESIGN.md section 10): every page p95 under {TARGET_P95_MS} ms; a "
        f"heatmap within {TARGET_RATIO}x of its bare SQL aggregate (page p50 over SQL p50)",
        f"- Each page requested {args.requests} times after a warm-up ({SLOW_REQUESTS} times "
        f"when the warm-up took over {SLOW_SECONDS:.0f} s), through the WSGI app, no network",
        "",
        "| Page | p50 ms | p95 ms | Bare SQL aggregate p50 / p95 ms | Page p50 / SQL p50 |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, (p50, p95), bare in rows:
        sql = f"{bare[0]:.1f} / {bare[1]:.1f}" if bare else "-"
        ratio = f"{p50 / bare[0]:.1f}x" if bare and bare[0] else "-"
        body.append(f"| {label} | {p50:.1f} | {p95:.1f} | {sql} | {ratio} |")
    print(write_section(RESULTS, TITLE, "PostgreSQL, national data set", body))


if __name__ == "__main__":
    main()
