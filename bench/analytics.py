"""Benchmark: the learning-analysis pages and the practitioner home page at national scale.

    DATABASE_URL=postgresql+psycopg://127.0.0.1:5432/bench \
        flask --app wsgi bench generate --practitioners 20000   # once, on an empty database
    .venv/bin/python bench/analytics.py \
        --database-url postgresql+psycopg://127.0.0.1:5432/bench [--requests 30]

Runs against a database that ``flask bench generate`` filled (it never changes the data,
but adds a national leader and gives one practitioner a password, to sign in as them).
Each page is requested through the WSGI app (Flask's test client, so no network in the
timing) ``--requests`` times after one warm-up request; p50 and p95 are of those. For each
heatmap the bare SQL aggregate it needs (the same grouped sum over the rollups, run on its
own) is timed the same way: that is the floor a page cannot beat. The results go in their
section of ``bench/results.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from bench.results import RESULTS_DIR, run_lines, write_section  # noqa: E402
from learning_app import create_app  # noqa: E402
from learning_app.accounts.constants import Grade, Role  # noqa: E402
from learning_app.accounts.models import RoleAssignment, User  # noqa: E402
from learning_app.accounts.passwords import hash_password  # noqa: E402
from learning_app.analytics.heatmap import Filters, group_sums  # noqa: E402
from learning_app.analytics.models import AnalyticsCell  # noqa: E402
from learning_app.extensions import db  # noqa: E402
from learning_app.org.models import Pdu, Region, Team  # noqa: E402

RESULTS = RESULTS_DIR / "results.md"
TITLE = "Learning-analysis benchmark"
PASSWORD = "bench-password-2026"
LEADER_EMAIL = "national.leader@bench.example"


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(call, requests: int) -> tuple[float, float]:
    call()  # warm-up
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=30)
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
        people = db.session.scalar(select(func.count()).select_from(User))
        rollup_rows = db.session.scalar(select(func.count()).select_from(AnalyticsCell))
        region = db.session.scalars(select(Region).order_by(Region.id)).first()
        pdu = db.session.scalars(select(Pdu).order_by(Pdu.id)).first()
        all_teams = set(db.session.scalars(select(Team.id)))
        region_teams = set(
            db.session.scalars(select(Team.id).join(Pdu).where(Pdu.region_id == region.id))
        )
        pdu_teams = set(db.session.scalars(select(Team.id).where(Team.pdu_id == pdu.id)))
        leader_email, practitioner_email = leader.email, practitioner.email

    heatmaps = [
        ("Heatmap, national by region", "/analytics/?grouping=region", all_teams, "region"),
        ("Heatmap, national by PDU", "/analytics/?grouping=pdu", all_teams, "pdu"),
        (
            "Heatmap, national by grade",
            "/analytics/?grouping=grade&metric=below-target",
            all_teams,
            "grade",
        ),
        (
            "Heatmap, region by team",
            f"/analytics/?unit=region-{region.id}&grouping=team",
            region_teams,
            "team",
        ),
        (
            "Heatmap, PDU by team, PO only",
            f"/analytics/?unit=pdu-{pdu.id}&grade=PO",
            pdu_teams,
            "team",
        ),
    ]
    other_pages = [
        ("Heatmap CSV, national by PDU", "/analytics/heatmap.csv?grouping=pdu"),
        ("Trends, national", "/analytics/trends"),
        ("Skill drill-down, a PDU", f"/analytics/skills/rosh-analysis?unit=pdu-{pdu.id}"),
        ("Oversight, a PDU", f"/analytics/oversight/?unit=pdu-{pdu.id}"),
    ]
    rows = []
    client = app.test_client()
    client.post("/sign-in", data={"email": leader_email, "password": PASSWORD})

    def page(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    with app.app_context():
        for label, query, teams, grouping in heatmaps:
            filters = Filters(grade="PO" if "grade=PO" in query else "")

            def bare_sql(teams=teams, grouping=grouping, filters=filters):
                group_sums(teams, grouping, filters)

            bare = timed(bare_sql, args.requests)
            got = timed(page("/analytics/" + query), args.requests)
            rows.append((label, got, bare))
        for label, url in other_pages:
            rows.append((label, timed(page(url), args.requests), None))
    home = app.test_client()
    home.post("/sign-in", data={"email": practitioner_email, "password": PASSWORD})

    def home_page():
        response = home.get("/home")
        assert response.status_code == 200

    rows.append(("Practitioner home page", timed(home_page, args.requests), None))

    body = run_lines(
        f"python bench/analytics.py --database-url {args.database_url} --requests {args.requests}",
        (f"- Data: {people} users, {rollup_rows} rollup rows (`flask bench generate`)",),
    )
    body += [
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
