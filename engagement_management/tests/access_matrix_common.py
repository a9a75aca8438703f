import base64
from contextlib import closing, contextmanager

from odoo import Command
from odoo.tests import new_test_user

from .access_matrix import ACTIONS, GROUPS, split_action
from .common import SIGNATURE_PNG, EngagementCommon
from .estimate_common import patch_pdf_rendering

BRD = "engagement_management.engagement_deliverable_type_brd"
SOW = "engagement_management.engagement_deliverable_type_sow"
PRICING = "engagement_management.engagement_deliverable_type_pricing"
KICKOFF = "engagement_management.engagement_stage_gate_execution_kickoff"
FINANCIAL_CLOSE = "engagement_management.engagement_stage_gate_closed_financial_close"
DELIVERED = "engagement_management.engagement_stage_gate_acceptance_delivered"
DOCUMENT = base64.b64encode(b"%PDF-1.4 countersigned").decode()


class ActionCase:
    """One row of ACTIONS: the record the button is pressed on (for a wizard, the record
    it acts on, and the values the user fills the wizard with) and the arguments,
    JSON-serialisable so the RPC test sends the very same call."""

    def __init__(self, key, record, create=None, **kwargs):
        self.key = key
        self.model, self.method, self.case = split_action(key)
        self.record = record
        self.create = create
        self.kwargs = kwargs

    def make_member(self, user):
        """Name ``user`` the project manager of the engagement the button acts on:
        members by name run an engagement (following one only lets you read it)."""
        record = self.record
        if record._name == "engagement.engagement":
            engagement = record
        elif "engagement_id" in record._fields:
            engagement = record.engagement_id
        else:
            return  # margin reviews: Finance's, no engagement's
        if not user.share:
            # Untracked: the set-up must leave no message behind the call it prepares.
            engagement.sudo().with_context(tracking_disable=True).project_manager_id = user
            record.env.flush_all()

    def run(self, env):
        """Press the button in ``env`` (as its user)."""
        if self.create is not None:
            records = env[self.model].create(self.create)
        else:
            records = env[self.model].browse(self.record.ids)
        return getattr(records, self.method)(**self.kwargs)


class AccessMatrixCommon(EngagementCommon):
    """A user of each group of the access matrix, one sample record of each model of an
    engagement none of them is a member of, and one prepared record per workflow button
    of an engagement all of them follow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {}
        for key, xmlid, label in GROUPS:
            cls.users[key] = new_test_user(
                cls.env, f"em_matrix_{key}", groups=xmlid, name=f"Matrix {label}"
            )
        # The portal user works for the customer of the engagements.
        cls.users["portal"].partner_id.parent_id = cls.customer
        cls._setup_samples()
        cls._setup_action_cases()

    @classmethod
    def _setup_samples(cls):
        """One record of each model, in the users' company, of an engagement none of
        them is a member of (its people are the common manager, PM and BA)."""
        engagement = cls._create_engagement()
        project = cls.env["project.project"].create(
            {"name": "Warehouse system", "partner_id": cls.customer.id}
        )
        if not project.account_id:
            project._create_analytic_account()
        engagement.project_id = project
        cls.env["account.analytic.line"].create(
            {"name": "Travel", "account_id": project.account_id.id, "amount": -120.0}
        )
        deliverable = cls._make_deliverable(engagement, BRD)
        deliverable.action_submit()
        change_order = cls.env["engagement.change.order"].create(
            {
                "engagement_id": engagement.id,
                "title": "Add the tariff simulator",
                "category": "scope",
                "revenue_delta": 1000.0,
            }
        )
        change_order.action_submit()
        review = cls.env["engagement.margin.review"].create(
            {"name": "January", "date_from": "2025-01-01", "date_to": "2025-01-31"}
        )
        review.action_start()
        role = cls.env["project.role"].create({"name": "Matrix consultant"})
        card = cls.env["engagement.rate.card"].create(
            {
                "name": "Matrix rates",
                "line_ids": [
                    Command.create({"role_id": role.id, "bill_rate": 100.0, "cost_rate": 50.0})
                ],
            }
        )
        cls.matrix_role, cls.matrix_card = role, card
        cls.matrix_template = cls.env["engagement.template"].create(
            {
                "name": "ERP",
                "estimate_line_ids": [
                    Command.create(
                        {"phase": "Build", "name": "Standard work", "role_id": role.id, "hours": 8}
                    )
                ],
            }
        )
        estimate = cls._matrix_estimate(engagement)
        cls.sample_engagement = engagement
        cls.samples = {
            "engagement.engagement": engagement,
            "engagement.stage": cls.stage["planning"],
            "engagement.stage.gate": cls.stage["planning"].gate_ids[:1],
            "engagement.gate.line": engagement.gate_line_ids[:1],
            "engagement.deliverable.type": deliverable.type_id,
            "engagement.deliverable": deliverable,
            "engagement.change.order": change_order,
            "engagement.template": cls.matrix_template,
            "engagement.template.estimate.line": cls.matrix_template.estimate_line_ids,
            "engagement.status.report": cls.env["engagement.status.report"].create(
                {
                    "engagement_id": engagement.id,
                    "date": "2026-03-01",
                    "health": "green",
                    "summary": "On track.",
                }
            ),
            "engagement.margin.review": review,
            "engagement.margin.review.line": review.line_ids.filtered(
                lambda line: line.engagement_id == engagement
            ),
            "engagement.profitability.report": cls.env["engagement.profitability.report"].search(
                [("engagement_id", "=", engagement.id)], limit=1
            ),
            "engagement.portfolio.report": cls.env["engagement.portfolio.report"].search(
                [("engagement_id", "=", engagement.id)]
            ),
            "engagement.burnup.report": cls.env["engagement.burnup.report"].search(
                [("engagement_id", "=", engagement.id)], limit=1
            ),
            "engagement.revenue.forecast": cls._forecast_sample(engagement),
            "engagement.rate.card": card,
            "engagement.rate.card.line": card.line_ids,
            "engagement.estimate": estimate,
            "engagement.estimate.line": estimate.line_ids,
            # Shared with the customer: their portal contact reads it.
            "engagement.raid.item": cls.env["engagement.raid.item"].create(
                {
                    "engagement_id": engagement.id,
                    "kind": "dependency",
                    "name": "Test data from the warehouse",
                    "customer_visible": True,
                }
            ),
        }

    @classmethod
    def _forecast_sample(cls, engagement):
        """A month of the engagement's revenue forecast: a backlog needs contracted
        revenue, here an applied change order, written as the workflow writes it."""
        cls.env["engagement.change.order"]._workflow().create(
            {
                "engagement_id": engagement.id,
                "title": "Contracted scope",
                "description": "Contracted scope",
                "reason": "Access matrix set-up",
                "revenue_delta": 5000.0,
                "state": "applied",
                "applied_on": "2025-01-15 09:00:00",
            }
        )
        forecast = cls.env["engagement.revenue.forecast"].search(
            [("engagement_id", "=", engagement.id)], limit=1
        )
        assert forecast, "the sample engagement has a backlog to forecast"
        return forecast

    @classmethod
    def _matrix_estimate(cls, engagement, bill_rate=100.0):
        """A draft estimate of ``engagement`` at the matrix rate card (a bill rate under
        the card's puts its margin under the target)."""
        line = {"phase": "Build", "name": "The work", "role_id": cls.matrix_role.id, "hours": 10.0}
        if bill_rate != 100.0:
            line.update(bill_rate=bill_rate, rate_override_reason="Matrix set-up")
        return cls.env["engagement.estimate"].create(
            {
                "engagement_id": engagement.id,
                "rate_card_id": cls.matrix_card.id,
                "line_ids": [Command.create(line)],
            }
        )

    @classmethod
    def _setup_action_cases(cls):
        """One record per button, in the state where the button applies, of engagements
        every internal user of the matrix follows."""
        followers = [user.partner_id.id for user in cls.users.values() if not user.share]
        engagement = cls._create_engagement(name="Followed engagement")
        planned = cls._create_engagement(name="Followed engagement in planning")
        (engagement | planned).message_subscribe(partner_ids=followers)
        # The administrators' way there: a button test needs the stage, not the history.
        planned.action_override_stage(cls.stage["planning"], "Access matrix set-up")

        def deliverable(type_xmlid, *steps):
            record = cls._make_deliverable(engagement, type_xmlid)
            for step in steps:
                getattr(record, step)()
            return record

        sow_draft = deliverable(SOW)
        sow_in_review = deliverable(SOW, "action_request_review")
        pricing_in_review = deliverable(PRICING, "action_request_review")
        brd_draft = deliverable(BRD)
        brd_submitted = deliverable(BRD, "action_submit")

        def change_order(revenue, *steps):
            order = cls.env["engagement.change.order"].create(
                {
                    "engagement_id": engagement.id,
                    "title": f"Change of {revenue}",
                    "category": "scope",
                    "revenue_delta": revenue,
                }
            )
            for step in steps:
                if step == "action_approve":
                    order.with_user(cls.manager).action_approve()
                elif step == "action_sign":
                    order.sudo().action_sign("Carla Customer")
                else:
                    getattr(order, step)()
            return order

        small, large = 1000.0, 100000.0
        co_draft = change_order(small)
        co_submitted = change_order(small, "action_submit")
        co_large_submitted = change_order(large, "action_submit")
        co_large_half_approved = change_order(large, "action_submit", "action_approve")
        co_approved = change_order(small, "action_submit", "action_approve")
        co_approved.countersigned_file = DOCUMENT
        co_approved.countersigned_filename = "countersigned.pdf"
        co_signed = change_order(small, "action_submit", "action_approve", "action_sign")
        co_applied = change_order(
            small, "action_submit", "action_approve", "action_sign", "action_apply"
        )

        Review = cls.env["engagement.margin.review"]
        review_draft = Review.create(
            {"name": "February", "date_from": "2025-02-01", "date_to": "2025-02-28"}
        )
        review_started = Review.create(
            {"name": "March", "date_from": "2025-03-01", "date_to": "2025-03-31"}
        )
        review_started.action_start()
        review_decided = Review.create(
            {"name": "April", "date_from": "2025-04-01", "date_to": "2025-04-30"}
        )
        review_decided.action_start()
        review_decided.line_ids.action_approve()
        review_line = review_started.line_ids.filtered(
            lambda line: line.engagement_id == engagement
        )
        review_flagged = Review.create(
            {"name": "May", "date_from": "2025-05-01", "date_to": "2025-05-31"}
        )
        review_flagged.action_start()
        review_flagged_line = review_flagged.line_ids.filtered(
            lambda line: line.engagement_id == engagement
        )
        review_flagged_line.action_flag("The WIP is disputed.")

        def gate_line(record, xmlid):
            return record.gate_line_ids.filtered(lambda line: line.gate_id == cls.env.ref(xmlid))

        Report = cls.env["engagement.status.report"]
        report_draft = Report.create(
            {"engagement_id": engagement.id, "date": "2026-03-01", "summary": "On track."}
        )
        report_published = Report.create(
            {"engagement_id": engagement.id, "date": "2026-03-08", "summary": "On track."}
        )
        report_published.action_publish()

        confirmed_kickoff = gate_line(planned, KICKOFF)
        confirmed_kickoff.action_confirm()

        est_draft = cls._matrix_estimate(engagement)
        est_templated = cls._matrix_estimate(engagement)
        est_templated.template_id = cls.matrix_template
        est_submitted = cls._matrix_estimate(engagement)
        est_submitted.action_submit()
        est_under_half = cls._matrix_estimate(engagement, bill_rate=55.0)
        est_under_half.action_submit()
        est_under_half.with_user(cls.manager).action_approve()
        est_approved = cls._matrix_estimate(engagement)
        est_approved.action_submit()
        est_approved.with_user(cls.manager).action_approve()

        cases = [
            ActionCase("engagement.estimate.action_submit", est_draft),
            ActionCase("engagement.estimate.action_approve [on target]", est_submitted),
            ActionCase(
                "engagement.estimate.action_approve [under target, manager approved]",
                est_under_half,
            ),
            ActionCase("engagement.estimate.action_reset_to_draft", est_submitted),
            ActionCase("engagement.estimate.action_new_version", est_approved),
            ActionCase("engagement.estimate.action_apply_template", est_templated),
            ActionCase("engagement.estimate.action_print_sow", est_approved),
            ActionCase("engagement.estimate.action_generate_sow", est_approved),
            ActionCase("engagement.engagement.action_next_stage", engagement),
            ActionCase(
                "engagement.engagement.action_move_to_stage [back a stage]",
                planned,
                stage=cls.stage["requirements"].id,
            ),
            ActionCase(
                "engagement.engagement.action_override_stage",
                engagement,
                stage=cls.stage["planning"].id,
                reason="The customer signed on paper.",
            ),
            ActionCase("engagement.engagement.action_refresh_health", engagement),
            ActionCase("engagement.engagement.action_create_project", planned),
            ActionCase(
                "engagement.gate.line.action_confirm [checklist item]",
                gate_line(engagement, DELIVERED),
            ),
            ActionCase(
                "engagement.gate.line.action_confirm [Manager approval]",
                gate_line(engagement, KICKOFF),
            ),
            ActionCase(
                "engagement.gate.line.action_confirm [Finance approval]",
                gate_line(engagement, FINANCIAL_CLOSE),
            ),
            ActionCase("engagement.gate.line.action_reset [Manager approval]", confirmed_kickoff),
            ActionCase("engagement.deliverable.action_request_review", sow_draft),
            ActionCase(
                "engagement.deliverable.action_review_approve [Legal review]", sow_in_review
            ),
            ActionCase(
                "engagement.deliverable.action_review_approve [Finance review]",
                pricing_in_review,
            ),
            ActionCase(
                "engagement.deliverable.action_review_return [Legal review]",
                sow_in_review,
                reason="Clause 4 is missing.",
            ),
            ActionCase("engagement.deliverable.action_submit", brd_draft),
            ActionCase(
                "engagement.deliverable.action_sign",
                brd_submitted,
                signed_by="Carla Customer",
                signature=SIGNATURE_PNG.decode(),
            ),
            ActionCase(
                "engagement.deliverable.action_reject",
                brd_submitted,
                reason="The scope is wrong.",
            ),
            ActionCase(
                "engagement.deliverable.action_mark_signed_paper",
                brd_submitted,
                attachment=DOCUMENT,
                attachment_name="signed.pdf",
                signed_by="Carla Customer",
            ),
            ActionCase("engagement.deliverable.action_cancel", brd_draft),
            ActionCase("engagement.deliverable.action_new_version", brd_draft),
            ActionCase("engagement.change.order.action_submit", co_draft),
            ActionCase(
                "engagement.change.order.action_approve [under the threshold]", co_submitted
            ),
            ActionCase(
                "engagement.change.order.action_approve [above, manager approved]",
                co_large_half_approved,
            ),
            ActionCase(
                "engagement.change.order.action_reject [under the threshold]",
                co_submitted,
                reason="Not now.",
            ),
            ActionCase(
                "engagement.change.order.action_reject [above the threshold]",
                co_large_submitted,
                reason="Not now.",
            ),
            ActionCase(
                "engagement.change.order.action_sign", co_approved, signed_by="Carla Customer"
            ),
            ActionCase(
                "engagement.change.order.action_upload_countersigned",
                co_approved,
                signed_by="Carla Customer",
            ),
            ActionCase("engagement.change.order.action_apply", co_signed),
            ActionCase("engagement.change.order.action_cancel [draft]", co_draft),
            ActionCase("engagement.change.order.action_cancel [approved]", co_approved),
            ActionCase("engagement.change.order.action_create_compensating", co_applied),
            ActionCase("engagement.status.report.action_publish", report_draft),
            ActionCase("engagement.status.report.action_unpublish", report_published),
            ActionCase("engagement.margin.review.action_start", review_draft),
            ActionCase("engagement.margin.review.action_close", review_decided),
            ActionCase("engagement.margin.review.line.action_approve", review_line),
            ActionCase(
                "engagement.margin.review.line.action_flag",
                review_line,
                comment="The cost looks low.",
            ),
            ActionCase(
                "engagement.margin.review.line.action_exclude_wip",
                review_flagged_line,
                reason="Disputed with the customer.",
            ),
            ActionCase(
                "engagement.stage.override.wizard.action_override",
                engagement,
                create={
                    "engagement_id": engagement.id,
                    "stage_id": cls.stage["planning"].id,
                    "reason": "The customer signed on paper.",
                },
            ),
            ActionCase(
                "engagement.deliverable.paper.wizard.action_confirm",
                brd_submitted,
                create={
                    "deliverable_id": brd_submitted.id,
                    "signed_by": "Carla Customer",
                    "attachment": DOCUMENT,
                    "attachment_name": "signed.pdf",
                },
            ),
            ActionCase(
                "engagement.deliverable.return.wizard.action_confirm",
                sow_in_review,
                create={"deliverable_id": sow_in_review.id, "reason": "Clause 4 is missing."},
            ),
        ]
        cls.action_cases = {case.key: case for case in cases}
        for case in cases:
            assert len(case.record) == 1, case.key
        assert set(cls.action_cases) == set(ACTIONS), set(cls.action_cases) ^ set(ACTIONS)

    def setUp(self):
        super().setUp()
        # Generating the SOW renders a PDF, which needs wkhtmltopdf.
        patch_pdf_rendering(self)

    @contextmanager
    def rolled_back(self):
        """Whatever happens inside, the database and the caches are as before after."""
        with closing(self.env.cr.savepoint()):
            yield
        self.env.invalidate_all(flush=False)
