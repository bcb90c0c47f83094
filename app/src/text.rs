//! The words on screen in German (the default) and English, in one place (see GLOSSARY.md).
//! The language is chosen once when the app starts (see `i18n`); every word is a function.

use model::{
    ItemKind,
    action::{ActionKind, ActionStatus, WorkingGroup},
    hotspot::{HotspotCategory, Severity},
    incident::IncidentCategory,
    route::Occasion,
};

use crate::i18n::{Lang, lang};

/// The German or the English word, by the current language.
fn pick(de: &'static str, en: &'static str) -> &'static str {
    match lang() {
        Lang::De => de,
        Lang::En => en,
    }
}

macro_rules! words {
    ($($name:ident = $de:expr, $en:expr;)*) => {
        $(pub fn $name() -> &'static str { pick($de, $en) })*
    };
}

words! {
    report_link = "Bericht", "Report";
    report_title = "Bericht der Sicherheitspartnerschaft Hamm", "Report of the Hamm security partnership";
    report_period = "Zeitraum", "Period";
    report_made = "Stand", "As of";
    report_for = "Bericht für", "Report for";
    report_basis = "Datengrundlage", "Data";
    report_basis_text = "freigegebene Maßnahmen, Streifen, Brennpunkte und Lagemeldungen", "released actions, patrols, hotspots and incident reports";
    report_from = "von", "from";
    report_to = "bis", "to";
    report_print = "Drucken / als PDF speichern", "Print / save as PDF";
    report_csv = "CSV herunterladen", "Download CSV";
    report_joint = "Gemeinsame Maßnahmen", "Joint actions";
    report_held = "durchgeführt", "held";
    report_hours = "Stunden", "hours";
    report_days = "Tage", "days";
    report_deployments = "Gemeinsame Einsätze", "Joint deployments";
    report_bodies = "Gremien", "Meetings";
    report_steering = "Lenkungsgruppe", "Steering group";
    report_working = "Arbeitsgruppen", "Working groups";
    report_meetings = "Sitzungen", "meetings";
    report_patrols = "Gemeinsame Streifen (geplant)", "Joint patrols (scheduled)";
    report_hotspot_hours = "Brennpunktstunden", "Hotspot hours";
    report_covered = "davon bestreift", "covered by patrols";
    report_reviews = "Überprüfung der Brennpunkte", "Hotspot reviews";
    report_on_time = "rechtzeitig", "on time";
    report_overdue = "überfällig", "overdue";
    report_districts = "Nach Stadtbezirk", "By district";
    report_agencies = "Nach Behörde", "By agency";
    report_dialogues = "Bürgerdialoge", "Citizen dialogues";
    report_dialogue_districts = "Bezirke mit Bürgerdialog", "Districts with a citizen dialogue";
    report_incidents = "Lagemeldungen", "Incident reports";
    report_per_1000 = "je 1.000 Einw.", "per 1,000 res.";
    report_previous = "Vorperiode", "Previous period";
    report_around = "Lagemeldungen um Brennpunkte mit Maßnahmen", "Incident reports around hotspots with actions";
    report_not_proof = "Beschreibung, kein Nachweis einer Wirkung: gleich lange Zeiträume vor und nach der ersten Maßnahme.", "A description, not proof of an effect: equal windows before and after the first action.";
    report_before = "davor", "before";
    report_after = "danach", "after";
    report_window = "Tage je Zeitraum", "days per window";
    report_alerts_raised = "ausgelöst", "raised";
    report_alerts_acknowledged = "quittiert", "acknowledged";
    report_alerts_hotspots = "als Brennpunkt angelegt", "made hotspots";
    report_small = "Zahlen unter 5 werden als „< 5“ gezeigt.", "Counts below 5 are shown as \"< 5\".";
    report_agency = "Behörde", "Agency";
    report_district = "Bezirk", "District";
    alerts = "Auffälligkeiten", "Alerts";
    no_alerts = "Keine Auffälligkeiten", "No alerts";
    observed = "beobachtet", "observed";
    expected = "erwartet", "expected";
    since = "seit", "since";
    grid_cell = "500-m-Feld", "500 m cell";
    hotspot_word = "Brennpunkt", "Hotspot";
    alert_to_hotspot = "Als Brennpunkt anlegen", "Create hotspot";
    acknowledge = "Quittieren", "Acknowledge";
    ack_reason_label = "Grund", "Reason";
    incidents = "Lagemeldungen", "Incident reports";
    incident_category_label = "Meldeart", "Report category";
    incident_window_label = "Zeitfenster der Lagemeldungen", "Incident window";
    incident_cells = "Felder mit Lagemeldungen", "Cells with incident reports";
    report_incident = "Lagemeldung", "Report an incident";
    report_category = "1. Was?", "1. What?";
    report_place = "2. Wo?", "2. Where?";
    report_time = "3. Wann?", "3. When?";
    my_position = "Mein Standort", "My position";
    tap_the_map = "oder auf die Karte tippen", "or tap the map";
    place_taken = "Ort übernommen", "Place set";
    no_position = "Standort nicht verfügbar – bitte auf die Karte tippen", "Position unavailable – please tap the map";
    send_report = "Melden", "Report";
    reported = "Gemeldet", "Reported";
    app_title = "Lagebild Hamm", "Lagebild Hamm";
    app_subtitle = "Sicherheitspartnerschaft – Gemeinsam für ein sicheres Leben in Hamm", "Security partnership – together for a safe life in Hamm";
    districts = "Stadtbezirke", "Districts";
    whole_city = "Ganze Stadt", "Whole city";
    approximate = "Bezirksgrenzen angenähert", "District boundaries approximate";
    approximate_hint = "Die Grenzen sind aus Stadtgrenze und amtlichen Flächen abgeleitet, bis die amtlichen Bezirksgrenzen importiert sind.", "The boundaries are derived from the city boundary and the official areas until the official district boundaries are imported.";
    area = "Fläche", "Area";
    population = "Einwohner", "Population";
    postal_codes = "Postleitzahlen", "Postcodes";
    subdistricts = "Statistische Bezirke", "Statistical districts";
    loading = "Karte wird geladen …", "Loading the map …";
    retry = "Erneut versuchen", "Try again";
    not_found = "Diese Seite gibt es nicht.", "This page does not exist.";
    back_to_city = "Zur Stadtübersicht", "To the city overview";
    filters = "Filter", "Filters";
    time = "Zeit", "Time";
    time_all = "alle", "all";
    time_now = "jetzt", "now";
    time_today = "heute", "today";
    time_week = "diese Woche", "this week";
    time_range = "Zeitraum", "date range";
    from = "von", "from";
    to = "bis", "to";
    agency = "Behörde", "Agency";
    district = "Bezirk", "District";
    all = "alle", "all";
    category_label = "Kategorie", "Category";
    occasion_label = "Anlass", "Occasion";
    action_kind_label = "Art der Maßnahme", "Kind of action";
    calendar_view = "Ansicht der Maßnahmen", "View of the actions";
    calendar_list = "Liste", "List";
    calendar_week = "Woche", "Week";
    calendar_month = "Monat", "Month";
    calendar_week_short = "KW", "Week";
    earlier = "früher", "earlier";
    later = "später", "later";
    today = "Heute", "Today";
    conflict_with = "Konflikt mit Nr.", "Conflict with no.";
    hotspots = "Brennpunkte", "Hotspots";
    actions = "Maßnahmen", "Actions";
    reload_theirs = "Fremde Version laden", "Load their version";
    check_fields = "Bitte die markierten Felder prüfen.", "Please check the marked fields.";
    drawn_line = "Linie gezeichnet", "Line drawn";
    drawn_area = "Fläche gezeichnet", "Area drawn";
    drawn_point = "Punkt gesetzt", "Place set";
    drawn_other = "Geometrie vorhanden", "Geometry present";
    nothing_drawn = "Noch nichts auf der Karte gezeichnet.", "Nothing drawn on the map yet.";
    vertices = "Punkte", "points";
    draw_line = "Linie zeichnen", "Draw line";
    draw_area = "Fläche zeichnen", "Draw area";
    draw_point = "Punkt setzen", "Set place";
    draw_cancel = "Zeichnen abbrechen", "Cancel drawing";
    draw_clear = "Zeichnung entfernen", "Remove drawing";
    hint_line = "Auf der Karte die Punkte der Route anklicken; Doppelklick oder Klick auf den letzten Punkt beendet die Linie. Danach lassen sich die Punkte verschieben.", "Click the points of the route on the map; a double click or a click on the last point ends the line. Afterwards the points can be moved.";
    hint_area = "Auf der Karte die Ecken der Fläche anklicken; Klick auf den ersten Punkt oder Doppelklick schließt sie.", "Click the corners of the area on the map; a click on the first point or a double click closes it.";
    hint_point = "Auf der Karte den Ort anklicken.", "Click the place on the map.";
    new_action = "Neue Maßnahme", "New action";
    edit_action = "Maßnahme bearbeiten", "Edit action";
    title = "Titel", "Title";
    kind = "Art", "Kind";
    start = "Beginn", "Start";
    end = "Ende", "End";
    place = "Ort auf der Karte", "Place on the map";
    city_district = "Stadtbezirk", "District";
    from_place = "– aus dem Ort –", "– from the place –";
    lead_agency = "Federführung", "Lead agency";
    participating = "Beteiligte Behörden", "Participating agencies";
    status = "Status", "Status";
    working_group_label = "Fachkreis", "Working group";
    please_choose = "– bitte wählen –", "– please choose –";
    save = "Speichern", "Save";
    new_route = "Neue Streifenroute", "New patrol route";
    edit_route = "Streifenroute bearbeiten", "Edit patrol route";
    route_line = "Verlauf auf der Karte", "Course on the map";
    owner_agency = "Zuständige Behörde", "Responsible agency";
    walked_by = "Gemeinsam mit", "Together with";
    weekly_hours = "Wöchentliche Zeiten", "Weekly hours";
    hours = "Zeiten", "Hours";
    weekly_hint = "z. B. „Fr, Sa 22:00–04:00; So 10:00–12:00“ oder „Mo–Fr 08:00–10:00“", "e.g. \"Fri, Sat 22:00–04:00; Sun 10:00–12:00\" or \"Mon–Fri 08:00–10:00\"";
    draw_route_first = "Bitte den Verlauf auf der Karte zeichnen.", "Please draw the course on the map.";
    new_hotspot = "Neuer Brennpunkt", "New hotspot";
    edit_hotspot = "Brennpunkt bearbeiten", "Edit hotspot";
    hotspot_place = "Fläche oder Ort auf der Karte", "Area or place on the map";
    severity_label = "Lage", "Severity";
    review_date = "Überprüfen bis", "Review by";
    date_needed = "Bitte ein Datum angeben.", "Please give a date.";
    draw_hotspot_first = "Bitte eine Fläche zeichnen oder einen Ort setzen.", "Please draw an area or set a place.";
    planning = "Planung", "Planning";
    ics_download = "Kalender (.ics)", "Calendar (.ics)";
    print_a3 = "Drucken (A3)", "Print (A3)";
    new_entry = "Neuer Eintrag", "New entry";
    drawing_unavailable = "Zeichnen auf der Karte ist nicht verfügbar", "Drawing on the map is not available";
    map_label = "Karte der Stadtbezirke von Hamm", "Map of the districts of Hamm";
    connection_lost = "Verbindung unterbrochen – die Anzeige verbindet sich neu, die Daten unten sind vom letzten Stand.", "Connection lost – the display reconnects by itself; the data below are from the last update.";
    actions_today = "Maßnahmen heute", "Actions today";
    actions_week = "Maßnahmen diese Woche", "Actions this week";
    hotspots_active = "Brennpunkte aktiv", "Hotspots active";
    patrols_today = "Streifen heute", "Patrols today";
    conflicts = "Konflikte", "Conflicts";
    demo_data = "Beispieldaten", "Demo data";
    as_of = "Stand", "As of";
    legend = "Legende", "Legend";
    legend_districts_hotspots = "Bezirke: Brennpunkte aktiv", "Districts: hotspots active";
    legend_districts_actions = "Bezirke: Maßnahmen diese Woche", "Districts: actions this week";
    legend_districts_incidents = "Bezirke: Lagemeldungen je 1.000 Einwohner", "Districts: incident reports per 1,000 residents";
    incidents_per_1000 = "Lagemeldungen je 1.000 Einwohner", "Incident reports per 1,000 residents";
    playback = "Wochen abspielen", "Play the weeks";
    playback_stop = "Anhalten", "Stop";
    playback_week = "Woche der Lagemeldungen", "Week of incident reports";
    playback_live = "Aktuell", "Current";
    incidents_table_more = "neueste von", "newest of";
    count = "Anzahl", "Count";
    legend_high = "Brennpunkt, Lage hoch", "Hotspot, severity high";
    legend_medium = "Brennpunkt, Lage mittel", "Hotspot, severity medium";
    legend_low = "Brennpunkt, Lage gering", "Hotspot, severity low";
    legend_route = "Streifenroute (gemeinsame Streife)", "Patrol route (joint patrol)";
    legend_action = "Maßnahme", "Action";
    legend_cluster = "Mehrere Punkte (Zahl), Klick vergrößert", "Several points (count); click to zoom in";
    layers = "Ebenen", "Layers";
    layers_and_filters = "Ebenen und Filter", "Layers and filters";
    routes = "Streifenrouten", "Patrol routes";
    colour_by = "Bezirke einfärben nach", "Colour districts by";
    colour_district = "Bezirk", "District";
    as_table = "Als Tabelle", "As a table";
    appearance = "Darstellung", "Appearance";
    basemap = "Grundkarte", "Base map";
    basemap_off = "aus", "off";
    map_service = "Kartendienst (WMS)", "Map service (WMS)";
    tile_server = "Kacheldienst", "Tile server";
    place_search = "Ort suchen", "Find a place";
    place_search_hint = "Straße, Hausnummer, Platz, Bezirk, Brennpunkt …", "Street, house number, square, district, hotspot …";
    place_search_none = "Nichts gefunden", "Nothing found";
    place_search_failed = "Suche gerade nicht möglich", "Search is not available just now";
    take_search_result = "Suchergebnis übernehmen", "Use the search result";
    basemap_admin = "Grundkarte und Adressen", "Base map and addresses";
    basemap_none = "Keine Grundkarte geladen: die Karte zeigt die Bezirke ohne Hintergrund.", "No base map loaded: the map shows the districts without a background.";
    basemap_how = "Eine Grundkarte lädt der Server beim Start: --basemap NAME=DATEI (MBTiles oder PMTiles) oder --wms-url mit --wms-layers; Adressen mit server places import DATEI (siehe README).", "The server loads a base map at start: --basemap NAME=FILE (MBTiles or PMTiles) or --wms-url with --wms-layers; addresses with server places import FILE (see README).";
    theme_device = "wie das Gerät", "like the device";
    theme_light = "hell", "light";
    theme_dark = "dunkel", "dark";
    language = "Sprache", "Language";
    my_district = "Mein Bezirk", "My district";
    officer_today = "Heute", "Today";
    officer_week = "Diese Woche", "This week";
    hotspots_active_now = "Brennpunkte jetzt aktiv", "Hotspots active now";
    nothing_planned = "Nichts geplant.", "Nothing planned.";
    none_m = "Keiner.", "None.";
    none_f = "Keine.", "None.";
    coverage_title = "Streifenabdeckung diese Woche", "Patrol coverage this week";
    coverage_label = "Streifenabdeckung der Brennpunkte", "Patrol coverage of the hotspots";
    covered_share = "der Zeiten bestreift", "of the hours patrolled";
    gaps = "Lücken", "Gaps";
    agencies = "Behörden", "Agencies";
    together = "Gemeinsam", "Together";
    date_time_needed = "Bitte Datum und Uhrzeit angeben.", "Please give a date and time.";
    agency_needed = "Bitte eine Behörde wählen.", "Please choose an agency.";
    err_unreachable = "Der Server ist nicht erreichbar. Bitte Netzwerk prüfen.", "The server cannot be reached. Please check the network.";
    err_server = "Der Server meldet einen Fehler", "The server reports an error";
    err_unreadable = "Die Antwort des Servers ist unlesbar", "The server's answer cannot be read";
    err_invalid = "Bitte Eingaben prüfen", "Please check the input";
    err_stale = "Dieser Eintrag wurde inzwischen von jemand anderem geändert. Ihre Änderung wurde nicht gespeichert.", "Someone else has changed this entry meanwhile. Your change was not saved.";
    err_signed_out = "Sie sind nicht (mehr) angemeldet.", "You are not signed in (any more).";
    err_forbidden = "Dafür fehlt Ihnen die Berechtigung", "You are not allowed to do this";
    err_too_many_attempts = "Zu viele Fehlversuche – bitte später erneut versuchen", "Too many failed attempts – please try again later";
    wrong_login = "Anmeldename oder Passwort ist falsch.", "Wrong login name or password.";
    sign_in_title = "Anmelden", "Sign in";
    sign_in_hint = "Melden Sie sich mit dem Konto Ihrer Behörde an. Konten vergibt die Verwaltung der Sicherheitspartnerschaft.", "Sign in with your agency's account. Accounts are issued by the partnership's administrators.";
    login_name = "Anmeldename", "Login name";
    password = "Passwort", "Password";
    sign_in = "Anmelden", "Sign in";
    sign_out = "Abmelden", "Sign out";
    signed_in_as = "Angemeldet", "Signed in";
    pair_title = "Wanddisplay koppeln", "Pair this wall display";
    pair_hint = "Geben Sie den Kopplungscode ein, den die Verwaltung für dieses Display ausgegeben hat (15 Minuten gültig).", "Type the pairing code an administrator issued for this display (valid for 15 minutes).";
    pair_code = "Kopplungscode", "Pairing code";
    pair = "Koppeln", "Pair";
    released_to = "Freigegeben für", "Released to";
    released_hint = "Nur die eigene Behörde, die beteiligten Behörden und die hier gewählten sehen diesen Eintrag.", "Only the owning agency, the agencies taking part and those chosen here see this entry.";
    review_due_title = "Überprüfung fällig", "Review due";
    review_due_hint = "Diese Brennpunkte Ihrer Behörde sind über ihr Prüfdatum hinaus und werden nicht mehr als aktiv gezeigt, bis Sie ein neues Datum setzen.", "These hotspots of your agency are past their review date and no longer show as active until you set a new date.";
    review = "Prüfen", "Review";
    admin_title = "Verwaltung", "Administration";
    accounts = "Konten", "Accounts";
    new_account = "Neues Konto", "New account";
    role = "Rolle", "Role";
    add_account = "Konto anlegen", "Add account";
    disable = "Sperren", "Disable";
    disabled = "gesperrt", "disabled";
    enable = "Entsperren", "Enable";
    withheld = "Inhalt nicht für Ihre Behörde freigegeben", "content not released to your agency";
    unknown_login = "unbekannt", "unknown";
    displays = "Wanddisplays", "Wall displays";
    display_name = "Name des Displays", "Name of the display";
    issue_code = "Kopplungscode ausgeben", "Issue pairing code";
    code_valid_until = "gültig bis", "valid until";
    audit_trail = "Protokoll", "Audit trail";
    audit_csv = "Protokoll als CSV", "Audit trail as CSV";
    when = "Wann", "When";
    who = "Wer", "Who";
    what = "Was", "What";
    subject = "Gegenstand", "Subject";
    loading_short = "Lädt …", "Loading …";
    notes = "Hinweis(e)", "note(s)";
}

pub fn category(c: HotspotCategory) -> &'static str {
    match c {
        HotspotCategory::YouthCrime => pick("Jugendkriminalität", "Youth crime"),
        HotspotCategory::NightlifeGastronomy => {
            pick("Nachtleben / Gastronomie", "Nightlife / gastronomy")
        }
        HotspotCategory::DrugScene => pick("Drogenszene", "Drug scene"),
        HotspotCategory::PublicDisorder => {
            pick("Störung der öffentlichen Ordnung", "Public disorder")
        }
        HotspotCategory::RoadSafety => pick("Verkehrssicherheit", "Road safety"),
        HotspotCategory::Other => pick("Sonstiges", "Other"),
    }
}

/// What a search result is, on screen.
pub fn place_kind(kind: model::place_search::PlaceKind) -> &'static str {
    use model::place_search::PlaceKind;
    match kind {
        PlaceKind::District => pick("Stadtbezirk", "District"),
        PlaceKind::Place => pick("Ort", "Place"),
        PlaceKind::Street => pick("Straße", "Street"),
        PlaceKind::Address => pick("Adresse", "Address"),
        PlaceKind::Hotspot => pick("Brennpunkt", "Hotspot"),
        PlaceKind::Route => pick("Streife", "Patrol"),
        PlaceKind::Action => pick("Maßnahme", "Action"),
    }
}

/// A layer's name on screen.
pub fn layer(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Hotspot => hotspots(),
        ItemKind::Route => routes(),
        ItemKind::Action => actions(),
        ItemKind::Incident => incidents(),
    }
}

pub fn incident_category(c: IncidentCategory) -> &'static str {
    let en = match c {
        IncidentCategory::Violence => "Violence",
        IncidentCategory::Theft => "Theft",
        IncidentCategory::Burglary => "Burglary",
        IncidentCategory::Drugs => "Drugs",
        IncidentCategory::Damage => "Damage / graffiti",
        IncidentCategory::PublicDisorder => "Public disorder",
        IncidentCategory::Noise => "Noise",
        IncidentCategory::Littering => "Littering",
        IncidentCategory::YouthGathering => "Youth gathering",
        IncidentCategory::PublicDrinking => "Drinking in public",
        IncidentCategory::IllicitWork => "Illicit work",
        IncidentCategory::SmuggledGoods => "Smuggled goods",
        IncidentCategory::TrafficAccident => "Traffic accident",
    };
    pick(c.label_de(), en)
}

pub fn metric(m: crate::metric::Metric) -> &'static str {
    use crate::metric::Metric;
    match m {
        Metric::Hotspots => hotspots_active(),
        Metric::Actions => actions_week(),
        Metric::Incidents => incidents_per_1000(),
    }
}

pub fn incident_window(w: model::density::Window) -> &'static str {
    use model::density::Window;
    match w {
        Window::Day => pick("letzte 24 Stunden", "last 24 hours"),
        Window::Week => pick("letzte 7 Tage", "last 7 days"),
        Window::FourWeeks => pick("letzte 28 Tage", "last 28 days"),
    }
}

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Low => pick("gering", "low"),
        Severity::Medium => pick("mittel", "medium"),
        Severity::High => pick("hoch", "high"),
    }
}

pub fn occasion(o: Occasion) -> &'static str {
    match o {
        Occasion::BigEvent => pick("Großveranstaltung", "Big event"),
        Occasion::Playgrounds => pick("Spielplätze", "Playgrounds"),
        Occasion::CityCentre => pick("Innenstadt", "City centre"),
        Occasion::Nightlife => pick("Nachtleben", "Nightlife"),
        Occasion::Other => pick("Sonstiges", "Other"),
    }
}

pub fn action_kind(k: ActionKind) -> &'static str {
    match k {
        ActionKind::JointOperation => pick("Gemeinsamer Einsatz", "Joint operation"),
        ActionKind::Inspection => pick("Kontrolle", "Inspection"),
        ActionKind::CitizenDialogue => pick("Bürgerdialog", "Citizen dialogue"),
        ActionKind::SteeringGroupMeeting => pick("Lenkungsgruppe", "Steering group"),
        ActionKind::WorkingGroupMeeting => pick(
            "Fachkreis Präventionsrat",
            "Prevention council working group",
        ),
        ActionKind::GastronomyExchange => pick("Austausch Gastronomie", "Exchange with gastronomy"),
        ActionKind::Other => pick("Sonstiges", "Other"),
    }
}

pub fn action_status(s: ActionStatus) -> &'static str {
    match s {
        ActionStatus::Planned => pick("geplant", "planned"),
        ActionStatus::Confirmed => pick("bestätigt", "confirmed"),
        ActionStatus::Done => pick("durchgeführt", "done"),
        ActionStatus::Cancelled => pick("abgesagt", "cancelled"),
    }
}

pub fn working_group(w: WorkingGroup) -> &'static str {
    match w {
        WorkingGroup::UrbanDesign => pick(
            "Städtebauliche Kriminalprävention",
            "Urban-design crime prevention",
        ),
        WorkingGroup::DomesticViolence => pick("Häusliche Gewalt", "Domestic violence"),
        WorkingGroup::SexualViolenceAgainstChildren => pick(
            "Sexualisierte Gewalt gegen Kinder",
            "Sexual violence against children",
        ),
        WorkingGroup::Seniors => pick("Senioren", "Seniors"),
        WorkingGroup::InternetSafety => pick("Sicherheit im Internet", "Internet safety"),
        WorkingGroup::RoadSafety => pick("Verkehrssicherheit", "Road safety"),
    }
}

pub fn role_name(r: model::access::Role) -> &'static str {
    use model::access::Role;
    match r {
        Role::Display => pick("Wanddisplay", "Wall display"),
        Role::Officer => pick("Bezirksdienst", "Officer"),
        Role::Planner => pick("Planung", "Planner"),
        Role::Admin => pick("Verwaltung", "Admin"),
        Role::Operator => pick("IT-Betrieb", "Operator"),
    }
}

pub fn month(m: i8) -> &'static str {
    const DE: [&str; 12] = [
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
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let i = usize::try_from(m - 1).unwrap_or(0).min(11);
    pick(DE[i], EN[i])
}

/// A group of incident categories, as early detection tests them.
pub fn category_group(g: model::alert::CategoryGroup) -> &'static str {
    use model::alert::CategoryGroup as G;
    match g {
        G::Disorder => pick("Gewalt und Ordnungsstörungen", "Violence and disorder"),
        G::Youth => pick("Jugendansammlungen", "Youth gatherings"),
        G::Property => pick("Eigentum und Sachbeschädigung", "Property and damage"),
        G::Drugs => pick("Betäubungsmittel", "Drugs"),
        G::Economic => pick("Schwarzarbeit und Schmuggel", "Illicit work and smuggling"),
        G::Traffic => pick("Verkehrsunfälle", "Traffic accidents"),
    }
}

/// Why an alert was acknowledged.
pub fn ack_reason(r: model::alert::AckReason) -> &'static str {
    use model::alert::AckReason as R;
    match r {
        R::Known => pick("bekannt", "known"),
        R::BeingHandled => pick("in Bearbeitung", "being handled"),
        R::DataError => pick("Datenfehler", "data error"),
        R::Hotspot => pick("als Brennpunkt angelegt", "made a hotspot"),
    }
}
