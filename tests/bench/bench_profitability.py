#!/usr/bin/env python3
"""Profitability at scale: a benchmark, not a test (pytest does not collect it).

    python3 tests/bench/bench_profitability.py --db em_bench --config odoo.conf

The database must have engagement_management installed (without demo data);
``scripts/bench`` creates one and runs this. The first run generates the load
(about 2,000 engagements, 200,000 timesheet lines, 20,000 posted invoice and bill
lines, USD and EUR); later runs reuse it. It then prints:

1. the profitability pivot (manager × month over all engagements), warm;
2. the engagement list, 80 rows with financial columns: queries and time, and the
   same for 20 rows (the query count must not grow with rows);
3. Odoo's native per-project profitability (``_get_profitability_items``) for the
   same 80 projects, against the engagement figures of those 80, and the ratio.

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
import logging
import random
import statistics
import sys
import time
from datetime import date, timedelta

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
    return parser.parse_args()


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


def timed(env, function, runs):
    """(median seconds, queries of the last run) over ``runs`` warm runs."""
    function()  # warm-up
    times = []
    queries = 0
    for __ in range(runs):
        env.invalidate_all()
        before = env.cr.sql_log_count
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
        queries = env.cr.sql_log_count - before
    return statistics.median(times), queries


def measure(env, args):
    finance = env["res.users"].search([("login", "=", "bench_finance")])
    fenv = env(user=finance)
    report = fenv["engagement.profitability.report"]
    engagements = fenv["engagement.engagement"]
    counts = (
        env["engagement.engagement"].search_count([]),
        env["account.analytic.line"].search_count([]),
    )
    print(f"Data: {counts[0]} engagements, {counts[1]} analytic lines")

    pivot_time, pivot_queries = timed(
        env,
        lambda: report.formatted_read_group(
            [], ["user_id", "date:month"], ["revenue:sum", "cost:sum", "margin:sum"]
        ),
        args.runs,
    )
    groups = len(report.formatted_read_group([], ["user_id", "date:month"], ["revenue:sum"]))
    print(
        f"1. Profitability pivot (manager × month, {groups} cells): "
        f"{pivot_time * 1000:.0f} ms warm (median of {args.runs}), {pivot_queries} queries"
    )

    results = {}
    for rows in (80, 20):
        list_time, list_queries = timed(
            env,
            lambda rows=rows: engagements.web_search_read(
                [], LIST_SPEC, limit=rows, order="id desc"
            ),
            args.runs,
        )
        results[rows] = (list_time, list_queries)
        print(
            f"2. Engagement list, {rows} rows with financial columns: "
            f"{list_queries} queries, {list_time * 1000:.0f} ms"
        )

    page = engagements.search([], limit=80, order="id desc")
    from odoo.addons.engagement_management.models.engagement_engagement import FIGURE_FIELDS

    ours_time, ours_queries = timed(env, lambda: page.read(list(FIGURE_FIELDS)), args.runs)
    projects = page.sudo().project_id

    def native():
        for project in projects:
            project._get_profitability_items(False)

    native_time, native_queries = timed(env, native, max(1, args.runs // 2))
    print(
        f"3. Same 80 engagements: engagement figures {ours_time * 1000:.0f} ms "
        f"({ours_queries} queries); Odoo's native _get_profitability_items per project "
        f"{native_time * 1000:.0f} ms ({native_queries} queries); "
        f"native / ours = {native_time / ours_time:.0f}x"
    )
    return pivot_time, results, ours_time, native_time


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
        pivot_time, lists, ours, native = measure(env, args)
        cr.rollback()
    ok = (
        pivot_time < 1.0
        and lists[80][1] == lists[20][1]
        and lists[80][1] <= 20
        and native / ours >= 20
    )
    print(
        "Goals (pivot < 1 s warm, list ≤ 20 queries constant, ≥ 20× native): "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
