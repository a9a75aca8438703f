from markupsafe import Markup, escape

from odoo import _, api, fields, models

from .engagement_engagement import HEALTH_STATES
from .engagement_raid_item import RAID_KINDS, RAID_STATES


class EngagementStatusReport(models.Model):
    """A periodic status update by the PM; the latest one is the engagement's reported
    health (kept apart from the health the figures give)."""

    _name = "engagement.status.report"
    _inherit = ["engagement.workflow.mixin"]
    _description = "Engagement Status Report"
    _order = "date desc, id desc"
    _check_company_auto = True

    engagement_id = fields.Many2one(
        "engagement.engagement", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="engagement_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="Author", default=lambda self: self.env.user, readonly=True
    )
    health = fields.Selection(
        HEALTH_STATES,
        required=True,
        default="green",
    )
    summary = fields.Text(required=True)
    accomplishments = fields.Html()
    risks = fields.Html(string="Risks and Issues")
    next_steps = fields.Html(string="Next Steps")
    # The RAID log as it stood when the report was written: what was open then.
    raid_snapshot = fields.Html(
        string="Open RAID Items",
        readonly=True,
        copy=False,
        sanitize=False,
        help="The open risks, assumptions, issues and dependencies when the report was written.",
    )
    # The customer reads a published report on their portal page, and is told by mail.
    is_published = fields.Boolean(string="Published", readonly=True, copy=False)
    date_published = fields.Datetime(readonly=True, copy=False)

    @api.depends("engagement_id", "date")
    def _compute_display_name(self):
        for report in self:
            report.display_name = f"{report.engagement_id.display_name} – {report.date or ''}"

    def _workflow_fields(self):
        # The author is who wrote it, never someone named by the client; the snapshot is
        # the RAID log's, and publishing goes through its buttons (it mails the customer).
        return super()._workflow_fields() | {
            "user_id",
            "raid_snapshot",
            "is_published",
            "date_published",
        }

    def _workflow_create_defaults(self):
        return {**super()._workflow_create_defaults(), "is_published": False}

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        reports._snapshot_raid_items()
        return reports

    def _snapshot_raid_items(self):
        """Keep, on each report, the engagement's open RAID items as they are now."""
        kinds, states = dict(RAID_KINDS), dict(RAID_STATES)
        for report in self:
            items = report.engagement_id.sudo().raid_item_ids.filtered(
                lambda item: item.state != "closed"
            )
            if not items:
                continue
            rows = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
                )
                % (
                    kinds[item.kind],
                    item.name,
                    item.score if item.kind == "risk" else "",
                    item.owner_id.name or item.partner_id.name or "",
                    item.date_due or "",
                    states[item.state],
                )
                for item in items
            )
            header = Markup(
                "<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
            ) % (_("Kind"), _("Item"), _("Score"), _("Owner"), _("Due"), _("State"))
            report._workflow().raid_snapshot = Markup(
                '<table class="table table-sm o_engagement_raid_snapshot">%s%s</table>'
            ) % (header, rows)

    # ------------------------------------------------------------------ actions

    def action_publish(self):
        """Show the report to the customer on their portal page and mail them the link."""
        self.check_access("write")
        to_publish = self.filtered(lambda report: not report.is_published)
        to_publish._workflow().write(
            {"is_published": True, "date_published": fields.Datetime.now()}
        )
        for report in to_publish:
            report.engagement_id._send_customer_mail(
                "engagement_management.mail_template_engagement_status_report_published", report
            )
            report.engagement_id.message_post(
                body=escape(
                    _(
                        "Status report of %(date)s published to the customer by %(user)s.",
                        date=report.date,
                        user=self.env.user.name,
                    )
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_unpublish(self):
        """Take the report off the customer's page."""
        self.check_access("write")
        self.filtered("is_published")._workflow().write(
            {"is_published": False, "date_published": False}
        )
        return True

    def _portal_url(self):
        """The customer's link to this report: its engagement's page, at the report."""
        self.ensure_one()
        return self.engagement_id.sudo().get_portal_url(anchor=f"status_report_{self.id}")
