"""Accessibility: travel model, demand points, coverage, two-step floating catchment, need × gap."""
