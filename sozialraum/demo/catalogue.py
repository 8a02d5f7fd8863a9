"""What Musterstadt's provider network looks like: numbers, placement, operators, capacities, opening hours.

Pure data, read by ``sozialraum.demo.providers``. Umbrella associations and cooperation forms are keys of
``sozialraum.services``; operators are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass

CITY = "Musterstadt"


@dataclass(frozen=True)
class TypeSpec:
    count: int
    weight: str  # column of residents that attracts the service: ew_gesamt | ew_u15 | ew_u25 | ew_65plus
    central: float  # exponent on (0.1 + centrality): 0 = follows residents, 1.5 = strongly central
    umbrella: dict[str, float]  # dachverband -> probability
    capacity_unit: str | None = None
    capacity: tuple[int, ...] = ()
    barrier_free: float = 0.6
    hours: tuple[str, ...] = ()
    per_stadtteil: bool = False  # at most one per Stadtteil (neighbourhood facilities)


COUNSEL_HOURS = ("Mo, Di, Do 9:00–16:00; Mi 13:00–18:00", "Mo–Fr 9:00–12:00; Di, Do 14:00–17:00",
                 "Mo–Do 8:30–16:00; Fr 8:30–12:30",
                 "Termine nach Vereinbarung; offene Sprechstunde Mi 10:00–12:00")
COUNSEL_CAPACITY = (10, 15, 20, 25, 30, 40, 50, 60)

TYPES: dict[str, TypeSpec] = {
    "kita": TypeSpec(150, "ew_u15", 0.15,
                     {"kommunal": .38, "Caritas": .13, "Diakonie": .15, "AWO": .08, "Paritätischer": .14,
                      "DRK": .05, "privat": .05, "sonstige": .02},
                     "Plätze", (25, 35, 45, 55, 70, 85, 100, 120, 150), 0.55,
                     ("Mo–Fr 7:00–17:00", "Mo–Fr 7:30–16:30", "Mo–Do 7:00–17:00; Fr 7:00–15:00")),
    "pflege": TypeSpec(36, "ew_65plus", 0.4,
                       {"privat": .55, "Caritas": .1, "Diakonie": .12, "AWO": .08, "DRK": .08,
                        "Paritätischer": .07},
                       "Pflegebedürftige", (40, 60, 80, 110, 150, 220), 0.75,
                       ("Büro Mo–Fr 8:00–16:00; Pflege rund um die Uhr", "Büro Mo–Fr 9:00–15:00")),
    "schuldnerberatung": TypeSpec(7, "ew_gesamt", 1.6,
                                  {"Caritas": .25, "Diakonie": .25, "AWO": .2, "kommunal": .15, "sonstige": .15},
                                  "Beratungsstunden/Woche", COUNSEL_CAPACITY, 0.6, COUNSEL_HOURS),
    "psychosozial": TypeSpec(9, "ew_gesamt", 1.3,
                             {"Paritätischer": .35, "Caritas": .2, "Diakonie": .2, "kommunal": .15, "AWO": .1},
                             "Beratungsstunden/Woche", COUNSEL_CAPACITY, 0.6, COUNSEL_HOURS),
    "suchtberatung": TypeSpec(6, "ew_gesamt", 1.6,
                              {"Caritas": .3, "Diakonie": .3, "Paritätischer": .3, "AWO": .1},
                              "Beratungsstunden/Woche", COUNSEL_CAPACITY, 0.55, COUNSEL_HOURS),
    "sozialberatung": TypeSpec(14, "ew_gesamt", 1.0,
                               {"Caritas": .22, "Diakonie": .22, "AWO": .18, "Paritätischer": .14, "DRK": .14,
                                "ZWST": .05, "kommunal": .05},
                               "Beratungsstunden/Woche", COUNSEL_CAPACITY, 0.6, COUNSEL_HOURS),
    "familienzentrum": TypeSpec(12, "ew_u15", 0.5,
                                {"kommunal": .35, "AWO": .15, "Caritas": .15, "Diakonie": .15,
                                 "Paritätischer": .2},
                                None, (), 0.7, ("Mo–Fr 9:00–17:00", "Mo–Do 9:00–18:00; Fr 9:00–13:00"),
                                per_stadtteil=True),
    "stadtteilzentrum": TypeSpec(14, "ew_gesamt", 0.3,
                                 {"kommunal": .35, "Paritätischer": .3, "AWO": .15, "Diakonie": .1,
                                  "Caritas": .1},
                                 None, (), 0.7, ("Mo–Fr 10:00–18:00", "Mo–Fr 9:00–20:00; Sa 10:00–14:00"),
                                 per_stadtteil=True),
    "jugend": TypeSpec(18, "ew_u25", 0.4,
                       {"kommunal": .5, "AWO": .1, "Caritas": .1, "Diakonie": .1, "Paritätischer": .15, "DRK": .05},
                       None, (), 0.5, ("Mo–Fr 14:00–20:00", "Di–Sa 15:00–21:00", "Mo–Do 13:00–19:00"),
                       per_stadtteil=True),
}

# Operators per umbrella association and service type ("*" = any other type).
OPERATORS: dict[str, dict[str, tuple[str, ...]]] = {
    "Caritas": {"*": (f"Caritasverband {CITY} e. V.",),
                "kita": ("Kath. Kirchengemeinde St. Martin", "Kath. Kirchengemeinde St. Elisabeth",
                         "Kath. Kirchengemeinde Heilig Kreuz"),
                "pflege": (f"Caritas-Sozialstation {CITY} gGmbH",)},
    "Diakonie": {"*": (f"Diakonisches Werk {CITY}",),
                 "kita": ("Ev. Kirchengemeinde Am Markt", "Ev. Kirchengemeinde Lukas", "Ev. Kirchengemeinde Paulus"),
                 "pflege": (f"Diakoniestation {CITY} gGmbH",)},
    "AWO": {"*": (f"AWO Kreisverband {CITY} e. V.", f"AWO Soziale Dienste {CITY} gGmbH")},
    "Paritätischer": {"*": ("Nachbarschaftshilfe Miteinander e. V.", "Sozialwerk Brücke e. V."),
                      "kita": ("Elterninitiative Kinderstube e. V.", "Kinderhaus Wirbelwind e. V."),
                      "psychosozial": (f"Psychosoziale Hilfe {CITY} gGmbH", "Sozialwerk Brücke e. V."),
                      "suchtberatung": ("Verein für Suchthilfe und Prävention e. V.",),
                      "pflege": ("Ambulante Dienste Selbstbestimmt Leben e. V.",),
                      "jugend": ("Jugendhilfe Brückenschlag e. V.",)},
    "DRK": {"*": (f"DRK-Kreisverband {CITY} e. V.",)},
    "ZWST": {"*": (f"Jüdische Gemeinde {CITY}",)},
    "kommunal": {"*": (f"Stadt {CITY} – Amt für Soziale Arbeit",),
                 "kita": (f"Stadt {CITY} – Eigenbetrieb Kindertagesstätten",),
                 "jugend": (f"Stadt {CITY} – Amt für Kinder, Jugend und Familie",),
                 "familienzentrum": (f"Stadt {CITY} – Amt für Kinder, Jugend und Familie",),
                 "psychosozial": (f"Stadt {CITY} – Gesundheitsamt, Sozialpsychiatrischer Dienst",),
                 "suchtberatung": (f"Stadt {CITY} – Gesundheitsamt, Suchthilfe",)},
    "privat": {"*": ("Kinderwelt gGmbH",),
               "pflege": ("Pflegedienst Hand in Hand GmbH", "Ambulante Pflege Lebensfreude GmbH",
                          "Pflegeteam Sonnenschein GmbH", "Häusliche Pflege Brandt & Partner",
                          "Pflegedienst Daheim GmbH"),
               "kita": ("Kinderwelt gGmbH", "Kita Sonnenkinder GmbH")},
    "sonstige": {"*": (f"Bürgerstiftung {CITY}",),
                 "schuldnerberatung": (f"Schuldnerhilfe {CITY} e. V.",),
                 "kita": (f"Waldorfkindergartenverein {CITY} e. V.",)},
}
BRANDS = {"Caritas": "Caritas", "Diakonie": "Diakonie", "AWO": "AWO", "DRK": "DRK", "ZWST": "Jüdische Gemeinde",
          "kommunal": f"Stadt {CITY}"}
SERVICE_NAMES = {
    "schuldnerberatung": "Schuldner- und Insolvenzberatung",
    "psychosozial": "Psychosoziale Kontakt- und Beratungsstelle",
    "suchtberatung": "Suchtberatungsstelle",
    "sozialberatung": "Allgemeine Sozialberatung",
    "familienzentrum": "Familienzentrum",
    "stadtteilzentrum": "Stadtteilzentrum",
    "jugend": "Jugendzentrum",
}


def operators(dachverband: str, service: str) -> tuple[str, ...]:
    table = OPERATORS[dachverband]
    return table.get(service, table["*"])


KITA_MOTIFS = ("Regenbogen", "Pusteblume", "Löwenzahn", "Sonnenblume", "Sternschnuppe", "Kunterbunt",
               "Wirbelwind", "Zwergenland", "Schatzkiste", "Arche Noah", "Spatzennest", "Villa Kunterbunt",
               "Marienkäfer", "Waldwichtel", "Kleine Strolche", "Schneckenhaus")
PFLEGE_MOTIFS = ("Hand in Hand", "Lebensfreude", "Sonnenschein", "Daheim", "Vertrauen", "Lindenhof")

# Umbrella -> probabilities of cooperation forms (keys of sozialraum.services.COOPERATION_FORMS).
SECTION_16A = {"kita", "pflege", "schuldnerberatung", "psychosozial", "suchtberatung"}
COOPERATION = {
    ("kommunal", True): {"verbindlich_kommunal": .8, "verweis": .2},
    ("kommunal", False): {"verbindlich_kommunal": .3, "verweis": .5, "informell": .2},
    ("frei", True): {"dritter_vertrag": .35, "verbindlich_freier_traeger": .4, "verweis": .25},
    ("frei", False): {"verbindlich_freier_traeger": .3, "verweis": .5, "informell": .2},
    ("privat", True): {"verweis": .5, "informell": .5},
    ("privat", False): {"informell": .7, "verweis": .3},
}
