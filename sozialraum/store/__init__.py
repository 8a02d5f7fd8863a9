"""The DuckDB store: connection with the offline spatial extension, schema, all-or-nothing writes, roll-ups."""

from sozialraum.store.connection import connect, default_db_path, metric_epsg
from sozialraum.store.write import Batch, SourceInfo, replace_source, replace_sources

__all__ = ["connect", "default_db_path", "metric_epsg", "Batch", "SourceInfo", "replace_source", "replace_sources"]
