"""The engagement money definitions, on plain numbers (no Odoo)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def money(addon_lib):
    from engagement_management_lib import money

    return money


amounts = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
pcts = st.floats(min_value=0, max_value=100, allow_nan=False)


def test_margin_is_over_revenue_not_cost(money):
    assert money.margin(1000.0, 750.0) == 250.0
    assert money.margin_pct(1000.0, 750.0) == 25.0


def test_margin_pct_of_nothing_invoiced_is_zero(money):
    assert money.margin_pct(0.0, 500.0) == 0.0
    assert money.forecast_margin_pct(0.0, 500.0) == 0.0


def test_progress_is_hours_based_then_cost_based_and_capped(money):
    assert money.percent_complete(40.0, 160.0, 9999.0, 1.0) == 25.0
    assert money.percent_complete(0.0, 0.0, 300.0, 1200.0) == 25.0
    assert money.percent_complete(200.0, 100.0, 0.0, 0.0) == 100.0
    assert money.percent_complete(5.0, 0.0, 5.0, 0.0) == 0.0


def test_etc_by_remaining_budget_and_by_burn_rate(money):
    assert money.etc_cost("remaining_budget", 3000.0, 10000.0, 25.0) == 7000.0
    # Overspent: nothing remains of the budget.
    assert money.etc_cost("remaining_budget", 12000.0, 10000.0, 90.0) == 0.0
    # 3,000 spent for 25 % done: 9,000 more for the remaining 75 %.
    assert money.etc_cost("burn_rate", 3000.0, 10000.0, 25.0) == 9000.0
    # No progress yet: no rate, the remaining budget stands in.
    assert money.etc_cost("burn_rate", 3000.0, 10000.0, 0.0) == 7000.0
    assert money.eac_cost(3000.0, 9000.0) == 12000.0


def test_forecast_margin(money):
    assert money.forecast_margin_pct(20000.0, 15000.0) == 25.0
    assert money.forecast_margin_pct(20000.0, 25000.0) == -25.0


@pytest.mark.parametrize(
    ("billing_type", "expected"),
    [
        ("fixed_price", 5000.0),  # 25 % of 20,000
        ("milestone", 5000.0),
        ("time_materials", 4000.0),  # 40 h × (20,000 / 200 h)
        ("retainer", 12000.0),  # contracted to date
    ],
)
def test_earned_revenue_by_billing_type(money, billing_type, expected):
    assert money.earned_revenue(billing_type, 25.0, 20000.0, 200.0, 40.0, 12000.0) == expected


def test_wip_is_earned_minus_invoiced(money):
    assert money.wip(5000.0, 3000.0) == 2000.0
    assert money.wip(5000.0, 6000.0) == -1000.0


@pytest.mark.parametrize(
    ("cost", "progress", "forecast", "expected"),
    [
        (5000.0, 50.0, 40.0, "green"),
        (8000.0, 70.0, 40.0, "amber"),  # 80 % of the budget spent, 70 % done
        (8000.0, 85.0, 40.0, "green"),  # spent in step with progress
        (5000.0, 50.0, 20.0, "amber"),  # forecast under the 30 % target
        (5000.0, 50.0, -1.0, "red"),  # forecast loss
        (10001.0, 99.0, 40.0, "red"),  # over budget
    ],
)
def test_health(money, cost, progress, forecast, expected):
    assert money.health(cost, 10000.0, progress, forecast, 30.0, 20000.0) == expected


def test_health_without_budgets_is_green(money):
    assert money.health(5000.0, 0.0, 0.0, 0.0, 30.0, 0.0) == "green"


def test_health_thresholds_are_configurable(money):
    assert money.health(6000.0, 10000.0, 50.0, 40.0, 30.0, 20000.0) == "green"
    assert money.health(6000.0, 10000.0, 50.0, 40.0, 30.0, 20000.0, cost_alert_pct=60.0) == "amber"


def test_figures_hand_computed(money):
    result = money.figures(
        billing_type="fixed_price",
        etc_method="remaining_budget",
        revised_revenue=20000.0,
        revised_cost=12000.0,
        revised_hours=100.0,
        revenue_contracted=20000.0,
        revenue_invoiced=8000.0,
        cost_labour=3000.0,
        cost_bills=1000.0,
        cost_expenses=500.0,
        hours_actual=40.0,
    )
    assert result == {
        "revenue_contracted": 20000.0,
        "revenue_invoiced": 8000.0,
        "cost_labour": 3000.0,
        "cost_bills": 1000.0,
        "cost_expenses": 500.0,
        "cost_actual": 4500.0,
        "hours_actual": 40.0,
        "margin": 3500.0,
        "margin_pct": 43.75,
        "percent_complete": 40.0,
        "etc_cost": 7500.0,
        "eac_cost": 12000.0,
        "forecast_margin_pct": 40.0,
        "wip_amount": 0.0,  # 40 % of 20,000 earned, 8,000 invoiced
    }


def test_rate_on_picks_odoos_rate(money):
    rates = [(date(2025, 1, 1), 1.1), (date(2025, 3, 1), 1.2)]
    assert money.rate_on(rates, date(2025, 2, 15)) == 1.1
    assert money.rate_on(rates, date(2025, 3, 1)) == 1.2
    assert money.rate_on(rates, date(2024, 6, 1)) == 1.1  # before any: the oldest
    assert money.rate_on([], date(2025, 1, 1)) == 1.0
    # A company's own rate wins over a global one.
    assert money.rate_on([(date(2025, 1, 1), 2.0)], date(2025, 5, 1), rates) == 2.0
    assert money.rate_on([(date(2025, 6, 1), 2.0)], date(2025, 5, 1), rates) == 1.2


@given(
    labour=amounts,
    bills=amounts,
    expenses=amounts,
    invoiced=amounts,
    hours=amounts,
    revised_revenue=amounts,
    revised_cost=amounts,
    revised_hours=amounts,
    method=st.sampled_from(["remaining_budget", "burn_rate"]),
    billing=st.sampled_from(["fixed_price", "milestone", "time_materials", "retainer"]),
)
def test_figures_add_up(
    money,
    labour,
    bills,
    expenses,
    invoiced,
    hours,
    revised_revenue,
    revised_cost,
    revised_hours,
    method,
    billing,
):
    f = money.figures(
        billing_type=billing,
        etc_method=method,
        revised_revenue=revised_revenue,
        revised_cost=revised_cost,
        revised_hours=revised_hours,
        revenue_contracted=invoiced,
        revenue_invoiced=invoiced,
        cost_labour=labour,
        cost_bills=bills,
        cost_expenses=expenses,
        hours_actual=hours,
    )
    assert f["cost_actual"] == pytest.approx(labour + bills + expenses)
    assert f["margin"] == pytest.approx(invoiced - f["cost_actual"])
    assert f["eac_cost"] == pytest.approx(f["cost_actual"] + f["etc_cost"])
    assert f["etc_cost"] >= 0.0
    assert 0.0 <= f["percent_complete"] <= 100.0
    if invoiced == 0:
        assert f["margin_pct"] == 0.0
    else:
        assert f["margin_pct"] == pytest.approx(f["margin"] / invoiced * 100, abs=1e-6)
    assert f["forecast_margin_pct"] <= 100.0 + 1e-9


@given(revenue=amounts, cost=amounts)
def test_margin_pct_of_zero_revenue_is_defined(money, revenue, cost):
    pct = money.margin_pct(revenue, cost)
    assert pct == pct  # never NaN
    if revenue == 0:
        assert pct == 0.0


@given(
    amount=st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    rate_a=st.floats(min_value=0.01, max_value=1000),
    rate_b=st.floats(min_value=0.01, max_value=1000),
)
def test_conversion_round_trips(money, amount, rate_a, rate_b):
    there = money.convert(amount, rate_a, rate_b)
    assert money.convert(there, rate_b, rate_a) == pytest.approx(amount, rel=1e-9, abs=1e-6)


@given(parts=st.lists(amounts, max_size=20), rate=st.floats(min_value=0.01, max_value=1000))
def test_converting_a_total_equals_the_total_of_conversions(money, parts, rate):
    total = money.convert(sum(parts), 1.0, rate)
    assert total == pytest.approx(sum(money.convert(p, 1.0, rate) for p in parts), rel=1e-9)


def test_an_overdue_high_risk_puts_an_on_track_engagement_at_risk(money):
    on_track = (1000.0, 10000.0, 50.0, 40.0, 30.0, 20000.0)
    assert money.health(*on_track) == "green"
    assert money.health(*on_track, overdue_high_risk=True) == "amber"
    # Without budgets too: the risk is not a figure.
    assert money.health(0.0, 0.0, 0.0, 0.0, 30.0, 0.0, overdue_high_risk=True) == "amber"
    # It never softens red.
    assert money.health(11000.0, 10000.0, 50.0, 40.0, 30.0, 20000.0, overdue_high_risk=True) == (
        "red"
    )
