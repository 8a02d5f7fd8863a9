"""Self-describing indicators: declared once in ``registry``, used by the store, the analysis and the UI."""

from sozialraum.indicators.registry import INDICATORS, Indicator, get, rate_indicators, count_indicators

__all__ = ["INDICATORS", "Indicator", "get", "rate_indicators", "count_indicators"]
