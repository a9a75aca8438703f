import graphlib

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

MODULE = "engagement_management"


def uninstall_hook(env):
    """Delete every record of the addon's models before Odoo removes its data.

    Odoo deletes the records of the addon's data files one by one and gives up on a record
    another row still points to through a restrict key; it does not try again once the
    addon's tables are dropped. The records people created (an engagement, its signed
    Statement of Work) are not deleted one by one: they go with their tables, too late for
    the customer, deliverable type and review group they point to, which then stay behind
    with the addon's XML ids. Emptying the tables first, through the ORM so that chatter,
    attachments and XML ids go too, leaves nothing to hold them.
    """
    env = env(context={**env.context, MODULE_UNINSTALL_FLAG: True, "active_test": False})
    for model_name in _deletion_order(env):
        env[model_name].sudo().search([]).unlink()


def _deletion_order(env):
    """The addon's stored models, each before the models it points to: deleting a record
    then never waits on a restrict key, nor cascades past the ORM's clean-up."""
    own = {
        name
        for name, model in env.registry.items()
        if model._original_module == MODULE
        and model._auto
        and not model._abstract
        and not model._transient
    }
    graph = graphlib.TopologicalSorter()
    for name in sorted(own):
        graph.add(name)
        for field in env[name]._fields.values():
            if field.type == "many2one" and field.store and field.comodel_name in own - {name}:
                graph.add(field.comodel_name, name)
    return list(graph.static_order())


def post_init_hook(env):
    _configure_revenue_recognition(env)


def _configure_revenue_recognition(env):
    """Give the companies that already have the generic chart of accounts its revenue
    recognition journal and accounts; a company with another chart chooses its own (the
    settings say so). Kept apart so that a migration can call it for existing databases."""
    companies = env["res.company"].search(
        [("chart_template", "=", "generic_coa"), ("parent_id", "=", False)]
    )
    for company in companies:
        env["account.chart.template"]._engagement_load_revenue_recognition(company)
