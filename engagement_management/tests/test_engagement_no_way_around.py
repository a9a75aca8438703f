from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SIGNATURE_PNG, EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"


@tagged("post_install", "-at_install")
class TestEngagementNoWayAround(EngagementCommon):
    """Whatever the path (server action, import, a plain write), the workflow holds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement = cls._create_engagement()
        cls.engagement.message_subscribe(partner_ids=cls.pm.partner_id.ids)
        cls.Deliverable = cls.env["engagement.deliverable"]
        cls.ChangeOrder = cls.env["engagement.change.order"]

    def _messages(self, result):
        return " ".join(message["message"] for message in result["messages"])

    def test_a_server_action_moving_the_stage_is_gated(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Jump to planning",
                "model_id": self.env["ir.model"]._get_id("engagement.engagement"),
                "state": "code",
                "code": f"records.write({{'stage_id': {self.stage['planning'].id}}})",
            }
        )
        context = {
            "active_model": "engagement.engagement",
            "active_id": self.engagement.id,
            "active_ids": self.engagement.ids,
        }
        for user in (self.pm, self.manager):
            with self.assertRefused(UserError, "cannot move to"):
                action.with_user(user).with_context(**context).run()
        self.assertEqual(self.engagement.stage_id, self.stage["presales"])

    def test_a_deliverable_state_changes_through_its_workflow_only(self):
        brd = self._make_deliverable(self.engagement, BRD).with_user(self.pm)
        for values in (
            {"state": "signed"},
            {"state": "submitted"},
            {"review_state": "approved"},
            {"signed_by": "Nobody", "signed_on": "2026-01-01 10:00:00"},
        ):
            with self.assertRefused(UserError, "workflow"):
                brd.write(values)
        with self.assertRefused(UserError, "workflow"):
            self._make_deliverable(self.engagement, BRD, state="signed", signed_by="Nobody")
        self.assertEqual((brd.state, brd.review_state, brd.signed_by), ("draft", "none", False))
        # The workflow itself still works: submit, then the customer signs.
        brd.action_submit()
        for values in ({"state": "draft"}, {"submitted_on": False}):
            with self.assertRefused(UserError, "workflow"):
                brd.write(values)
        self.assertEqual(brd.state, "submitted")
        brd.sudo().action_sign("Carla Customer", signature=SIGNATURE_PNG)
        self.assertEqual(brd.state, "signed")

    def test_an_import_cannot_sign_a_deliverable_or_alter_a_signed_one(self):
        brd = self._make_deliverable(self.engagement, BRD)
        result = self.Deliverable.load([".id", "state"], [[str(brd.id), "signed"]])
        self.assertFalse(result["ids"])
        self.assertIn("workflow", self._messages(result))
        self.assertEqual(brd.state, "draft")
        signed = self._sign_deliverable(self.engagement, BRD)
        result = self.Deliverable.load([".id", "name"], [[str(signed.id), "Rewritten"]])
        self.assertFalse(result["ids"])
        self.assertIn("is signed and cannot be changed", self._messages(result))
        self.assertEqual(signed.name, "Business Requirements Document")

    def test_an_import_cannot_alter_an_applied_change_order_nor_its_state(self):
        co = self.ChangeOrder.create(
            {
                "engagement_id": self.engagement.id,
                "title": "Add the tariff simulator",
                "category": "scope",
                "revenue_delta": 1000.0,
            }
        )
        result = self.ChangeOrder.load([".id", "state"], [[str(co.id), "applied"]])
        self.assertFalse(result["ids"])
        self.assertIn("workflow buttons only", self._messages(result))
        self.assertEqual(co.state, "draft")
        co.action_submit()
        co.action_approve()
        co.action_sign("Ann Acme")
        co.action_apply()
        result = self.ChangeOrder.load([".id", "title"], [[str(co.id), "Quietly renamed"]])
        self.assertFalse(result["ids"])
        self.assertIn("is applied and cannot be changed", self._messages(result))
        self.assertEqual(co.title, "Add the tariff simulator")
        self.assertEqual(self.engagement.revised_revenue, 51000.0)
