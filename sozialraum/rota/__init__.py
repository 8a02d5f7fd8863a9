"""Mobile consultation rota: which venue on which weekday at what time (exact covering model, see ``model``)."""
