from odoo import fields, models

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
    engagement_document_max_size_mb = fields.Float(
        string="Maximum Document Size (MB)",
        config_parameter=DOCUMENT_MAX_SIZE_PARAM,
        default=DEFAULT_DOCUMENT_MAX_SIZE_MB,
    )
