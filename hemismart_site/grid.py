"""The treatment calendar as grid data: one row per medicine, one cell per day.

Templates lay the grid out (a table on wide screens, a list per week on
narrow ones); this module only decides what each cell holds, from
content/schedule.yml, so every language shows the same days.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemismart_site.model import Cycle, Facts, ScheduleRow


@dataclass(frozen=True)
class Cell:
    """One day of one medicine."""

    day: int
    """Day of the cycle, from 1."""
    state: str
    """``given`` (the registry names this day), ``uncertain`` (the registry contradicts itself) or ``none``."""


@dataclass(frozen=True)
class GridRow:
    """One medicine's days in one cycle."""

    row: ScheduleRow
    cells: list[Cell]

    @property
    def given_days(self) -> list[int]:
        """The days the medicine is given."""
        return [c.day for c in self.cells if c.state == "given"]

    @property
    def uncertain_days(self) -> list[int]:
        """The days the registry is unclear about."""
        return [c.day for c in self.cells if c.state == "uncertain"]


@dataclass(frozen=True)
class Grid:
    """One timeline (cycle 1, or cycle 2 and later) as rows of cells."""

    cycle: Cycle
    days: list[int]
    rows: list[GridRow]

    def weeks(self, size: int = 7) -> list[list[int]]:
        """The days cut into weeks, for the narrow-screen layout."""
        return [self.days[i:i + size] for i in range(0, len(self.days), size)]


def build_grids(facts: Facts) -> list[Grid]:
    """A grid per timeline, in the order of content/schedule.yml."""
    days = list(range(1, facts.schedule.cycle_length_days + 1))
    grids = []
    for cycle in facts.schedule.cycles:
        rows = []
        for row in cycle.rows:
            given, uncertain = row.day_set("days"), row.day_set("uncertain_days")
            cells = [Cell(d, "given" if d in given else "uncertain" if d in uncertain else "none") for d in days]
            rows.append(GridRow(row, cells))
        grids.append(Grid(cycle, days, rows))
    return grids


def day_ranges(days: list[int]) -> list[tuple[int, int]]:
    """Consecutive days folded into ranges: [1,2,3,5] → [(1,3),(5,5)]."""
    out: list[tuple[int, int]] = []
    for day in days:
        if out and day == out[-1][1] + 1:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return out
