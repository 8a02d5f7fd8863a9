"""Musterkreis: a fictional rural Kreis (~130,000 residents, ~25 Gemeinden, their Ortsteile), generated
deterministically for the demo, with a road network (OSM) and a sparse bus timetable (GTFS).

``build_kreis_db(path, seed=...)`` creates a store file and writes the network files beside it;
``generate(seed)`` returns the batch and facts without touching a store. Everything is fictional and labelled so
(``SourceInfo(fictional=True)``).
"""

from sozialraum.demo_kreis.build import DEFAULT_SEED, SOURCE_ID, build_kreis, build_kreis_db, generate

__all__ = ["DEFAULT_SEED", "SOURCE_ID", "build_kreis", "build_kreis_db", "generate"]
