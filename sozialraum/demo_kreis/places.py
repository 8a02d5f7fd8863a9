"""Providers, the Jobcenter's two main sites and possible consultation venues of the Musterkreis.

§ 16a counselling (debts, addiction, psychosocial care) sits in the two towns, with a general social counselling
office in two former industrial villages; Kitas are in every village of some size, care services in the towns and
the larger villages. Consultation venues are where a mobile team could hold hours in the villages: the Rathaus
or Gemeindeverwaltung of every Gemeinde, village halls (Gemeindehaus / Dorfgemeinschaftshaus), church halls,
libraries and family centres. Everything is fictional.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.demo import catalogue as cat
from sozialraum.demo.names import street_names
from sozialraum.demo.providers import _choice, _umbrella_group
from sozialraum.demo_kreis.names import KREIS

OPERATORS = {
    "Caritas": f"Caritasverband für den {KREIS} e. V.",
    "Diakonie": f"Diakonisches Werk {KREIS}",
    "AWO": f"AWO Kreisverband {KREIS} e. V.",
    "DRK": f"DRK-Kreisverband {KREIS} e. V.",
    "Paritätischer": "Lebenshilfe und Beratung im Tal e. V.",
    "kommunal": f"Landratsamt {KREIS}",
    "privat": "Pflegedienst Landleben GmbH",
    "sonstige": f"Bürgerstiftung {KREIS}",
}
COUNSELLING = {  # service: (umbrella probabilities, places: list of (town, count))
    "schuldnerberatung": ({"Caritas": .4, "Diakonie": .3, "AWO": .3}, ((0, 2), (1, 1))),
    "suchtberatung": ({"Caritas": .35, "Diakonie": .35, "Paritätischer": .3}, ((0, 1), (1, 1))),
    "psychosozial": ({"Paritätischer": .4, "kommunal": .3, "Diakonie": .3}, ((0, 2), (1, 1))),
    "sozialberatung": ({"Caritas": .3, "Diakonie": .3, "AWO": .2, "DRK": .2}, ((0, 2), (1, 1))),
}


class Placer:
    """Points near a settlement, inside its Ortsteil, with a fictional address."""

    def __init__(self, settlements: pd.DataFrame, ortsteile: pd.DataFrame, rng: np.random.Generator):
        self.st = settlements.set_index("key")
        self.geom = dict(zip(ortsteile.key, ortsteile.geometry))
        self.rng = rng
        self.streets = street_names(rng, 80)

    def point(self, key: str) -> tuple[float, float, str]:
        import shapely

        s = self.st.loc[key]
        geom = self.geom[key]
        for _ in range(30):
            r, a = self.rng.uniform(40, 350), self.rng.uniform(0, 2 * np.pi)
            x, y = s.x + r * np.cos(a), s.y + r * np.sin(a)
            if shapely.contains_xy(geom, x, y):
                break
        else:
            p = geom.representative_point()
            x, y = p.x, p.y
        place = s["name"].split("-")[0]
        street = self.streets[int(self.rng.integers(0, len(self.streets)))]
        return float(x), float(y), f"{street} {int(self.rng.integers(1, 60))}, {place}"


def _provider(placer, key, service, name, dachverband, rng, capacity=np.nan, unit=None, hours=None):
    x, y, address = placer.point(key)
    coop = _choice(rng, cat.COOPERATION[(_umbrella_group(dachverband), service in cat.SECTION_16A)])
    spec = cat.TYPES.get(service)
    return {"service_type": service, "name": name, "traeger": OPERATORS.get(dachverband, OPERATORS["sonstige"]),
            "dachverband": dachverband, "kooperation": coop, "capacity": capacity, "capacity_unit": unit,
            "opening_hours": hours or (str(rng.choice(spec.hours)) if spec else "nach Vereinbarung"),
            "barrier_free": bool(rng.uniform() < 0.6), "address": address, "x": x, "y": y, "ortsteil": key}


def make_providers(st: pd.DataFrame, placer: Placer, town_names, rng) -> pd.DataFrame:
    rows = []
    core = {t: st.key[(st.town == t) & st.name.str.endswith("-Mitte")].iloc[0] for t in (0, 1)}
    parts = {t: st.key[st.town == t].tolist() for t in (0, 1)}
    for service, (umbrella, places) in COUNSELLING.items():
        for town, n in places:
            for k in range(n):
                key = core[town] if k == 0 else str(rng.choice(parts[town]))
                d = _choice(rng, umbrella)
                brand = cat.BRANDS.get(d, OPERATORS[d].split(" e. V.")[0])
                rows.append(_provider(placer, key, service, f"{cat.SERVICE_NAMES[service]} {town_names[town]} – "
                                      f"{brand}", d, rng, float(rng.choice(cat.COUNSEL_CAPACITY)),
                                      "Beratungsstunden/Woche"))
    industrial = st[st.industrial].sort_values("residents", ascending=False)
    for key, name in zip(industrial.key[:2], industrial.name[:2]):
        d = _choice(rng, {"Caritas": .5, "Diakonie": .5})
        rows.append(_provider(placer, key, "sozialberatung", f"Sozialberatung {name} – {cat.BRANDS[d]}", d, rng,
                              10.0, "Beratungsstunden/Woche", "Di 9:00–12:00; Do 14:00–17:00"))
    for r in st.itertuples():  # Kitas: every village of 300+ residents, in towns one per ~1,200 residents
        n = max(1, round(r.residents / 1200)) if r.town >= 0 else int(r.residents >= 300)
        for _ in range(n):
            d = _choice(rng, cat.TYPES["kita"].umbrella)
            motif = str(rng.choice(cat.KITA_MOTIFS))
            rows.append(_provider(placer, r.key, "kita", f"Kita {motif} {r.name}", d, rng,
                                  float(rng.choice(cat.TYPES["kita"].capacity[:6])), "Plätze"))
    big = st[st.town < 0].sort_values("residents", ascending=False)
    for key, name in list(zip(big.key[:6], big.name[:6])) + [(core[0], town_names[0]), (core[1], town_names[1])]:
        d = _choice(rng, cat.TYPES["pflege"].umbrella)
        rows.append(_provider(placer, key, "pflege", f"Sozialstation {name}", d, rng,
                              float(rng.choice(cat.TYPES["pflege"].capacity)), "Pflegebedürftige"))
    for key, name in [(core[0], town_names[0]), (core[1], town_names[1]), (industrial.key.iloc[0],
                                                                          industrial.name.iloc[0])]:
        rows.append(_provider(placer, key, "familienzentrum", f"Familienzentrum {name}",
                              _choice(rng, cat.TYPES["familienzentrum"].umbrella), rng))
    for key, name in [(core[0], town_names[0]), (core[1], town_names[1])] + list(zip(big.key[:3], big.name[:3])):
        rows.append(_provider(placer, key, "jugend", f"Jugendtreff {name}", "kommunal", rng))
    libraries = [(core[0], f"Stadtbibliothek {town_names[0]}"), (core[1], f"Stadtbücherei {town_names[1]}")]
    libraries += [(k, f"Gemeindebücherei {n}") for k, n in zip(big.key[:4], big.name[:4])]
    for key, name in libraries:
        rows.append(_provider(placer, key, "bibliothek", name, "kommunal", rng,
                              hours="Di, Do 14:00–18:00; Sa 10:00–12:00"))
    frame = pd.DataFrame(rows)
    dup = frame.name.duplicated(keep=False)
    frame.loc[dup, "name"] = frame.name[dup] + " (" + frame.address[dup].str.split(",").str[0] + ")"
    frame.loc[frame.name.duplicated(), "name"] += " II"
    frame.insert(0, "provider_id", [f"MK-P{i + 1:04d}" for i in range(len(frame))])
    return frame


def make_jobcenter(st: pd.DataFrame, placer: Placer, town_names) -> pd.DataFrame:
    rows = []
    for t, (site_type, label) in enumerate((("hauptsitz", "Hauptsitz"), ("geschaeftsstelle", "Geschäftsstelle"))):
        key = st.key[(st.town == t) & st.name.str.endswith("-Mitte")].iloc[0]
        x, y, address = placer.point(key)
        rows.append({"site_id": f"MK-JC{t + 1}", "site_type": site_type,
                     "name": f"Jobcenter {KREIS} – {label} {town_names[t]}", "address": address, "x": x, "y": y,
                     "ortsteil": key})
    return pd.DataFrame(rows)


def jobcenter_as_providers(sites: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "provider_id": "MK-P-" + sites.site_id, "service_type": "jobcenter", "name": sites.name,
        "traeger": f"Jobcenter {KREIS} (zugelassener kommunaler Träger)", "dachverband": None, "kooperation": None,
        "capacity": np.nan, "capacity_unit": None, "opening_hours": "Mo–Fr 8:00–12:00; Di 13:30–17:30",
        "barrier_free": True, "address": sites.address, "x": sites.x, "y": sites.y, "ortsteil": sites.ortsteil,
    })


def make_venues(st: pd.DataFrame, gemeinden: pd.DataFrame, providers: pd.DataFrame, placer: Placer,
                rng) -> pd.DataFrame:
    """Rathaus / Gemeindeverwaltung per Gemeinde, village and church halls in the villages, libraries and
    family centres."""
    rows = []
    names = dict(zip(gemeinden.key, gemeinden.name))
    for g in gemeinden.itertuples():
        key = st.key[st.gemeinde_key == g.key].iloc[0]  # the main place comes first
        x, y, address = placer.point(key)
        label = f"Rathaus {g.name}" if g.town >= 0 else f"Gemeindeverwaltung {g.name}"
        rows.append({"venue_type": "buergeramt", "name": label, "traeger": f"Stadt {g.name}" if g.town >= 0
                     else f"Gemeinde {g.name}", "barrier_free": bool(rng.uniform() < 0.7), "address": address,
                     "x": x, "y": y, "ortsteil": key})
    for r in st[st.town < 0].itertuples():
        if r.residents >= 250 and rng.uniform() < 0.55:
            x, y, address = placer.point(r.key)
            kind = "Dorfgemeinschaftshaus" if rng.uniform() < 0.5 else "Gemeindehaus"
            rows.append({"venue_type": "gemeindehaus", "name": f"{kind} {r.name}",
                         "traeger": f"Gemeinde {names[r.gemeinde_key]}", "barrier_free": bool(rng.uniform() < 0.5),
                         "address": address, "x": x, "y": y, "ortsteil": r.key})
        if r.residents >= 400 and rng.uniform() < 0.35:
            x, y, address = placer.point(r.key)
            ev = rng.uniform() < 0.6
            rows.append({"venue_type": "pfarrsaal",
                         "name": f"{'Ev. Gemeindehaus' if ev else 'Kath. Pfarrheim'} {r.name}",
                         "traeger": f"{'Ev.' if ev else 'Kath.'} Kirchengemeinde {r.name}",
                         "barrier_free": bool(rng.uniform() < 0.4), "address": address, "x": x, "y": y,
                         "ortsteil": r.key})
    src = providers[providers.service_type.isin(["bibliothek", "familienzentrum"])]
    rows += [{"venue_type": p.service_type, "name": p.name, "traeger": p.traeger, "barrier_free": p.barrier_free,
              "address": p.address, "x": p.x, "y": p.y, "ortsteil": p.ortsteil} for p in src.itertuples()]
    frame = pd.DataFrame(rows)
    frame.insert(0, "venue_id", [f"MK-V{i + 1:03d}" for i in range(len(frame))])
    return frame
