#!/usr/bin/env python3
"""Profitability at scale: a benchmark, not a test (pytest does not collect it).

    python3 tests/bench/bench_profitability.py --db em_bench --config odoo.conf

The database must have engagement_management installed (without demo data);
``scripts/bench`` creates one and runs this. The first run generates the load
(about 2,000 engagements, 200,000 timesheet lines, 20,000 posted invoice and bill
lines, USD and EUR; ``--scale`` multiplies all of it); later runs reuse it. It then
prints, warm, the median of ``--runs`` runs, as the finance user, every figure judged as
a ratio against an anchor measured in the same run (a busy machine slows both):

0. the anchor: a plain SQL aggregate of the same analytic lines grouped the same way
   (engagement manager × month), PostgreSQL alone;
1. the profitability pivot (manager × month over all engagements), checked to have the
   anchor's cells and margins; goal: pivot / anchor ≤ 2;
2. the portfolio: every engagement's figures (from ``engagement.portfolio.report``
   where that model exists, else through the ORM); goal: portfolio / anchor ≤ 3;
3. the engagement list, 80 rows with financial columns, and 20 rows; goal: the same
   query count;
4. Odoo's native per-project profitability (``_get_profitability_items``) for the
   same 80 projects; goal: native / 80-row list ≥ 50.

Each measure says how much of its time its queries took (the rest is Python: the ORM,
access checks, formatting), which is what bounds a goal that is not met. Then the
goals, met or NOT met (exit 1 if any is not). ``--json FILE`` also writes the figures,
for the growth table of ``scripts/bench --growth``.

Invoices and bills: posting 20,000 moves through the ORM takes far too long on a small
machine, so ``--real-moves`` (400 by default) are real posted moves created through
the ORM; the rest are inserted as the analytic lines that posted invoice and bill
lines produce (``category`` invoice / vendor_bill, no ``move_line_id``). The
engagement figures read analytic lines, so they see all 20,000; Odoo's native panel
reads invoice and bill lines from journal items, so it sees only the real moves: its
time is a lower bound and the ratio printed is conservative.
"""

import argparse
import io
import json
import logging
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emtools.benchstats import (  # noqa: E402
    Goal,
    format_goals,
    format_ms,
    format_ratio,
    ratio,
)

MARK = "BENCH"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="em_bench")
    parser.add_argument(
        "--config", required=True, help="Odoo config file (scripts/bench writes one)"
    )
    parser.add_argument("--engagements", type=int, default=2000)
    parser.add_argument("--timesheets", type=int, default=200_000)
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--real-moves", type=int, default=400)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--runs", type=int, default=5, help="warm runs per measurement")
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply the load (engagements, timesheets, documents, real moves) by this",
    )
    parser.add_argument("--json", help="also write the figures (seconds) to this file")
    args = parser.parse_args()
    if args.scale <= 0 or args.runs < 1:
        parser.error("--scale and --runs must be positive")
    for name in ("engagements", "timesheets", "documents", "real_moves"):
        setattr(args, name, round(getattr(args, name) * args.scale))
    return args


def setup_odoo(args):
    import odoo
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.db])
    config["log_level"] = "warn"
    odoo.netsvc.init_logger()
    # init_logger() does nothing when parse_config() already ran it: quiet Odoo directly.
    logging.getLogger("odoo").setLevel(logging.WARNING)
    from odoo.modules.registry import Registry

    return Registry(args.db)


# ---------------------------------------------------------------------- generation


def generate(env, args):
    from odoo import Command

    rng = random.Random(args.seed)
    company = env.company
    usd = company.currency_id
    eur = env.ref("base.EUR")
    if usd == eur:
        eur = env.ref("base.USD")
    eur.active = True
    year = date(2025, 1, 1)
    days = [year + timedelta(days=offset) for offset in range(365)]
    env["res.currency.rate"].create(
        [
            {
                "name": date(2025, month, 1),
                "rate": round(rng.uniform(0.85, 0.95), 4),
                "currency_id": eur.id,
                "company_id": company.id,
            }
            for month in range(1, 13)
        ]
    )

    started = time.perf_counter()
    manager_group = env.ref("engagement_management.group_engagement_manager")
    finance_group = env.ref("engagement_management.group_engagement_finance")
    managers = env["res.users"].create(
        [
            {
                "name": f"{MARK} Manager {index}",
                "login": f"bench_manager_{index}",
                "group_ids": [Command.link(manager_group.id)],
            }
            for index in range(20)
        ]
    )
    env["res.users"].create(
        {
            "name": f"{MARK} Finance",
            "login": "bench_finance",
            "group_ids": [Command.link(finance_group.id)],
        }
    )
    customers = env["res.partner"].create(
        [{"name": f"{MARK} Customer {index}", "is_company": True} for index in range(200)]
    )
    employees = env["hr.employee"].create(
        [
            {"name": f"{MARK} Employee {index}", "hourly_cost": rng.choice([45, 60, 75, 90, 120])}
            for index in range(50)
        ]
    )
    projects = env["project.project"].create(
        [
            {
                "name": f"{MARK} Project {index}",
                "allow_timesheets": True,
                "partner_id": rng.choice(customers).id,
            }
            for index in range(args.engagements)
        ]
    )
    billing_types = ["fixed_price", "time_materials", "milestone", "retainer"]
    engagements = env["engagement.engagement"].create(
        [
            {
                "name": f"{MARK} Engagement {index}",
                "partner_id": project.partner_id.id,
                "project_id": project.id,
                "user_id": rng.choice(managers).id,
                "billing_type": rng.choice(billing_types),
                "currency_id": (eur if rng.random() < 0.2 else usd).id,
                "budget_revenue": rng.randrange(50_000, 500_000, 1000),
                "budget_cost": rng.randrange(30_000, 300_000, 1000),
                "budget_hours": rng.randrange(200, 3000, 10),
                "etc_method": rng.choice(["remaining_budget", "burn_rate"]),
            }
            for index, project in enumerate(projects)
        ]
    )
    # Spread them over the pipeline (bench data: straight to the table, past the gates).
    stages = env["engagement.stage"].search([("is_closed", "=", False)])
    for stage in stages:
        env.cr.execute(
            "UPDATE engagement_engagement SET stage_id = %s WHERE id = ANY(%s)",
            [stage.id, [e.id for e in engagements if e.id % len(stages) == stage.id % len(stages)]],
        )
    print(f"  {len(engagements)} engagements and projects: {time.perf_counter() - started:.0f} s")

    # Timesheets and invoice/bill analytic lines, by COPY.
    started = time.perf_counter()
    hour = env.ref("uom.product_uom_hour")
    pairs = [(e.project_id.id, e.project_id.account_id.id) for e in engagements]
    costs = {employee.id: employee.hourly_cost for employee in employees}
    buffer = io.StringIO()
    columns = (
        "name, date, amount, unit_amount, account_id, project_id, employee_id, company_id, "
        "currency_id, product_uom_id, category, timesheet_invoice_type, create_uid, write_uid, "
        "create_date, write_date"
    )
    uid = env.uid
    for __ in range(args.timesheets):
        project_id, account_id = rng.choice(pairs)
        employee_id = rng.choice(employees.ids)
        hours = rng.choice([1.0, 2.0, 3.5, 4.0, 6.0, 8.0])
        buffer.write(
            f"Work\t{rng.choice(days)}\t{-hours * costs[employee_id]:.2f}\t{hours}\t{account_id}\t"
            f"{project_id}\t{employee_id}\t{company.id}\t{usd.id}\t{hour.id}\tother\t"
            f"non_billable\t{uid}\t{uid}\tnow\tnow\n"
        )
    real = min(args.real_moves, args.documents)
    for index in range(args.documents - real):
        __, account_id = rng.choice(pairs)
        if index % 2 == 0:  # a customer invoice line, 5 % credit notes
            category = "invoice"
            amount = rng.randrange(1000, 20000) * (-1 if rng.random() < 0.05 else 1)
        else:
            category = "vendor_bill"
            amount = -rng.randrange(500, 8000) * (-1 if rng.random() < 0.05 else 1)
        buffer.write(
            f"Document line\t{rng.choice(days)}\t{amount:.2f}\t1.0\t{account_id}\t\\N\t\\N\t"
            f"{company.id}\t{usd.id}\t\\N\t{category}\t\\N\t{uid}\t{uid}\tnow\tnow\n"
        )
    buffer.seek(0)
    env.flush_all()
    env.cr._obj.copy_expert(
        f"COPY account_analytic_line ({columns}) FROM STDIN WITH (FORMAT text)", buffer
    )
    print(
        f"  {args.timesheets} timesheet lines and {args.documents - real} invoice/bill "
        f"analytic lines by COPY: {time.perf_counter() - started:.0f} s"
    )

    # Real posted invoices and bills through the ORM.
    started = time.perf_counter()
    moves = env["account.move"].create(
        [
            {
                "move_type": "out_invoice" if index % 2 == 0 else "in_invoice",
                "partner_id": rng.choice(customers).id,
                "invoice_date": (day := rng.choice(days)),
                "date": day,
                "currency_id": (eur if rng.random() < 0.2 else usd).id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "quantity": 1,
                            "price_unit": rng.randrange(1000, 20000),
                            "tax_ids": [],
                            "analytic_distribution": {str(rng.choice(pairs)[1]): 100},
                        }
                    )
                ],
            }
            for index in range(real)
        ]
    )
    moves.action_post()
    elapsed = time.perf_counter() - started
    print(f"  {real} real posted invoices and bills through the ORM: {elapsed:.0f} s")
    env.cr.execute("ANALYZE account_analytic_line")
    env.cr.execute("ANALYZE engagement_engagement")
    env.cr.execute("ANALYZE project_project")


# ---------------------------------------------------------------------- measures

LIST_SPEC = {
    "code": {},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "project_manager_id": {"fields": {"display_name": {}}},
    "stage_id": {"fields": {"display_name": {}}},
    "billing_type": {},
    "date_end": {},
    "budget_revenue": {},
    "revenue_invoiced": {},
    "cost_actual": {},
    "margin": {},
    "margin_pct": {},
    "eac_cost": {},
    "forecast_margin_pct": {},
    "wip_amount": {},
    "health": {},
    "company_id": {"fields": {"display_name": {}}},
    "currency_id": {"fields": {}},
}


# Every figure the portfolio shows, by the names both the engagement and the
# engagement.portfolio.report SQL-view model (when it exists) give them.
PORTFOLIO_FIELDS = (
    "revised_revenue",
    "revenue_contracted",
    "revenue_invoiced",
    "cost_labour",
    "cost_bills",
    "cost_expenses",
    "cost_actual",
    "hours_actual",
    "margin",
    "margin_pct",
    "percent_complete",
    "etc_cost",
    "eac_cost",
    "forecast_margin_pct",
    "wip_amount",
)

# The anchor: the same analytic lines as the profitability pivot, grouped the same way
# (engagement manager × month), summed by PostgreSQL alone, with nothing of Odoo between.
# Revenue, cost and margin as the pivot sums them, and the hours besides.
ANCHOR_SQL = """
    SELECT e.user_id,
           date_trunc('month', aal.date) AS month,
           SUM(CASE WHEN aal.category = 'invoice' THEN aal.amount ELSE 0 END) AS revenue,
           SUM(CASE WHEN aal.category = 'invoice' THEN 0 ELSE -aal.amount END) AS cost,
           SUM(aal.amount) AS margin,
           SUM(aal.unit_amount) AS hours
      FROM account_analytic_line aal
      JOIN project_project p ON p.account_id = aal.account_id
      JOIN engagement_engagement e ON e.project_id = p.id
  GROUP BY e.user_id, date_trunc('month', aal.date)
"""

PIVOT_GROUPBY = ["user_id", "date:month"]
PIVOT_MEASURES = ["revenue:sum", "cost:sum", "margin:sum"]


@dataclass(frozen=True)
class Timing:
    """A measure: median seconds over warm runs, queries and seconds in SQL of the run
    whose time is the median."""

    seconds: float
    queries: int
    sql_seconds: float

    def describe(self):
        return (
            f"{format_ms(self.seconds)}, {self.queries} queries, "
            f"{format_ms(self.sql_seconds)} of it in SQL"
        )


def timed(env, function, runs):
    """Time ``function`` warm: one run off the clock, then ``runs`` runs each on an empty
    ORM cache; the median run, with its query count and the time its queries took
    (Odoo's cursor adds each query's time to the thread's ``query_time``)."""
    function()  # warm-up
    thread = threading.current_thread()
    measured = []
    for __ in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        thread.query_time = 0.0
        started = time.perf_counter()
        function()
        elapsed = time.perf_counter() - started
        measured.append(Timing(elapsed, env.cr.sql_log_count - before, thread.query_time))
    del thread.query_time
    measured.sort(key=lambda timing: timing.seconds)
    return measured[(len(measured) - 1) // 2]


def anchor_rows(cr):
    cr.execute(ANCHOR_SQL)
    return cr.fetchall()


def same_cells(pivot_groups, anchor):
    """Whether the pivot and the anchor have the same cells with the same margins
    (to the cent): the anchor must aggregate the very lines the pivot shows."""

    def key(user, month):
        return (user or False, str(month)[:7])

    ours = {
        key(group["user_id"] and group["user_id"][0], group["date:month"][0]): round(
            group["margin:sum"], 2
        )
        for group in pivot_groups
    }
    theirs = {key(user, month): round(margin, 2) for user, month, __, __, margin, __ in anchor}
    return ours == theirs


def portfolio_reader(fenv):
    """What the portfolio reads, as a function: every engagement's figures, from the
    engagement.portfolio.report SQL view where it exists, else through the ORM as the
    engagement.portfolio summary does today. Returns (description, function)."""
    if "engagement.portfolio.report" in fenv:
        report = fenv["engagement.portfolio.report"]
        fields = ["engagement_id", *(name for name in PORTFOLIO_FIELDS if name in report._fields)]
        return (
            f"engagement.portfolio.report search_read, {len(fields)} fields",
            lambda: report.search_read([], fields),
        )
    engagements = fenv["engagement.engagement"]
    fields = [name for name in PORTFOLIO_FIELDS if name in engagements._fields]
    return (
        f"engagement.engagement search + read through the ORM, {len(fields)} fields",
        lambda: engagements.search([]).read(fields),
    )


def measure(env, args):
    """Measure, print, and return the figures (seconds) and the goals."""
    finance = env["res.users"].search([("login", "=", "bench_finance")])
    fenv = env(user=finance)
    report = fenv["engagement.profitability.report"]
    engagements = fenv["engagement.engagement"]
    counts = (
        env["engagement.engagement"].search_count([]),
        env["account.analytic.line"].search_count([]),
    )
    print(
        f"Data: {counts[0]:,} engagements, {counts[1]:,} analytic lines; "
        f"warm, median of {args.runs} runs, as the finance user"
    )

    anchor = timed(env, lambda: anchor_rows(env.cr), args.runs)
    pivot = timed(
        env, lambda: report.formatted_read_group([], PIVOT_GROUPBY, PIVOT_MEASURES), args.runs
    )
    groups = report.formatted_read_group([], PIVOT_GROUPBY, PIVOT_MEASURES)
    checked = "same cells and margins" if same_cells(groups, anchor_rows(env.cr)) else "DIFFER"
    print(
        f"0. Anchor: plain SQL aggregate of the same lines, manager × month: "
        f"{format_ms(anchor.seconds)}"
    )
    print(
        f"1. Profitability pivot, manager × month ({len(groups)} cells; {checked} as the "
        f"anchor): {pivot.describe()}; pivot / anchor = "
        f"{format_ratio(ratio(pivot.seconds, anchor.seconds))}"
    )

    description, read_portfolio = portfolio_reader(fenv)
    portfolio = timed(env, read_portfolio, args.runs)
    print(
        f"2. Portfolio: all {counts[0]:,} engagements' figures ({description}): "
        f"{portfolio.describe()}; portfolio / anchor = "
        f"{format_ratio(ratio(portfolio.seconds, anchor.seconds))}"
    )

    lists = {}
    for rows in (80, 20):
        lists[rows] = timed(
            env,
            lambda rows=rows: engagements.web_search_read(
                [], LIST_SPEC, limit=rows, order="id desc"
            ),
            args.runs,
        )
        print(f"3. Engagement list, {rows} rows with financial columns: {lists[rows].describe()}")

    try:
        from odoo.addons.engagement_management.models.engagement_engagement import (
            FIGURE_FIELDS as figure_fields,
        )
    except ImportError:  # the constant moved: the portfolio's figures less the two stored
        figure_fields = PORTFOLIO_FIELDS[2:]

    page = engagements.search([], limit=80, order="id desc")
    figures = timed(env, lambda: page.read(list(figure_fields)), args.runs)
    projects = page.sudo().project_id

    def native():
        for project in projects:
            project._get_profitability_items(False)

    native_timing = timed(env, native, max(1, args.runs // 2))
    print(
        f"4. The same 80 engagements: Odoo's native _get_profitability_items per project "
        f"{native_timing.describe()}; the 80-row list {format_ms(lists[80].seconds)} "
        f"(their figures alone {format_ms(figures.seconds)}, {figures.queries} queries); "
        f"native / list = {format_ratio(ratio(native_timing.seconds, lists[80].seconds))}"
    )
    goals = [
        Goal("pivot / anchor", ratio(pivot.seconds, anchor.seconds), "<=", 2),
        Goal("portfolio / anchor", ratio(portfolio.seconds, anchor.seconds), "<=", 3),
        Goal("native / 80-row list", ratio(native_timing.seconds, lists[80].seconds), ">=", 50),
        Goal(
            f"list queries at 80 rows (at 20 rows: {lists[20].queries})",
            lists[80].queries,
            "==",
            lists[20].queries,
        ),
    ]
    if checked != "same cells and margins":
        goals.append(Goal("pivot cells that differ from the anchor's", 1, "==", 0))
    results = {
        "engagements": counts[0],
        "lines": counts[1],
        "anchor": anchor.seconds,
        "pivot": pivot.seconds,
        "pivot_sql": pivot.sql_seconds,
        "portfolio": portfolio.seconds,
        "portfolio_sql": portfolio.sql_seconds,
        "list80": lists[80].seconds,
        "list20": lists[20].seconds,
        "list80_queries": lists[80].queries,
        "list20_queries": lists[20].queries,
        "native80": native_timing.seconds,
    }
    return results, goals


def main():
    args = parse_args()
    registry = setup_odoo(args)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        existing = env["engagement.engagement"].search_count([("name", "=like", f"{MARK} %")])
        if existing < args.engagements:
            if existing:
                sys.exit(f"{args.db} holds a partial load ({existing} engagements): drop it")
            print(f"Generating the load in {args.db}:")
            started = time.perf_counter()
            generate(env, args)
            cr.commit()
            print(f"  generated in {time.perf_counter() - started:.0f} s")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        results, goals = measure(env, args)
        cr.rollback()
    print("Goals:")
    print(format_goals(goals))
    if args.json:
        results.update(scale=args.scale, db=args.db, runs=args.runs)
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    return 0 if all(goal.met for goal in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
