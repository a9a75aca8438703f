from odoo import api, fields, models

from .engagement_engagement import FINANCE_GROUPS


class EngagementPortfolio(models.TransientModel):
    """Finance totals of the open engagements by stage: revised revenue, forecast margin
    and WIP are computed figures, which a pivot cannot sum; they are computed here in one
    batch for all the engagements, and the presales pipeline next to them."""

    _name = "engagement.portfolio"
    _description = "Engagement Portfolio Summary"

    summary_html = fields.Html(
        string="Portfolio", compute="_compute_summary_html", sanitize=False, groups=FINANCE_GROUPS
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_summary_html(self):
        html = self.env["ir.qweb"]._render(
            "engagement_management.engagement_portfolio_summary", self._get_summary_values()
        )
        for portfolio in self:
            portfolio.summary_html = html

    @api.model
    def _get_summary_values(self):
        """Rows ``(stage, currency, count, revised revenue, forecast margin, WIP)`` and the
        pipeline rows ``(currency, count, expected revenue, weighted revenue)``."""
        engagements = self.env["engagement.engagement"].search([("is_closed", "=", False)])
        presales = self.env.ref(
            "engagement_management.engagement_stage_presales", raise_if_not_found=False
        )
        rows, totals, pipeline = {}, {}, {}
        for engagement in engagements:
            if engagement.stage_id == presales:
                key = engagement.lead_currency_id or engagement.currency_id
                line = pipeline.setdefault(key, [key, 0, 0.0, 0.0])
                line[1] += 1
                line[2] += engagement.lead_expected_revenue
                line[3] += engagement.lead_expected_revenue * engagement.lead_probability / 100
            margin = engagement.revised_revenue * engagement.forecast_margin_pct / 100
            figures = (engagement.revised_revenue, margin, engagement.wip_amount)
            for bucket, key in (
                (rows, (engagement.stage_id, engagement.currency_id)),
                (totals, engagement.currency_id),
            ):
                line = bucket.setdefault(key, [0, 0.0, 0.0, 0.0])
                line[0] += 1
                for index, amount in enumerate(figures, start=1):
                    line[index] += amount
        return {
            "rows": [
                (stage, currency, *line)
                for (stage, currency), line in sorted(
                    rows.items(), key=lambda item: (item[0][0].sequence, item[0][1].name)
                )
            ],
            "totals": [(currency, *line) for currency, line in totals.items()],
            "pipeline": list(pipeline.values()),
        }
