from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
