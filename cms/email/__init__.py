"""Pages rendered as e-mail: one HTML and one text part per language."""
