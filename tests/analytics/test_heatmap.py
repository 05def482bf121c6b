"""Heatmap numbers against the hand-worked unit, and primary and secondary suppression."""

from __future__ import annotations

import pytest

from learning_app.analytics.heatmap import ALL, Filters, _Source, build_unit_heatmap, sort_rows


def figures(heatmap, slug):
    return {row.label: row.figures[slug] for row in [*heatmap.rows, heatmap.total]}


def shown(figure):
    return None if figure.hidden else round(figure.value, 2)


def teams(unit, *names):
    return {unit.teams[n].id for n in names}


def test_unsuppressed_numbers_are_the_hand_worked_means(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"), suppress=False)
    cells = figures(heatmap, unit.skill)
    assert [r.label for r in heatmap.rows] == ["Alpha", "Bravo", "Charlie"]
    assert (cells["Alpha"].n, shown(cells["Alpha"])) == (6, round(8 / 6, 2))
    assert (cells["Bravo"].n, shown(cells["Bravo"])) == (3, 1.0)
    assert (cells["Charlie"].n, shown(cells["Charlie"])) == (7, round(4 / 7, 2))
    assert (cells["Everyone in view"].n, shown(cells["Everyone in view"])) == (
        16,
        round(15 / 16, 2),
    )
    # All skills pools the 17 (or however many) skills but counts people, not ratings.
    skills = len(unit.skills)
    everyone = heatmap.total.figures[ALL]
    assert everyone.n == 16
    assert everyone.value == pytest.approx(15 / (16 * skills))


@pytest.mark.parametrize(
    ("metric", "alpha", "everyone"),
    [
        ("below-target", 5 / 6 * 100, 12 / 16 * 100),
        ("observed", (5 * 2 + 1 * 3) / 6, (12 * 2 + 4 * 3) / 16),
        ("evidence", 100.0, 100.0),
    ],
)
def test_each_measure(unit, metric, alpha, everyone) -> None:
    heatmap = build_unit_heatmap(
        unit.pdu, teams(unit, "A", "B", "C"), metric_key=metric, suppress=False
    )
    cells = figures(heatmap, unit.skill)
    assert cells["Alpha"].value == pytest.approx(alpha)
    assert cells["Everyone in view"].value == pytest.approx(everyone)


def test_self_assessment_measures_have_no_one_to_count(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"), metric_key="self")
    assert all(f.n == 0 and f.value is None for f in figures(heatmap, unit.skill).values())


def test_a_small_team_is_hidden_and_so_is_one_more_in_every_column(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"))
    for slug in [*unit.skills, ALL]:
        cells = figures(heatmap, slug)
        assert cells["Bravo"].reason == "primary"
        # Alpha (6) is the smallest other team: hidden so that Bravo is not the total less the rest.
        assert cells["Alpha"].reason == "secondary"
        assert shown(cells["Charlie"]) is not None
        assert shown(cells["Everyone in view"]) is not None
    # The hidden team cannot be worked out: total less the shown rows leaves two teams.
    cells = figures(heatmap, unit.skill)
    left = cells["Everyone in view"].n - cells["Charlie"].n
    assert left == 9  # Alpha and Bravo together


def test_choosing_the_hidden_teams_on_their_own_does_not_show_them(unit) -> None:
    for name, label in (("A", "Alpha"), ("B", "Bravo")):
        heatmap = build_unit_heatmap(unit.teams[name], teams(unit, name))
        for slug in [*unit.skills, ALL]:
            assert all(f.hidden for f in figures(heatmap, slug).values()), (label, slug)
    charlie = build_unit_heatmap(unit.teams["C"], teams(unit, "C"))
    assert shown(charlie.total.figures[unit.skill]) == round(4 / 7, 2)


def test_a_grade_filter_hides_what_subtraction_from_the_unfiltered_view_would_give(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"), filters=Filters(grade="PO"))
    cells = figures(heatmap, unit.skill)
    assert cells["Alpha"].reason == "primary"  # 4 POs
    assert cells["Bravo"].reason == "primary"
    assert shown(cells["Charlie"]) == round(4 / 7, 2)
    # 14 POs of 16 people: the total would give the 2 PSOs away.
    assert cells["Everyone in view"].reason == "difference"


def test_grouping_by_grade_hides_the_small_grade_and_its_complement(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"), grouping="grade")
    cells = figures(heatmap, unit.skill)
    pso = next(f for label, f in cells.items() if "PSO" in label)
    po = next(f for label, f in cells.items() if "(PO)" in label)
    assert pso.reason == "primary" and po.reason == "secondary"
    assert shown(cells["Everyone in view"]) == round(15 / 16, 2)


def test_grouping_by_site_adds_up_the_teams_there(unit) -> None:
    heatmap = build_unit_heatmap(unit.pdu, teams(unit, "A", "B", "C"), grouping="site")
    cells = figures(heatmap, unit.skill)
    assert (cells["Leicester"].n, shown(cells["Leicester"])) == (9, round(11 / 9, 2))
    assert (cells["Hinckley"].n, shown(cells["Hinckley"])) == (7, round(4 / 7, 2))


def test_rows_sort_by_value_with_equal_values_in_name_order_and_hidden_cells_last(unit) -> None:
    every = teams(unit, "A", "B", "C")
    labels = lambda heatmap: [r.label for r in heatmap.rows]  # noqa: E731
    plain = build_unit_heatmap(unit.pdu, every, suppress=False)
    sort_rows(plain, unit.skill, descending=True)
    assert labels(plain) == ["Alpha", "Bravo", "Charlie"]  # 1.33, 1.00, 0.57
    sort_rows(plain, unit.skill, descending=False)
    assert labels(plain) == ["Charlie", "Bravo", "Alpha"]
    # Everyone's gap on the second skill is 0: the rows stay in the order they had.
    for descending in (True, False):
        sort_rows(plain, unit.skills[1], descending)
        assert labels(plain) == ["Charlie", "Bravo", "Alpha"]
    sort_rows(plain, "name", descending=False)
    assert labels(plain) == ["Alpha", "Bravo", "Charlie"]
    # Suppressed, Alpha and Bravo are hidden on the first skill: Charlie leads either way.
    hidden = build_unit_heatmap(unit.pdu, every)
    for descending in (True, False):
        sort_rows(hidden, unit.skill, descending)
        assert labels(hidden) == ["Charlie", "Alpha", "Bravo"]
    assert hidden.any_hidden and not plain.any_hidden


@pytest.mark.parametrize("grouping", ["team", "site"])
@pytest.mark.parametrize("metric", ["mean-gap", "observed", "below-target"])
def test_views_read_from_the_team_lines_equal_those_read_skill_by_skill(
    unit, monkeypatch, grouping, metric
) -> None:
    every = teams(unit, "A", "B", "C")

    def seen():
        heatmap = build_unit_heatmap(unit.pdu, every, grouping, metric, suppress=False)
        return [
            (row.key, {s: (f.n, f.value, f.hidden) for s, f in row.figures.items()})
            for row in [*heatmap.rows, heatmap.total]
        ]

    lined = seen()
    monkeypatch.setattr(_Source, "lines", lambda *args: None)
    assert seen() == lined
    assert len(lined) == (4 if grouping == "team" else 3)
