#!/usr/bin/env python3
"""The benchmark database under concurrent users: a load run, not a test (pytest does
not collect it).

    python3 tests/bench/bench_load.py --db em_bench --config odoo.conf [--seconds 30]
        [--clients 20] [--workers 0] [--port N]

``scripts/bench`` runs it after the profitability figures. It starts a real Odoo server
on a free loopback port on the database, and ``--clients`` users of the engagement
groups (users, managers and finance, created or refreshed in the database, each
following ``--own`` open engagements and their business analyst, to write to them) call
it at once over XML-RPC, JSON-RPC and the web client's session for ``--seconds``
seconds. Each client loops over a mix of what its group does: read the engagement list
(with the financial columns where the group sees them), open an engagement's form, read
the profitability pivot (finance and managers), write a unique value into the
description of one of its engagements, and create a status report.
The same users, as often, also request Odoo's own counterparts, the anchors of the run:
the project list and a project's form (``project.project``), and Odoo's timesheet analysis
pivot (``timesheets.analysis.report``, employee × month, as its "By Employee" report;
managers and finance are timesheet approvers for it, so it covers every timesheet line of
the engagements' projects). Lists and forms read what the web client reads: the fields
of the model's default list and form view as each group gets them from ``get_views``.

It prints the requests and errors, the latency p50/p90/p99/max of each kind of request and
the throughput; then each of ours against Odoo's own, p50 and p90, with their ratios
(goals: list and form ≤ 1.5×, pivot ≤ 2×), for all users and for finance and managers
alone (whose lists carry the financial columns and all engagements); then checks that
nothing was lost: each engagement holds the last description its client was told was
saved, and every status report a client was told was created exists with its summary.
It fails (exit 1) on any error response, any ERROR in the server's log, anything lost,
or a ratio over its goal, after printing everything. Then it puts back what it changed
(descriptions, health, the status reports and the chatter messages of the run); the
users and what they follow stay for the next run.
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

from bench_profitability import setup_odoo  # noqa: E402

from emtools import odoo_server  # noqa: E402
from emtools.benchstats import (  # noqa: E402
    Comparison,
    Goal,
    compare,
    comparison_goals,
    format_comparisons,
    format_goals,
)
from emtools.loadstats import (  # noqa: E402
    Sample,
    format_figures,
    lost_creations,
    lost_writes,
    percentile,
    summarize,
)
from emtools.rpc import TRANSPORTS, Refused, ServerCrash  # noqa: E402
from emtools.webspec import spec_from_arch  # noqa: E402

MODULE = "engagement_management"
# Ten clients out of every ten: five plain users, three managers, two in finance.
ROLES = ("user",) * 5 + ("manager",) * 3 + ("finance",) * 2
TRANSPORT_CYCLE = ("web", "jsonrpc", "xmlrpc")
# What each group does, and how often (weights). Each of ours that Odoo has a counterpart
# of (list, form, pivot) is matched by Odoo's own, as often, by the same users.
MIX = {
    "user": {"list": 30, "form": 35, "write": 20, "create": 15},
    "manager": {"list": 25, "form": 25, "pivot": 15, "write": 20, "create": 15},
    "finance": {"list": 30, "form": 25, "pivot": 30, "write": 10, "create": 5},
}
COUNTERPARTS = {"list": "project_list", "form": "project_form", "pivot": "timesheet_pivot"}
for _mix in MIX.values():
    _mix.update({COUNTERPARTS[kind]: _mix[kind] for kind in list(_mix) if kind in COUNTERPARTS})
COMPARISONS = (
    Comparison("engagement list / project list", "list", "project_list", 1.5),
    Comparison("engagement form / project form", "form", "project_form", 1.5),
    Comparison("engagement pivot / timesheet pivot", "pivot", "timesheet_pivot", 2),
)
# The groups that read the profitability pivot also get Odoo's timesheet analysis, as
# approvers: every timesheet of a project they can see (all of them, here).
TIMESHEET_GROUP = "hr_timesheet.group_hr_timesheet_approver"
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
    parser.add_argument("--port", type=int, help="the server's HTTP port (default: a free one)")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.own < 1:
        parser.error("--clients, --seconds and --own must be positive")
    return args


def token_of(html):
    """The run's token in a stored description, else the description itself."""
    match = TOKEN_RE.search(html or "")
    return match.group(0) if match else html


def view_spec(env, model, view_type):
    """What the web client reads for ``model``'s default ``view_type`` (list or form) view
    as ``env``'s user gets it from ``get_views`` (nodes of groups the user lacks are gone)."""
    result = env[model].get_views([(False, view_type)])
    return spec_from_arch(result["views"][view_type]["arch"], model, result["models"], view_type)


# ---------------------------------------------------------------------- set-up


def password_of(login):
    return f"{login}-Load-Secret-19"


def prepare(env, args):
    """Create or refresh the load users, each following its own open engagements.

    Returns ``(people, engagement ids, project ids)``: people are dicts with login,
    password, role, own (ids of the engagements the person writes to, theirs alone),
    own_projects (their projects) and specs (what the web client reads for each list and
    form, as the person's group sees them)."""
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
    timesheets = env.ref(TIMESHEET_GROUP).id
    Users = env["res.users"].with_context(active_test=False, no_reset_password=True)
    people = []
    specs = {}
    for index in range(args.clients):
        number = index + 1
        role = ROLES[index % len(ROLES)]
        login = f"load_user_{number:02d}"
        values = {
            "name": f"Load {role.title()} {number:02d}",
            "password": password_of(login),
            "active": True,
            "group_ids": [Command.set([groups[role], *([timesheets] if role != "user" else [])])],
        }
        user = Users.search([("login", "=", login)])
        if user:
            user.write(values)
        else:
            user = Users.create({**values, "login": login, "email": f"{login}@example.com"})
        own = engagements[index :: args.clients][: args.own]
        own.message_subscribe(partner_ids=user.partner_id.ids)
        # Following an engagement grants reading it, never more: to write to its own
        # engagements and report on them, each user is their business analyst (bench
        # data: straight to the table, past the workflow guard and its tracking).
        env.cr.execute(
            "UPDATE engagement_engagement SET business_analyst_id = %s WHERE id = ANY(%s)",
            [user.id, own.ids],
        )
        own.invalidate_recordset(["business_analyst_id"])
        if role not in specs:
            user_env = env(user=user)
            specs[role] = {
                (model, view_type): view_spec(user_env, model, view_type)
                for model in ("engagement.engagement", "project.project")
                for view_type in ("list", "form")
            }
        people.append(
            {
                "login": login,
                "password": password_of(login),
                "role": role,
                "own": own.ids,
                "own_projects": own.project_id.ids,
                "specs": specs[role],
                "partner_id": user.partner_id.id,
                "transport": TRANSPORT_CYCLE[index % len(TRANSPORT_CYCLE)],
            }
        )
    return people, engagements.ids, engagements.project_id.ids


def snapshot(cr, engagement_ids):
    """{id: (description, health)} of the engagements, straight from the table."""
    cr.execute(
        "SELECT id, description, health FROM engagement_engagement WHERE id = ANY(%s)",
        [list(engagement_ids)],
    )
    return {row[0]: (row[1], row[2]) for row in cr.fetchall()}


# ---------------------------------------------------------------------- the clients


class Client(threading.Thread):
    def __init__(self, index, person, server, record_ids, run, seed):
        super().__init__(name=person["login"], daemon=True)
        self.index = index
        self.person = person
        self.server = server
        self.engagement_ids, self.project_ids = record_ids
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

    def _list(self, model):
        offset = self.rng.choice((0, 0, 0, 80, 160)) if self.sees_finance else 0
        self.rpc.call(
            model,
            "web_search_read",
            [],
            self.person["specs"][model, "list"],
            offset=offset,
            limit=80,
            order="",
            count_limit=10001,
        )

    def _form(self, model, every, own):
        record_id = self.rng.choice(every if self.sees_finance else own)
        self.rpc.call(model, "web_read", [record_id], self.person["specs"][model, "form"])

    def do_list(self):
        self._list("engagement.engagement")

    def do_project_list(self):
        self._list("project.project")

    def do_form(self):
        self._form("engagement.engagement", self.engagement_ids, self.person["own"])

    def do_project_form(self):
        self._form("project.project", self.project_ids, self.person["own_projects"])

    def do_pivot(self):
        self.rpc.call(
            "engagement.profitability.report",
            "formatted_read_group",
            [],
            ["user_id", "date:month"],
            ["revenue:sum", "cost:sum", "margin:sum"],
        )

    def do_timesheet_pivot(self):
        # Odoo's Timesheets > Reporting > By Employee: its action's domain, its pivot's
        # rows (employee), columns (month) and measures.
        self.rpc.call(
            "timesheets.analysis.report",
            "formatted_read_group",
            [("project_id", "!=", False)],
            ["employee_id", "date:month"],
            ["amount:sum", "unit_amount:sum"],
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
        people, engagement_ids, project_ids = prepare(env, args)
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
    for role in sorted(roles):
        specs = next(person["specs"] for person in people if person["role"] == role)
        print(
            f"  {role}: fields read (from the views) engagement list "
            f"{len(specs['engagement.engagement', 'list'])}, form "
            f"{len(specs['engagement.engagement', 'form'])}; project list "
            f"{len(specs['project.project', 'list'])}, form "
            f"{len(specs['project.project', 'form'])}"
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
    if args.port and not odoo_server.port_is_free(args.port):
        sys.exit(f"port {args.port} is in use")
    port = args.port or odoo_server.free_port()
    server = odoo_server.OdooServer(settings, args.db, port, log_path)
    run = RunState(args.clients, args.seconds)
    clients = [
        Client(index, person, server, (engagement_ids, project_ids), run, args.seed)
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
    figures = summarize(samples)
    print(format_figures(figures, elapsed))
    everyone = compare(figures, COMPARISONS)
    finance = compare(
        summarize([s for client in clients if client.sees_finance for s in client.samples]),
        [comparison for comparison in COMPARISONS if comparison.ours != "pivot"],
    )
    print("Ours against Odoo's own, same run, same users (ms, ours / Odoo's; ratio):")
    print(format_comparisons(everyone))
    print("Finance and managers alone (financial columns, every engagement):")
    print(format_comparisons(finance))
    goals = comparison_goals(everyone) + comparison_goals(finance, " (finance, managers)")
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
    goals += [
        Goal("error responses", len(errors), "==", 0),
        Goal("errors in the server log", len(server_errors), "==", 0),
        Goal("lost writes", len(lost), "==", 0),
    ]
    if len(everyone) < len(COMPARISONS):
        goals.append(Goal("comparisons without both kinds requested", 1, "==", 0))
    print("Goals:")
    print(format_goals(goals))
    clean = not errors and not server_errors and not lost and bool(samples)
    print("Load: " + ("no error, nothing lost" if clean else "FAILED"))
    return 0 if clean and all(goal.met for goal in goals) else 1


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
        # Straight to the table: health changes through workflow buttons only, and the
        # description was never the run's to keep.
        for engagement_id, (description, health) in before.items():
            cr.execute(
                "UPDATE engagement_engagement SET description = %s, health = %s WHERE id = %s",
                [description, health, engagement_id],
            )
        env.invalidate_all()
        cr.commit()
    print(f"  restored {len(before)} engagements, deleted {len(reports)} status reports")


if __name__ == "__main__":
    sys.exit(main())
