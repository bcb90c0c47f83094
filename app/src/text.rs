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
pub const MAP_LABEL: &str = "Karte der Stadtbezirke von Hamm";

use model::{
    action::{ActionKind, ActionStatus},
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
