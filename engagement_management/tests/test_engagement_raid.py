from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import EngagementCommon, customer_mails

NOW = datetime(2026, 3, 16, 9, 0, 0)
TODAY = date(2026, 3, 16)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestEngagementRaid(EngagementCommon):
    """The PM keeps the engagement's risks, assumptions, issues and dependencies in one
    log, with owners and scores; the gates, the health, the attention list, the digest and
    the status reports see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database's transaction time too (create_date: "new" high risks).
        cls.startClassPatcher(patch.object(cls.env.cr, "now", lambda: NOW))
        cls.company.engagement_raid_high_score = 15
        cls.engagement = cls._create_engagement()
        cls.Raid = cls.env["engagement.raid.item"]

    def _risk(self, name, probability, impact, **values):
        return self.Raid.with_user(self.pm).create(
            {
                "engagement_id": self.engagement.id,
                "kind": "risk",
                "name": name,
                "probability": str(probability),
                "impact": str(impact),
                **values,
            }
        )

    # ------------------------------------------------------------------ the log

    def test_the_pm_logs_a_risk_scored_probability_times_impact(self):
        key_user = self._risk("Key user away in March", 4, 4, owner_id=self.ba.id)
        printer = self._risk("Label printer late", 3, 4)
        self.assertEqual((key_user.score, printer.score), (16, 12))
        # 16 reaches the company's 15; 12 does not.
        self.assertEqual((key_user.is_high, printer.is_high), (True, False))
        mine = [("engagement_id", "=", self.engagement.id)]
        self.assertEqual(self.Raid.search([*mine, ("is_high", "=", True)]), key_user)
        self.assertEqual(self.Raid.search([*mine, ("is_high", "=", False)]), printer)
        key_user.write({"impact": "3"})
        self.assertEqual((key_user.score, key_user.is_high), (12, False))
        key_user.write({"impact": "5", "state": "closed"})
        self.assertEqual((key_user.score, key_user.is_high), (20, False))
        self.assertEqual(self.engagement.raid_open_count, 1)
        # An assumption scores, but is never a high risk.
        assumption = self.Raid.create(
            {
                "engagement_id": self.engagement.id,
                "kind": "assumption",
                "name": "Test data is anonymised by the customer",
                "probability": "5",
                "impact": "5",
            }
        )
        self.assertFalse(assumption.is_high)
        self.assertEqual(self.engagement.raid_open_count, 2)

    def test_the_score_is_computed_never_typed(self):
        risk = self._risk("Key user away in March", 2, 2)
        with self.assertRefused(UserError, "(score)"):
            risk.with_user(self.pm).write({"score": 25})
        with self.assertRefused(UserError, "(score)"):
            self._risk("Forged", 1, 1, score=25)
        self.assertEqual(risk.score, 4)

    def test_a_risk_becomes_a_change_order_of_its_own_engagement_only(self):
        risk = self._risk("Scope of the returns module unclear", 4, 3)
        order = self.env["engagement.change.order"].create(
            {
                "engagement_id": self.engagement.id,
                "title": "Returns module",
                "category": "scope",
                "revenue_delta": 4000.0,
            }
        )
        risk.with_user(self.pm).change_order_id = order
        self.assertEqual(risk.change_order_id, order)
        other = self._create_engagement(name="Other")
        other_order = self.env["engagement.change.order"].create(
            {"engagement_id": other.id, "title": "X", "category": "scope", "revenue_delta": 1.0}
        )
        with self.assertRefused(ValidationError, "its own engagement"):
            risk.with_user(self.pm).change_order_id = other_order

    def test_a_customer_owned_dependency_belongs_to_the_customer(self):
        carla = self.env["res.partner"].create(
            {"name": "Carla Customer", "parent_id": self.customer.id}
        )
        dependency = self.Raid.with_user(self.pm).create(
            {
                "engagement_id": self.engagement.id,
                "kind": "dependency",
                "name": "Test data from the warehouse",
                "partner_id": carla.id,
            }
        )
        self.assertEqual(dependency.partner_id, carla)
        stranger = self.env["res.partner"].create({"name": "Zed", "is_company": True})
        with self.assertRefused(ValidationError, "does not work for Acme Logistics"):
            dependency.with_user(self.pm).partner_id = stranger

    def test_estimate_assumptions_become_raid_assumptions(self):
        """The presales estimate's hook: one open assumption per line, owned by the PM."""
        text = "- The customer provides test data\n\n  * Go-live before the summer \n   \n"
        items = self.Raid._create_from_assumptions(self.engagement, text)
        self.assertEqual(
            [(item.kind, item.name, item.state, item.owner_id) for item in items],
            [
                ("assumption", "The customer provides test data", "open", self.pm),
                ("assumption", "Go-live before the summer", "open", self.pm),
            ],
        )
        self.assertFalse(self.Raid._create_from_assumptions(self.engagement, "\n \n"))
        self.assertFalse(self.Raid._create_from_assumptions(self.engagement, False))

    # ------------------------------------------------------------------ access

    def test_members_edit_their_log_followers_read_it_outsiders_see_nothing(self):
        risk = self._risk("Key user away in March", 4, 4)
        risk.with_user(self.ba).write({"mitigation": "Train a second key user."})
        self.assertEqual(risk.mitigation, "Train a second key user.")
        with self.assertRaises(AccessError):
            risk.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            self.Raid.with_user(self.outsider).create(
                {"engagement_id": self.engagement.id, "kind": "risk", "name": "Forged"}
            )
        self.engagement.message_subscribe(partner_ids=self.outsider.partner_id.ids)
        risk.with_user(self.outsider).read(["name"])
        with self.assertRaises(AccessError):
            risk.with_user(self.outsider).write({"state": "closed"})
        with self.assertRaises(AccessError):
            risk.with_user(self.pm).unlink()
        self.assertEqual(risk.state, "open")
        # Another company's manager sees nothing of it.
        with self.assertRaises(AccessError):
            risk.with_user(self.manager_b).read(["name"])

    # ------------------------------------------------------------------ the gate

    def test_a_high_risk_holds_the_gate_that_asks_for_none_naming_it(self):
        gate = self.env["engagement.stage.gate"].create(
            {
                "stage_id": self.stage["contracting"].id,
                "name": "No open high risk",
                "gate_type": "no_open_high_risk",
                "raid_score_threshold": 16,
            }
        )
        risk = self._risk("Key user away in March", 4, 4)
        self._risk("Label printer late", 3, 5)  # 15: under this gate's 16
        self._confirm_gates(self.engagement, self.stage["contracting"])
        with self.assertRefused(UserError, "Key user away in March (16)") as refusal:
            self.engagement.with_user(self.pm).action_move_to_stage(self.stage["contracting"])
        self.assertNotIn("Label printer late", str(refusal.exception))
        self.assertIn("risks still open with a score of 16 or more", str(refusal.exception))
        self.assertEqual(self.engagement.stage_id, self.stage["presales"])
        # Mitigating is not closing.
        risk.state = "mitigating"
        with self.assertRefused(UserError, "Key user away in March"):
            self.engagement.with_user(self.pm).action_move_to_stage(self.stage["contracting"])
        risk.state = "closed"
        self.engagement.with_user(self.pm).action_move_to_stage(self.stage["contracting"])
        self.assertEqual(self.engagement.stage_id, self.stage["contracting"])
        with self.assertRefused(ValidationError, "from 1 to 25"):
            gate.raid_score_threshold = 30

    def test_a_member_cannot_archive_a_high_risk_off_the_gate(self):
        self.env["engagement.stage.gate"].create(
            {
                "stage_id": self.stage["contracting"].id,
                "name": "No open high risk",
                "gate_type": "no_open_high_risk",
                "raid_score_threshold": 16,
            }
        )
        risk = self._risk("Key user away in March", 4, 4)
        self._confirm_gates(self.engagement, self.stage["contracting"])
        for user in (self.pm, self.ba):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                risk.with_user(user).write({"active": False})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                risk.with_user(user).action_archive()
        self.assertTrue(risk.active)
        with self.assertRefused(UserError, "Key user away in March (16)"):
            self.engagement.with_user(self.pm).action_move_to_stage(self.stage["contracting"])
        # A manager may.
        risk.with_user(self.manager).action_archive()
        self.assertFalse(risk.active)

    # ------------------------------------------------------------------ the health rule

    def test_an_overdue_high_risk_puts_the_engagement_at_risk(self):
        engagement = self.engagement
        engagement._update_health()
        self.assertEqual(engagement.health, "green")
        # A high risk due tomorrow, and a low one overdue: still on track.
        risk = self._risk("Key user away in March", 4, 4, date_due=TODAY + timedelta(days=1))
        self._risk("Label printer late", 2, 2, date_due=TODAY - timedelta(days=3))
        engagement._update_health()
        self.assertEqual(engagement.health, "green")
        risk.date_due = TODAY - timedelta(days=1)
        changed = engagement._update_health()
        self.assertEqual((changed, engagement.health), (engagement, "amber"))
        activity = engagement.activity_ids.filtered(lambda a: a.summary == "Health: At Risk")
        self.assertEqual(activity.user_id, self.manager)
        risk.state = "closed"
        engagement._update_health()
        self.assertEqual(engagement.health, "green")

    # ------------------------------------------------------------------ attention, digest

    def test_the_attention_list_and_the_digest_name_new_and_overdue_high_risks(self):
        Item = self.env["engagement.attention.item"]
        with (
            freeze_time(NOW - timedelta(days=10)),
            patch.object(self.env.cr, "now", lambda: NOW - timedelta(days=10)),
        ):
            old = self._risk("Data centre move", 5, 4, date_due=TODAY + timedelta(days=30))
            overdue = self._risk("Key user away in March", 4, 4, date_due=TODAY - timedelta(2))
        new = self._risk("Label printer late", 3, 5)
        self._risk("Low and new", 2, 2)
        self.env.flush_all()
        items = Item.search(
            [("engagement_id", "=", self.engagement.id), ("reason", "=", "high_risk")]
        )
        self.assertEqual(
            {(item.raid_item_id, item.date_since, item.detail) for item in items},
            {
                (
                    overdue,
                    TODAY - timedelta(days=2),
                    "Key user away in March (score 16) is past its due date, 2026-03-14",
                ),
                (new, TODAY, "New high risk: Label printer late (score 15)"),
            },
        )
        self.assertNotIn(old, items.raid_item_id)
        self.assertEqual(
            items.filtered(lambda i: i.raid_item_id == new).action_open_record()["res_model"],
            "engagement.raid.item",
        )
        # The PM sees them on their list; the outsider does not.
        self.assertEqual(Item.with_user(self.pm).search([("reason", "=", "high_risk")]), items)
        self.assertFalse(Item.with_user(self.outsider).search([("reason", "=", "high_risk")]))
        data = self.manager._engagement_digest_data()[self.manager]
        body = str(self.manager._engagement_digest_render(data))
        self.assertIn("New high risk: Label printer late (score 15)", body)
        self.assertIn("Key user away in March (score 16) is past its due date", body)
        self.assertNotIn("Data centre move", body)
        new.state = "closed"
        self.assertNotIn(new, Item.search([("reason", "=", "high_risk")]).raid_item_id)

    # ------------------------------------------------------------------ status reports

    def test_a_status_report_keeps_the_open_items_as_they_were(self):
        self._risk("Key user away in March", 4, 4)
        closed = self._risk("Label printer late", 3, 5, state="closed")
        report = (
            self.env["engagement.status.report"]
            .with_user(self.pm)
            .create({"engagement_id": self.engagement.id, "summary": "On track."})
        )
        snapshot = report.raid_snapshot
        self.assertIn("Key user away in March", snapshot)
        self.assertIn("<td>16</td>", snapshot)
        self.assertNotIn(closed.name, snapshot)
        self._risk("Data centre move", 5, 4)
        self.assertEqual(report.raid_snapshot, snapshot)
        with self.assertRefused(UserError, "(raid_snapshot)"):
            report.with_user(self.pm).write({"raid_snapshot": "<p>Nothing to see</p>"})
        with self.assertRefused(UserError, "(raid_snapshot)"):
            self.env["engagement.status.report"].with_user(self.pm).create(
                {
                    "engagement_id": self.engagement.id,
                    "summary": "Forged.",
                    "raid_snapshot": "<p>Nothing</p>",
                }
            )
        self.assertEqual(report.raid_snapshot, snapshot)

    def test_the_pm_publishes_a_status_report_the_customer_reads(self):
        report = (
            self.env["engagement.status.report"]
            .with_user(self.pm)
            .create({"engagement_id": self.engagement.id, "summary": "On track."})
        )
        self.assertFalse(report.is_published)
        with self.assertRefused(UserError, "(is_published)"):
            report.with_user(self.pm).write({"is_published": True})
        self.engagement.message_subscribe(partner_ids=self.outsider.partner_id.ids)
        with self.assertRaises(AccessError):
            report.with_user(self.outsider).action_publish()
        self.assertFalse(report.is_published)
        report.with_user(self.pm).action_publish()
        self.assertEqual((report.is_published, report.date_published), (True, NOW))
        self.assertIn("published to the customer by Paula PM", self.engagement.message_ids[0].body)
        report.with_user(self.pm).action_unpublish()
        self.assertEqual((report.is_published, report.date_published), (False, False))


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestEngagementCustomerMails(EngagementCommon):
    """The customer hears by mail what waits on them, with a link to their portal page,
    and nothing internal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "office@acme.example.com"
        cls.carla = new_test_user(
            cls.env,
            "em_mail_carla",
            groups="base.group_portal",
            name="Carla Customer",
            email="carla@acme.example.com",
        )
        cls.carla.partner_id.parent_id = cls.customer
        # An internal contact of the customer's, with no portal access: not told.
        cls.env["res.partner"].create(
            {"name": "Ivan Internal", "parent_id": cls.customer.id, "email": "ivan@acme.example"}
        )
        cls.engagement = cls._create_engagement(budget_cost=30000.0)
        cls.engagement.message_post(
            body="Internal: the customer's budget is tight.", subtype_xmlid="mail.mt_note"
        )

    def _mails(self, model, record):
        """The customer's mails linking to ``record``: attached to no thread (their
        link would let any member answer as the customer), found by their link."""
        record = self.env[model].browse(record.id)
        url = record.get_base_url() + (
            record._portal_url() if hasattr(record, "_portal_url") else record.get_portal_url()
        )
        return customer_mails(self.env, f'"{url}"')

    def assertCustomerMail(self, mail, url, recipients):
        self.assertEqual(mail.recipient_ids, recipients)
        body = str(mail.body_html)
        self.assertIn(url, body)
        self.assertIn("access_token=", url)
        # The engagement's budget, and what was said inside (notes, reasons, mitigations).
        for internal in ("30,000", "30000", "Internal:", "thin margin", "2,600", "2600"):
            self.assertNotIn(internal, body, internal)

    def test_a_deliverable_sent_for_signature(self):
        deliverable = self._make_deliverable(
            self.engagement, "engagement_management.engagement_deliverable_type_brd"
        )
        deliverable.description = "<p>Internal: a thin margin on this one.</p>"
        deliverable.with_user(self.pm).action_submit()
        mail = self._mails("engagement.deliverable", deliverable)
        self.assertEqual(len(mail), 1)
        self.assertIn("waits for your signature", mail.subject)
        self.assertCustomerMail(
            mail,
            deliverable.sudo().get_portal_url(),
            self.customer | self.carla.partner_id,
        )

    def test_an_approved_change_order_sent_for_signature(self):
        order = self.env["engagement.change.order"].create(
            {
                "engagement_id": self.engagement.id,
                "title": "Returns module",
                "category": "scope",
                "revenue_delta": 4000.0,
                "cost_delta": 2600.0,
                "reason": "Internal: they asked in the workshop.",
            }
        )
        order.with_user(self.pm).action_submit()
        self.assertFalse(self._mails("engagement.change.order", order))
        order.with_user(self.manager).action_approve()
        mail = self._mails("engagement.change.order", order)
        self.assertEqual(len(mail), 1)
        self.assertCustomerMail(
            mail, order.sudo().get_portal_url(), self.customer | self.carla.partner_id
        )
        self.assertNotIn("2,600", str(mail.body_html))

    def test_a_published_status_report(self):
        report = (
            self.env["engagement.status.report"]
            .with_user(self.pm)
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "summary": "Tariff engine delivered.",
                    "risks": "<p>Internal: the PM worries.</p>",
                }
            )
        )
        self.assertFalse(self._mails("engagement.status.report", report))
        report.with_user(self.pm).action_publish()
        mail = self._mails("engagement.status.report", report)
        self.assertEqual(len(mail), 1)
        self.assertIn("Tariff engine delivered.", str(mail.body_html))
        self.assertCustomerMail(mail, report._portal_url(), self.customer | self.carla.partner_id)
        self.assertIn(f"#status_report_{report.id}", report._portal_url())

    def test_a_dependency_given_to_a_customer_contact(self):
        Raid = self.env["engagement.raid.item"].with_user(self.pm)
        internal = Raid.create(
            {
                "engagement_id": self.engagement.id,
                "kind": "dependency",
                "name": "Test data from the warehouse",
                "partner_id": self.carla.partner_id.id,
                "mitigation": "Internal: chase them weekly.",
            }
        )
        self.assertFalse(self._mails("engagement.raid.item", internal))
        internal.customer_visible = True
        mail = self._mails("engagement.raid.item", internal)
        self.assertEqual(len(mail), 1)
        self.assertCustomerMail(mail, internal._portal_url(), self.carla.partner_id)
        self.assertNotIn("chase", str(mail.body_html))
        # Editing it again tells nobody twice.
        internal.name = "Test data from the warehouse, two weeks"
        self.assertEqual(len(self._mails("engagement.raid.item", internal)), 1)
