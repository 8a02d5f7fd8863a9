"""Musterstadt: a fictional German city of ~280,000 residents, generated deterministically for the demo.

``build_demo(con, seed=...)`` writes it into an open store, ``build_demo_db(path, ...)`` creates a store file.
Everything is fictional and labelled so (``SourceInfo(fictional=True)``).
"""

from sozialraum.demo.build import DEFAULT_SEED, SOURCE_ID, build_demo, build_demo_db, generate

__all__ = ["DEFAULT_SEED", "SOURCE_ID", "build_demo", "build_demo_db", "generate"]
