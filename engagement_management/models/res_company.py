from odoo import _, fields, models
from odoo.exceptions import UserError


class ResCompany(models.Model):
    _inherit = "res.company"

    # What the margin review's close needs to post revenue recognition.
    _ENGAGEMENT_RR_FIELDS = (
        "engagement_wip_journal_id",
        "engagement_unbilled_account_id",
        "engagement_deferred_account_id",
        "engagement_revenue_adjustment_account_id",
    )

    engagement_co_finance_threshold = fields.Monetary(
        string="Change Order Finance Threshold",
        currency_field="currency_id",
        default=25000.0,
        help="A change order whose revenue or cost impact is above this amount also needs "
        "the approval of Finance.",
    )
    engagement_health_cost_pct = fields.Float(
        string="Engagement Cost Alert (%)",
        default=80.0,
        help="An engagement is at risk when its actual cost reaches this share of the "
        "revised cost budget while its progress is below the progress threshold.",
    )
    engagement_health_progress_pct = fields.Float(
        string="Engagement Progress Alert (%)",
        default=80.0,
        help="Progress under which spending the cost share above puts an engagement at risk.",
    )
    engagement_attention_blocked_days = fields.Integer(
        string="Blocked at a Gate After (Days)",
        default=30,
        help="An open engagement whose stage has not changed for this many days appears on "
        "the attention list.",
    )
    engagement_attention_signature_days = fields.Integer(
        string="Signature Waiting After (Days)",
        default=10,
        help="A deliverable submitted to the customer this many days ago and still not "
        "signed appears on the attention list.",
    )
    engagement_weekly_capacity_hours = fields.Float(
        string="Weekly Capacity (Hours)",
        default=40.0,
        help="A PM or BA who logged more hours than this over the last seven days is "
        "flagged as over-allocated.",
    )
    engagement_rate_card_id = fields.Many2one(
        "engagement.rate.card",
        string="Default Rate Card",
        domain="[('company_id', '=', id)]",
        help="The rates a new estimate starts from, unless its customer has its own card.",
    )
    engagement_estimate_target_margin_pct = fields.Float(
        string="Estimate Target Margin (%)",
        default=30.0,
        help="An estimate whose margin is under this target is approved by Finance too.",
    )
    engagement_raid_high_score = fields.Integer(
        string="High Risk Score",
        default=15,
        help="A risk of the RAID log whose score (probability × impact, 1 to 25) reaches "
        "this value is a high risk: overdue, it puts the engagement at risk, and it appears "
        "on the attention list.",
    )

    # Revenue recognition: what the margin review's close posts, and where.
    engagement_revenue_recognition = fields.Boolean(
        string="Post Revenue Recognition",
        help="Closing a margin review posts each engagement's WIP (revenue earned and not "
        "yet invoiced) or deferred revenue (invoiced ahead of progress) on the period's "
        "last day, and reverses it on the next day.",
    )
    engagement_wip_journal_id = fields.Many2one(
        "account.journal",
        string="Revenue Recognition Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="The miscellaneous journal the WIP entries and their reversals go to.",
    )
    engagement_unbilled_account_id = fields.Many2one(
        "account.account",
        string="Unbilled Revenue Account",
        check_company=True,
        domain="[('account_type', 'in', ('asset_current', 'asset_receivable'))]",
        help="Contract asset debited with revenue earned and not yet invoiced.",
    )
    engagement_deferred_account_id = fields.Many2one(
        "account.account",
        string="Deferred Revenue Account",
        check_company=True,
        domain="[('account_type', '=', 'liability_current')]",
        help="Contract liability credited with revenue invoiced ahead of progress.",
    )
    engagement_revenue_adjustment_account_id = fields.Many2one(
        "account.account",
        string="Revenue Adjustment Account",
        check_company=True,
        domain="[('account_type', 'in', ('income', 'income_other'))]",
        help="Revenue account that the WIP and deferred revenue entries adjust.",
    )

    def _engagement_revenue_recognition_missing(self, values=None):
        """The labels of the revenue recognition settings still to choose (``values``:
        the settings being edited, else the company's own)."""
        self.ensure_one()
        values = values if values is not None else self
        return [
            self._fields[name].get_description(self.env)["string"]
            for name in self._ENGAGEMENT_RR_FIELDS
            if not values[name]
        ]

    def _engagement_check_revenue_recognition(self, engagements):
        """Refuse, naming ``engagements``, when a journal or account the entries need is
        not set. Only the generic chart of accounts comes with defaults: another chart
        leaves them to be chosen in Settings."""
        self.ensure_one()
        missing = self._engagement_revenue_recognition_missing()
        if missing:
            raise UserError(
                _(
                    "%(company)s cannot post the revenue recognition of %(engagements)s: "
                    "choose %(missing)s in Settings > Engagements > Revenue Recognition "
                    "(defaults exist only for the generic chart of accounts).",
                    company=self.name,
                    engagements=", ".join(engagements.mapped("display_name")),
                    missing=", ".join(missing),
                )
            )
