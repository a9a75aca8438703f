from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from .engagement_engagement import GROUP_FINANCE, GROUP_MANAGER


class EngagementApprovalMixin(models.AbstractModel):
    """The two-person rule of the addon's approvals, in one place.

    An engagement manager approves; when ``needs_finance_approval`` (each model computes
    it: a change order above the company's threshold, an estimate under the target
    margin) Finance approves too, and the two approvals come from two different
    people, whoever holds both groups. Whoever submitted the record approves none of
    it: a manager who submits their own record waits for another manager. Every
    refusal is raised before anything is written. Hooks:
    ``_approval_refused_message()`` (neither group),
    ``_finance_approval_missing_message()`` (the manager approved, Finance has not).
    The stamps are workflow fields of the model.
    """

    _name = "engagement.approval.mixin"
    _description = "Engagement Two-Person Approval"

    manager_approved_by_id = fields.Many2one(
        "res.users", string="Approved By (Manager)", readonly=True, copy=False
    )
    manager_approved_on = fields.Datetime(string="Approved On (Manager)", readonly=True, copy=False)
    finance_approved_by_id = fields.Many2one(
        "res.users", string="Approved By (Finance)", readonly=True, copy=False
    )
    finance_approved_on = fields.Datetime(string="Approved On (Finance)", readonly=True, copy=False)

    # ------------------------------------------------------------------ hooks

    def _approval_refused_message(self):
        """Hook: what a user of neither group hears."""
        return _("Only engagement managers (and Finance, when it must) approve.")

    def _finance_approval_missing_message(self):
        """Hook: what the manager hears when only Finance's approval is missing."""
        self.ensure_one()
        return _("%s still needs the approval of Finance.", self.display_name)

    # ------------------------------------------------------------------ the rule

    def _approval_roles(self):
        """``(is_manager, is_finance)`` of the current user; refused when neither."""
        is_manager = self.env.is_superuser() or self.env.user.has_group(GROUP_MANAGER)
        is_finance = self.env.is_superuser() or self.env.user.has_group(GROUP_FINANCE)
        if not (is_manager or is_finance):
            raise AccessError(self._approval_refused_message())
        return is_manager, is_finance

    def _plan_approvals(self, is_manager, is_finance):
        """``[(record, role, stamps, complete)]``: the approval the current user gives
        each record (``role`` ``manager`` or ``finance``, the stamps to write, whether
        it is the last one needed), or a refusal before anything is written."""
        user = self.env.user
        now = fields.Datetime.now()
        plan = []
        for record in self:
            # The code's own approvals (sudo: demo data, migrations) are not a person's.
            if not self.env.su and record.submitted_by_id == user:
                raise UserError(
                    _(
                        "You submitted %s: another person approves it.",
                        record.display_name,
                    )
                )
            needs_manager = not record.manager_approved_by_id
            needs_finance = record.needs_finance_approval and not record.finance_approved_by_id
            if needs_manager and is_manager and record.finance_approved_by_id != user:
                role, stamps = (
                    "manager",
                    {"manager_approved_by_id": user.id, "manager_approved_on": now},
                )
            elif needs_finance and is_finance and record.manager_approved_by_id != user:
                role, stamps = (
                    "finance",
                    {"finance_approved_by_id": user.id, "finance_approved_on": now},
                )
            elif (needs_manager and is_manager) or (needs_finance and is_finance):
                raise UserError(
                    _(
                        "%s needs two approvals from two different people: you gave one already.",
                        record.display_name,
                    )
                )
            elif needs_manager:
                raise AccessError(
                    _("%s still needs the approval of an engagement manager.", record.display_name)
                )
            else:
                raise AccessError(record._finance_approval_missing_message())
            plan.append((record, role, stamps, not (needs_manager and needs_finance)))
        return plan

    def _approval_log_body(self, role, complete):
        """What the chatter says of an approval just given."""
        user = self.env.user
        if role == "manager":
            body = _("Approved by %s (engagement manager).", user.name)
        else:
            body = _("Approved by %s (Finance).", user.name)
        if not complete:
            body = _("%s Still waiting for the second approval.", body)
        return body
