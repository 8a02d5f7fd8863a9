"""Providers, Jobcenter sites and candidate venues of Musterstadt as point GeoDataFrames (EPSG:25832).

Providers are placed in Planungsräume drawn with probability ∝ residents of the target group × centrality, then
at a random point of a block drawn by its residents: counselling clusters in the centre, Kitas follow the
children, the estates get a Stadtteilzentrum each but little counselling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sozialraum.demo import catalogue as cat
from sozialraum.demo.layout import Layout
from sozialraum.demo.names import street_names
from sozialraum.demo.plan import EPSG, ESTATE, HOT_INNER, CityPlan


@dataclass
class Placer:
    """Random points in Planungsräume (inside populated blocks) with fictional street addresses."""

    layout: Layout
    rng: np.random.Generator

    def __post_init__(self):
        n = len(self.layout.plr)
        self.streets = street_names(self.rng, 4 * n)

    def point(self, plr_index: int) -> tuple[float, float, str]:
        import shapely

        blocks = np.flatnonzero(self.layout.plr_of_block == plr_index)
        w = self.layout.block_pop[blocks] + 1e-6
        b = int(self.rng.choice(blocks, p=w / w.sum()))
        geom = self.layout.blocks.geoms[b]
        xmin, ymin, xmax, ymax = geom.bounds
        for _ in range(200):
            x, y = self.rng.uniform(xmin, xmax), self.rng.uniform(ymin, ymax)
            if shapely.contains_xy(geom, x, y):
                break
        else:
            x, y = self.layout.blocks.xy[b]
        street = self.streets[4 * plr_index + int(self.rng.integers(0, 4))]
        return float(x), float(y), f"{street} {int(self.rng.integers(1, 120))}, {cat.CITY}"


def _choice(rng, probs: dict[str, float]) -> str:
    keys = list(probs)
    p = np.array([probs[k] for k in keys], dtype=float)
    return str(keys[rng.choice(len(keys), p=p / p.sum())])


def _umbrella_group(dachverband: str) -> str:
    return "kommunal" if dachverband == "kommunal" else "privat" if dachverband == "privat" else "frei"


def _brand(dachverband: str, traeger: str) -> str:
    if dachverband in cat.BRANDS:
        return cat.BRANDS[dachverband]
    for legal in (" e. V.", " gGmbH", " GmbH"):
        traeger = traeger.replace(legal, "")
    return traeger


def _name(service: str, dachverband: str, traeger: str, stadtteil: str, address: str, rng) -> str:
    if service == "kita":
        motif = str(rng.choice(cat.KITA_MOTIFS))
        if dachverband == "kommunal":
            return f"Städtische Kita {address.split(',')[0]}"
        if dachverband == "Caritas" and "St. " in traeger:
            return f"Kath. Kita {traeger.split('Kirchengemeinde ')[-1]}"
        if dachverband == "Diakonie":
            return f"Ev. Kita {motif}"
        return f"Kita {motif}"
    if service == "pflege":
        if dachverband == "privat":
            return traeger
        return f"{_brand(dachverband, traeger)}-Sozialstation {stadtteil}"
    if service in ("familienzentrum", "stadtteilzentrum", "jugend"):
        return f"{cat.SERVICE_NAMES[service]} {stadtteil}"
    return f"{cat.SERVICE_NAMES[service]} – {_brand(dachverband, traeger)}"


def _where(spec: cat.TypeSpec, weights: np.ndarray, stadtteil: np.ndarray, forced: list[int], rng) -> list[int]:
    """Planungsraum indices for ``spec.count`` providers: forced ones first, then drawn by weight
    (neighbourhood facilities: at most one per Stadtteil)."""
    where = list(forced)
    rest = spec.count - len(where)
    if not spec.per_stadtteil:
        return where + [int(i) for i in rng.choice(len(weights), size=rest, p=weights)]
    taken = set(stadtteil[where])
    st_w = pd.Series(weights).groupby(stadtteil).sum().drop(list(taken), errors="ignore")
    st_w = st_w[st_w > 0]
    chosen = rng.choice(st_w.index.to_numpy(), size=min(rest, len(st_w)), replace=False,
                        p=st_w.to_numpy() / st_w.sum())
    for st in chosen:
        members = np.flatnonzero(stadtteil == st)
        w = weights[members]
        where.append(int(members[rng.choice(len(members), p=w / w.sum())]))
    return where


def _weights(res24: pd.DataFrame, prof: pd.DataFrame, spec: cat.TypeSpec) -> np.ndarray:
    w = res24[spec.weight].to_numpy(dtype=float) * (0.1 + prof.centrality.to_numpy()) ** spec.central
    w[res24.ew_gesamt.to_numpy() < 300] = 0.0
    return w / w.sum()


def _zone_plr(layout: Layout, zones) -> list[int]:
    import shapely

    out = []
    geoms = np.asarray(layout.plr.geometry.tolist(), dtype=object)
    for z in zones:
        hit = np.flatnonzero(shapely.contains_xy(geoms, z.x, z.y))
        if len(hit):
            out.append(int(hit[0]))
    return out


def make_providers(plan: CityPlan, layout: Layout, prof: pd.DataFrame, res24: pd.DataFrame, placer: Placer,
                   st_names: dict[str, str], rng: np.random.Generator) -> pd.DataFrame:
    """Rows: provider_id, service_type, name, traeger, dachverband, kooperation, capacity, capacity_unit,
    opening_hours, barrier_free, address, x, y, plr_key (without the Jobcenter)."""
    rows = []
    forced = {"stadtteilzentrum": _zone_plr(layout, plan.zones_of(ESTATE, HOT_INNER)),
              "familienzentrum": _zone_plr(layout, plan.zones_of(ESTATE))[:1]}
    stadtteil = layout.plr.parent_key.to_numpy()
    for service, spec in cat.TYPES.items():
        for i in _where(spec, _weights(res24, prof, spec), stadtteil, forced.get(service, []), rng):
            x, y, address = placer.point(int(i))
            dachverband = _choice(rng, spec.umbrella)
            traeger = str(rng.choice(cat.operators(dachverband, service)))
            st_name = st_names[stadtteil[i]]
            coop = _choice(rng, cat.COOPERATION[(_umbrella_group(dachverband), service in cat.SECTION_16A)])
            capacity = float(rng.choice(spec.capacity)) if spec.capacity else np.nan
            rows.append(dict(service_type=service,
                             name=_name(service, dachverband, traeger, st_name, address, rng),
                             traeger=traeger, dachverband=dachverband, kooperation=coop, capacity=capacity,
                             capacity_unit=spec.capacity_unit, opening_hours=str(rng.choice(spec.hours)),
                             barrier_free=bool(rng.uniform() < spec.barrier_free), address=address, x=x, y=y,
                             plr_key=layout.plr.key.iloc[i], stadtteil=st_name))
    rows += _libraries(layout, res24, placer, st_names, rng, centre=int(np.argmax(prof.centrality.to_numpy())))
    frame = pd.DataFrame(rows)
    frame = _dedupe_names(frame)
    frame.insert(0, "provider_id", [f"MS-P{i + 1:04d}" for i in range(len(frame))])
    return frame


def _libraries(layout: Layout, res24: pd.DataFrame, placer: Placer, st_names, rng, centre: int) -> list[dict]:
    """The central library near the city centre and a branch in each of the six largest outer Stadtteile."""
    plr = layout.plr
    pop_st = res24.groupby(plr.parent_key.to_numpy()).ew_gesamt.sum()
    outer = pop_st[~pop_st.index.str.startswith("01")].sort_values(ascending=False).index[:6]
    rows = []
    targets = [(centre, f"Stadtbibliothek {cat.CITY} – Zentralbibliothek", 1.0)]
    for st in outer:
        members = np.flatnonzero(plr.parent_key.to_numpy() == st)
        i = int(members[np.argmax(res24.ew_gesamt.to_numpy()[members])])
        targets.append((i, f"Stadtteilbibliothek {st_names[st]}", 0.8))
    for i, name, bf in targets:
        x, y, address = placer.point(i)
        rows.append(dict(service_type="bibliothek", name=name, traeger=f"Stadtbibliothek {cat.CITY}",
                         dachverband="kommunal", kooperation=_choice(rng, {"verweis": .5, "informell": .5}),
                         capacity=np.nan, capacity_unit=None,
                         opening_hours="Di–Fr 10:00–19:00; Sa 10:00–14:00" if bf == 1.0
                         else "Di, Do 13:00–18:00; Fr 10:00–13:00",
                         barrier_free=bool(rng.uniform() < bf), address=address, x=x, y=y, plr_key=plr.key.iloc[i],
                         stadtteil=st_names[plr.parent_key.iloc[i]]))
    return rows


def _dedupe_names(frame: pd.DataFrame) -> pd.DataFrame:
    """Make names unique: add the Stadtteil, then the street (e.g. two Kitas 'Regenbogen')."""
    street = frame.address.str.split(",").str[0].str.rsplit(" ", n=1).str[0]
    has_st = pd.Series([st in n for n, st in zip(frame.name, frame.stadtteil)], index=frame.index)
    dup = frame.name.duplicated(keep=False) & ~has_st
    frame.loc[dup, "name"] = frame.name[dup] + " (" + frame.stadtteil[dup] + ")"
    dup = frame.name.duplicated(keep=False)
    paren = frame.name.str.endswith(")")
    frame.loc[dup & paren, "name"] = frame.name.str[:-1][dup & paren] + ", " + street[dup & paren] + ")"
    frame.loc[dup & ~paren, "name"] = frame.name[dup & ~paren] + " (" + street[dup & ~paren] + ")"
    dup = frame.name.duplicated(keep="first")
    frame.loc[dup, "name"] = frame.name[dup] + " II"
    return frame.drop(columns="stadtteil")


def make_jobcenter(layout: Layout, prof: pd.DataFrame, sgb24: pd.DataFrame, placer: Placer,
                   region_names: dict[str, str]) -> pd.DataFrame:
    """Headquarters next to the city centre; branch offices in the three outer Regionen with most recipients,
    each in the Region's most populous Planungsraum outside the estates."""
    plr = layout.plr
    centre = int(np.argmax(prof.centrality.to_numpy()))
    rows = [("hauptsitz", f"Jobcenter {cat.CITY}", centre)]
    rlb = sgb24.set_index("key").loc[plr.key, "rlb"].to_numpy()
    by_region = pd.Series(rlb).groupby(plr.region_key.to_numpy()).sum().drop("01", errors="ignore")
    for region in by_region.sort_values(ascending=False).index[:3]:
        members = np.flatnonzero((plr.region_key.to_numpy() == region) & (prof.estate.to_numpy() < 0.3))
        score = prof.pop_blocks.to_numpy()[members]
        rows.append(("geschaeftsstelle", f"Jobcenter {cat.CITY} – Geschäftsstelle {region_names[region]}",
                     int(members[np.argmax(score)])))
    out = []
    for k, (site_type, name, i) in enumerate(rows):
        x, y, address = placer.point(i)
        out.append(dict(site_id=f"MS-JC{k + 1}", site_type=site_type, name=name, address=address, x=x, y=y,
                        plr_key=plr.key.iloc[i]))
    return pd.DataFrame(out)


def jobcenter_as_providers(sites: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "provider_id": "MS-P-" + sites.site_id, "service_type": "jobcenter", "name": sites.name,
        "traeger": f"Jobcenter {cat.CITY} (gemeinsame Einrichtung)", "dachverband": None, "kooperation": None,
        "capacity": np.nan, "capacity_unit": None,
        "opening_hours": "Mo–Fr 8:00–12:30; Do 14:00–18:00", "barrier_free": True,
        "address": sites.address, "x": sites.x, "y": sites.y, "plr_key": sites.plr_key,
    })


VENUE_OF_SERVICE = {"bibliothek": "bibliothek", "stadtteilzentrum": "stadtteilzentrum",
                    "familienzentrum": "familienzentrum", "sozialberatung": "beratungsstelle"}


def make_venues(providers: pd.DataFrame, layout: Layout, res24: pd.DataFrame, placer: Placer,
                region_names: dict[str, str], rng: np.random.Generator) -> pd.DataFrame:
    """Libraries, Stadtteilzentren, Familienzentren and welfare counselling offices, plus the Bürgerämter."""
    src = providers[providers.service_type.isin(VENUE_OF_SERVICE)]
    venues = pd.DataFrame({"venue_type": src.service_type.map(VENUE_OF_SERVICE), "name": src.name,
                           "traeger": src.traeger, "barrier_free": src.barrier_free, "address": src.address,
                           "x": src.x, "y": src.y, "plr_key": src.plr_key})
    plr = layout.plr
    extra = []
    pop = res24.ew_gesamt.to_numpy()
    for region in sorted(set(plr.region_key)):
        members = np.flatnonzero(plr.region_key.to_numpy() == region)
        if region != "01" and rng.uniform() < 0.45:
            continue
        i = int(members[np.argmax(pop[members])])
        x, y, address = placer.point(i)
        name = f"Rathaus {cat.CITY} – Bürgeramt" if region == "01" else f"Bürgerbüro {region_names[region]}"
        extra.append(dict(venue_type="buergeramt", name=name, traeger=f"Stadt {cat.CITY}",
                          barrier_free=True, address=address, x=x, y=y, plr_key=plr.key.iloc[i]))
    venues = pd.concat([venues, pd.DataFrame(extra)], ignore_index=True)
    venues.insert(0, "venue_id", [f"MS-V{i + 1:03d}" for i in range(len(venues))])
    return venues


def to_points(frame: pd.DataFrame):
    import geopandas as gpd

    return gpd.GeoDataFrame(frame.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(frame.x, frame.y),
                            crs=f"EPSG:{EPSG}")
