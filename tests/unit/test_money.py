"""The health rule, on plain numbers (no Odoo). The figures it reads have one
definition, in SQL: engagement_management/tests/test_engagement_figures_sql.py."""

import pytest


@pytest.fixture(scope="module")
def money(addon_lib):
    from engagement_management_lib import money

    return money


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
