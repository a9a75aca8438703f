"""Revenue recognition's controls against the insiders they control: the share a
signature recognises, the company and period a review posts in, the lines of a closed
review. Each refusal changes nothing."""

import base64

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_engagement_revenue_recognition import CLOSE_DAY, MARCH, RevenueRecognitionCommon


@tagged("post_install", "-at_install")
class TestRevenueRecognitionAttacker(RevenueRecognitionCommon):
    def test_no_default_key_gives_a_deliverable_its_recognition_share(self):
        """The share decides the WIP Finance posts: a PM's default_ key does not set it."""
        self.half_done.recognition_method = "milestone"
        Deliverable = (
            self.env["engagement.deliverable"]
            .with_user(self.pm)
            .with_context(default_recognition_pct=100.0)
        )
        count = Deliverable.sudo().search_count([("engagement_id", "=", self.half_done.id)])
        with self.assertRaises(AccessError):
            Deliverable.create(
                {
                    "engagement_id": self.half_done.id,
                    "type_id": self.env.ref(
                        "engagement_management.engagement_deliverable_type_acceptance"
                    ).id,
                    "name": "Acceptance",
                    "attachment": base64.b64encode(b"%PDF-1.4 Acceptance v1"),
                    "attachment_name": "acceptance.pdf",
                }
            )
        self.assertEqual(
            Deliverable.sudo().search_count([("engagement_id", "=", self.half_done.id)]), count
        )

    @freeze_time(CLOSE_DAY)
    def test_a_started_review_keeps_its_company_and_period(self):
        """Moved to another company or period once started, the close would post one
        company's March figures in another's books, or on another day."""
        self.finance.write({"company_ids": [Command.link(self.company_b.id)]})
        review = self._review()
        as_finance = review.with_user(self.finance).with_context(
            allowed_company_ids=[self.company.id, self.company_b.id]
        )
        for vals in (
            {"company_id": self.company_b.id},
            {"date_from": MARCH[0].replace(month=1)},
            {"date_to": MARCH[1].replace(month=1)},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                as_finance.write(vals)
        self.assertRecordValues(
            review,
            [{"company_id": self.company.id, "date_from": MARCH[0], "date_to": MARCH[1]}],
        )
        review.with_user(self.finance).action_close()
        line = self._line(review, self.half_done)
        self.assertEqual(line.wip_move_id.company_id, self.company)
        self.assertEqual(str(line.wip_move_id.date), "2025-03-31")

    @freeze_time(CLOSE_DAY)
    def test_a_reviewed_engagement_is_not_deleted_from_under_its_closed_review(self):
        review = self._review()
        review.with_user(self.finance).action_close()
        line = self._line(review, self.half_done)
        self.assertTrue(line.wip_move_id)
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.half_done.with_user(self.manager).unlink()
        self.assertTrue(line.exists())
        self.assertTrue(self.half_done.exists())
