from http import HTTPStatus

from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .access_matrix import GROUPS, OPERATIONS, RECORD, expected, expected_actions
from .access_matrix_common import BRD, AccessMatrixCommon

ACCESS_ERROR = "odoo.exceptions.AccessError"
# What a refused call must leave as it was, besides the record it was made on.
COUNTED_MODELS = (
    "engagement.engagement",
    "engagement.stage",
    "engagement.stage.gate",
    "engagement.gate.line",
    "engagement.deliverable.type",
    "engagement.deliverable",
    "engagement.change.order",
    "engagement.template",
    "engagement.template.estimate.line",
    "engagement.status.report",
    "engagement.margin.review",
    "engagement.margin.review.line",
    "engagement.rate.card",
    "engagement.rate.card.line",
    "engagement.estimate",
    "engagement.estimate.line",
    "project.project",
    "sale.order.line",
    "mail.message",
    "mail.activity",
)


@tagged("post_install", "-at_install")
class TestEngagementAccessMatrixRpc(HttpCase, AccessMatrixCommon):
    """The access matrix through the JSON-2 API, as an integration calls it: each group's
    user with their own API key; for the public group, calls without a key.

    Allowed: the call succeeds. Refused: an access error (HTTP 403; 401 without a key)
    and nothing changed.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api_keys = {
            key: cls.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate("rpc", "Access matrix", None)
            for key, user in cls.users.items()
            if key != "public"
        }
        cls._setup_record_calls()

    @classmethod
    def _setup_record_calls(cls):
        """Per model, the record each operation is tried on and the values it sends:
        the RECORD table's sample, except where deleting it would fail for a reason
        that is not about rights (a record other records point to, or a change order
        past its draft, which is cancelled, not deleted)."""
        samples = cls.samples
        engagement = samples["engagement.engagement"]
        spare = cls._create_engagement(name="Spare engagement")
        spare_stage = cls.env["engagement.stage"].create({"name": "Spare", "sequence": 95})
        spare_gate = cls.env["engagement.stage.gate"].create(
            {"stage_id": spare_stage.id, "name": "Spare item", "gate_type": "checklist"}
        )
        # A gate line is created by creating it again (an engagement has one per gate).
        spare_line = spare.gate_line_ids[:1]
        spare_line_values = {"engagement_id": spare.id, "gate_id": spare_line.gate_id.id}
        spare_line.unlink()
        spare_type = cls.env["engagement.deliverable.type"].create({"name": "Spare type"})
        draft_order = cls.env["engagement.change.order"].create(
            {
                "engagement_id": engagement.id,
                "title": "Spare change",
                "category": "scope",
                "revenue_delta": 10.0,
            }
        )
        review = samples["engagement.margin.review"]
        line = samples["engagement.margin.review.line"]
        # model: (write values, create values, record to delete)
        spare_roles = cls.env["project.role"].create(
            [{"name": "Matrix spare role"}, {"name": "Matrix spare role 2"}]
        )
        calls = {
            "engagement.engagement": (
                {"name": "Warehouse system (renamed)"},
                {
                    "name": "Another system",
                    "partner_id": cls.customer.id,
                    "user_id": cls.manager.id,
                    "project_manager_id": cls.pm.id,
                    "business_analyst_id": cls.ba.id,
                },
                spare,
            ),
            "engagement.stage": ({"name": "Planning (renamed)"}, {"name": "Audit"}, spare_stage),
            "engagement.stage.gate": (
                {"name": "Renamed criterion"},
                {"stage_id": spare_stage.id, "name": "Audit done", "gate_type": "checklist"},
                spare_gate,
            ),
            # Its state is the workflow's (action_confirm): the write names its gate again.
            "engagement.gate.line": (
                {"gate_id": samples["engagement.gate.line"].gate_id.id},
                spare_line_values,
                spare.gate_line_ids.exists()[:1],
            ),
            "engagement.deliverable.type": (
                {"name": "BRD (renamed)"},
                {"name": "Audit"},
                spare_type,
            ),
            "engagement.deliverable": (
                {"name": "BRD (renamed)"},
                {
                    "engagement_id": engagement.id,
                    "type_id": cls.env.ref(BRD).id,
                    "name": "BRD v2",
                },
                samples["engagement.deliverable"],
            ),
            "engagement.change.order": (
                {"countersigned_filename": "copy.pdf"},
                {
                    "engagement_id": engagement.id,
                    "title": "Add a report",
                    "category": "scope",
                    "revenue_delta": 500.0,
                },
                draft_order,
            ),
            "engagement.template": (
                {"name": "ERP (renamed)"},
                {"name": "CRM"},
                samples["engagement.template"],
            ),
            "engagement.template.estimate.line": (
                {"hours": 12.0},
                {
                    "template_id": samples["engagement.template"].id,
                    "phase": "Run",
                    "name": "Hypercare",
                    "role_id": cls.matrix_role.id,
                },
                cls.env["engagement.template.estimate.line"].create(
                    {
                        "template_id": samples["engagement.template"].id,
                        "phase": "Run",
                        "name": "Spare",
                        "role_id": cls.matrix_role.id,
                    }
                ),
            ),
            "engagement.status.report": (
                {"summary": "Slipping."},
                {
                    "engagement_id": engagement.id,
                    "date": "2026-03-08",
                    "health": "amber",
                    "summary": "Slipping.",
                },
                samples["engagement.status.report"],
            ),
            "engagement.margin.review": (
                {"name": "January (renamed)"},
                {"name": "May", "date_from": "2025-05-01", "date_to": "2025-05-31"},
                review,
            ),
            "engagement.margin.review.line": (
                {"comment": "Checked."},
                {
                    "review_id": review.id,
                    "engagement_id": spare.id,
                    "currency_id": spare.currency_id.id,
                },
                line,
            ),
            "engagement.profitability.report": (
                {"engagement_id": engagement.id},
                {"engagement_id": engagement.id},
                samples["engagement.profitability.report"],
            ),
            "engagement.portfolio.report": (
                {"engagement_id": engagement.id},
                {"engagement_id": engagement.id},
                samples["engagement.portfolio.report"],
            ),
            "engagement.burnup.report": (
                {"engagement_id": engagement.id},
                {"engagement_id": engagement.id},
                samples["engagement.burnup.report"],
            ),
            "engagement.revenue.forecast": (
                {"engagement_id": engagement.id},
                {"engagement_id": engagement.id},
                samples["engagement.revenue.forecast"],
            ),
            "engagement.rate.card": (
                {"name": "Matrix rates (renamed)"},
                {"name": "Partner rates"},
                cls.env["engagement.rate.card"].create({"name": "Spare rates"}),
            ),
            "engagement.rate.card.line": (
                {"bill_rate": 110.0},
                {"rate_card_id": cls.matrix_card.id, "role_id": spare_roles[0].id},
                cls.env["engagement.rate.card.line"].create(
                    {"rate_card_id": cls.matrix_card.id, "role_id": spare_roles[1].id}
                ),
            ),
            "engagement.estimate": (
                {"contingency_pct": 5.0},
                {"engagement_id": engagement.id, "name": "Second opinion"},
                cls._matrix_estimate(engagement),
            ),
            "engagement.estimate.line": (
                {"hours": 12.0},
                {
                    "estimate_id": samples["engagement.estimate"].id,
                    "phase": "Run",
                    "name": "Hypercare",
                    "role_id": cls.matrix_role.id,
                },
                cls.env["engagement.estimate.line"].create(
                    {
                        "estimate_id": samples["engagement.estimate"].id,
                        "phase": "Run",
                        "name": "Spare",
                        "role_id": cls.matrix_role.id,
                    }
                ),
            ),
            "engagement.raid.item": (
                {"name": "Test data from the warehouse, anonymised"},
                {"engagement_id": engagement.id, "kind": "risk", "name": "Key user leaves"},
                cls.env["engagement.raid.item"].create(
                    {"engagement_id": engagement.id, "kind": "issue", "name": "Spare issue"}
                ),
            ),
        }
        assert set(calls) == set(samples), set(calls) ^ set(samples)
        cls.record_calls = calls

    # ------------------------------------------------------------------ helpers

    def _call(self, group, model, method, **params):
        headers = {}
        if group != "public":
            headers["Authorization"] = f"Bearer {self.api_keys[group]}"
        return self.url_open(f"/json/2/{model}/{method}", json=params, headers=headers)

    def _snapshot(self, record):
        """The record's row and how many rows each table of COUNTED_MODELS has, in two
        queries: it is taken twice for each of some 400 refused calls."""
        cr = self.env.cr
        cr.execute(
            SQL("SELECT * FROM %s AS t WHERE t.id IN %s", record._table_sql, tuple(record.ids))
        )
        row = cr.fetchall()
        cr.execute(
            SQL(
                "SELECT %s",
                SQL(", ").join(
                    SQL("(SELECT count(*) FROM %s)", SQL.identifier(self.env[model]._table))
                    for model in COUNTED_MODELS
                ),
            )
        )
        return row, dict(zip(COUNTED_MODELS, cr.fetchone(), strict=True))

    def assertAllowed(self, response):
        self.assertEqual(response.status_code, HTTPStatus.OK, response.text)

    def assertRefused(self, group, response):
        """403 with an access error; anonymous calls do not get that far (401)."""
        if group == "public":
            self.assertEqual(response.status_code, HTTPStatus.UNAUTHORIZED, response.text)
            return
        self.assertEqual(response.status_code, HTTPStatus.FORBIDDEN, response.text)
        self.assertEqual(response.json()["name"], ACCESS_ERROR, response.text)

    def _record_of(self, model, operation):
        return self.record_calls[model][2] if operation == "unlink" else self.samples[model]

    def _record_call(self, group, model, operation):
        write_values, create_values, _to_delete = self.record_calls[model]
        record = self._record_of(model, operation)
        if operation == "read":
            return self._call(group, model, "read", ids=record.ids, fields=["display_name"])
        if operation == "write":
            return self._call(group, model, "write", ids=record.ids, vals=write_values)
        if operation == "create":
            return self._call(group, model, "create", vals_list=[create_values])
        return self._call(group, model, "unlink", ids=record.ids)

    def _action_call(self, group, case):
        if case.create is None:
            return self._call(group, case.model, case.method, ids=case.record.ids, **case.kwargs)
        response = self._call(group, case.model, "create", vals_list=[case.create])
        if response.status_code != HTTPStatus.OK:
            return response
        return self._call(group, case.model, case.method, ids=response.json(), **case.kwargs)

    # ------------------------------------------------------------------ tests

    def test_every_group_has_its_own_key(self):
        """Each key opens the API as its user and nobody else. Anonymous visitors are the
        public user, which is inactive and holds no key: the public cells are calls
        without a key, refused before any model is reached."""
        APIKeys = self.env["res.users.apikeys"]
        self.assertEqual(set(self.api_keys) | {"public"}, {key for key, _x, _l in GROUPS})
        for group, api_key in self.api_keys.items():
            user_id = APIKeys._check_credentials(scope="rpc", key=api_key)
            self.assertEqual(user_id, self.users[group].id)
        self.assertFalse(self.env.ref("base.public_user").active)

    def test_rights_on_a_record_over_rpc(self):
        for model in self.samples:
            for group, rights in expected(RECORD, model).items():
                for _letter, operation in OPERATIONS:
                    with self.subTest(model=model, group=group, operation=operation):
                        with self.rolled_back():
                            record = self._record_of(model, operation)
                            if rights[operation]:
                                response = self._record_call(group, model, operation)
                                self.assertAllowed(response)
                            else:
                                before = self._snapshot(record)
                                response = self._record_call(group, model, operation)
                                self.assertRefused(group, response)
                                self.assertEqual(self._snapshot(record), before)

    def test_each_action_over_rpc(self):
        for key, allowed_by_group in expected_actions().items():
            case = self.action_cases[key]
            for group, allowed in allowed_by_group.items():
                with self.subTest(action=key, group=group), self.rolled_back():
                    case.make_member(self.users[group])
                    if allowed:
                        self.assertAllowed(self._action_call(group, case))
                    else:
                        before = self._snapshot(case.record)
                        self.assertRefused(group, self._action_call(group, case))
                        self.assertEqual(self._snapshot(case.record), before)
