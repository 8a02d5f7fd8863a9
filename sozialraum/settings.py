"""Every tunable value, declared once: name, German label, unit, default, bounds and help text.

The app's sidebar and the README's settings table are both rendered from ``SETTINGS``; a test fails when a
setting is used but not declared here, or declared without help text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    label: str  # German label shown in the UI
    default: Any
    help: str  # German help text
    unit: str = ""
    group: str = "Allgemein"
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = field(default_factory=tuple)
    label_en: str = ""


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        # --- Statistik / Geheimhaltung
        Setting("min_population", "Mindestzahl Einwohner für Raten", 300,
                "Gebiete mit weniger Einwohnerinnen und Einwohnern erhalten keine Quote und keinen Index "
                "(wie im Berliner Monitoring Soziale Stadtentwicklung).",
                unit="Personen", group="Statistik", minimum=0, maximum=5000, step=50,
                label_en="Minimum residents for rates"),
        Setting("suppression_threshold", "Geheimhaltung: kleinste veröffentlichte Fallzahl", 3,
                "Fallzahlen ab 1 und unter diesem Wert werden nicht gezeigt (Bundesagentur für Arbeit: keine 1 "
                "und keine 2). 0 ist veröffentlichbar. Auch Werte, aus denen sich eine gesperrte Zahl errechnen "
                "ließe, werden gesperrt. Die Regel lässt sich verschärfen, aber nicht unter 3 lockern.",
                unit="Fälle", group="Statistik", minimum=3, maximum=10, step=1,
                label_en="Confidentiality: smallest published count"),
        Setting("eb_smoothing", "Empirische Bayes-Glättung für kleine Gebiete", False,
                "Zeigt für kleine Gebiete eine geglättete (geschätzte) Quote statt der rohen Quote. "
                "Geglättete Werte sind als Schätzung gekennzeichnet.",
                group="Statistik", label_en="Empirical Bayes smoothing"),
        # --- Karten
        Setting("class_scheme", "Klassenbildung", "quantiles",
                "Verfahren für die Farbklassen der Karte.", group="Karte",
                choices=("quantiles", "equal_interval", "fisher_jenks", "std_mean", "manual", "mss"),
                label_en="Classification scheme"),
        Setting("class_count", "Anzahl Klassen", 5, "Anzahl der Farbklassen der Karte.",
                group="Karte", minimum=2, maximum=9, step=1, label_en="Number of classes"),
        Setting("basemap", "Hintergrundkarte", "none",
                "Kacheln unter den Gebieten: keine (funktioniert immer, auch ohne Internet), "
                "basemap.de (BKG, amtlich) oder OpenStreetMap.",
                group="Karte", choices=("none", "basemapde", "osm"), label_en="Basemap"),
        Setting("display_simplify_m", "Vereinfachung der Kartengeometrie", 8.0,
                "Toleranz in Metern, mit der Gebietsgrenzen für die Bildschirmkarte vereinfacht werden.",
                unit="m", group="Karte", minimum=0, maximum=100, step=1, label_en="Display simplification"),
        # --- Hot spots
        Setting("hotspot_permutations", "Permutationen (Hot-Spot-Test)", 999,
                "Anzahl zufälliger Permutationen für die Pseudo-p-Werte von Gi* und lokalem Moran's I.",
                group="Hot Spots", minimum=99, maximum=9999, step=100, label_en="Permutations"),
        Setting("hotspot_alpha", "Signifikanzniveau", 0.05,
                "Fehlerrate (nach Korrektur für multiples Testen, False Discovery Rate).",
                group="Hot Spots", minimum=0.001, maximum=0.2, step=0.005, label_en="Significance level"),
        Setting("random_seed", "Zufallsstartwert", 12345,
                "Fester Startwert, damit Permutationstests und Demodaten reproduzierbar sind.",
                group="Hot Spots", minimum=0, maximum=2**31 - 1, step=1, label_en="Random seed"),
        # --- Erreichbarkeit
        Setting("travel_mode", "Verkehrsmittel", "walk",
                "Zu Fuß, Fahrrad oder Auto auf dem Straßennetz, wenn für die Datenbank eines gebaut ist "
                "(`sozialraum network build`), ÖPNV mit Fahrplan (GTFS) und Fußwegen zu den Haltestellen; sonst und "
                "bei „Luftlinie“ gerade Linie × Umwegfaktor bei der Geschwindigkeit des Verkehrsmittels (überall "
                "als „Luftlinie“ gekennzeichnet).",
                group="Erreichbarkeit", choices=("luftlinie", "walk", "bike", "car", "transit"),
                label_en="Travel mode"),
        Setting("detour_factor", "Umwegfaktor", 1.3,
                "Verhältnis von tatsächlichem Weg zu Luftlinie.",
                group="Erreichbarkeit", minimum=1.0, maximum=2.5, step=0.05, label_en="Detour factor"),
        Setting("walking_speed_kmh", "Gehgeschwindigkeit", 4.5,
                "Durchschnittliche Gehgeschwindigkeit für die Umrechnung von Wegen in Minuten.",
                unit="km/h", group="Erreichbarkeit", minimum=2.0, maximum=7.0, step=0.1,
                label_en="Walking speed"),
        Setting("cycling_speed_kmh", "Radgeschwindigkeit", 15.0,
                "Durchschnittliche Geschwindigkeit mit dem Fahrrad (auf dem Straßennetz: auf gewöhnlichen Wegen; "
                "Steigungen kennt das Netz nicht).",
                unit="km/h", group="Erreichbarkeit", minimum=5.0, maximum=30.0, step=0.5, label_en="Cycling speed"),
        Setting("car_speed_kmh", "Autogeschwindigkeit (nur Luftlinie)", 30.0,
                "Durchschnittsgeschwindigkeit des Autos, wenn kein Straßennetz gebaut ist (Luftlinie). Auf dem "
                "Straßennetz gelten die Geschwindigkeiten nach Straßenart und Tempolimit.",
                unit="km/h", group="Erreichbarkeit", minimum=10.0, maximum=80.0, step=5.0,
                label_en="Car speed (straight line)"),
        Setting("transit_weekday", "ÖPNV: Wochentag", "di",
                "Wochentag der Fahrt (der erste solche Tag im Gültigkeitszeitraum des Fahrplans).",
                group="Erreichbarkeit", choices=("mo", "di", "mi", "do", "fr", "sa", "so"),
                label_en="Transit: weekday"),
        Setting("transit_depart", "ÖPNV: Abfahrtszeit", "08:00",
                "Uhrzeit (HH:MM), zu der die Fahrt beginnt; Takte und Betriebszeiten des Fahrplans gelten.",
                group="Erreichbarkeit", label_en="Transit: departure time"),
        Setting("transit_max_walk_m", "ÖPNV: längster Fußweg zur Haltestelle", 800.0,
                "Höchstens so viele Meter zu Fuß zur ersten und von der letzten Haltestelle.",
                unit="m", group="Erreichbarkeit", minimum=100, maximum=3000, step=50,
                label_en="Transit: maximum walk to a stop"),
        Setting("travel_budget_min", "Zeitbudget", 15,
                "Wie viele Minuten Weg gelten als „erreichbar“.",
                unit="min", group="Erreichbarkeit", minimum=5, maximum=60, step=5, label_en="Travel budget"),
        Setting("demand_grid_m", "Rasterweite der Nachfragepunkte", 200.0,
                "Abstand der Punkte, mit denen die Bewohnerschaft eines Gebiets innerhalb des Gebiets verteilt "
                "wird (damit ein Gebiet auch teilweise erreichbar sein kann).",
                unit="m", group="Erreichbarkeit", minimum=50, maximum=1000, step=50, label_en="Demand grid"),
        Setting("catchment_grid_m", "Rasterweite der Einzugsbereiche", 100.0,
                "Auf einem Straßennetz oder mit ÖPNV werden die Einzugsbereiche auf den Karten aus einem Raster "
                "von Prüfpunkten gebildet: alle Zellen, von denen aus der Ort im Zeitbudget erreicht wird "
                "(feiner = genauer, aber langsamer; bei Auto und weiten Zeitbudgets wird das Raster gröber).",
                unit="m", group="Erreichbarkeit", minimum=25, maximum=500, step=25, label_en="Catchment grid"),
        # --- Standortplanung
        Setting("solver_time_limit_s", "Zeitlimit des Optimierers", 30.0,
                "Höchstens so viele Sekunden rechnet das Optimierungsmodell; danach gibt es eine Meldung.",
                unit="s", group="Standortplanung", minimum=1, maximum=600, step=1, label_en="Solver time limit"),
        Setting("pmedian_nearest", "p-Median: nächste Kandidaten je Nachfragepunkt", 25,
                "Das p-Median-Modell betrachtet je Nachfragepunkt nur die nächstgelegenen Kandidaten.",
                group="Standortplanung", minimum=5, maximum=200, step=5, label_en="p-median nearest"),
        Setting("max_new_sites", "Höchstzahl neuer Standorte", 8,
                "Obergrenze der Auswahl für neue Außenstellen/Sprechstunden (und Länge der k-Kurve).",
                group="Standortplanung", minimum=1, maximum=30, step=1, label_en="Maximum new sites"),
        Setting("site_hours_outreach", "Sprechstunden je Woche: Außenstelle/Sprechstunde", 20.0,
                "Beratungsstunden je Woche an einem neuen Standort (Außenstelle oder Sprechstunde in einem "
                "Kandidatenort) und an bestehenden Außenstellen; bestimmt mit den Beratungen je Stunde die "
                "Kapazität des Standorts. Richtwert 20 h: z. B. zwei Fachkräfte an je zwei Tagen mit fünf "
                "Beratungsstunden – so fasst eine Außenstelle mit den übrigen Richtwerten etwa 345 Fälle im Jahr, "
                "das ist bei einer Inanspruchnahme von 10 % eine Zielgruppe von etwa 3.450 Personen in Reichweite "
                "(die Größenordnung, die eine Außenstelle in der Musterstadt in 15 Minuten Fußweg erreicht).",
                unit="h/Woche", group="Kapazität", minimum=0, maximum=60, step=1, label_en="Outreach hours/week"),
        Setting("site_hours_jobcenter", "Sprechstunden je Woche: Jobcenter-Geschäftsstelle", 400.0,
                "Alle Beratungsstunden einer Jobcenter-Geschäftsstelle oder des Hauptsitzes zusammen (eigene "
                "Kapazität der Hauptstandorte): Zahl der Integrationsfachkräfte × ihre Beratungsstunden je Woche. "
                "Richtwert 400 h ≈ 20 Fachkräfte × 20 h; mit den eigenen Zahlen ersetzen.",
                unit="h/Woche", group="Kapazität", minimum=0, maximum=5000, step=10,
                label_en="Jobcenter hours/week"),
        Setting("cases_per_hour", "Beratungen je Sprechstunde", 1.5,
                "Wie viele Beratungsgespräche eine Sprechstunde im Mittel fasst. Richtwert 1,5: ein Gespräch von "
                "etwa 30 Minuten mit Vor- und Nachbereitung.",
                unit="je h", group="Kapazität", minimum=0.1, maximum=10, step=0.5, label_en="Consultations per hour"),
        Setting("contacts_per_person_year", "Beratungen je Person und Jahr", 4.0,
                "Wie oft eine Person, die einen Standort nutzt, im Jahr im Mittel eine Beratung braucht; rechnet "
                "Fälle in Beratungen und damit in Stunden um. Richtwert 4: ein Gespräch im Quartal.",
                unit="je Jahr", group="Kapazität", minimum=0.1, maximum=52, step=0.5,
                label_en="Consultations per person and year"),
        Setting("working_weeks", "Arbeitswochen je Jahr", 46.0,
                "Wochen im Jahr mit Sprechstunden (ohne Urlaub und Feiertage).",
                unit="Wochen", group="Kapazität", minimum=1, maximum=52, step=1, label_en="Working weeks per year"),
        Setting("outreach_uptake_pct", "Inanspruchnahme einer Außenstelle", 10.0,
                "Anteil der Zielgruppe in Reichweite, der eine Außenstelle oder Sprechstunde im Jahr tatsächlich "
                "nutzt; die übrigen bleiben bei ihrer Jobcenter-Geschäftsstelle (dort zählt jede zugeordnete "
                "Person als Fall). Eine Sprechstunde im Stadtteil ergänzt die Geschäftsstelle, sie ersetzt sie "
                "nicht: Ohne diesen Anteil zählte jede Person in Reichweite als Fall der Außenstelle, und jede "
                "Außenstelle wäre um ein Vielfaches überlastet. Richtwert 10 %; besser mit Besuchszahlen "
                "bestehender Sprechstunden ersetzen.",
                unit="%", group="Kapazität", minimum=1, maximum=100, step=1, label_en="Uptake of an outreach office"),
        # --- Mobile Beratung (Rota)
        Setting("rota_session_min", "Rota: Dauer einer Sprechstunde", 120,
                "Länge einer mobilen Sprechstunde vor Ort.",
                unit="min", group="Mobile Beratung", minimum=30, maximum=480, step=15, label_en="Session length"),
        Setting("rota_slots", "Rota: Beginn der Zeitfenster", "09:00, 11:30, 14:00",
                "Mögliche Anfangszeiten der Sprechstunden an einem Tag (kommagetrennt, aufsteigend).",
                group="Mobile Beratung", label_en="Session start times"),
        Setting("rota_day_minutes", "Rota: Arbeitszeit je Einsatztag", 480,
                "Längster Einsatztag des Teams vom Aufbruch am Hauptstandort bis zur Rückkehr, Fahrten und "
                "Wartezeit eingeschlossen.",
                unit="min", group="Mobile Beratung", minimum=60, maximum=720, step=15, label_en="Working day"),
        Setting("rota_weekdays", "Rota: planbare Wochentage", 5,
                "Montag bis … (5 = Montag bis Freitag).",
                group="Mobile Beratung", minimum=1, maximum=7, step=1, label_en="Weekdays to plan"),
        Setting("rota_bus_hours", "Rota: Busverkehr (Ersatzannahme)", "06:00-18:00",
                "Ohne Fahrplandaten: Zeitfenster, in denen Busse fahren (kommagetrennt, z. B. 06:00-13:00). Eine "
                "Sprechstunde ist per Bus erreichbar, wenn Hin- und Rückfahrt in ein Fenster fallen.",
                group="Mobile Beratung", label_en="Bus service hours (fallback)"),
        Setting("rota_rural_detour", "Rota: ländlicher Umwegfaktor (Ersatzannahme)", 1.4,
                "Ohne Straßennetz: Verhältnis von Straßenweg zu Luftlinie für Auto und Bus.",
                group="Mobile Beratung", minimum=1.0, maximum=2.5, step=0.05, label_en="Rural detour factor"),
        Setting("rota_car_speed_kmh", "Rota: Autogeschwindigkeit (Ersatzannahme)", 50.0,
                "Ohne Straßennetz: mittlere Geschwindigkeit des Teams im Auto auf dem Umweg-Luftlinienweg.",
                unit="km/h", group="Mobile Beratung", minimum=10, maximum=120, step=5, label_en="Car speed"),
        Setting("rota_bus_speed_kmh", "Rota: Busgeschwindigkeit (Ersatzannahme)", 20.0,
                "Ohne Fahrplan: mittlere Reisegeschwindigkeit mit dem Bus, Halte und Warten eingeschlossen.",
                unit="km/h", group="Mobile Beratung", minimum=5, maximum=60, step=1, label_en="Bus speed"),
        Setting("rural_car_min", "Ländliche Erreichbarkeit: Minuten mit dem Auto", 30,
                "Als erreichbar zählt ein Beratungsort, der höchstens so viele Minuten mit dem Auto entfernt ist.",
                unit="min", group="Mobile Beratung", minimum=5, maximum=120, step=5, label_en="Minutes by car"),
        Setting("rural_transit_min", "Ländliche Erreichbarkeit: Minuten mit Bus und zu Fuß", 60,
                "Als ohne Auto erreichbar zählt ein Beratungsort, der höchstens so viele Minuten mit Bus/Bahn und "
                "zu Fuß entfernt ist (zur Zeit der Sprechstunde).",
                unit="min", group="Mobile Beratung", minimum=5, maximum=180, step=5, label_en="Minutes by bus/walk"),
        # --- Daten / Upload
        Setting("upload_max_mb", "Höchstgröße eines Uploads", 50,
                "Größere Dateien werden abgelehnt.", unit="MB", group="Daten", minimum=1, maximum=500, step=1,
                label_en="Maximum upload size"),
        Setting("matrix_cache_max_mb", "Höchstgröße des Reisezeit-Zwischenspeichers", 500,
                "Gespeicherte Reisezeit-Tabellen neben dem Straßennetz (Ordner matrices). Beim Vorausrechnen werden "
                "die ältesten gelöscht, sobald der Ordner größer ist; sie werden bei Bedarf neu gerechnet.",
                unit="MB", group="Daten", minimum=50, maximum=20000, step=50, label_en="Travel-time cache size"),
        Setting("network_upload_max_mb", "Höchstgröße eines OSM-Auszugs oder Fahrplans", 1000,
                "Für das Straßennetz (Seite Daten, Reiter Straßennetz): größere OSM-Auszüge oder GTFS-Dateien "
                "werden abgelehnt. Ein Auszug eines Regierungsbezirks hat meist 100–400 MB.",
                unit="MB", group="Daten", minimum=10, maximum=5000, step=10, label_en="Maximum network file size"),
        Setting("zip_max_ratio", "Höchstes Entpackverhältnis von ZIP-Dateien", 100,
                "Schutz vor ZIP-Bomben: Archive, die sich um mehr als diesen Faktor aufblähen, werden abgelehnt.",
                group="Daten", minimum=5, maximum=1000, step=5, label_en="Maximum zip ratio"),
        Setting("zip_max_members", "Höchstzahl Dateien in einem ZIP-Archiv", 200,
                "Archive mit mehr Dateien werden abgelehnt (ein gezippter Shapefile hat etwa 4 bis 8 Dateien).",
                group="Daten", minimum=1, maximum=10000, step=10, label_en="Maximum zip members"),
        Setting("zip_max_unpacked_mb", "Höchstgröße eines entpackten ZIP-Archivs", 500,
                "Summe der entpackten Dateigrößen; größere Archive werden abgelehnt.",
                unit="MB", group="Daten", minimum=1, maximum=5000, step=10, label_en="Maximum unpacked size"),
        # --- Betrieb (Datenstände, mehrere Nutzer)
        Setting("store_keep_versions", "Aufbewahrte Datenstände", 5,
                "So viele veröffentlichte Datenstände je Stadt bleiben als Dateien erhalten; auf jeden davon kann "
                "mit 'sozialraum store rollback' zurückgegangen werden. Ältere werden beim Veröffentlichen gelöscht.",
                group="Betrieb", minimum=1, maximum=100, step=1, label_en="Data versions kept"),
        Setting("store_write_wait_s", "Wartezeit auf einen laufenden Import", 30,
                "Schreibt gerade ein anderer Import in dieselbe Stadt, wartet ein zweiter so lange und bricht "
                "dann mit einer Meldung ab (nie eine Mischung beider Importe). 0 = sofort abbrechen.",
                unit="s", group="Betrieb", minimum=0, maximum=3600, step=5, label_en="Wait for a running import"),
    ]
}


def default(name: str) -> Any:
    """Default value of a declared setting (KeyError for undeclared names, on purpose)."""
    return SETTINGS[name].default


def resolve(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """All settings with their defaults, updated by ``overrides`` (unknown names are rejected)."""
    values = {name: s.default for name, s in SETTINGS.items()}
    for name, value in (overrides or {}).items():
        if name not in SETTINGS:
            raise KeyError(f"Unbekannte Einstellung: {name}")
        values[name] = value
    return values
