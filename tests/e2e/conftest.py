"""End-to-end fixtures: a real Odoo server on a scratch database, and its users.

The suites here drive the server as integrations and people do (XML-RPC, JSON-RPC, the web
client's session), each call as a plain user of one group. Nothing here imports odoo.

Fixtures for new flows (change orders, portal sign-off, profitability):
- ``login_as(person, via="xmlrpc"|"jsonrpc"|"web")`` gives a client for one of PEOPLE;
- ``admin`` is the database administrator's XML-RPC client (for set-up only: the stories
  themselves run as the plain users);
- ``ref(xmlid)`` resolves an XML id (as the administrator);
- ``stage`` maps the pipeline's keys (``presales``, ``contracting``...) to ids;
- ``new_opportunity(**values)`` creates an opportunity as sales, with PM and BA;
- ``expect_refusal(*texts, kind=...)`` (emtools.rpc) asserts a refusal naming each text.
Add people to PEOPLE (e.g. a portal customer for sign-off) rather than creating users in
a test.
"""

import itertools
import signal

import pytest

from emtools import odoo_server
from emtools.rpc import TRANSPORTS, XmlRpc

ENGAGEMENT = "engagement_management"

# Who takes part, and the groups they have (XML ids). Each gets a password of their own.
PEOPLE = {
    "sales": (
        "Sally Sales",
        [f"{ENGAGEMENT}.group_engagement_user", "sales_team.group_sale_salesman"],
    ),
    "pm": ("Paula PM", [f"{ENGAGEMENT}.group_engagement_user"]),
    "ba": ("Bruno BA", [f"{ENGAGEMENT}.group_engagement_user"]),
    "manager": (
        "Mona Manager",
        [f"{ENGAGEMENT}.group_engagement_manager", "sales_team.group_sale_salesman_all_leads"],
    ),
    "finance": ("Fiona Finance", [f"{ENGAGEMENT}.group_engagement_finance"]),
    "admin": ("Adam Admin", [f"{ENGAGEMENT}.group_engagement_admin"]),
    # Reviews the Statement of Work before it goes to the customer.
    "legal": (
        "Lena Legal",
        [f"{ENGAGEMENT}.group_engagement_user", f"{ENGAGEMENT}.group_engagement_legal"],
    ),
    # An employee of the company with no engagement rights at all.
    "employee": ("Eve Employee", ["base.group_user"]),
}
STAGES = (
    "presales",
    "contracting",
    "requirements",
    "planning",
    "execution",
    "acceptance",
    "post_implementation",
    "closed",
    "cancelled",
)
DB_ADMIN = ("admin", "admin")  # the demo database's administrator
_OPPORTUNITY_NUMBERS = itertools.count(1)


def _login(person):
    return f"e2e_{person}"


def _password(person):
    return f"e2e-{person}-Secret-19"


@pytest.fixture(scope="session")
def odoo():
    """The running server (``.url``, ``.db``, ``.log_path``), stopped and dropped at the end.

    Fails (never skips) when scripts/test's environment is missing. At the end, any
    ERROR record in the server's log (a traceback nobody asked for) fails the run too.
    """
    problem = None
    try:
        settings = odoo_server.Settings.from_env()
    except odoo_server.ServerSetupError as error:
        problem = str(error)
    if problem:
        pytest.fail(problem, pytrace=False)
    # scripts/test is stopped with SIGTERM on CI timeouts: turn it into an interrupt so
    # the teardown below (stop the server, drop the database) still runs.
    previous = signal.getsignal(signal.SIGTERM)

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupt)
    server = None
    try:
        with odoo_server.scratch_server(settings) as server:
            yield server
    except odoo_server.ServerSetupError as error:
        problem = str(error)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if problem:
        pytest.fail(problem, pytrace=False)
    errors = odoo_server.log_errors(server.log_path)
    if errors:
        pytest.fail(
            f"the server logged {len(errors)} error(s) ({server.log_path}):\n" + "\n".join(errors),
            pytrace=False,
        )


@pytest.fixture(scope="session")
def admin(odoo):
    return XmlRpc(odoo.url, odoo.db, *DB_ADMIN)


@pytest.fixture(scope="session")
def people(odoo, admin):
    """Create every person of PEOPLE through RPC as the administrator: {person: user id}."""
    ids = {}
    for person, (name, groups) in PEOPLE.items():
        ids[person] = admin.call(
            "res.users",
            "create",
            {
                "name": name,
                "login": _login(person),
                "email": f"{_login(person)}@example.com",
                "password": _password(person),
                "group_ids": [(6, 0, [admin.ref(xmlid) for xmlid in groups])],
            },
        )
    return ids


@pytest.fixture(scope="session")
def login_as(odoo, people):
    """``login_as("manager", via="jsonrpc")``: a logged-in client for that person."""
    cache = {}

    def login(person, via="xmlrpc"):
        if person not in people:
            raise KeyError(f"{person} is not one of {sorted(people)}: add them to PEOPLE")
        key = (person, via)
        if key not in cache:
            cache[key] = TRANSPORTS[via](odoo.url, odoo.db, _login(person), _password(person))
        return cache[key]

    return login


@pytest.fixture(scope="session")
def ref(admin):
    """``ref("engagement_management.mt_engagement_stage")``: an XML id's database id.

    Resolved as the administrator: plain users may not read ir.model.data.
    """
    cache = {}

    def resolve(xmlid):
        if xmlid not in cache:
            cache[xmlid] = admin.ref(xmlid)
        return cache[xmlid]

    return resolve


@pytest.fixture(scope="session")
def stage(ref):
    return {key: ref(f"{ENGAGEMENT}.engagement_stage_{key}") for key in STAGES}


@pytest.fixture(scope="session")
def customer(admin):
    return admin.call(
        "res.partner", "create", {"name": "Northwind Traders (e2e)", "is_company": True}
    )


@pytest.fixture
def new_opportunity(login_as, people, customer):
    """Sales records a qualified opportunity, PM and BA named in presales; returns its id."""

    def create(**values):
        sales = login_as("sales")
        vals = {
            "name": f"Data platform roll-out #{next(_OPPORTUNITY_NUMBERS)}",
            "type": "opportunity",
            "partner_id": customer,
            "user_id": people["sales"],
            "expected_revenue": 84000.0,
            "project_manager_id": people["pm"],
            "business_analyst_id": people["ba"],
        }
        vals.update(values)
        return sales.call("crm.lead", "create", vals)

    return create
