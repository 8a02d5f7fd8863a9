"""The indicator registry: every indicator declared once with label, unit, direction and how it aggregates.

Counts aggregate by summing. Rates are never averaged: they are re-derived at every level from summed
numerator and denominator counts. Published rates without counts (e.g. Berlin MSS shares) do not aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    label_de: str
    label_en: str
    unit: str  # 'Personen', '%', 'Prozentpunkte', 'Index'
    kind: str  # count | rate | index | change
    direction: str  # higher_is_worse | higher_is_better | neutral
    aggregation: str  # sum | ratio | none
    description: str
    numerator: str | None = None
    denominator: str | None = None
    scale: float = 100.0  # rate = numerator / denominator * scale
    suppressible: bool = False  # a count of people subject to statistical confidentiality (BA rule)
    group: str = "SGB II"


def _count(key, de, en, description, *, suppressible=True, group="SGB II", direction="higher_is_worse"):
    return Indicator(key, de, en, "Personen", "count", direction, "sum", description,
                     suppressible=suppressible, group=group)


def _rate(key, de, en, numerator, denominator, description, *, unit="%", direction="higher_is_worse"):
    return Indicator(key, de, en, unit, "rate", direction, "ratio", description,
                     numerator=numerator, denominator=denominator)


def _published(key, de, en, description, *, kind="rate", unit="%", group="MSS"):
    return Indicator(key, de, en, unit, kind, "higher_is_worse", "none", description, group=group)


_ALL: list[Indicator] = [
    # Population (denominators). Population counts are not subject to the BA rule.
    _count("ew_gesamt", "Einwohner/innen", "Residents", "Einwohnerinnen und Einwohner mit Hauptwohnsitz.",
           suppressible=False, group="Bevölkerung", direction="neutral"),
    _count("ew_u15", "Einwohner/innen unter 15 Jahren", "Residents under 15", "Kinder unter 15 Jahren.",
           suppressible=False, group="Bevölkerung", direction="neutral"),
    _count("ew_u25", "Einwohner/innen unter 25 Jahren", "Residents under 25", "Junge Menschen unter 25 Jahren.",
           suppressible=False, group="Bevölkerung", direction="neutral"),
    _count("ew_15_64", "Einwohner/innen 15 bis unter 65 Jahre", "Residents aged 15-64",
           "Bevölkerung im erwerbsfähigen Alter.", suppressible=False, group="Bevölkerung", direction="neutral"),
    _count("ew_65plus", "Einwohner/innen 65 Jahre und älter", "Residents 65 and over", "Ältere Menschen.",
           suppressible=False, group="Bevölkerung", direction="neutral"),
    # SGB II counts (Statistik der Bundesagentur für Arbeit; subject to confidentiality)
    _count("rlb", "Regelleistungsberechtigte (SGB II)", "SGB II recipients",
           "Alle Regelleistungsberechtigten nach dem SGB II (Bürgergeld)."),
    _count("elb", "Erwerbsfähige Leistungsberechtigte (ELB)", "Employable recipients",
           "Erwerbsfähige Leistungsberechtigte im Alter von 15 Jahren bis zur Regelaltersgrenze."),
    _count("nef", "Nicht erwerbsfähige Leistungsberechtigte (NEF)", "Non-employable recipients",
           "Überwiegend Kinder unter 15 Jahren in Bedarfsgemeinschaften."),
    _count("rlb_u15", "Unter 15-Jährige im SGB II", "Under-15s in SGB II households",
           "Kinder unter 15 Jahren in Bedarfsgemeinschaften."),
    _count("rlb_u25", "Unter 25-Jährige im SGB II", "Under-25s in SGB II",
           "Junge Menschen unter 25 Jahren im Leistungsbezug."),
    _count("elb_langzeit", "Langzeitleistungsbeziehende", "Long-term recipients",
           "ELB, die in den letzten 24 Monaten mindestens 21 Monate hilfebedürftig waren."),
    _count("bg", "Bedarfsgemeinschaften", "Benefit households", "Bedarfsgemeinschaften nach dem SGB II."),
    _count("bg_alleinerziehend", "Alleinerziehenden-Bedarfsgemeinschaften", "Single-parent households",
           "Bedarfsgemeinschaften von Alleinerziehenden."),
    _count("alo_sgb2", "Arbeitslose im SGB II", "SGB II unemployed",
           "Arbeitslose im Rechtskreis SGB II."),
    # Rates, always re-derived from counts
    _rate("sgb2_quote", "SGB-II-Quote", "SGB II rate", "rlb", "ew_gesamt",
          "Regelleistungsberechtigte je 100 Einwohner/innen."),
    _rate("elb_quote", "ELB-Quote", "Employable-recipient rate", "elb", "ew_15_64",
          "Erwerbsfähige Leistungsberechtigte je 100 Einwohner/innen von 15 bis unter 65 Jahren."),
    _rate("kinderarmut", "Kinderarmut (SGB II unter 15)", "Child poverty",
          "rlb_u15", "ew_u15", "Unter 15-Jährige in Bedarfsgemeinschaften je 100 unter 15-Jährige."),
    _rate("jugend_quote", "SGB-II-Quote unter 25", "Youth SGB II rate", "rlb_u25", "ew_u25",
          "Unter 25-Jährige im SGB II je 100 Einwohner/innen unter 25 Jahren."),
    _rate("langzeit_anteil", "Anteil Langzeitleistungsbeziehende", "Long-term receipt share",
          "elb_langzeit", "elb", "Langzeitleistungsbeziehende je 100 ELB."),
    _rate("alleinerziehend_anteil", "Anteil Alleinerziehende an den BG", "Single-parent share",
          "bg_alleinerziehend", "bg", "Alleinerziehenden-Bedarfsgemeinschaften je 100 Bedarfsgemeinschaften."),
    _rate("alo_quote", "SGB-II-Arbeitslosenquote (Einwohnerbezug)", "SGB II unemployment rate",
          "alo_sgb2", "ew_15_64", "Arbeitslose im SGB II je 100 Einwohner/innen von 15 bis unter 65 Jahren."),
    # Published Berlin MSS indicators (shares without counts; they do not aggregate)
    _published("mss_s1", "MSS S1 Arbeitslosigkeit", "MSS S1 unemployment",
               "Arbeitslose nach SGB II je 100 Einwohner/innen von 15 bis unter Rentenalter (MSS 2021)."),
    _published("mss_s3", "MSS S3 Transferbezug", "MSS S3 transfer receipt",
               "Nicht arbeitslose Empfänger/innen von Transferleistungen (SGB II/XII) je 100 Einwohner/innen."),
    _published("mss_s4", "MSS S4 Kinderarmut", "MSS S4 child poverty",
               "Unter 15-Jährige in SGB-II-Bedarfsgemeinschaften je 100 Einwohner/innen unter 15 Jahren."),
    _published("mss_d1", "MSS D1 Veränderung Arbeitslosigkeit", "MSS D1 change unemployment",
               "Veränderung von S1 über zwei Jahre.", kind="change", unit="Prozentpunkte"),
    _published("mss_d3", "MSS D3 Veränderung Transferbezug", "MSS D3 change transfer receipt",
               "Veränderung von S3 über zwei Jahre.", kind="change", unit="Prozentpunkte"),
    _published("mss_d4", "MSS D4 Veränderung Kinderarmut", "MSS D4 change child poverty",
               "Veränderung von S4 über zwei Jahre.", kind="change", unit="Prozentpunkte"),
    # Berlin MSS 2021 context indicators: published as coded columns KI_nn. Their definitions are in the official
    # MSS indicator sheets (not shipped with the data), so they are labelled by code, not by a guessed meaning.
    *[_published(f"mss_k{n}", f"MSS Kontextindikator K {n}", f"MSS context indicator K {n}",
                 f"Kontextindikator K {n} des MSS 2021 (Definition: Indikatorenblätter zum MSS 2021).",
                 kind="index", unit="Wert", group="MSS Kontext")
      for n in ("01", "02", "03", "04", "05", "06", "07", "09", "10", "11", "12", "13", "16", "17")],
    # Other imported context indicators (national)
    _published("gisd_score", "GISD Deprivationsindex", "GISD deprivation score",
               "German Index of Socioeconomic Deprivation (RKI), 0 = geringste, 1 = höchste Deprivation.",
               kind="index", unit="Index", group="Kontext"),
    _count("arbeitslose", "Arbeitslose (SGB II und III)", "Unemployed (SGB II and III)",
           "Registrierte Arbeitslose beider Rechtskreise (INKAR).", group="Kontext"),
]


def _change(rate: Indicator, years: int = 2) -> Indicator:
    return Indicator(f"{rate.key}_d{years}", f"Veränderung {rate.label_de} ({years} Jahre)",
                     f"Change in {rate.label_en} ({years} years)", "Prozentpunkte", "change", rate.direction,
                     "none", f"Veränderung in Prozentpunkten gegenüber {years} Jahren zuvor: {rate.description}",
                     numerator=None, denominator=None, group=rate.group)


# Two-year changes (percentage points) of every count-based rate, computed by
# sozialraum.analysis.need_index.changes() from published rates of two periods.
_ALL += [_change(i) for i in list(_ALL) if i.aggregation == "ratio"]

INDICATORS: dict[str, Indicator] = {i.key: i for i in _ALL}

# Exact additive identities between counts of the same area and period (total = sum of parts). The
# confidentiality gate uses them: a suppressed part must not be recoverable from the total and the other parts.
ADDITIVE_GROUPS: dict[str, tuple[str, ...]] = {
    "rlb": ("elb", "nef"),  # Regelleistungsberechtigte = erwerbsfähige + nicht erwerbsfähige LB
}


def get(key: str) -> Indicator:
    try:
        return INDICATORS[key]
    except KeyError:
        raise KeyError(f"Unbekannter Indikator: {key!r}") from None


def count_indicators() -> list[Indicator]:
    return [i for i in INDICATORS.values() if i.kind == "count"]


def rate_indicators() -> list[Indicator]:
    """Rates that are derived from counts (aggregation 'ratio')."""
    return [i for i in INDICATORS.values() if i.aggregation == "ratio"]
