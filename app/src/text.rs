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
pub const MAP_LABEL: &str = "Karte der Stadtbezirke von Hamm";
