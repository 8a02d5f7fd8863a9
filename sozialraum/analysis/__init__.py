"""Pure analysis on arrays and frames: confidentiality, class breaks, the need index, rates, hot spots."""
