"""plotly figure builders (German labels, German number format). plotly is imported inside the builders.

Modules: ``need`` (time series, provider counts, ranking), ``access`` (coverage), ``siting`` (k-curve).
"""


def print_config(filename: str = "diagramm") -> dict:
    """plotly display config: the camera button saves a PNG at print resolution (4× the screen size, ~300 dpi
    at a third of an A4 page); no plotly logo."""
    return {"toImageButtonOptions": {"format": "png", "scale": 4, "filename": filename}, "displaylogo": False}
