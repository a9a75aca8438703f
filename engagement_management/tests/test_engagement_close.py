from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EngagementCommon

BRD = "engagement_management.engagement_deliverable_type_brd"


@tagged("post_install", "-at_install")
class TestEngagementClose(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "ops@acme.example.com"
        cls.engagement = cls._create_engagement(date_start="2026-01-01", date_end="2026-12-31")
        cls.engagement.project_id = cls.env["project.project"].create({"name": "Delivery"})

    def _walk_to(self, stage_key):
        self._confirm_gates(self.engagement, self.stage[stage_key])
        self.engagement.action_move_to_stage(self.stage[stage_key])

    def test_entering_post_implementation_asks_the_customer_for_a_rating(self):
        self._walk_to("acceptance")
        self.assertFalse(self.engagement.rating_ids)
        self._walk_to("post_implementation")
        rating = self.engagement.rating_ids
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.partner_id, self.customer)
        request = self.env["mail.mail"].search([("recipient_ids", "in", self.customer.ids)])
        request = request.filtered(lambda mail: "/rate/" in str(mail.body_html))
        self.assertEqual(len(request), 1, "the request email carries the rating link")
        self.assertIn(f"/rate/{rating.access_token}/5", str(request.body_html))
        # The link rates for the customer: it is in no thread an employee reads.
        self.assertFalse(
            self.engagement.message_ids.filtered(lambda m: rating.access_token in m.body)
        )
        self.assertFalse(request.model)

    def test_the_rating_is_stored_and_averaged(self):
        self._walk_to("post_implementation")
        token = self.engagement.rating_ids.access_token
        self.engagement.rating_apply(4, token=token, feedback="Solid delivery")
        self.assertEqual(self.engagement.satisfaction_score, 4.0)
        self.assertEqual(self.engagement.rating_ids.feedback, "Solid delivery")
        second = self.engagement._rating_get_access_token(
            self.env["res.partner"].create({"name": "Acme CFO", "parent_id": self.customer.id})
        )
        self.engagement.rating_apply(2, token=second)
        self.assertEqual(self.engagement.satisfaction_score, 3.0)

        other = self._create_engagement(name="Second", user_id=self.manager.id)
        other.rating_apply(5, token=other._rating_get_access_token())
        groups = self.env["engagement.engagement"]._read_group(
            [("id", "in", (self.engagement | other).ids)],
            ["user_id"],
            ["satisfaction_score:avg"],
        )
        self.assertEqual(groups, [(self.manager, 4.0)], "(3 + 5) / 2 by engagement manager")

    def test_closing_needs_lessons_learned_and_every_deliverable_settled(self):
        self._walk_to("post_implementation")
        open_brd = self._make_deliverable(self.engagement, BRD, name="BRD addendum")
        self.env["engagement.gate.line"].search(
            [("engagement_id", "=", self.engagement.id), ("state", "=", "pending")]
        ).sudo().action_confirm()
        with self.assertRaises(UserError) as refusal:
            self.engagement.action_move_to_stage(self.stage["closed"])
        self.assertIn("Lessons Learned is not set", str(refusal.exception))
        self.assertIn("BRD addendum", str(refusal.exception))

        self.engagement.lessons_learned = "<p><br></p>"
        with self.assertRefused(UserError, "Lessons Learned is not set"):
            self.engagement.action_move_to_stage(self.stage["closed"])

        self.engagement.lessons_learned = "<p>Agree KPIs early.</p>"
        open_brd.action_cancel()
        self.engagement.action_move_to_stage(self.stage["closed"])
        self.assertEqual(self.engagement.stage_id, self.stage["closed"])
