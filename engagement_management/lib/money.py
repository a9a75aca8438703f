"""Engagement money, one definition each (see the README, "Money: definitions").

Plain Python, no Odoo import: the Odoo side gathers amounts with grouped queries and
calls these functions, so every formula is tested on its own, outside Odoo.

Percentages are in percent (25.0 is 25 %). Amounts are floats in one currency; the
caller converts before calling (see :func:`rate_on` and :func:`convert`).
"""

import bisect

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

GREEN, AMBER, RED = "green", "amber", "red"


def ratio_pct(part, whole):
    """``part / whole × 100``; 0.0 when ``whole`` is zero (nothing to compare with)."""
    if not whole:
        return 0.0
    return part / whole * 100.0


def cost_actual(cost_labour, cost_bills, cost_expenses):
    return cost_labour + cost_bills + cost_expenses


def margin(revenue_invoiced, cost):
    """Invoiced revenue minus actual cost."""
    return revenue_invoiced - cost


def margin_pct(revenue_invoiced, cost):
    """Margin over invoiced revenue (never over cost); 0.0 when nothing is invoiced."""
    return ratio_pct(margin(revenue_invoiced, cost), revenue_invoiced)


def percent_complete(hours_actual, revised_hours, cost, revised_cost):
    """Progress in percent, capped at 100.

    Hours-based (hours booked over revised hours) when the engagement has an hours
    budget, otherwise cost-based (actual cost over revised cost); 0.0 without either.
    """
    if revised_hours > 0:
        pct = ratio_pct(hours_actual, revised_hours)
    elif revised_cost > 0:
        pct = ratio_pct(cost, revised_cost)
    else:
        pct = 0.0
    return min(max(pct, 0.0), 100.0)


def etc_cost(method, cost, revised_cost, progress_pct):
    """Estimate to complete.

    - remaining budget: what is left of the revised cost budget (never below zero);
    - burn rate: the cost so far extrapolated over the remaining progress
      (``cost / progress × (100 − progress)``); before any progress there is no rate,
      so it falls back to the remaining budget.
    """
    remaining = max(revised_cost - cost, 0.0)
    if method == ETC_BURN_RATE and progress_pct > 0:
        return cost / progress_pct * (100.0 - progress_pct)
    return remaining


def eac_cost(cost, etc):
    """Estimate at completion: actual cost plus estimate to complete."""
    return cost + etc


def forecast_margin_pct(revised_revenue, eac):
    """(revised revenue − EAC) / revised revenue × 100; 0.0 without revised revenue."""
    return ratio_pct(revised_revenue - eac, revised_revenue)


def earned_revenue(
    billing_type, progress_pct, revised_revenue, revised_hours, hours_actual, revenue_contracted
):
    """Revenue earned so far under the billing type's rule.

    - fixed price and milestones: progress × revised revenue;
    - time and materials: hours booked × the contract rate (revised revenue / revised
      hours; 0.0 without an hours budget);
    - retainer: the contracted amount to date (a retainer is earned as contracted).
    """
    if billing_type in ("fixed_price", "milestone"):
        return progress_pct / 100.0 * revised_revenue
    if billing_type == "time_materials":
        if revised_hours <= 0:
            return 0.0
        return hours_actual * (revised_revenue / revised_hours)
    if billing_type == "retainer":
        return revenue_contracted
    return 0.0


def wip(earned, revenue_invoiced):
    """Work in progress: earned but not invoiced (negative when invoiced ahead)."""
    return earned - revenue_invoiced


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


def figures(
    *,
    billing_type,
    etc_method,
    revised_revenue,
    revised_cost,
    revised_hours,
    revenue_contracted,
    revenue_invoiced,
    cost_labour,
    cost_bills,
    cost_expenses,
    hours_actual,
):
    """Every derived figure of one engagement from its gathered amounts, as a dict."""
    cost = cost_actual(cost_labour, cost_bills, cost_expenses)
    progress = percent_complete(hours_actual, revised_hours, cost, revised_cost)
    etc = etc_cost(etc_method, cost, revised_cost, progress)
    eac = eac_cost(cost, etc)
    earned = earned_revenue(
        billing_type, progress, revised_revenue, revised_hours, hours_actual, revenue_contracted
    )
    return {
        "revenue_contracted": revenue_contracted,
        "revenue_invoiced": revenue_invoiced,
        "cost_labour": cost_labour,
        "cost_bills": cost_bills,
        "cost_expenses": cost_expenses,
        "cost_actual": cost,
        "hours_actual": hours_actual,
        "margin": margin(revenue_invoiced, cost),
        "margin_pct": margin_pct(revenue_invoiced, cost),
        "percent_complete": progress,
        "etc_cost": etc,
        "eac_cost": eac,
        "forecast_margin_pct": forecast_margin_pct(revised_revenue, eac),
        "wip_amount": wip(earned, revenue_invoiced),
    }


def rate_on(rates, day, global_rates=()):
    """The rate in force on ``day``, as Odoo's ``res.currency._get_rates`` picks it.

    ``rates`` (the company's own) and ``global_rates`` are lists of ``(date, rate)``
    sorted by date. The newest company rate dated on or before ``day``, else the newest
    such global rate; before any rate, the oldest one (company first); 1.0 without any.
    """
    for layer in (rates, global_rates):
        index = bisect.bisect_right([date for date, __ in layer], day)
        if index:
            return layer[index - 1][1]
    for layer in (rates, global_rates):
        if layer:
            return layer[0][1]
    return 1.0


def convert(amount, from_rate, to_rate):
    """Convert with Odoo's rates (units of a currency per unit of the reference)."""
    return amount * to_rate / from_rate
