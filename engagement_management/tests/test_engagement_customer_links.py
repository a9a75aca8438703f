"""The customer's links are the customer's: the token in a mail to the customer signs,
rejects, answers and rates for them, so no employee reads it anywhere, and an employee
who finds the mails to the customer finds no token in them."""

import re

from odoo.tests import tagged

from .attacker_common import AttackerCommon

TOKEN = re.compile(r"access_token=([0-9a-f-]{36})|/rate/([0-9a-f-]{20,})/")


@tagged("post_install", "-at_install")
class TestEngagementCustomerLinks(AttackerCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "office@acme.example"
        cls.portal.partner_id.email = "carla@acme.example"

    def _tokens_read_by(self, user, records):
        """Every token ``user`` reads in the messages of ``records`` or in any message
        at all they can search."""
        Message = self.env["mail.message"].with_user(user)
        domains = [[("model", "=", record._name), ("res_id", "=", record.id)] for record in records]
        domains.append([("model", "=", False)])
        bodies = " ".join(
            str(message["body"] or "")
            for domain in domains
            for message in Message.search_read(domain, ["body"])
        )
        return {group for match in TOKEN.findall(bodies) for group in match if group}

    def _customer_mails(self):
        return self.env["mail.mail"].search([("recipient_ids", "!=", False)])

    def test_no_member_reads_the_customers_tokens(self):
        before = self._customer_mails()
        order = self._walk(self._new_co("Mailed change"), "approved")
        brd = self.draft_brd.with_user(self.pm)
        brd.action_submit()
        dependency = (
            self.env["engagement.raid.item"]
            .with_user(self.pm)
            .create(
                {
                    "engagement_id": self.engagement.id,
                    "kind": "dependency",
                    "name": "Firewall opened",
                    "partner_id": self.portal.partner_id.id,
                    "customer_visible": True,
                }
            )
        )
        self.status_report.with_user(self.pm).action_publish()
        self.env.flush_all()
        mails = self._customer_mails() - before
        # The mails went out, with the customer's links in them...
        self.assertEqual(len(mails), 4)
        sent = {g for mail in mails for m in TOKEN.findall(str(mail.body_html)) for g in m if g}
        self.assertEqual(
            sent,
            {
                order.sudo().access_token,
                brd.sudo().access_token,
                self.engagement.sudo().access_token,
            },
        )
        # ...and none of them is in any message a member, a manager or Finance reads.
        records = [order, brd, dependency, self.status_report, self.engagement]
        for user in (self.pm, self.ba, self.manager, self.finance):
            with self.subTest(user=user.login):
                self.assertFalse(self._tokens_read_by(user, records))
        self.assertEqual(set(mails.mapped("model")), {False})

    def test_no_member_reads_the_rating_link(self):
        engagement = self._create_engagement(
            name="Rated", date_start="2026-01-01", date_end="2026-12-31"
        )
        engagement.project_id = self.env["project.project"].create({"name": "Delivery R"})
        for key in ("acceptance", "post_implementation"):
            self._confirm_gates(engagement, self.stage[key])
            engagement.action_move_to_stage(self.stage[key])
        rating = engagement.rating_ids
        self.assertTrue(rating, "entering post-implementation asks the customer")
        mail = self._customer_mails().filtered(
            lambda mail: f"/rate/{rating.access_token}/" in str(mail.body_html)
        )
        self.assertTrue(mail, "the customer got the rating link")
        self.env.flush_all()
        for user in (self.pm, self.ba, self.manager, self.finance):
            with self.subTest(user=user.login):
                self.assertNotIn(rating.access_token, self._tokens_read_by(user, [engagement]))
