"""Statistical disclosure control for the learning-analysis tables (DESIGN.md section 9).

A cell about fewer than ``THRESHOLD`` people (``THRESHOLD_SENSITIVE`` for questionnaire
data or a cut by a protected characteristic) is hidden: that is primary suppression.

Hiding one cell of a line is not enough when the line's total is shown: the hidden
value is the total less the others. So, line by line (each column against the total
row, each row against its "all skills" column), wherever exactly one cell is hidden
the smallest other cell with people in it is hidden too, until nothing changes: that
is secondary suppression.

A filtered cell (a grade, say) also hides when the same cell without the filter,
which another view shows, differs from it by between 1 and ``THRESHOLD - 1`` people:
otherwise two bookmarks would give the few people left out by subtraction.

The heatmaps take these steps on arrays of every cell at once (``heatmap.Grid``,
``planes``), in the same order and with the same tie-breaks as the functions here.

What each unit's live heatmaps hide is kept with the rollups (``kept_views``): a change
here, in ``planes`` or in ``heatmap`` that changes what a view hides must raise
``kept_views.RULES``, so views kept under the old rules are worked out again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, MutableMapping
from dataclasses import dataclass

THRESHOLD = 5
THRESHOLD_SENSITIVE = 10


@dataclass
class Figure:
    """One number on screen: a value over ``n`` people, and whether it is hidden."""

    n: int
    value: float | None
    hidden: bool = False
    # "primary", "secondary" or "difference"; None when shown.
    reason: str | None = None

    @property
    def shown(self) -> bool:
        return not self.hidden and self.value is not None


def hide_small(figures: Iterable[Figure], threshold: int = THRESHOLD) -> None:
    for figure in figures:
        if 0 < figure.n < threshold:
            figure.hidden, figure.reason = True, "primary"


def hide_complements(lines: Iterable[list[Figure]]) -> None:
    """Secondary suppression: no line whose total is shown may have one hidden cell."""
    lines = [line for line in lines if line]
    changed = True
    while changed:
        changed = False
        for line in lines:
            hidden = [f for f in line if f.hidden and f.n > 0]
            if len(hidden) != 1:
                continue
            candidates = [f for f in line if not f.hidden and f.n > 0]
            if not candidates:
                continue
            smallest = min(candidates, key=lambda f: f.n)
            smallest.hidden, smallest.reason = True, "secondary"
            changed = True


def show_everything(figures: MutableMapping[Hashable, Figure]) -> None:
    for figure in figures.values():
        figure.hidden, figure.reason = False, None
