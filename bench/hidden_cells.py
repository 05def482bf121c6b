"""What a set of heatmaps hides on the national data set, to compare two commits.

    .venv/bin/python bench/hidden_cells.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench --out before.json
    (check out the other commit)
    .venv/bin/python bench/hidden_cells.py ... --out after.json --compare before.json

The heatmaps: the nation's by grade, band, site and team (and by grade for new POs), and
for the first two regions, their first two PDUs each and those PDUs' first three teams,
every grouping (team, PDU, grade, band, site) by mean gap and by mean observed level,
unfiltered, for POs and for new practitioners. Each is written as the list of its hidden
cells (row key / skill slug). With ``--compare``, the views whose hidden cells differ
from the earlier file are listed, with the cells each side alone hides.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from learning_app import create_app  # noqa: E402
from learning_app.analytics.heatmap import Filters, build_unit_heatmap  # noqa: E402
from learning_app.extensions import db  # noqa: E402
from learning_app.org.models import Pdu, Region, Team  # noqa: E402

GROUPINGS = ("team", "pdu", "grade", "band", "site")
METRICS = ("mean-gap", "observed")
FILTERS = (Filters(), Filters(grade="PO"), Filters(band="new"))
NATIONAL = [("grade", Filters()), ("band", Filters()), ("site", Filters()), ("team", Filters())]
NATIONAL.append(("grade", Filters(band="new")))


def units() -> list[tuple[object, set[int]]]:
    """The nation (None) and the sample of regions, PDUs and teams, each with its teams."""
    found: list[tuple[object, set[int]]] = [(None, set(db.session.scalars(select(Team.id))))]
    for region in db.session.scalars(select(Region).order_by(Region.id).limit(2)):
        teams = select(Team.id).join(Pdu).where(Pdu.region_id == region.id)
        found.append((region, set(db.session.scalars(teams))))
        pdus = select(Pdu).where(Pdu.region_id == region.id).order_by(Pdu.id).limit(2)
        for pdu in db.session.scalars(pdus):
            found.append(
                (pdu, set(db.session.scalars(select(Team.id).where(Team.pdu_id == pdu.id))))
            )
            for team in db.session.scalars(
                select(Team).where(Team.pdu_id == pdu.id).order_by(Team.id).limit(3)
            ):
                found.append((team, {team.id}))
    return found


def hidden_cells() -> dict[str, list[str]]:
    result = {}
    for unit, team_ids in units():
        name = "national" if unit is None else f"{type(unit).__name__.lower()}-{unit.id}"
        for grouping in GROUPINGS:
            for metric in METRICS:
                for filters in FILTERS:
                    if unit is None and (grouping, filters) not in NATIONAL:
                        continue
                    heatmap = build_unit_heatmap(unit, team_ids, grouping, metric, filters)
                    view = (
                        f"{name} by {grouping}, {metric}, grade={filters.grade} band={filters.band}"
                    )
                    result[view] = sorted(
                        f"{row.key}/{slug}"
                        for row in [*heatmap.rows, heatmap.total]
                        for slug, figure in row.figures.items()
                        if figure.hidden
                    )
                    db.session.expire_all()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--compare", type=Path)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        found = hidden_cells()
    args.out.write_text(json.dumps(found, indent=1))
    hidden = sum(len(cells) for cells in found.values())
    print(f"{len(found)} views, {hidden} hidden cells, written to {args.out}")
    if args.compare:
        lines = differences(json.loads(args.compare.read_text()), found)
        print(f"{len(lines)} views differ from {args.compare}")
        print("\n".join(lines))


def differences(earlier: dict[str, list[str]], found: dict[str, list[str]]) -> list[str]:
    """A line for each view whose hidden cells differ: the cells each side alone hides."""
    lines = []
    for view in found:
        before, after = set(earlier.get(view, [])), set(found[view])
        if before != after:
            only_before, only_now = sorted(before - after), sorted(after - before)
            lines.append(f"- {view}: only before {only_before}; only now {only_now}")
    return lines


if __name__ == "__main__":
    main()
