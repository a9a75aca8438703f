from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import ormcache

from ..tools import without_default_keys

# The workflow's own writes carry this object in their context. Only Python code in this
# process can hold it (JSON-RPC, XML-RPC and the web client send data, not objects), so
# no client switches the guard off, whatever context it sends.
_WORKFLOW = object()
WORKFLOW_CONTEXT_KEY = "engagement_workflow"
MODULE = "engagement_management"


class EngagementWorkflowMixin(models.AbstractModel):
    """The one guard of what a workflow owns, for every model of the addon that has one.

    - the fields the workflow owns (``_workflow_fields``: states, stamps, version flags,
      health, satisfaction) are written by the workflow only; a plain ``create`` may
      state their defaults (``_workflow_create_defaults``), and ``_workflow_create_fields``
      are set once, on creation;
    - a read-only related field is never written through the record (that would write
      the record it comes from, past that record's own guard), nor a read-only computed
      one (its value is its compute's);
    - ``default_<field>`` context keys give no workflow field a value;
    - deletion asks ``_check_unlink_allowed``, also when a client sends the context key
      Odoo uses for module uninstallation; only a real uninstallation of this addon
      skips it;
    - ``_locked_binary_fields`` names the binary fields whose stored attachment is frozen
      (a signed document): ``ir.attachment`` asks it before any change.

    The workflow writes through ``_workflow()``.
    """

    _name = "engagement.workflow.mixin"
    _description = "Engagement Workflow Guard"

    # ------------------------------------------------------------------ hooks

    def _workflow_fields(self):
        """Hook: the fields only the workflow writes."""
        return frozenset()

    def _workflow_create_defaults(self):
        """Hook: ``{field: value}`` a plain create may give a workflow field (its default).
        Any other workflow field may only be empty on creation."""
        return {}

    def _workflow_create_fields(self):
        """Hook: workflow fields a plain create may set to anything, and nothing after."""
        return frozenset()

    def _check_unlink_allowed(self):
        """Hook: raise when these records may not be deleted."""

    def _locked_binary_fields(self):
        """Hook: the binary fields of this record whose content is frozen now."""
        self.ensure_one()
        return frozenset()

    # ------------------------------------------------------------------ the guard

    def _workflow(self):
        """These records as the workflow writes them."""
        return self.with_context(**{WORKFLOW_CONTEXT_KEY: _WORKFLOW})

    def _in_workflow(self):
        return self.env.context.get(WORKFLOW_CONTEXT_KEY) is _WORKFLOW

    @ormcache()
    def _derived_fields(self):
        """The fields whose value comes from elsewhere: read-only related and computed
        fields (related fields have an inverse of their own: the record they read).
        Known once per model: every create and write asks."""
        return frozenset(
            name
            for name, field in self._fields.items()
            if field.readonly and (field.related or (field.compute and not field.inverse))
        )

    def _refused_fields(self, vals, creating=False):
        """The fields of ``vals`` a plain create or write may not set."""
        owned = self._workflow_fields()
        derived = self._derived_fields()
        refused = set()
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                continue
            if name in derived and name not in owned:
                if not creating or value:
                    refused.add(name)
            elif name in owned:
                if not creating:
                    refused.add(name)
                elif name not in self._workflow_create_fields():
                    default = self._workflow_create_defaults().get(name)
                    if (value or False) != (default or False):
                        refused.add(name)
        return refused

    def _check_workflow_values(self, vals, creating=False):
        if self._in_workflow():
            return
        refused = self._refused_fields(vals, creating=creating)
        if refused:
            description = self.env["ir.model"]._get(self._name).name
            raise UserError(
                _(
                    "%(model)s: %(fields)s change through its workflow buttons only, never "
                    "by a plain write.",
                    model=description,
                    fields=", ".join(
                        f"{self._fields[name].get_description(self.env)['string']} ({name})"
                        for name in sorted(refused)
                    ),
                )
            )

    def _without_workflow_defaults(self):
        """This model without the context's ``default_`` keys of fields the workflow owns:
        defaults from the context are added after ``create`` saw its values."""
        guarded = (self._workflow_fields() - self._workflow_create_fields()) | (
            self._derived_fields()
        )
        return without_default_keys(self, guarded)

    @api.model_create_multi
    def create(self, vals_list):
        if self._in_workflow():
            return super().create(vals_list)
        # Who may not create at all hears that first.
        self.check_access("create")
        for vals in vals_list:
            self._check_workflow_values(vals, creating=True)
        return super(EngagementWorkflowMixin, self._without_workflow_defaults()).create(vals_list)

    def write(self, vals):
        if not self._in_workflow():
            # Who may not write at all hears that first.
            self.check_access("write")
            self._check_workflow_values(vals)
        return super().write(vals)

    @api.model
    def _is_addon_uninstalling(self):
        """Whether this addon is being uninstalled: the state of its module, which no
        client sets (unlike the context key Odoo passes to deletions then)."""
        module = self.env["ir.module.module"].sudo().search([("name", "=", MODULE)], limit=1)
        return module.state == "to remove"

    @api.ondelete(at_uninstall=True)
    def _unlink_except_workflow(self):
        if self._is_addon_uninstalling():
            return
        self._check_unlink_allowed()
