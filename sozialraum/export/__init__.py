"""Council outputs: the PDF report, print-quality images and data exports — every number through the
confidentiality gate (``sozialraum.analysis.confidentiality.published``).

- ``report.build_report(con, out, ...)``: the German PDF report (headless Chromium, see ``report``'s docstring);
- ``images.figure_png / figure_svg / map_png``: PNG at print resolution, SVG for plotly charts;
- ``data_export.export_data(con, what, fmt, out, ...)``: CSV for German Excel, XLSX, GeoPackage;
- ``tabular``: the writers on a ``sheet.Sheet``; ``tables``: sheets built from the store.

Heavy libraries (playwright, plotly, kaleido, folium, openpyxl, pyogrio) are imported inside the functions.
"""
