"""plotly figure builders (German labels, German number format). plotly is imported inside the builders.

Modules: ``need`` (time series, provider counts, ranking), ``access`` (coverage), ``siting`` (k-curve).
"""
