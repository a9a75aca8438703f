from unittest.mock import patch

from odoo import Command

from .common import EngagementCommon


def _pdf_of_html(report, report_ref, res_ids=None, data=None):
    """What wkhtmltopdf would make of a report: its real QWeb rendering, as a PDF (the
    machines that run the tests have no PDF engine, and Odoo renders HTML in tests)."""
    html = report._render_qweb_html(report_ref, res_ids, data=data)[0]
    return b"%PDF-1.7\n" + html, "pdf"


def patch_pdf_rendering(test):
    """For the duration of ``test``, PDF reports render as ``_pdf_of_html`` says (the
    HTTP server of an HttpCase included: it runs in the same process)."""
    patcher = patch.object(type(test.env["ir.actions.report"]), "_render_qweb_pdf", _pdf_of_html)
    patcher.start()
    test.addCleanup(patcher.stop)


class EstimateCommon(EngagementCommon):
    """A standard rate card (the company's default) with three roles, and the hourly
    cost of the people who log time on the delivery project."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Role = cls.env["project.role"]
        cls.role_pm = Role.create({"name": "Project Manager"})
        cls.role_dev = Role.create({"name": "Developer"})
        cls.role_int = Role.create({"name": "Integration Consultant"})
        cls.card = cls.env["engagement.rate.card"].create(
            {
                "name": "Standard 2026",
                "line_ids": [
                    Command.create(
                        {"role_id": cls.role_pm.id, "bill_rate": 150.0, "cost_rate": 80.0}
                    ),
                    Command.create(
                        {"role_id": cls.role_dev.id, "bill_rate": 100.0, "cost_rate": 60.0}
                    ),
                    Command.create(
                        {"role_id": cls.role_int.id, "bill_rate": 120.0, "cost_rate": 70.0}
                    ),
                ],
            }
        )
        cls.company.engagement_rate_card_id = cls.card
        cls.company.engagement_estimate_target_margin_pct = 30.0
        cls.Estimate = cls.env["engagement.estimate"]

    @classmethod
    def _breakdown(cls):
        """20 h of PM (3 000), 100 h of development (10 000), 50 h of integration
        (6 000): 19 000 of revenue for 11 100 of cost, before contingency."""
        return [
            Command.create(
                {
                    "phase": "Discovery",
                    "name": "Workshops",
                    "role_id": cls.role_pm.id,
                    "hours": 20.0,
                }
            ),
            Command.create(
                {
                    "phase": "Build",
                    "name": "Configuration",
                    "role_id": cls.role_dev.id,
                    "hours": 100.0,
                }
            ),
            Command.create(
                {
                    "phase": "Build",
                    "name": "Interfaces",
                    "role_id": cls.role_int.id,
                    "hours": 50.0,
                }
            ),
        ]

    @classmethod
    def _new_estimate(cls, user=None, lead=None, **values):
        vals = {
            "lead_id": (lead or cls.lead).id,
            "contingency_pct": 10.0,
            "line_ids": cls._breakdown(),
            "assumptions": "<p>Key users attend the workshops.</p>",
            "exclusions": "<p>Data cleansing.</p>",
        }
        vals.update(values)
        # Created as the user; returned as the test sees it (the cost side included).
        return cls.Estimate.with_user(user or cls.ba).create(vals).with_env(cls.env)
