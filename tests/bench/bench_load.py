#!/usr/bin/env python3
"""The benchmark database under concurrent users: a load run, not a test (pytest does
not collect it).

    python3 tests/bench/bench_load.py --db em_bench --config odoo.conf [--seconds 30]
        [--clients 20] [--workers 0]

``scripts/bench`` runs it after the profitability figures. It starts a real Odoo server
on a free loopback port on the database, and ``--clients`` users of the engagement groups
(users, managers and finance, created or refreshed in the database, each following
``--own`` open engagements) call it at once over XML-RPC, JSON-RPC and the web client's
session for ``--seconds`` seconds. Each client loops over a mix of what its group does:
read the engagement list (with the financial columns where the group sees them), open an
engagement's form, read the profitability pivot (finance and managers), write a unique
value into the description of one of its engagements, and create a status report.

It prints the requests and errors, the latency p50/p90/p99/max of each kind of request and
the throughput, then checks that nothing was lost: each engagement holds the last
description its client was told was saved, and every status report a client was told was
created exists with its summary. It fails (exit 1) on any error response, any ERROR in
the server's log, or anything lost. Then it puts back what it changed (descriptions,
health, the status reports and the chatter messages of the run); the users and what they
follow stay for the next run.
"""

import argparse
import configparser
import random
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
from collections import Counter
from http.client import HTTPException
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH_DIR.parent), str(BENCH_DIR)]

from bench_profitability import LIST_SPEC, setup_odoo  # noqa: E402

from emtools import odoo_server  # noqa: E402
from emtools.loadstats import (  # noqa: E402
    Sample,
    format_figures,
    lost_creations,
    lost_writes,
    percentile,
    summarize,
)
from emtools.rpc import TRANSPORTS, Refused, ServerCrash  # noqa: E402

MODULE = "engagement_management"
# Ten clients out of every ten: five plain users, three managers, two in finance.
ROLES = ("user",) * 5 + ("manager",) * 3 + ("finance",) * 2
TRANSPORT_CYCLE = ("web", "jsonrpc", "xmlrpc")
# What each group does, and how often (weights).
MIX = {
    "user": {"list": 30, "form": 35, "write": 20, "create": 15},
    "manager": {"list": 25, "form": 25, "pivot": 15, "write": 20, "create": 15},
    "finance": {"list": 30, "form": 25, "pivot": 30, "write": 10, "create": 5},
}
FINANCE_FIELDS = {
    "budget_revenue",
    "revenue_invoiced",
    "cost_actual",
    "margin",
    "margin_pct",
    "eac_cost",
    "forecast_margin_pct",
    "wip_amount",
}
USER_LIST_SPEC = {name: spec for name, spec in LIST_SPEC.items() if name not in FINANCE_FIELDS}
FORM_SPEC = {
    "code": {},
    "name": {},
    "partner_id": {"fields": {"display_name": {}}},
    "stage_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "project_manager_id": {"fields": {"display_name": {}}},
    "business_analyst_id": {"fields": {"display_name": {}}},
    "sales_user_id": {"fields": {"display_name": {}}},
    "project_id": {"fields": {"display_name": {}}},
    "billing_type": {},
    "date_start": {},
    "date_end": {},
    "health": {},
    "description": {},
    "next_stage_missing": {},
    "next_stage_ready": {},
    "status_report_ids": {
        "fields": {"date": {}, "health": {}, "summary": {}, "user_id": {"fields": {}}},
        "limit": 40,
    },
    "deliverable_ids": {"fields": {"name": {}, "state": {}, "version": {}}, "limit": 40},
    "company_id": {"fields": {}},
    "currency_id": {"fields": {}},
}
FINANCE_FORM_SPEC = {
    **FORM_SPEC,
    **{
        name: {}
        for name in (
            "budget_revenue",
            "budget_cost",
            "budget_hours",
            "revised_revenue",
            "revised_cost",
            "revenue_contracted",
            "revenue_invoiced",
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
    },
}
TOKEN_RE = re.compile(r"LOAD-[0-9a-f]+-c\d+-\d+")
# No answer: the request may or may not have been carried out.
NO_ANSWER = (urllib.error.URLError, HTTPException, ConnectionError, TimeoutError, OSError)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="em_bench")
    parser.add_argument("--config", required=True, help="the Odoo config file")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the run")
    parser.add_argument("--clients", type=int, default=20, help="concurrent users")
    parser.add_argument("--own", type=int, default=5, help="engagements each user follows")
    parser.add_argument("--workers", type=int, default=0, help="Odoo HTTP workers (0: threaded)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.own < 1:
        parser.error("--clients, --seconds and --own must be positive")
    return args


def token_of(html):
    """The run's token in a stored description, else the description itself."""
    match = TOKEN_RE.search(html or "")
    return match.group(0) if match else html


# ---------------------------------------------------------------------- set-up


def password_of(login):
    return f"{login}-Load-Secret-19"


def prepare(env, args):
    """Create or refresh the load users, each following its own open engagements.

    Returns ``(people, engagement ids)``: people are dicts with login, password, role
    and own (ids of the engagements the person writes to, theirs alone)."""
    from odoo import Command

    engagements = env["engagement.engagement"].search([("is_closed", "=", False)], order="id")
    if len(engagements) < args.clients * args.own:
        sys.exit(
            f"{args.db} has {len(engagements)} open engagements; the load needs "
            f"{args.clients * args.own} ({args.clients} clients x {args.own})"
        )
    groups = {
        role: env.ref(f"{MODULE}.group_engagement_{role}").id
        for role in ("user", "manager", "finance")
    }
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    people = []
    for index in range(args.clients):
        number = index + 1
        role = ROLES[index % len(ROLES)]
        login = f"load_user_{number:02d}"
        values = {
            "name": f"Load {role.title()} {number:02d}",
            "password": password_of(login),
            "active": True,
            "group_ids": [Command.set([groups[role]])],
        }
        user = Users.search([("login", "=", login)])
        if user:
            user.write(values)
        else:
            user = Users.create({**values, "login": login, "email": f"{login}@example.com"})
        own = engagements[index :: args.clients][: args.own]
        own.message_subscribe(partner_ids=user.partner_id.ids)
        people.append(
            {
                "login": login,
                "password": password_of(login),
                "role": role,
                "own": own.ids,
                "partner_id": user.partner_id.id,
                "transport": TRANSPORT_CYCLE[index % len(TRANSPORT_CYCLE)],
            }
        )
    return people, engagements.ids


def snapshot(cr, engagement_ids):
    """{id: (description, health)} of the engagements, straight from the table."""
    cr.execute(
        "SELECT id, description, health FROM engagement_engagement WHERE id = ANY(%s)",
        [list(engagement_ids)],
    )
    return {row[0]: (row[1], row[2]) for row in cr.fetchall()}


# ---------------------------------------------------------------------- the clients


class Client(threading.Thread):
    def __init__(self, index, person, server, engagement_ids, run, seed):
        super().__init__(name=person["login"], daemon=True)
        self.index = index
        self.person = person
        self.server = server
        self.engagement_ids = engagement_ids
        self.run_state = run
        self.rng = random.Random(seed * 1000 + index)
        self.sees_finance = person["role"] in ("manager", "finance")
        self.kinds, self.weights = zip(*MIX[person["role"]].items(), strict=True)
        self.samples = []
        self.warmup = []
        self.login_sample = None
        self.writes = []  # (engagement id, token, outcome)
        self.created = {}  # status report id: token
        self.sequence = 0
        self.rpc = None

    def run(self):
        started = time.perf_counter()
        try:
            self.rpc = TRANSPORTS[self.person["transport"]](
                self.server.url, self.server.db, self.person["login"], self.person["password"]
            )
            self.login_sample = Sample("login", time.perf_counter() - started)
        except Exception as error:  # noqa: BLE001 - every failure is reported
            self.login_sample = Sample("login", time.perf_counter() - started, describe(error))
        if self.rpc is not None:
            # Once each, off the clock: the first calls of a new user fill the server's
            # caches (access rules, groups), which a run of seconds would mostly measure.
            for kind in self.kinds:
                self.once(kind, self.warmup)
        self.run_state.barrier.wait()
        if self.rpc is None:
            return
        while time.monotonic() < self.run_state.deadline:
            self.once(self.rng.choices(self.kinds, self.weights)[0], self.samples)

    def once(self, kind, samples):
        request = getattr(self, f"do_{kind}")
        before = time.perf_counter()
        error, outcome = None, True
        try:
            request()
        except (Refused, ServerCrash) as refusal:
            error, outcome = describe(refusal), False
        except NO_ANSWER as lost:
            error, outcome = describe(lost), None
        elapsed = time.perf_counter() - before
        samples.append(Sample(kind, elapsed, error))
        if kind == "write":
            self.writes[-1] = (*self.writes[-1][:2], outcome)
        return outcome

    def token(self):
        self.sequence += 1
        return f"LOAD-{self.run_state.run_id}-c{self.index:02d}-{self.sequence:06d}"

    def do_list(self):
        spec = LIST_SPEC if self.sees_finance else USER_LIST_SPEC
        offset = self.rng.choice((0, 0, 0, 80, 160)) if self.sees_finance else 0
        self.rpc.call(
            "engagement.engagement",
            "web_search_read",
            [],
            spec,
            offset=offset,
            limit=80,
            order="",
            count_limit=10001,
        )

    def do_form(self):
        pool = self.engagement_ids if self.sees_finance else self.person["own"]
        spec = FINANCE_FORM_SPEC if self.sees_finance else FORM_SPEC
        self.rpc.call("engagement.engagement", "web_read", [self.rng.choice(pool)], spec)

    def do_pivot(self):
        self.rpc.call(
            "engagement.profitability.report",
            "formatted_read_group",
            [],
            ["user_id", "date:month"],
            ["revenue:sum", "cost:sum", "margin:sum"],
        )

    def do_write(self):
        engagement_id, token = self.rng.choice(self.person["own"]), self.token()
        self.writes.append((engagement_id, token, None))
        self.rpc.call(
            "engagement.engagement", "write", [engagement_id], {"description": f"<p>{token}</p>"}
        )

    def do_create(self):
        token = self.token()
        report_id = self.rpc.call(
            "engagement.status.report",
            "create",
            {
                "engagement_id": self.rng.choice(self.person["own"]),
                "summary": token,
                "health": self.rng.choice(("green", "amber", "red")),
            },
        )
        self.created[report_id] = token


class RunState:
    def __init__(self, clients, seconds):
        self.run_id = secrets.token_hex(3)
        self.seconds = seconds
        self.deadline = None
        self.started = None
        self.barrier = threading.Barrier(clients, action=self.start_clock)

    def start_clock(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds


def describe(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:200]


# ---------------------------------------------------------------------- main


def addons_path_of(config):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(config)
    return parser["options"].get("addons_path", "")


def main():
    args = parse_args()
    registry = setup_odoo(args)
    from odoo import SUPERUSER_ID, api

    print(f"Load: {args.clients} clients for {args.seconds:.0f} s on {args.db}")
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        people, engagement_ids = prepare(env, args)
        cr.commit()
        written = {engagement for person in people for engagement in person["own"]}
        before = snapshot(cr, written)
    roles = Counter(person["role"] for person in people)
    print(
        "  users: "
        + ", ".join(f"{count} {role}" for role, count in sorted(roles.items()))
        + f"; each follows {args.own} engagements; transports "
        + "/".join(TRANSPORT_CYCLE)
    )

    workdir = Path(tempfile.mkdtemp(prefix="em_load_"))
    settings = odoo_server.Settings(
        template_db=args.db,
        config=Path(args.config),
        addons_path=addons_path_of(args.config),
        http_port=None,
        workdir=workdir,
    )
    log_path = workdir / "odoo.log"
    server = odoo_server.OdooServer(settings, args.db, odoo_server.free_port(), log_path)
    run = RunState(args.clients, args.seconds)
    clients = [
        Client(index, person, server, engagement_ids, run, args.seed)
        for index, person in enumerate(people)
    ]
    try:
        server.start(workers=args.workers)
        mode = f"{args.workers} workers" if args.workers else "threaded"
        print(f"  server: {server.url} ({mode}), log {log_path} (kept if the run fails)")
        for client in clients:
            client.start()
        for client in clients:
            client.join(args.seconds + 600)
        elapsed = time.monotonic() - run.started
    finally:
        server.stop()
    server_errors = odoo_server.log_errors(log_path)
    status = report(registry, run, clients, elapsed, before, server_errors)
    if status == 0:  # else keep the server's log to read
        shutil.rmtree(workdir, ignore_errors=True)
    return status


def report(registry, run, clients, elapsed, before, server_errors):
    logins = [client.login_sample for client in clients]
    warmup = [sample for client in clients for sample in client.warmup]
    samples = [sample for client in clients for sample in client.samples]
    errors = [sample.error for sample in logins + warmup + samples if sample.error]
    for label, group in (("logins", logins), ("warm-up requests", warmup)):
        times = [sample.seconds for sample in group if sample.error is None]
        print(
            f"  {len(group)} {label}, off the clock: p50 {percentile(times, 50) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms"
            if times
            else f"  {len(group)} {label}, none succeeded"
        )
    print(f"Requests: {len(samples)} in {elapsed:.1f} s, {len(samples) / elapsed:.1f} per second")
    print(format_figures(summarize(samples), elapsed))
    print(f"Errors: {len(errors)} responses, {len(server_errors)} in the server log")
    for text, count in Counter(errors).most_common(5):
        print(f"  {count} x {text}")
    for record in server_errors[:3]:
        print("  server: " + record.splitlines()[0])

    attempts = [write for client in clients for write in client.writes]
    created = {rid: token for client in clients for rid, token in client.created.items()}
    with registry.cursor() as cr:
        after = snapshot(cr, before)
        cr.execute(
            "SELECT id, summary FROM engagement_status_report WHERE id = ANY(%s)", [list(created)]
        )
        existing = dict(cr.fetchall())
    lost = lost_writes(
        attempts,
        {eid: token_of(value[0]) for eid, value in before.items()},
        {eid: token_of(value[0]) for eid, value in after.items()},
    ) + lost_creations(created, existing)
    acknowledged = sum(1 for __, __, outcome in attempts if outcome)
    print(
        f"Lost writes: {len(lost)} ({acknowledged} acknowledged description writes on "
        f"{len(before)} engagements, {len(created)} status reports created)"
    )
    for problem in lost[:10]:
        print(f"  {problem}")

    restore(registry, before, run.run_id, [client.person["partner_id"] for client in clients])
    ok = not errors and not server_errors and not lost and bool(samples)
    print("Load: " + ("no error, nothing lost" if ok else "FAILED"))
    return 0 if ok else 1


def restore(registry, before, run_id, partner_ids):
    """Put back the descriptions and health, delete the run's status reports (those a
    client never heard back about too) and the chatter messages of the run's users."""
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        reports = env["engagement.status.report"].search([("summary", "=like", f"LOAD-{run_id}-%")])
        reports.unlink()
        env["mail.message"].search(
            [("model", "=", "engagement.engagement"), ("author_id", "in", partner_ids)]
        ).unlink()
        for engagement in env["engagement.engagement"].browse(list(before)):
            description, health = before[engagement.id]
            engagement.write({"description": description, "health": health})
        cr.commit()
    print(f"  restored {len(before)} engagements, deleted {len(reports)} status reports")


if __name__ == "__main__":
    sys.exit(main())
