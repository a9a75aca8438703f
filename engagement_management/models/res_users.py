from datetime import timedelta

from odoo import _, api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    engagement_digest_opt_out = fields.Boolean(
        string="No Weekly Engagement Digest",
        help="Engagement managers get a weekly e-mail with their attention list and the "
        "week's changes on their engagements, unless they opt out here.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "engagement_digest_opt_out"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "engagement_digest_opt_out"]

    # ------------------------------------------------------------------ weekly digest

    def _engagement_digest_data(self, since=None):
        """``{user: {'items': attention items, 'changes': [(datetime, engagement, text)]}}``
        for these engagement managers, in a constant number of queries."""
        since = since or fields.Datetime.now() - timedelta(days=7)
        data = {user: {"items": [], "changes": []} for user in self}
        items = self.env["engagement.attention.item"].sudo().search([("user_id", "in", self.ids)])
        for item in items:
            data[item.user_id]["items"].append(item)
        engagements = self.env["engagement.engagement"].sudo().search([("user_id", "in", self.ids)])
        changes = []
        stage_field = self.env["ir.model.fields"]._get("engagement.engagement", "stage_id")
        trackings = (
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    ("field_id", "=", stage_field.id),
                    ("create_date", ">=", since),
                    ("mail_message_id.model", "=", "engagement.engagement"),
                    ("mail_message_id.res_id", "in", engagements.ids),
                ]
            )
        )
        by_id = {engagement.id: engagement for engagement in engagements}
        for tracking in trackings:
            engagement = by_id[tracking.mail_message_id.res_id]
            changes.append(
                (
                    tracking.create_date,
                    engagement,
                    _(
                        "Moved from %(old)s to %(new)s",
                        old=tracking.old_value_char or "-",
                        new=tracking.new_value_char or "-",
                    ),
                )
            )
        for line in (
            self.env["engagement.gate.line"]
            .sudo()
            .search(
                [
                    ("engagement_id", "in", engagements.ids),
                    ("state", "=", "done"),
                    ("done_date", ">=", since),
                ]
            )
        ):
            changes.append(
                (
                    line.done_date,
                    line.engagement_id,
                    _("%(gate)s confirmed by %(user)s", gate=line.name, user=line.done_by_id.name),
                )
            )
        for deliverable in (
            self.env["engagement.deliverable"]
            .sudo()
            .search(
                [
                    ("engagement_id", "in", engagements.ids),
                    ("state", "=", "signed"),
                    ("signed_on", ">=", since),
                ]
            )
        ):
            changes.append(
                (
                    deliverable.signed_on,
                    deliverable.engagement_id,
                    _(
                        "%(deliverable)s signed by %(signer)s",
                        deliverable=deliverable.display_name,
                        signer=deliverable.signed_by,
                    ),
                )
            )
        orders = (
            self.env["engagement.change.order"]
            .sudo()
            .search(
                [
                    ("engagement_id", "in", engagements.ids),
                    "|",
                    ("manager_approved_on", ">=", since),
                    ("signed_on", ">=", since),
                ]
            )
        )
        for order in orders:
            if order.manager_approved_on and order.manager_approved_on >= since:
                changes.append(
                    (
                        order.manager_approved_on,
                        order.engagement_id,
                        _("%s approved", order.display_name),
                    )
                )
            if order.signed_on and order.signed_on >= since:
                changes.append(
                    (
                        order.signed_on,
                        order.engagement_id,
                        _(
                            "%(order)s signed by %(signer)s",
                            order=order.display_name,
                            signer=order.signed_by,
                        ),
                    )
                )
        for change in sorted(changes, key=lambda change: change[0]):
            data[change[1].user_id]["changes"].append(change)
        return data

    def _engagement_digest_render(self, data):
        """The digest's body for this manager, from the QWeb mail template."""
        self.ensure_one()
        template = self.env.ref("engagement_management.mail_template_engagement_digest")
        return template.sudo()._render_field(
            "body_html",
            self.ids,
            engine="qweb",
            compute_lang=True,
            add_context={"items": data["items"], "changes": data["changes"]},
        )[self.id]

    @api.model
    def _cron_engagement_digest(self):
        """Each engagement manager who did not opt out gets their attention list and the
        week's changes on their engagements, when there is something to tell."""
        managers = (
            self.env["engagement.engagement"]
            .sudo()
            .search([("is_closed", "=", False)])
            .user_id.filtered(lambda user: not user.share and not user.engagement_digest_opt_out)
        )
        data = managers._engagement_digest_data()
        return (
            self.env["mail.mail"]
            .sudo()
            .create(
                [
                    {
                        "subject": _("Your engagements this week"),
                        "body_html": manager._engagement_digest_render(data[manager]),
                        "email_from": manager.company_id.email_formatted or False,
                        "recipient_ids": [fields.Command.link(manager.partner_id.id)],
                        "auto_delete": True,
                    }
                    for manager in managers
                    if data[manager]["items"] or data[manager]["changes"]
                ]
            )
        )
