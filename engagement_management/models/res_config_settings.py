from odoo import api, fields, models

from .engagement_signature_mixin import DEFAULT_DOCUMENT_MAX_SIZE_MB, DOCUMENT_MAX_SIZE_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    engagement_co_finance_threshold = fields.Monetary(
        related="company_id.engagement_co_finance_threshold",
        currency_field="currency_id",
        readonly=False,
    )
    engagement_health_cost_pct = fields.Float(
        related="company_id.engagement_health_cost_pct", readonly=False
    )
    engagement_health_progress_pct = fields.Float(
        related="company_id.engagement_health_progress_pct", readonly=False
    )
    engagement_raid_high_score = fields.Integer(
        related="company_id.engagement_raid_high_score", readonly=False
    )
    engagement_attention_blocked_days = fields.Integer(
        related="company_id.engagement_attention_blocked_days", readonly=False
    )
    engagement_attention_signature_days = fields.Integer(
        related="company_id.engagement_attention_signature_days", readonly=False
    )
    engagement_weekly_capacity_hours = fields.Float(
        related="company_id.engagement_weekly_capacity_hours", readonly=False
    )
    engagement_rate_card_id = fields.Many2one(
        related="company_id.engagement_rate_card_id", readonly=False
    )
    engagement_estimate_target_margin_pct = fields.Float(
        related="company_id.engagement_estimate_target_margin_pct", readonly=False
    )
    engagement_revenue_recognition = fields.Boolean(
        related="company_id.engagement_revenue_recognition", readonly=False
    )
    engagement_wip_journal_id = fields.Many2one(
        related="company_id.engagement_wip_journal_id", readonly=False
    )
    engagement_unbilled_account_id = fields.Many2one(
        related="company_id.engagement_unbilled_account_id", readonly=False
    )
    engagement_deferred_account_id = fields.Many2one(
        related="company_id.engagement_deferred_account_id", readonly=False
    )
    engagement_revenue_adjustment_account_id = fields.Many2one(
        related="company_id.engagement_revenue_adjustment_account_id", readonly=False
    )
    engagement_revenue_recognition_missing = fields.Char(
        compute="_compute_engagement_revenue_recognition_missing"
    )
    engagement_document_max_size_mb = fields.Float(
        string="Maximum Document Size (MB)",
        config_parameter=DOCUMENT_MAX_SIZE_PARAM,
        default=DEFAULT_DOCUMENT_MAX_SIZE_MB,
    )

    @api.depends(
        "engagement_revenue_recognition",
        "engagement_wip_journal_id",
        "engagement_unbilled_account_id",
        "engagement_deferred_account_id",
        "engagement_revenue_adjustment_account_id",
    )
    def _compute_engagement_revenue_recognition_missing(self):
        # The same list the close refuses with, so the page says beforehand what it will.
        for settings in self:
            settings.engagement_revenue_recognition_missing = ", ".join(
                settings.company_id._engagement_revenue_recognition_missing(
                    {name: settings[name] for name in settings.company_id._ENGAGEMENT_RR_FIELDS}
                )
            )
