from odoo import _, models

from odoo.addons.account.models.chart_template import template


class AccountChartTemplate(models.AbstractModel):
    """Revenue recognition defaults for the generic chart of accounts.

    Through Odoo's own template hooks, so a company that installs the generic chart after
    this addon gets them as part of its chart; companies that already have it get them at
    the addon's installation (``hooks._configure_revenue_recognition``). The deferred
    revenue account is the chart's own; the contract asset, the adjustment account and a
    journal of their own are added. Other charts are left alone: their accounts differ by
    country, and the accountant chooses them in Settings.
    """

    _inherit = "account.chart.template"

    @template("generic_coa", "account.account")
    def _get_engagement_generic_coa_account_account(self):
        return {
            "engagement_unbilled_revenue": {
                "name": _("Unbilled Revenue (Contract Asset)"),
                "code": "1230",
                "account_type": "asset_current",
                "reconcile": False,
            },
            "engagement_revenue_adjustment": {
                "name": _("Services Revenue Recognised"),
                "code": "4010",
                "account_type": "income",
                "reconcile": False,
            },
        }

    @template("generic_coa", "account.journal")
    def _get_engagement_generic_coa_account_journal(self):
        return {
            "engagement_revenue_recognition": {
                "name": _("Revenue Recognition"),
                "code": "REVR",
                "type": "general",
                "show_on_dashboard": False,
                "sequence": 12,
            },
        }

    @template("generic_coa", "res.company")
    def _get_engagement_generic_coa_res_company(self):
        return {
            self.env.company.id: {
                "engagement_wip_journal_id": "engagement_revenue_recognition",
                "engagement_unbilled_account_id": "engagement_unbilled_revenue",
                "engagement_deferred_account_id": "deferred_revenue",
                "engagement_revenue_adjustment_account_id": "engagement_revenue_adjustment",
            },
        }

    def _engagement_load_revenue_recognition(self, company):
        """Create the generic chart's revenue recognition defaults on ``company``, which
        already has that chart (the installation of the addon), as the chart's own loading
        would have: the same data, the same XML ids, codes padded to the chart's digits."""
        self = self.with_company(company)  # noqa: PLW0642 the templates read env.company
        code_digits = int(self._get_generic_coa_template_data().get("code_digits", 6))
        accounts = self._get_engagement_generic_coa_account_account()
        for values in accounts.values():
            values["code"] = f"{values['code']:<0{code_digits}}"
        journals = self._get_engagement_generic_coa_account_journal()
        self._load_data(
            {
                model: {
                    xmlid: values
                    for xmlid, values in data.items()
                    if not self.ref(xmlid, raise_if_not_found=False)
                }
                for model, data in (("account.account", accounts), ("account.journal", journals))
            }
        )
        values = self._get_engagement_generic_coa_res_company()[company.id]
        company.write(
            {
                name: record.id
                for name, xmlid in values.items()
                if not company[name] and (record := self.ref(xmlid, raise_if_not_found=False))
            }
        )
