"""Fictional German place names for the Musterkreis, drawn without repetition."""

from __future__ import annotations

import numpy as np

KREIS = "Musterkreis"
STEMS = ("Linden", "Erlen", "Birken", "Eichen", "Buchen", "Tannen", "Fichten", "Wald", "Hain", "Rosen", "Wiesen",
         "Berg", "Mühl", "Stein", "Kirch", "Schön", "Breiten", "Roth", "Sonnen", "Hasel", "Weiden", "Eschen",
         "Falken", "Kranich", "Wolfs", "Hirsch", "Bären", "Dachs", "Otter", "Ulmen", "Holder", "Lauter", "Klar",
         "Weißen", "Grün", "Kalten", "Warmen", "Hohen", "Tiefen", "Alten", "Neuen", "Ebers", "Asch", "Gold",
         "Silber", "Kupfer", "Salz", "Quell", "Brunn", "Auer")
SUFFIXES = ("bach", "hausen", "dorf", "feld", "rode", "ingen", "heim", "tal", "au", "born", "grund", "berg",
            "stedt", "leben", "roda", "hof", "brück", "wind", "lohe", "scheid")
PREFIXES = ("Ober", "Unter", "Nieder", "Klein", "Groß", "Hinter", "Vorder")
TOWN_SUFFIXES = ("burg", "stadt", "hausen", "felde", "ingen")


class PlaceNames:
    """``village()`` and ``town()`` return new names (never one given before)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def _fresh(self, make) -> str:
        for _ in range(10_000):
            name = make()
            if name not in self.used and not any(name in u or u in name for u in self.used):
                self.used.add(name)
                return name
        raise RuntimeError("Musterkreis: keine freien Ortsnamen mehr")

    def village(self) -> str:
        def make():
            name = str(self.rng.choice(STEMS)) + str(self.rng.choice(SUFFIXES))
            if self.rng.uniform() < 0.12:
                name = str(self.rng.choice(PREFIXES)) + name.lower()
            return name
        return self._fresh(make)

    def town(self) -> str:
        return self._fresh(lambda: str(self.rng.choice(STEMS[:30])) + str(self.rng.choice(TOWN_SUFFIXES)))
