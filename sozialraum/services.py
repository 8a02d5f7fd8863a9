"""Service types, venue types and forms of cooperation with the Jobcenter, declared once with German labels."""

from __future__ import annotations

# § 16a SGB II flanking services, plus the places a Jobcenter works with in the quarters.
SERVICE_TYPES: dict[str, str] = {
    "kita": "Kindertagesbetreuung (§ 16a Nr. 1)",
    "pflege": "Häusliche Pflege von Angehörigen (§ 16a Nr. 1)",
    "schuldnerberatung": "Schuldnerberatung (§ 16a Nr. 2)",
    "psychosozial": "Psychosoziale Betreuung (§ 16a Nr. 3)",
    "suchtberatung": "Suchtberatung (§ 16a Nr. 4)",
    "sozialberatung": "Allgemeine Sozial- und Wohlfahrtsberatung",
    "familienzentrum": "Familienzentrum",
    "stadtteilzentrum": "Stadtteilzentrum / Nachbarschaftstreff",
    "jugend": "Jugendfreizeiteinrichtung",
    "bibliothek": "Bibliothek",
    "jobcenter": "Jobcenter / Agentur für Arbeit",
}

# Venues where an outreach office or consultation hours could be held.
VENUE_TYPES: dict[str, str] = {
    "bibliothek": "Bibliothek",
    "stadtteilzentrum": "Stadtteilzentrum / Nachbarschaftstreff",
    "familienzentrum": "Familienzentrum",
    "beratungsstelle": "Beratungsstelle eines Wohlfahrtsverbands",
    "buergeramt": "Bürgeramt / Rathaus",
    "gemeindehaus": "Gemeindehaus / Dorfgemeinschaftshaus",
    "pfarrsaal": "Gemeindesaal einer Kirchengemeinde",
}

JOBCENTER_SITE_TYPES: dict[str, str] = {
    "hauptsitz": "Jobcenter (Hauptsitz)",
    "geschaeftsstelle": "Jobcenter-Geschäftsstelle",
    "aussenstelle": "Außenstelle / Sprechstunde",
    "agentur": "Agentur für Arbeit",
}

# Forms of cooperation (Hessen study of § 16a cooperation).
COOPERATION_FORMS: dict[str, str] = {
    "dritter_vertrag": "Beauftragter Dritter (Vertrag)",
    "verbindlich_freier_traeger": "Verbindliche Kooperation mit freiem Träger",
    "verbindlich_kommunal": "Verbindliche Kooperation mit kommunaler Stelle",
    "verweis": "Nur Verweisberatung",
    "informell": "Informeller / privater Partner",
}

UMBRELLA_ASSOCIATIONS: tuple[str, ...] = (
    "Caritas", "Diakonie", "AWO", "Paritätischer", "DRK", "ZWST", "kommunal", "privat", "sonstige",
)
