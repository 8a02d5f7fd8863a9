"""German-sounding fictional names for Musterstadt's areas and streets (unique per level)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sozialraum.demo.plan import AFFLUENT, ESTATE, HOT_INNER, CityPlan

CITY = "Musterstadt"
COMPASS8 = ("Nord", "Nordost", "Ost", "Südost", "Süd", "Südwest", "West", "Nordwest")
STADT4 = ("Nordstadt", "Oststadt", "Südstadt", "Weststadt")
STADTTEIL_POOL = (
    "Eichenberg", "Birkenfeld", "Mühlbach", "Kirchdorf", "Talwiesen", "Buchenhain", "Steinfeld", "Hasenbühl",
    "Wiesengrund", "Auenthal", "Kreuzfeld", "Lindenhof", "Schäferberg", "Hammerbach", "Oberdorf", "Niederau",
    "Bruchfeld", "Gartenstadt", "Hainfeld", "Weidenau", "Fuchsbau", "Ulmenried", "Erlenbruch", "Kastanienhöhe",
)
PLACE_POOL = (
    "Am Markt", "Lindenplatz", "Schillerplatz", "Mühlenweg", "Kirchplatz", "Am Wasserturm", "Schulzentrum",
    "Am Bach", "Alter Friedhof", "Brunnenviertel", "Feldrain", "Am Weiher", "Ziegelei", "Obere Au", "Untere Au",
    "Sportpark", "Hohe Wiese", "Am Anger", "Torbogen", "Schmiedgasse", "Rathausviertel", "Eselsweg",
    "Brückenkopf", "Kapellenberg", "Pappelallee", "Am Graben", "Gutshof", "Sandgrube", "Krummer Acker",
    "Ahornpark", "Salzwiese", "Hirtenwiese", "Goethehof", "Heckenweg", "Quellenviertel", "Zollhaus",
)
STREET_STEMS = (
    "Ahorn", "Birken", "Linden", "Eichen", "Kastanien", "Mühlen", "Garten", "Schul", "Kirch", "Markt", "Bahnhof",
    "Wiesen", "Feld", "Berg", "Tal", "Rosen", "Tulpen", "Goethe", "Schiller", "Lessing", "Kant", "Beethoven",
    "Mozart", "Brunnen", "Wald", "Bach", "Heide", "Sonnen", "Lerchen", "Falken", "Schwalben", "Amsel", "Finken",
    "Kolping", "Hölderlin", "Uhland", "Brahms", "Händel", "Kepler", "Humboldt", "Fontane", "Herder", "Weiden",
    "Erlen", "Holunder", "Flieder", "Nelken", "Veilchen", "Hasel", "Ulmen", "Pappel", "Rhein", "Main",
    "Fulda", "Lahn", "Werra", "Nidda", "Ohm", "Hessen", "Franken", "Burg", "Schloss", "Tor", "Stein", "Sand",
)
STREET_SUFFIXES = ("straße", "weg", "gasse", "ring", "allee", "platz", "pfad")


def compass8(bearing_deg: float) -> str:
    return COMPASS8[int(((bearing_deg + 22.5) % 360) // 45)]


def region_names(bearings: np.ndarray, central: np.ndarray) -> list[str]:
    """'Innenstadt' for the central Region; the others get distinct compass names by best angular fit."""
    from itertools import permutations

    out = ["Innenstadt" if c else "" for c in central]
    idx = [i for i, c in enumerate(central) if not c]
    target = np.arange(8) * 45.0
    diff = np.abs((np.asarray(bearings)[idx][:, None] - target[None, :] + 180) % 360 - 180)
    perms = np.array(list(permutations(range(8), len(idx))))
    best = perms[np.argmin(diff[np.arange(len(idx)), perms].sum(axis=1))]
    for r, c in enumerate(best):
        out[idx[r]] = COMPASS8[c]
    return out


def _containing(geoms, zones) -> dict[int, list]:
    import shapely

    found: dict[int, list] = {}
    for z in zones:
        hit = np.flatnonzero(shapely.contains_xy(np.asarray(geoms, dtype=object), z.x, z.y))
        if len(hit):
            found.setdefault(int(hit[0]), []).append(z)
    return found


def stadtteil_names(st: pd.DataFrame, plan: CityPlan, rng: np.random.Generator) -> list[str]:
    """Named by role first (estates, Altstadt, Bahnhofsviertel, villa quarters), then by position or pool."""
    from shapely.geometry import Point

    out: list[str | None] = [None] * len(st)
    geoms = st.geometry.tolist()
    cx, cy = plan.centre
    centre_idx = int(np.argmin([g.distance(Point(cx, cy)) for g in geoms]))
    out[centre_idx] = "Altstadt"
    for kind in (ESTATE, HOT_INNER, AFFLUENT):
        for i, zones in _containing(geoms, plan.zones_of(kind)).items():
            if out[i] is None:
                out[i] = zones[0].name
    central_region = st.parent_key.to_numpy() == "01"
    used = set(n for n in out if n)
    for i in np.flatnonzero(central_region):
        if out[i] is None:
            b = float(np.degrees(np.arctan2(st.x[i] - cx, st.y[i] - cy)) % 360)
            cand = STADT4[int(((b + 45) % 360) // 90)]
            out[i] = cand if cand not in used else "Neustadt" if "Neustadt" not in used else None
            if out[i]:
                used.add(out[i])
    pool = [n for n in rng.permutation(STADTTEIL_POOL) if n not in used]
    for i in range(len(out)):
        if out[i] is None:
            out[i] = str(pool.pop(0))
    return [str(n) for n in out]


def _with_suffix(base: str, suffix: str) -> str:
    return f"{base} ({suffix})" if " " in base else f"{base}-{suffix}"


def plr_names(pl: pd.DataFrame, st_names: dict[str, str], st_xy: pd.DataFrame, plan: CityPlan,
              rng: np.random.Generator) -> list[str]:
    """Special zones by their use; otherwise '<Stadtteil>-<Richtung>' or a local place name."""
    cx, cy = plan.centre
    out: list[str | None] = [None] * len(pl)
    used: set[str] = set()
    for i, (kind, zone) in enumerate(zip(pl.special, pl.zone)):
        if not isinstance(kind, str):
            continue
        b = float(np.degrees(np.arctan2(pl.x[i] - cx, pl.y[i] - cy)) % 360)
        if zone == "Gewerbegebiet":
            name = f"Gewerbegebiet {compass8(b)}"
        elif kind == "allotments":
            name = f"Kleingartenanlage {st_names[pl.parent_key[i]]}"
        else:
            name = zone
        out[i] = name
        used.add(name)
    zone_plr = _containing(pl.geometry.tolist(), plan.zones_of(ESTATE, HOT_INNER, AFFLUENT))
    for i, zones in zone_plr.items():
        if out[i] is None and zones[0].name not in st_names.values() and zones[0].name not in used:
            out[i] = zones[0].name
            used.add(zones[0].name)
    places = [str(p) for p in rng.permutation(PLACE_POOL)]
    for key, group in pl.groupby("parent_key", sort=True):
        base = st_names[key]
        sx, sy = st_xy.loc[key, "x"], st_xy.loc[key, "y"]
        d = np.hypot(group.x - sx, group.y - sy)
        free = [i for i in group.index if out[i] is None]
        if len(free) >= 3:
            mid = min(free, key=lambda i: d[i])
            out[mid] = _with_suffix(base, "Mitte")
            used.add(out[mid])
        for i in free:
            if out[i] is not None:
                continue
            b = float(np.degrees(np.arctan2(pl.x[i] - sx, pl.y[i] - sy)) % 360)
            four = ("Nord", "Ost", "Süd", "West")[int(((b + 45) % 360) // 90)]
            for cand in (_with_suffix(base, four), _with_suffix(base, compass8(b))):
                if cand not in used:
                    out[i] = cand
                    break
            else:
                out[i] = places.pop(0)
            used.add(out[i])
    return [str(n) for n in out]


def street_names(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` distinct street names."""
    combos = [s + suf for s in STREET_STEMS for suf in STREET_SUFFIXES]
    return [str(c) for c in rng.permutation(combos)[:n]]
