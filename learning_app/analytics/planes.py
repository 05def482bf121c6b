"""What each unit's own view of a heatmap hides, for every unit of a level at once.

Besides its own small cells, a heatmap hides what other units' views hide
(``heatmap._build_unit``): a team's view hides its total where its PDU's view by team
hides the team's row; a PDU's view by grade hides what its teams' own views by grade
hide; a region's what its PDUs' hide; the nation's what its regions' hide. Those views
are built only to find what they hide, and the nation's view by grade needs over two
thousand of them.

Here the views of every unit of one level with one grouping (every team's by grade,
say) lie side by side as arrays, one plane per unit: each cell's people, and whether it
is hidden. Each step of suppression (``analytics.suppression``) is taken for every plane
at once, in the order and with the tie-breaks the page takes it in for one view, so each
plane hides exactly what that unit's own page hides.

A plane's rows are the unit's row keys in display order, then rows with no one in them
up to the widest unit's count (they never hide, and never count), then one more such
row (``blank``: where a key the unit lacks is looked up) and the total. Its columns are
the skills, then "All skills", which is about the most people of any one skill.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from learning_app.analytics.suppression import THRESHOLD

# The key of the total row and of the "All skills" column (``heatmap`` takes it from here).
ALL = "all"
# Larger than any count: what a cell that cannot be chosen sorts as.
_NEVER = np.iinfo(np.int64).max


@dataclass
class Planes:
    """The views of ``units`` (ids) with one grouping: ``n`` people and ``hidden`` per
    [unit, row, column]. ``keys`` is every row key among them in display order and
    ``pos`` each key's row in each plane (``blank`` where the unit has none)."""

    units: list[int]
    keys: list[str]
    slugs: list[str]
    pos: np.ndarray
    n: np.ndarray
    hidden: np.ndarray
    index: dict[int, int] = field(init=False, repr=False)
    key_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {u: i for i, u in enumerate(self.units)}
        self.key_index = {k: i for i, k in enumerate(self.keys)}

    @property
    def blank(self) -> int:
        return self.n.shape[1] - 2

    @property
    def total(self) -> int:
        return self.n.shape[1] - 1

    def copy(self) -> Planes:
        """The same counts, nothing hidden yet."""
        return Planes(
            self.units, self.keys, self.slugs, self.pos, self.n, np.zeros_like(self.hidden)
        )

    def cells(self, unit_id: int) -> dict[str, dict[str, bool]] | None:
        """What the unit's view hides: row key (``ALL`` for the total) to skill slug (and
        ``ALL``) to hidden. None when the unit has no figures at all."""
        i = self.index.get(unit_id)
        if i is None:
            return None
        columns = [*self.slugs, ALL]
        hidden = self.hidden[i].tolist()
        blank = self.blank
        rows = {
            k: hidden[r] for k, r in zip(self.keys, self.pos[i].tolist(), strict=True) if r != blank
        }
        rows[ALL] = hidden[self.total]
        return {k: dict(zip(columns, row, strict=True)) for k, row in rows.items()}

    def row_keys(self) -> np.ndarray:
        """Each plane's row keys as indices into ``keys``: [unit, row], ``len(keys)`` for a
        row that is no key's (the empty rows, the blank and the total)."""
        found = np.full(self.n.shape[:2], len(self.keys), dtype=np.int64)
        units, keys = np.nonzero(self.pos != self.blank)
        found[units, self.pos[units, keys]] = keys
        return found


def counted(
    units: Sequence[int],
    keys: Sequence[str],
    slugs: Sequence[str],
    cells: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    shown: Collection[str] | None = None,
) -> Planes:
    """The planes of ``units`` from ``cells``: (unit, key, slug, people) as index arrays
    into ``units``, ``keys`` (in display order) and ``slugs``; rows of the same (unit,
    key, slug) add up.

    Only the keys in ``shown`` (all if None) are rows; the others count in the total, as
    a group with no name counts in a page's total but has no row of its own.
    """
    unit_at, key_at, slug_at, people = cells
    u_count, k_count, s_count = len(units), len(keys), len(slugs)
    row_keys = np.ones(k_count, dtype=bool)
    if shown is not None:
        row_keys = np.array([k in shown for k in keys], dtype=bool)
    present = np.zeros((u_count, k_count), dtype=bool)
    as_row = row_keys[key_at]
    present[unit_at[as_row], key_at[as_row]] = True
    width = int(present.sum(axis=1).max(initial=0))
    pos = np.where(present, np.cumsum(present, axis=1) - 1, width)
    shape = (u_count, width + 2, s_count + 1)
    rows = unit_at[as_row], pos[unit_at[as_row], key_at[as_row]], slug_at[as_row]
    n = _added(shape, rows, people[as_row]) + _added(shape, (unit_at, width + 1, slug_at), people)
    if s_count:
        n[:, :, s_count] = n[:, :, :s_count].max(axis=2)
    return Planes(list(units), list(keys), list(slugs), pos, n, np.zeros(n.shape, dtype=bool))


def _added(shape: tuple[int, ...], at: tuple[np.ndarray, ...], values: np.ndarray) -> np.ndarray:
    """An array of ``shape`` holding the sum of ``values`` at each of the places ``at``."""
    size = int(np.prod(shape))
    flat = np.bincount(np.ravel_multi_index(at, shape), weights=values, minlength=size)
    return flat.round().astype(np.int64).reshape(shape)


def suppress_own(planes: Planes, wider: Sequence[Planes], threshold: int = THRESHOLD) -> None:
    """Each view's own suppression: its small cells, the cells about someone that differ
    from the same cell of a wider view by 1 to ``threshold`` - 1 people, then the
    complements."""
    n, hidden = planes.n, planes.hidden
    hidden |= (n > 0) & (n < threshold)
    for other in wider:
        difference = _aligned(other, planes) - n
        hidden |= (n > 0) & (difference > 0) & (difference < threshold)
    hide_complements(planes)


def _aligned(other: Planes, planes: Planes) -> np.ndarray:
    """``other``'s people at each cell of ``planes``: the same unit, row key and column."""
    at = np.array([other.index.get(u, -1) for u in planes.units], dtype=np.int64)
    mine = np.nonzero(at >= 0)[0]
    found = np.zeros_like(planes.n)
    rows = _matching_rows(other, at[mine], planes, mine)
    found[mine] = other.n[at[mine][:, None], rows]
    return found


def _matching_rows(
    source: Planes, source_at: np.ndarray, target: Planes, target_at: np.ndarray
) -> np.ndarray:
    """For each pair of planes (``source_at[j]`` of ``source``, ``target_at[j]`` of
    ``target``), the row of ``source`` with the key of each row of ``target``: the total
    for the total, ``source.blank`` where ``source`` has no such row."""
    keys = [source.key_index.get(k, -1) for k in target.keys]
    wanted = np.array([*keys, -1], dtype=np.int64)[target.row_keys()[target_at]]
    rows = source.pos[source_at[:, None], np.maximum(wanted, 0)]
    rows = np.where(wanted >= 0, rows, source.blank)
    rows[:, target.total] = source.total
    return rows


def hide_complements(planes: Planes) -> None:
    """``suppression.hide_complements`` for every plane: the lines are each column (its
    rows, then the total) and then each row, the total last; a line with exactly one
    hidden cell hides its smallest other cell with people in it, the first of equals,
    until nothing changes.

    No two columns share a cell, so what one column's line hides cannot change what
    another's does: every column of every plane is taken at once, then every row.
    """
    hide_lines(planes.n, planes.hidden)


def hide_lines(n: np.ndarray, hidden: np.ndarray) -> None:
    """``hide_complements`` of the people ``n`` [plane, row, column] and what is hidden of
    them, ``hidden``, which is written through."""
    if not hidden.any():
        return
    counted_cells = n > 0
    values = np.where(counted_cells, n, _NEVER)
    changed = True
    while changed:
        changed = _lines_along(counted_cells, values, hidden, axis=1)
        changed |= _lines_along(counted_cells, values, hidden, axis=2)


def _lines_along(
    counted_cells: np.ndarray, values: np.ndarray, hidden: np.ndarray, axis: int
) -> bool:
    """Every line along ``axis`` (1: the columns, 2: the rows) of every plane; ``hidden``
    is written through. True if anything was hidden."""
    single = (hidden & counted_cells).sum(axis=axis) == 1
    if not single.any():
        return False
    choices = np.where(hidden, _NEVER, values)
    smallest = np.expand_dims(choices.argmin(axis=axis), axis)
    chosen = single & (np.take_along_axis(choices, smallest, axis).squeeze(axis) != _NEVER)
    if not chosen.any():
        return False
    hide = np.zeros_like(hidden)
    np.put_along_axis(hide, smallest, np.expand_dims(chosen, axis), axis)
    hidden |= hide
    return True


def hide_what_parts_hide(
    planes: Planes, parts: Planes, whole_of: Mapping[int, int], wholes: Collection[int]
) -> None:
    """In each plane of ``wholes`` (unit ids), hide each cell that exactly one of its
    parts' views hides (``whole_of`` gives each part's unit), then make the lines whole."""
    wholes = {w for w in wholes if w in planes.index}
    pairs = [
        (i, planes.index[whole_of[u]])
        for i, u in enumerate(parts.units)
        if whole_of.get(u) in wholes
    ]
    if not pairs:
        return
    pairs.sort(key=lambda pair: pair[1])
    part_at, whole_at = (np.array(a, dtype=np.int64) for a in zip(*pairs, strict=True))
    seen = parts.hidden[part_at[:, None], _matching_rows(parts, part_at, planes, whole_at)]
    # Each whole's parts are together: add up how many of them hide each cell.
    starts = np.flatnonzero(np.r_[True, whole_at[1:] != whole_at[:-1]])
    hidden_by = np.add.reduceat(seen.astype(np.int64), starts, axis=0)
    planes.hidden[whole_at[starts]] |= hidden_by == 1
    hide_complements(planes)


def hide_totals_hidden_above(
    planes: Planes,
    above: Planes,
    parent_of: Mapping[int, int],
    key_of: Callable[[int], str] = str,
) -> None:
    """Hide each view's total wherever the view above it (its parent's by this level)
    hides the unit's row (``key_of`` the unit), then make the lines whole."""
    pairs = [
        (i, above.index[parent_of[u]], above.key_index[key_of(u)])
        for i, u in enumerate(planes.units)
        if parent_of.get(u) in above.index and key_of(u) in above.key_index
    ]
    if not pairs:
        return
    at, parents, keys = (np.array(a, dtype=np.int64) for a in zip(*pairs, strict=True))
    rows = above.pos[parents, keys]
    planes.hidden[at, planes.total] |= above.hidden[parents, rows]
    hide_complements(planes)
