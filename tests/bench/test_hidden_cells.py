"""The comparison of what heatmaps hide between two commits: it covers the nation and a
sample of each level, and reports exactly the views whose hidden cells changed."""

from __future__ import annotations

from bench.hidden_cells import differences, hidden_cells

ARGS = ["bench", "generate", "--practitioners", "60", "--seed", "3", "--today", "2026-03-02"]


def test_every_level_is_sampled_and_a_change_is_reported(runner, published_framework) -> None:
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    found = hidden_cells()
    levels = {view.split(" by ")[0].split("-")[0] for view in found}
    assert levels == {"national", "region", "pdu", "team"}
    # 60 practitioners in teams of 10: plenty of cells about fewer than 5 people.
    assert sum(len(cells) for cells in found.values()) > 0
    assert differences(found, found) == []
    view = next(v for v, cells in found.items() if cells)
    earlier = {**found, view: [*found[view][1:], "nobody/nothing"]}
    (line,) = differences(earlier, found)
    assert line == (f"- {view}: only before ['nobody/nothing']; only now [{found[view][0]!r}]")
