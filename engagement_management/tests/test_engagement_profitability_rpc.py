from xmlrpc.client import Fault

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEngagementProfitabilityRpc(HttpCase):
    """Over RPC too, the figures, the report and the reviews are Finance's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user = "engagement_management.group_engagement_user"
        cls.pm = new_test_user(cls.env, "em_rpc_pm", password="em_rpc_pm_pw", groups=user)
        cls.finance = new_test_user(
            cls.env,
            "em_rpc_finance",
            password="em_rpc_finance_pw",
            groups="engagement_management.group_engagement_finance",
        )
        customer = cls.env["res.partner"].create({"name": "RPC Customer", "is_company": True})
        cls.engagement = cls.env["engagement.engagement"].create(
            {"name": "RPC engagement", "partner_id": customer.id, "user_id": cls.pm.id}
        )

    def _call(self, user, password, model, method, *args, **kwargs):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, password, model, method, list(args), kwargs
        )

    def test_a_user_without_finance_reads_no_figure_over_rpc(self):
        pm = (self.pm, "em_rpc_pm_pw")
        [row] = self._call(*pm, "engagement.engagement", "read", [self.engagement.id], ["name"])
        self.assertEqual(row["name"], "RPC engagement")
        for field in ("margin", "revenue_invoiced", "cost_actual", "eac_cost"):
            with self.assertRaises(Fault):
                self._call(*pm, "engagement.engagement", "read", [self.engagement.id], [field])
        for model in ("engagement.profitability.report", "engagement.margin.review"):
            with self.assertRaises(Fault):
                self._call(*pm, model, "search_read", [], fields=["id"])
        with self.assertRaises(Fault):
            self._call(
                *pm,
                "engagement.profitability.report",
                "formatted_read_group",
                [],
                [],
                ["revenue:sum"],
            )

        finance = (self.finance, "em_rpc_finance_pw")
        [row] = self._call(
            *finance, "engagement.engagement", "read", [self.engagement.id], ["margin"]
        )
        self.assertEqual(row["margin"], 0.0)
        # Finance reads the report; this engagement has no line in it yet.
        self.assertEqual(
            self._call(
                *finance,
                "engagement.profitability.report",
                "search_read",
                [("engagement_id", "=", self.engagement.id)],
                fields=["id"],
            ),
            [],
        )
