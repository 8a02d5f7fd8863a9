"""Read, validate and reproject input files; hand the result to the store as a ``Batch``.

One module per format or purpose:

- ``tables``  — CSV / XLSX statistics (German number formats, BA markers, sentinels), long or wide.
- ``shapes``  — area polygons from GeoJSON, GeoPackage, Shapefile (also zipped), reprojected to a metric CRS.
- ``points``  — provider / venue / Jobcenter points from CSV (lat/lon or x/y + CRS) or GeoJSON.
- ``loader``  — ``import_areas`` / ``import_statistics`` / ``import_points``: read, validate, ``replace_source``.
- ``recipe``  — a TOML recipe naming several sources; imported all-or-nothing.
- ``plausibility`` — impossible and doubtful values, checked at the store's write boundary for every importer.

Every problem is raised as ``sozialraum.errors.InputError`` naming file, row (as a spreadsheet shows it) and
column; nothing is written to the store when that happens.
"""
