"""Engagement money: the kinds of amounts, and the health rule.

Plain Python, no Odoo import. The figures themselves (cost, margin, progress, ETC, EAC,
forecast margin, WIP) have one definition, in SQL: ``engagement.portfolio.report``,
which the engagement's fields, the portfolio and the attention list all read. The health
rule classifies those figures.

Percentages are in percent (25.0 is 25 %).
"""

# Line kinds of the profitability report and of the engagement's actual figures.
REVENUE_INVOICED = "revenue_invoiced"
COST_LABOUR = "cost_labour"
COST_BILLS = "cost_bills"
COST_EXPENSES = "cost_expenses"
LINE_KINDS = [
    (REVENUE_INVOICED, "Invoiced Revenue"),
    (COST_LABOUR, "Labour Cost"),
    (COST_BILLS, "Vendor Bills"),
    (COST_EXPENSES, "Expenses"),
]
COST_KINDS = (COST_LABOUR, COST_BILLS, COST_EXPENSES)

ETC_REMAINING_BUDGET = "remaining_budget"
ETC_BURN_RATE = "burn_rate"

# How fixed-price and milestone engagements earn revenue (README, Money): one input of
# the one SQL definition of earned revenue (engagement.portfolio.report._derived_sql).
RECOGNITION_COST = "cost"
RECOGNITION_HOURS = "hours"
RECOGNITION_MILESTONE = "milestone"
RECOGNITION_METHODS = [
    (RECOGNITION_COST, "Cost-to-Cost"),
    (RECOGNITION_HOURS, "Hours"),
    (RECOGNITION_MILESTONE, "Signed Milestones"),
]

GREEN, AMBER, RED = "green", "amber", "red"


def ratio_pct(part, whole):
    """``part / whole × 100``; 0.0 when ``whole`` is zero (nothing to compare with)."""
    if not whole:
        return 0.0
    return part / whole * 100.0


def health(
    cost,
    revised_cost,
    progress_pct,
    forecast_pct,
    target_pct,
    revised_revenue,
    cost_alert_pct=80.0,
    progress_alert_pct=80.0,
    overdue_high_risk=False,
):
    """Classify an engagement from its figures.

    red: forecast margin below zero, or actual cost past the revised cost budget;
    amber: cost at ``cost_alert_pct`` % of the budget while progress is below
    ``progress_alert_pct`` %, or forecast margin under the target, or a high risk of the
    RAID log past its due date (``overdue_high_risk``);
    green otherwise. Without a revenue budget the margin rules do not apply, without a
    cost budget the cost rules do not (nothing to compare with).
    """
    has_revenue = revised_revenue > 0
    has_cost = revised_cost > 0
    if (has_revenue and forecast_pct < 0) or (has_cost and cost > revised_cost):
        return RED
    if (
        has_cost
        and ratio_pct(cost, revised_cost) >= cost_alert_pct
        and progress_pct < progress_alert_pct
    ):
        return AMBER
    if has_revenue and forecast_pct < target_pct:
        return AMBER
    if overdue_high_risk:
        return AMBER
    return GREEN
