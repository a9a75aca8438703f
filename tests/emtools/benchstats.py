"""The arithmetic of the benchmark's ratios (tests/bench/), kept apart to be tested alone.

Every figure ``scripts/bench`` judges is a ratio of two times measured in the same run
(a figure against its anchor), so that a slow or busy machine moves both sides alike.
No odoo import, no I/O: numbers in, ratios, verdicts and tables out.
"""

import math
from dataclasses import dataclass


def ratio(numerator, denominator):
    """``numerator / denominator``; NaN when either is missing or the denominator is not
    positive (a ratio against nothing is no figure, and must not pass a goal)."""
    if numerator is None or denominator is None:
        return math.nan
    if not denominator > 0 or math.isnan(numerator):
        return math.nan
    return numerator / denominator


def format_ratio(value):
    """``1.84`` → ``1.8×``, ``24.3`` → ``24×``, NaN → ``n/a``: two significant figures at
    most, the precision a noisy shared machine supports."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞×"
    if abs(value) >= 10:
        return f"{value:.0f}×"
    return f"{value:.1f}×"


def format_ms(seconds):
    """Seconds as whole milliseconds (one decimal under 10 ms), ``n/a`` for NaN."""
    if seconds is None or math.isnan(seconds):
        return "n/a"
    milliseconds = seconds * 1000
    return f"{milliseconds:.1f} ms" if milliseconds < 10 else f"{milliseconds:,.0f} ms"


@dataclass(frozen=True)
class Goal:
    """A goal on a ratio: ``value`` must be ``<=`` or ``>=`` (or ``==``) ``target``."""

    label: str
    value: float
    op: str
    target: float

    def __post_init__(self):
        if self.op not in ("<=", ">=", "=="):
            raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def met(self):
        if self.value is None or math.isnan(self.value):
            return False
        if self.op == "<=":
            return self.value <= self.target
        if self.op == ">=":
            return self.value >= self.target
        return self.value == self.target

    def line(self):
        """``met      pivot / anchor = 1.6× (goal ≤ 2×)``."""
        symbol = {"<=": "≤", ">=": "≥", "==": "="}[self.op]
        if self.op == "==":
            shown, target = f"{self.value:g}", f"{self.target:g}"
        else:
            shown, target = format_ratio(self.value), f"{self.target:g}×"
        verdict = "met" if self.met else "NOT met"
        return f"{verdict:<8} {self.label} = {shown} (goal {symbol} {target})"


def format_goals(goals):
    """The goals, one a line, then a last line saying whether all of them are met."""
    lines = [goal.line() for goal in goals]
    missed = [goal for goal in goals if not goal.met]
    lines.append(
        f"All {len(goals)} goals met"
        if not missed
        else f"{len(missed)} of {len(goals)} goals NOT met: "
        + ", ".join(goal.label for goal in missed)
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------- load run


@dataclass(frozen=True)
class Comparison:
    """One of ours against Odoo's own counterpart, in the same load run."""

    label: str
    ours: str  # kind of request (loadstats.Sample.kind)
    theirs: str
    target: float  # ours / theirs must be at most this, at p50 and at p90


def compare(figures, comparisons):
    """Rows ``(comparison, ours KindFigures, theirs KindFigures, p50 ratio, p90 ratio)``
    for the comparisons whose two kinds were both requested (``figures`` as
    :func:`emtools.loadstats.summarize` returns them)."""
    by_kind = {row.kind: row for row in figures}
    rows = []
    for comparison in comparisons:
        ours, theirs = by_kind.get(comparison.ours), by_kind.get(comparison.theirs)
        if ours is None or theirs is None:
            continue
        rows.append(
            (
                comparison,
                ours,
                theirs,
                ratio(ours.p50, theirs.p50),
                ratio(ours.p90, theirs.p90),
            )
        )
    return rows


def comparison_goals(rows, suffix=""):
    """A goal per comparison and percentile: the ratio at p50 and at p90."""
    goals = []
    for comparison, __, __, p50, p90 in rows:
        for name, value in (("p50", p50), ("p90", p90)):
            goals.append(Goal(f"{comparison.label} {name}{suffix}", value, "<=", comparison.target))
    return goals


def format_comparisons(rows):
    """The table of ours against Odoo's own, latencies in milliseconds."""
    lines = [f"{'ours / Odoo':<34} {'p50 ms':>15} {'p50':>6} {'p90 ms':>15} {'p90':>6} {'goal':>6}"]
    for comparison, ours, theirs, p50, p90 in rows:
        lines.append(
            f"{comparison.label:<34} "
            f"{_pair(ours.p50, theirs.p50):>15} {format_ratio(p50):>6} "
            f"{_pair(ours.p90, theirs.p90):>15} {format_ratio(p90):>6} "
            f"{f'≤ {comparison.target:g}×':>6}"
        )
    return "\n".join(lines)


def _pair(ours, theirs):
    def ms(seconds):
        return "n/a" if math.isnan(seconds) else f"{seconds * 1000:.0f}"

    return f"{ms(ours)} / {ms(theirs)}"


# ---------------------------------------------------------------------- growth

GROWTH_MEASURES = (("pivot", "pivot"), ("list80", "list, 80 rows"), ("portfolio", "portfolio"))


def growth_table(results):
    """The growth table: one row per load size, the anchor and each measure in
    milliseconds with its ratio to that size's anchor, then each measure's growth against
    the smallest size beside the lines' growth.

    ``results``: dicts with ``scale``, ``engagements``, ``lines`` and the seconds of
    ``anchor``, ``pivot``, ``list80`` and ``portfolio`` (what bench_profitability.py
    writes with ``--json``), in any order; they are sorted by size.
    """
    if not results:
        raise ValueError("a growth table of no results")
    ordered = sorted(results, key=lambda result: result["lines"])
    header = f"{'load':>5} {'engagements':>11} {'lines':>9} {'anchor':>10}" + "".join(
        f" {label:>20}" for __, label in GROWTH_MEASURES
    )
    lines = [header]
    for result in ordered:
        cells = [
            f"{format_ms(result[key])} {format_ratio(ratio(result[key], result['anchor']))}"
            for key, __ in GROWTH_MEASURES
        ]
        lines.append(
            f"{result['scale']:>4g}× {result['engagements']:>11,} {result['lines']:>9,} "
            f"{format_ms(result['anchor']):>10}" + "".join(f" {cell:>20}" for cell in cells)
        )
    base = ordered[0]
    if len(ordered) > 1:
        lines.append(f"growth against {base['scale']:g}× (lines ×, time ×):")
        for result in ordered[1:]:
            cells = [
                format_ratio(ratio(result[key], base[key]))
                for key in ("anchor", *(key for key, __ in GROWTH_MEASURES))
            ]
            lines.append(
                f"{result['scale']:>4g}× {'':>11} "
                f"{format_ratio(ratio(result['lines'], base['lines'])):>9} {cells[0]:>10}"
                + "".join(f" {cell:>20}" for cell in cells[1:])
            )
    return "\n".join(lines)
