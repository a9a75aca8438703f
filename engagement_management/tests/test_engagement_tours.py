from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestEngagementTours(HttpCase):
    """The main flows in a real browser (headless Chromium), as their users click them.

    The tours live in static/tests/tours/; each test prepares its data, plays the tour
    as a plain user, then checks in the database what the clicks did.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user = "engagement_management.group_engagement_user"
        # new_test_user's password is its login, which start_tour(login=...) uses.
        cls.sales = new_test_user(
            cls.env,
            "em_tour_sales",
            groups=f"{user},sales_team.group_sale_salesman",
            name="Sally Sales",
        )
        cls.pm = new_test_user(cls.env, "em_tour_pm", groups=user, name="Paula PM")
        cls.ba = new_test_user(cls.env, "em_tour_ba", groups=user, name="Bruno BA")
        cls.manager = new_test_user(
            cls.env,
            "em_tour_manager",
            groups="engagement_management.group_engagement_manager",
            name="Mona Manager",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Logistics", "is_company": True})
        cls.presales = cls.env.ref("engagement_management.engagement_stage_presales")

    def test_sales_converts_an_opportunity_from_the_crm(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Tour: ERP roll-out",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "user_id": self.sales.id,
                "expected_revenue": 42000.0,
                "project_manager_id": self.pm.id,
                "business_analyst_id": self.ba.id,
            }
        )

        self.start_tour("/odoo", "engagement_create_from_crm_tour", login=self.sales.login)

        engagement = lead.engagement_ids
        self.assertEqual(len(engagement), 1)
        self.assertRecordValues(
            engagement,
            [
                {
                    "name": "Tour: ERP roll-out, phase 1",
                    "partner_id": self.customer.id,
                    "sales_user_id": self.sales.id,
                    "user_id": self.sales.id,
                    "project_manager_id": self.pm.id,
                    "business_analyst_id": self.ba.id,
                    "stage_id": self.presales.id,
                    "budget_hours": 120.0,
                    # The sold figure travels, though sales may not read it back.
                    "budget_revenue": 42000.0,
                }
            ],
        )

    def test_drag_to_a_stage_whose_gates_fail_is_refused_on_the_kanban(self):
        engagement = self.env["engagement.engagement"].create(
            {
                "name": "Tour: Warehouse roll-out",
                "partner_id": self.customer.id,
                "user_id": self.manager.id,
                "project_manager_id": self.pm.id,
                "budget_revenue": 30000.0,
            }
        )
        before = engagement.date_last_stage_update

        self.start_tour("/odoo", "engagement_kanban_gate_refusal_tour", login=self.manager.login)

        self.env.invalidate_all()
        self.assertEqual(engagement.stage_id, self.presales)
        self.assertEqual(engagement.date_last_stage_update, before)
