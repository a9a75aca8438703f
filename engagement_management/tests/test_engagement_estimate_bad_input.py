from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .estimate_common import EstimateCommon


@tagged("post_install", "-at_install")
class TestEngagementEstimateBadInput(EstimateCommon):
    """What makes no sense in an estimate is refused, and nothing changes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.estimate = cls._new_estimate()

    def _add_line(self, user=None, **values):
        vals = {
            "estimate_id": self.estimate.id,
            "phase": "Run",
            "name": "Hypercare",
            "role_id": self.role_dev.id,
            "hours": 10.0,
        }
        vals.update(values)
        return self.env["engagement.estimate.line"].with_user(user or self.ba).create(vals)

    def assertUnchanged(self):
        self.estimate.invalidate_recordset()
        self.assertEqual(len(self.estimate.line_ids), 3)
        self.assertEqual(self.estimate.revenue_total, 20900.0)

    def test_negative_hours_or_rates(self):
        with self.assertRefused(ValidationError, "cannot be negative"):
            self._add_line(hours=-5.0)
        with self.assertRefused(ValidationError, "cannot be negative"):
            self._add_line(self.manager, bill_rate=-100.0, rate_override_reason="Discount")
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.estimate.line_ids[0].with_user(self.ba).write({"hours": -1.0})
        with self.assertRefused(ValidationError, "cannot be negative"):
            self.card.line_ids[0].write({"cost_rate": -1.0})
        self.assertUnchanged()
        self.assertEqual(self.card.line_ids[0].cost_rate, 80.0)

    def test_a_line_needs_a_role(self):
        with self.assertRefused(ValidationError, "needs a role"):
            self._add_line(role_id=False)
        with self.assertRefused(ValidationError, "needs a role"):
            self.estimate.line_ids[0].with_user(self.ba).write({"role_id": False})
        self.assertUnchanged()

    def test_another_rate_needs_a_reason(self):
        with self.assertRefused(ValidationError, "say why"):
            self._add_line(self.manager, bill_rate=50.0)
        with self.assertRefused(ValidationError, "say why"):
            self.estimate.line_ids[1].with_user(self.manager).write({"bill_rate": 50.0})
        with self.assertRefused(ValidationError, "say why"):
            self.estimate.line_ids[1].with_user(self.manager).write({"cost_rate": 10.0})
        self.assertUnchanged()

    def test_a_rate_card_of_another_company_or_currency(self):
        other_company = self.env["engagement.rate.card"].create(
            {"name": "Other company's rates", "company_id": self.company_b.id}
        )
        other_currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.company.currency_id.id)], limit=1)
        )
        other_currency.active = True
        foreign = self.env["engagement.rate.card"].create(
            {"name": "Foreign rates", "currency_id": other_currency.id}
        )
        with self.assertRaises(UserError):
            self.estimate.with_user(self.manager).write({"rate_card_id": other_company.id})
        with self.assertRefused(ValidationError, "is in"):
            self.estimate.with_user(self.ba).write(
                {"rate_card_id": foreign.id, "currency_id": self.company.currency_id.id}
            )
        with self.assertRefused(ValidationError, "is in"):
            self.Estimate.with_user(self.ba).create(
                {
                    "lead_id": self.lead.id,
                    "rate_card_id": foreign.id,
                    "currency_id": self.company.currency_id.id,
                }
            )
        self.assertEqual(self.estimate.rate_card_id, self.card)
        self.assertUnchanged()
        # A card an estimate is priced with keeps its currency.
        with self.assertRefused(ValidationError, "keeps its currency"):
            self.card.currency_id = other_currency

    def test_an_estimate_prices_something_and_submits_something(self):
        with self.assertRefused(ValidationError, "prices an opportunity or an engagement"):
            self.Estimate.with_user(self.manager).create({"name": "Nothing"})
        empty = self.Estimate.with_user(self.ba).create({"lead_id": self.lead.id})
        with self.assertRefused(UserError, "no work breakdown"):
            empty.with_user(self.ba).action_submit()
        self.assertEqual(empty.state, "draft")
        with self.assertRefused(UserError, "cannot be approved"):
            empty.with_user(self.manager).action_approve()

    def test_the_rate_card_lists_each_role_once_with_a_service(self):
        goods = self.env["product.product"].create({"name": "Laptop", "type": "consu"})
        with self.assertRefused(ValidationError, "is sold as a service"):
            self.card.line_ids[0].product_id = goods
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.card.write(
                    {"line_ids": [Command.create({"role_id": self.role_dev.id, "bill_rate": 1.0})]}
                )
                self.env.flush_all()
        self.assertEqual(len(self.card.line_ids), 3)
