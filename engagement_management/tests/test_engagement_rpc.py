from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEngagementRpc(HttpCase):
    """Integrations drive engagements over XML-RPC as plain users: the same gates hold."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sales = new_test_user(
            cls.env,
            "em_rpc_sales",
            password="em_rpc_sales_pw",
            groups="engagement_management.group_engagement_user,sales_team.group_sale_salesman",
        )
        cls.customer = cls.env["res.partner"].create({"name": "RPC Customer", "is_company": True})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "RPC deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.sales.id,
                "expected_revenue": 5000.0,
            }
        )
        cls.contracting = cls.env.ref("engagement_management.engagement_stage_contracting")

    def _call(self, model, method, *args):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, self.sales.id, "em_rpc_sales_pw", model, method, list(args)
        )

    def test_plain_user_over_rpc_creates_and_is_refused_at_the_gate(self):
        action = self._call("crm.lead", "action_create_engagement", [self.lead.id])
        engagement = self.env["engagement.engagement"].browse(action["res_id"])
        self.assertEqual(engagement.lead_id, self.lead)

        with self.assertRaises(Fault) as refusal:
            self._call(
                "engagement.engagement", "write", [engagement.id], {"stage_id": self.contracting.id}
            )
        self.assertIn("Project Manager is not set", refusal.exception.faultString)
        self.assertIn("Business Analyst is not set", refusal.exception.faultString)

        with self.assertRaises(Fault) as refusal:
            self._call(
                "engagement.engagement",
                "action_move_to_stage",
                [engagement.id],
                self.contracting.id,
            )
        self.assertIn("Project Manager is not set", refusal.exception.faultString)

        with self.assertRaises(Fault) as refusal:
            self._call(
                "engagement.engagement",
                "action_override_stage",
                [engagement.id],
                self.contracting.id,
                "because",
            )
        self.assertIn("Only engagement administrators", refusal.exception.faultString)

        self.env.invalidate_all()
        self.assertEqual(engagement.stage_id.name, "Presales")

        with self.assertRaises(Fault):
            self._call("crm.lead", "action_create_engagement", [self.lead.id])
