//! The German words on screen, in one place (see GLOSSARY.md).

pub const APP_TITLE: &str = "Lagebild Hamm";
pub const APP_SUBTITLE: &str =
    "Sicherheitspartnerschaft – Gemeinsam für ein sicheres Leben in Hamm";
pub const DISTRICTS: &str = "Stadtbezirke";
pub const WHOLE_CITY: &str = "Ganze Stadt";
pub const APPROXIMATE: &str = "Bezirksgrenzen angenähert";
pub const APPROXIMATE_HINT: &str = "Die Grenzen sind aus Stadtgrenze und amtlichen Flächen abgeleitet, bis die amtlichen \
     Bezirksgrenzen importiert sind.";
pub const AREA: &str = "Fläche";
pub const POPULATION: &str = "Einwohner";
pub const POSTAL_CODES: &str = "Postleitzahlen";
pub const SUBDISTRICTS: &str = "Statistische Bezirke";
pub const LOADING: &str = "Karte wird geladen …";
pub const RETRY: &str = "Erneut versuchen";
pub const NOT_FOUND: &str = "Diese Seite gibt es nicht.";
pub const BACK_TO_CITY: &str = "Zur Stadtübersicht";
pub const FILTERS: &str = "Filter";
pub const TIME: &str = "Zeit";
pub const TIME_ALL: &str = "alle";
pub const TIME_NOW: &str = "jetzt";
pub const TIME_TODAY: &str = "heute";
pub const TIME_WEEK: &str = "diese Woche";
pub const TIME_RANGE: &str = "Zeitraum";
pub const FROM: &str = "von";
pub const TO: &str = "bis";
pub const AGENCY: &str = "Behörde";
pub const DISTRICT: &str = "Bezirk";
pub const ALL: &str = "alle";
pub const CATEGORY: &str = "Kategorie";
pub const OCCASION: &str = "Anlass";
pub const ACTION_KIND: &str = "Art der Maßnahme";
pub const CALENDAR_VIEW: &str = "Ansicht der Maßnahmen";
pub const CALENDAR_LIST: &str = "Liste";
pub const CALENDAR_WEEK: &str = "Woche";
pub const CALENDAR_MONTH: &str = "Monat";
pub const CALENDAR_WEEK_SHORT: &str = "KW";
pub const EARLIER: &str = "früher";
pub const LATER: &str = "später";
pub const TODAY: &str = "Heute";
pub const CONFLICT_WITH: &str = "Konflikt mit Nr.";

pub fn month(m: i8) -> &'static str {
    const NAMES: [&str; 12] = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    NAMES[usize::try_from(m - 1).unwrap_or(0).min(11)]
}
pub const HOTSPOTS: &str = "Brennpunkte";
pub const ACTIONS: &str = "Maßnahmen";
pub const RELOAD_THEIRS: &str = "Fremde Version laden";
pub const CHECK_FIELDS: &str = "Bitte die markierten Felder prüfen.";
pub const DRAWN_LINE: &str = "Linie gezeichnet";
pub const DRAWN_AREA: &str = "Fläche gezeichnet";
pub const DRAWN_POINT: &str = "Punkt gesetzt";
pub const DRAWN_OTHER: &str = "Geometrie vorhanden";
pub const NOTHING_DRAWN: &str = "Noch nichts auf der Karte gezeichnet.";
pub const VERTICES: &str = "Punkte";
pub const DRAW_LINE: &str = "Linie zeichnen";
pub const DRAW_AREA: &str = "Fläche zeichnen";
pub const DRAW_POINT: &str = "Punkt setzen";
pub const DRAW_CANCEL: &str = "Zeichnen abbrechen";
pub const DRAW_CLEAR: &str = "Zeichnung entfernen";
pub const HINT_LINE: &str = "Auf der Karte die Punkte der Route anklicken; Doppelklick oder Klick auf den letzten Punkt beendet die Linie. Danach lassen sich die Punkte verschieben.";
pub const HINT_AREA: &str = "Auf der Karte die Ecken der Fläche anklicken; Klick auf den ersten Punkt oder Doppelklick schließt sie.";
pub const HINT_POINT: &str = "Auf der Karte den Ort anklicken.";
pub const NEW_ACTION: &str = "Neue Maßnahme";
pub const EDIT_ACTION: &str = "Maßnahme bearbeiten";
pub const TITLE: &str = "Titel";
pub const KIND: &str = "Art";
pub const START: &str = "Beginn";
pub const END: &str = "Ende";
pub const PLACE: &str = "Ort auf der Karte";
pub const CITY_DISTRICT: &str = "Stadtbezirk";
pub const FROM_PLACE: &str = "– aus dem Ort –";
pub const LEAD_AGENCY: &str = "Federführung";
pub const PARTICIPATING: &str = "Beteiligte Behörden";
pub const STATUS: &str = "Status";
pub const WORKING_GROUP: &str = "Fachkreis";
pub const PLEASE_CHOOSE: &str = "– bitte wählen –";
pub const SAVE: &str = "Speichern";
pub const NEW_ROUTE: &str = "Neue Streifenroute";
pub const EDIT_ROUTE: &str = "Streifenroute bearbeiten";
pub const ROUTE_LINE: &str = "Verlauf auf der Karte";
pub const OWNER_AGENCY: &str = "Zuständige Behörde";
pub const WALKED_BY: &str = "Gemeinsam mit";
pub const WEEKLY_HOURS: &str = "Wöchentliche Zeiten";
pub const HOURS: &str = "Zeiten";
pub const WEEKLY_HINT: &str = "z. B. „Fr, Sa 22:00–04:00; So 10:00–12:00“ oder „Mo–Fr 08:00–10:00“";
pub const DRAW_ROUTE_FIRST: &str = "Bitte den Verlauf auf der Karte zeichnen.";
pub const NEW_HOTSPOT: &str = "Neuer Brennpunkt";
pub const EDIT_HOTSPOT: &str = "Brennpunkt bearbeiten";
pub const HOTSPOT_PLACE: &str = "Fläche oder Ort auf der Karte";
pub const SEVERITY: &str = "Lage";
pub const REVIEW_DATE: &str = "Überprüfen bis";
pub const DATE_NEEDED: &str = "Bitte ein Datum angeben.";
pub const DRAW_HOTSPOT_FIRST: &str = "Bitte eine Fläche zeichnen oder einen Ort setzen.";
pub const PLANNING: &str = "Planung";
pub const ICS_DOWNLOAD: &str = "Kalender (.ics)";
pub const PRINT_A3: &str = "Drucken (A3)";
pub const NEW_ENTRY: &str = "Neuer Eintrag";
pub const DRAWING_UNAVAILABLE: &str = "Zeichnen auf der Karte ist nicht verfügbar";
pub const MAP_LABEL: &str = "Karte der Stadtbezirke von Hamm";

use model::{
    action::{ActionKind, ActionStatus, WorkingGroup},
    hotspot::{HotspotCategory, Severity},
    route::Occasion,
};

pub const CONNECTION_LOST: &str = "Verbindung unterbrochen – die Anzeige verbindet sich neu, die Daten unten sind vom letzten Stand.";
pub const ACTIONS_TODAY: &str = "Maßnahmen heute";
pub const ACTIONS_WEEK: &str = "Maßnahmen diese Woche";
pub const HOTSPOTS_ACTIVE: &str = "Brennpunkte aktiv";
pub const PATROLS_TODAY: &str = "Streifen heute";
pub const CONFLICTS: &str = "Konflikte";
pub const DEMO_DATA: &str = "Beispieldaten";
pub const AS_OF: &str = "Stand";

pub fn category(c: HotspotCategory) -> &'static str {
    match c {
        HotspotCategory::YouthCrime => "Jugendkriminalität",
        HotspotCategory::NightlifeGastronomy => "Nachtleben / Gastronomie",
        HotspotCategory::DrugScene => "Drogenszene",
        HotspotCategory::PublicDisorder => "Störung der öffentlichen Ordnung",
        HotspotCategory::RoadSafety => "Verkehrssicherheit",
        HotspotCategory::Other => "Sonstiges",
    }
}

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Low => "gering",
        Severity::Medium => "mittel",
        Severity::High => "hoch",
    }
}

pub fn occasion(o: Occasion) -> &'static str {
    match o {
        Occasion::BigEvent => "Großveranstaltung",
        Occasion::Playgrounds => "Spielplätze",
        Occasion::CityCentre => "Innenstadt",
        Occasion::Nightlife => "Nachtleben",
        Occasion::Other => "Sonstiges",
    }
}

pub fn action_kind(k: ActionKind) -> &'static str {
    match k {
        ActionKind::JointOperation => "Gemeinsamer Einsatz",
        ActionKind::Inspection => "Kontrolle",
        ActionKind::CitizenDialogue => "Bürgerdialog",
        ActionKind::SteeringGroupMeeting => "Lenkungsgruppe",
        ActionKind::WorkingGroupMeeting => "Fachkreis Präventionsrat",
        ActionKind::GastronomyExchange => "Austausch Gastronomie",
        ActionKind::Other => "Sonstiges",
    }
}

pub fn action_status(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::Planned => "geplant",
        ActionStatus::Confirmed => "bestätigt",
        ActionStatus::Done => "durchgeführt",
        ActionStatus::Cancelled => "abgesagt",
    }
}

pub fn working_group(w: WorkingGroup) -> &'static str {
    match w {
        WorkingGroup::UrbanDesign => "Städtebauliche Kriminalprävention",
        WorkingGroup::DomesticViolence => "Häusliche Gewalt",
        WorkingGroup::SexualViolenceAgainstChildren => "Sexualisierte Gewalt gegen Kinder",
        WorkingGroup::Seniors => "Senioren",
        WorkingGroup::InternetSafety => "Sicherheit im Internet",
        WorkingGroup::RoadSafety => "Verkehrssicherheit",
    }
}
