"""The benchmark's ratios (emtools.benchstats): how a figure is set against its anchor,
judged against its goal, compared with Odoo's own in the load run, and laid out in the
growth table."""

import math

import pytest

from emtools.benchstats import (
    Comparison,
    Goal,
    compare,
    comparison_goals,
    format_comparisons,
    format_goals,
    format_ms,
    format_ratio,
    growth_table,
    ratio,
)
from emtools.loadstats import Sample, summarize


def test_ratio_is_a_plain_quotient():
    assert ratio(0.9, 0.3) == pytest.approx(3.0)
    assert ratio(0.0, 0.5) == 0.0


@pytest.mark.parametrize(
    "numerator, denominator",
    [(1.0, 0.0), (1.0, -1.0), (None, 1.0), (1.0, None), (math.nan, 1.0), (1.0, math.nan)],
)
def test_ratio_against_nothing_is_no_figure(numerator, denominator):
    assert math.isnan(ratio(numerator, denominator))


@pytest.mark.parametrize(
    "value, shown",
    [
        (1.84, "1.8×"),
        (0.26, "0.3×"),
        (9.94, "9.9×"),
        (10.0, "10×"),
        (24.4, "24×"),
        (math.nan, "n/a"),
        (None, "n/a"),
        (math.inf, "∞×"),
    ],
)
def test_format_ratio_keeps_two_significant_figures(value, shown):
    assert format_ratio(value) == shown


def test_format_ms():
    assert format_ms(0.5772) == "577 ms"
    assert format_ms(1.2714) == "1,271 ms"
    assert format_ms(0.00412) == "4.1 ms"
    assert format_ms(math.nan) == "n/a"


def test_goal_on_a_ratio_at_most_at_least_and_equal():
    assert Goal("pivot / anchor", 1.99, "<=", 2).met
    assert Goal("pivot / anchor", 2.0, "<=", 2).met
    assert not Goal("pivot / anchor", 2.01, "<=", 2).met
    assert Goal("native / list", 50.0, ">=", 50).met
    assert not Goal("native / list", 49.9, ">=", 50).met
    assert Goal("queries", 15, "==", 15).met
    assert not Goal("queries", 16, "==", 15).met


def test_a_goal_without_a_figure_is_not_met():
    assert not Goal("pivot / anchor", math.nan, "<=", 2).met
    assert not Goal("native / list", math.nan, ">=", 50).met
    with pytest.raises(ValueError):
        Goal("x", 1.0, "<", 2)


def test_goal_line_says_met_or_not_with_the_ratio_and_the_goal():
    assert Goal("pivot / anchor", 3.26, "<=", 2).line() == (
        "NOT met  pivot / anchor = 3.3× (goal ≤ 2×)"
    )
    assert Goal("native / list", 61.0, ">=", 50).line() == (
        "met      native / list = 61× (goal ≥ 50×)"
    )
    assert Goal("list queries", 15, "==", 15).line() == "met      list queries = 15 (goal = 15)"


def test_format_goals_ends_with_the_verdict():
    met = Goal("a", 1.0, "<=", 2)
    missed = Goal("b", 3.0, "<=", 2)
    assert format_goals([met]).splitlines()[-1] == "All 1 goals met"
    text = format_goals([met, missed])
    assert len(text.splitlines()) == 3
    assert text.splitlines()[-1] == "1 of 2 goals NOT met: b"


COMPARISONS = (
    Comparison("engagement list / project list", "list", "project_list", 1.5),
    Comparison("engagement pivot / timesheet pivot", "pivot", "timesheet_pivot", 2),
)


def test_compare_sets_each_kind_against_odoo_s_own_at_p50_and_p90():
    samples = [Sample("list", seconds) for seconds in (0.1, 0.2, 0.3, 0.4)]
    samples += [Sample("project_list", seconds) for seconds in (0.1, 0.1, 0.2, 0.2)]
    # Odoo's own pivot was never requested: no row for it, rather than a ratio of nothing.
    samples += [Sample("pivot", 1.0)]
    (row,) = compare(summarize(samples), COMPARISONS)
    comparison, ours, theirs, p50, p90 = row
    assert comparison.ours == "list" and ours.kind == "list" and theirs.kind == "project_list"
    assert p50 == pytest.approx(0.2 / 0.1)
    assert p90 == pytest.approx(0.4 / 0.2)
    goals = comparison_goals([row], suffix=" (all users)")
    assert [goal.label for goal in goals] == [
        "engagement list / project list p50 (all users)",
        "engagement list / project list p90 (all users)",
    ]
    assert not any(goal.met for goal in goals)  # 2× > 1.5×
    table = format_comparisons([row]).splitlines()
    assert "200 / 100" in table[1] and "400 / 200" in table[1] and "≤ 1.5×" in table[1]


def test_compare_a_kind_that_only_failed_gives_no_ratio_and_fails_its_goal():
    samples = [Sample("list", 0.1), Sample("project_list", 0.1, error="AccessError: no")]
    (row,) = compare(summarize(samples), COMPARISONS)
    assert math.isnan(row[3]) and math.isnan(row[4])
    assert not any(goal.met for goal in comparison_goals([row]))


def result(scale, anchor, pivot, list80, portfolio):
    return {
        "scale": scale,
        "engagements": int(2000 * scale),
        "lines": int(220_000 * scale),
        "anchor": anchor,
        "pivot": pivot,
        "list80": list80,
        "portfolio": portfolio,
    }


def test_growth_table_rows_by_size_each_measure_against_its_own_anchor():
    table = growth_table(
        [
            result(2, 0.140, 0.280, 0.060, 0.700),
            result(0.5, 0.035, 0.070, 0.050, 0.175),
            result(1, 0.070, 0.140, 0.055, 0.350),
        ]
    ).splitlines()
    assert table[0].split()[:4] == ["load", "engagements", "lines", "anchor"]
    # Sorted by size, whatever the order the runs came in.
    assert [line.split()[0] for line in table[1:4]] == ["0.5×", "1×", "2×"]
    half = table[1]
    assert "1,000" in half and "110,000" in half
    assert "35.0 ms" not in half and "35 ms" in half
    assert "70 ms 2.0×" in half and "175 ms 5.0×" in half and "50 ms 1.4×" in half
    # Then the growth against the smallest size: lines ×2 and ×4, time likewise here.
    assert table[4].startswith("growth against 0.5×")
    assert table[5].split() == ["1×", "2.0×", "2.0×", "2.0×", "1.1×", "2.0×"]
    assert table[6].split() == ["2×", "4.0×", "4.0×", "4.0×", "1.2×", "4.0×"]


def test_growth_table_of_one_size_has_no_growth_lines_and_of_none_is_an_error():
    assert len(growth_table([result(1, 0.07, 0.14, 0.05, 0.35)]).splitlines()) == 2
    with pytest.raises(ValueError):
        growth_table([])
