def without_default_keys(records, field_names):
    """``records`` without the context's ``default_`` keys of ``field_names``.

    A field only the code sets (a workflow field, the estimate a quotation comes from)
    is checked in the values ``create`` receives, but Odoo adds the context's defaults
    after that: a client's ``default_<field>`` key would give it a value no check saw.
    """
    context = records.env.context
    kept = {
        key: value
        for key, value in context.items()
        if not (key.startswith("default_") and key[len("default_") :] in field_names)
    }
    # Replacing the context is the point: the dropped keys must not come back.
    return records if len(kept) == len(context) else records.with_context(kept)  # pylint: disable=context-overridden
