from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementAccess(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engagement = cls._create_engagement()
        cls.engagement_b = cls.env["engagement.engagement"].create(
            {
                "name": "Store roll-out",
                "partner_id": cls.customer_b.id,
                "company_id": cls.company_b.id,
                "currency_id": cls.company_b.currency_id.id,
                "user_id": cls.manager_b.id,
            }
        )
        cls.Engagement = cls.env["engagement.engagement"]

    def _visible(self, user):
        return self.Engagement.with_user(user).search(
            [("id", "in", (self.engagement | self.engagement_b).ids)]
        )

    def test_user_sees_only_engagements_they_belong_to(self):
        self.assertEqual(self._visible(self.pm), self.engagement)
        self.assertEqual(self._visible(self.ba), self.engagement)
        self.assertFalse(self._visible(self.outsider))
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.outsider).read(["name"])
        self.engagement.message_subscribe(partner_ids=self.outsider.partner_id.ids)
        self.assertEqual(self._visible(self.outsider), self.engagement, "followers are members")

    def test_manager_and_finance_see_all_of_their_company(self):
        self.assertEqual(self._visible(self.manager), self.engagement)
        self.assertEqual(self._visible(self.finance), self.engagement)
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.finance).write({"name": "Renamed by finance"})

    def test_company_b_sees_nothing_of_company_a(self):
        self.assertEqual(self._visible(self.manager_b), self.engagement_b)
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.manager_b).read(["name"])
        lines_b = self.env["engagement.gate.line"].with_user(self.manager_b).search([])
        self.assertFalse(lines_b.engagement_id - self.engagement_b)

    def test_financial_fields_for_finance_and_managers_only(self):
        self.assertEqual(self.engagement.with_user(self.finance).budget_revenue, 50000.0)
        self.assertEqual(self.engagement.with_user(self.manager).revised_revenue, 50000.0)
        for field in (
            "budget_revenue",
            "budget_cost",
            "revised_revenue",
            "revenue_contracted",
            "target_margin_pct",
        ):
            with self.assertRaises(AccessError, msg=field):
                self.engagement.with_user(self.pm).read([field])
        # The form opens for them: the restricted fields are simply not in it.
        arch = self.Engagement.with_user(self.pm).get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertNotIn('name="budget_revenue"', arch)
        arch = self.Engagement.with_user(self.finance).get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="budget_revenue"', arch)

    def test_every_field_a_user_is_shown_can_be_read_by_that_user(self):
        """The views a user gets must not ask for what they may not read: a field shown
        to everyone but computed from a restricted one fails only at run time."""
        self.engagement.message_subscribe(partner_ids=self.sales.partner_id.ids)
        for user in (self.pm, self.sales, self.finance, self.manager):
            Engagement = self.Engagement.with_user(user)
            for view_type in ("form", "list", "kanban"):
                views = Engagement.get_views([(False, view_type)])
                names = list(views["models"]["engagement.engagement"]["fields"])
                self.env.invalidate_all()
                Engagement.browse(self.engagement.id).read(names)

    def test_configuration_is_for_administrators(self):
        stage = self.stage["planning"]
        with self.assertRaises(AccessError):
            stage.with_user(self.manager).write({"name": "Plan"})
        with self.assertRaises(AccessError):
            self.env["engagement.stage.gate"].with_user(self.manager).create(
                {"name": "x", "stage_id": stage.id, "gate_type": "checklist"}
            )
        stage.with_user(self.admin).write({"name": "Plan"})
        self.assertEqual(stage.name, "Plan")

    def test_users_cannot_delete_engagements(self):
        with self.assertRaises(AccessError):
            self.engagement.with_user(self.pm).unlink()
        self.assertTrue(self.engagement.exists())
