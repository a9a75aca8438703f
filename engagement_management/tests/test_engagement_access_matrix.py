from odoo.tests import new_test_user, tagged

from .access_matrix import ACL, GROUPS, OPERATIONS, RECORD, expected
from .common import SIGNATURE_PNG, EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"


@tagged("post_install", "-at_install")
class TestEngagementAccessMatrix(EngagementCommon):
    """Every model of the addon, every group, every operation: as the table says.

    The table (tests/access_matrix.py) is also the README's access matrix, so what the
    README promises is what this test checks.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for key, xmlid, label in GROUPS:
            cls.users[key] = new_test_user(
                cls.env, f"em_matrix_{key}", groups=xmlid, name=f"Matrix {label}"
            )
        # The portal user works for the customer of the sample engagement.
        cls.users["portal"].partner_id.parent_id = cls.customer
        # One record of each model, in the users' company, of an engagement none of
        # them is a member of (its people are the common manager, PM and BA).
        engagement = cls._create_engagement()
        project = cls.env["project.project"].create(
            {"name": "Warehouse system", "partner_id": cls.customer.id}
        )
        if not project.account_id:
            project._create_analytic_account()
        engagement.project_id = project
        cls.env["account.analytic.line"].create(
            {"name": "Travel", "account_id": project.account_id.id, "amount": -120.0}
        )
        deliverable = cls._make_deliverable(engagement, BRD)
        deliverable.action_submit()
        change_order = cls.env["engagement.change.order"].create(
            {
                "engagement_id": engagement.id,
                "title": "Add the tariff simulator",
                "category": "scope",
                "revenue_delta": 1000.0,
            }
        )
        change_order.action_submit()
        review = cls.env["engagement.margin.review"].create(
            {"name": "January", "date_from": "2025-01-01", "date_to": "2025-01-31"}
        )
        review.action_start()
        cls.samples = {
            "engagement.engagement": engagement,
            "engagement.stage": cls.stage["planning"],
            "engagement.stage.gate": cls.stage["planning"].gate_ids[:1],
            "engagement.gate.line": engagement.gate_line_ids[:1],
            "engagement.deliverable.type": deliverable.type_id,
            "engagement.deliverable": deliverable,
            "engagement.change.order": change_order,
            "engagement.template": cls.env["engagement.template"].create({"name": "ERP"}),
            "engagement.status.report": cls.env["engagement.status.report"].create(
                {
                    "engagement_id": engagement.id,
                    "date": "2026-03-01",
                    "health": "green",
                    "summary": "On track.",
                }
            ),
            "engagement.margin.review": review,
            "engagement.margin.review.line": review.line_ids.filtered(
                lambda line: line.engagement_id == engagement
            ),
            "engagement.profitability.report": cls.env["engagement.profitability.report"].search(
                [("engagement_id", "=", engagement.id)], limit=1
            ),
        }
        assert SIGNATURE_PNG  # the portal and signature suites use it; the sample is unsigned

    def test_the_table_covers_every_model_of_the_addon(self):
        model_ids = self.env["ir.model.data"].search(
            [("module", "=", "engagement_management"), ("model", "=", "ir.model")]
        )
        models = [
            model.model
            for model in self.env["ir.model"].browse(model_ids.mapped("res_id"))
            if model.model.startswith("engagement.") and not self.env[model.model]._abstract
        ]
        self.assertEqual(sorted(models), sorted(ACL))
        self.assertEqual(sorted(RECORD), sorted(ACL))
        for model, record in self.samples.items():
            self.assertEqual(len(record), 1, f"no sample record of {model}")

    def test_access_rights_of_each_group_on_each_model(self):
        for model in ACL:
            for key, rights in expected(ACL, model).items():
                Model = self.env[model].with_user(self.users[key])
                for _letter, operation in OPERATIONS:
                    with self.subTest(model=model, group=key, operation=operation):
                        self.assertEqual(Model.has_access(operation), rights[operation])

    def test_rights_on_a_record_of_an_engagement_they_are_not_member_of(self):
        for model, record in self.samples.items():
            for key, rights in expected(RECORD, model).items():
                as_user = record.with_user(self.users[key])
                for _letter, operation in OPERATIONS:
                    with self.subTest(model=model, group=key, operation=operation):
                        self.assertEqual(as_user.has_access(operation), rights[operation])
                if rights["read"]:
                    # has_access is what the ORM checks; reading for real agrees.
                    as_user.read(["display_name"])
