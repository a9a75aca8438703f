"""What Odoo's web client reads for a list or form view (the ``specification`` of
``web_search_read`` / ``web_read``), from the view's arch: kept apart to be tested alone.

No odoo import: an arch (as ``get_views`` returns it, for one user) and the ``models``
field descriptions of the same answer in, a specification out. It is the web client's
shape, simplified: every field of the arch; many2ones with their display name; x2manys
with the fields of their inline list or kanban (40 rows), else their display names.
"""

from lxml import etree

X2MANY = ("one2many", "many2many")
SUBVIEW_LIMIT = 40


def spec_from_arch(arch, model, models, view_type):
    """The specification for ``arch`` (a string) of ``model``; ``models``:
    ``{model: {"fields": {name: {"type": ..., "relation": ...}}}}``. A form also reads
    the record's display name. Fields the descriptions lack (a user without their
    groups) are left out."""
    root = etree.fromstring(arch.encode() if isinstance(arch, str) else arch)
    spec = {"display_name": {}} if view_type == "form" else {}
    spec.update(_spec_of(root, model, models))
    return spec


def _spec_of(node, model, models):
    fields = models[model]["fields"]
    spec = {}
    for child in node.iterchildren(tag=etree.Element):
        if child.tag == "groupby":  # a list's group header: the web client reads it apart
            continue
        if child.tag != "field":
            for name, sub in _spec_of(child, model, models).items():
                spec.setdefault(name, sub)
            continue
        name = child.get("name")
        field = fields.get(name)
        if field is None:
            continue
        if field["type"] in X2MANY:
            inline = next(child.iterchildren("list", "kanban"), None)
            if inline is not None and field.get("relation") in models:
                spec[name] = {
                    "fields": _spec_of(inline, field["relation"], models),
                    "limit": SUBVIEW_LIMIT,
                }
            else:
                spec.setdefault(name, {"fields": {"display_name": {}}})
        elif field["type"] == "many2one":
            spec.setdefault(name, {"fields": {"display_name": {}}})
        else:
            spec.setdefault(name, {})
    return spec
