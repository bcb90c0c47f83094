//! What the map shows, read from and written to the URL query, so any view can be bookmarked,
//! sent, or put on a wall: `?ebenen=brennpunkte,streifen&behoerde=kod&zeit=woche&tabelle=1`.

use std::sync::Arc;

use jiff::{Timestamp, civil::Date};
use model::{
    AgencyKey, Item, ItemKind, LayerQuery,
    action::ActionKind,
    calendar::{self, Page, Span},
    hotspot::HotspotCategory,
    incident::IncidentCategory,
    route::Occasion,
    schedule::{day_of, week_of},
};

use crate::api::Items;

/// Which item layers are on, one switch per [`ItemKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers([bool; ItemKind::COUNT]);

impl Layers {
    /// Every layer on.
    pub const ALL: Layers = Layers([true; ItemKind::COUNT]);

    /// Only the layers in `kinds` on.
    pub fn only(kinds: &[ItemKind]) -> Layers {
        let mut l = Layers([false; ItemKind::COUNT]);
        for k in kinds {
            l.set(*k, true);
        }
        l
    }

    pub fn on(&self, kind: ItemKind) -> bool {
        self.0[kind.index()]
    }

    pub fn set(&mut self, kind: ItemKind, on: bool) {
        self.0[kind.index()] = on;
    }
}

/// A layer's name in the URL (`?ebenen=`).
pub fn layer_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Hotspot => "brennpunkte",
        ItemKind::Route => "streifen",
        ItemKind::Action => "massnahmen",
        ItemKind::Incident => "lagemeldungen",
    }
}

pub use model::density::Window as IncidentWindow;

/// Which time the items must fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFilter {
    All,
    Now,
    Today,
    Week,
    /// From the first to the last date, both included.
    Range(Date, Date),
}

/// Which kind of item each layer shows; `None` shows all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds {
    pub category: Option<HotspotCategory>,
    pub occasion: Option<Occasion>,
    pub action: Option<ActionKind>,
    pub incident: Option<IncidentCategory>,
}

impl Kinds {
    /// The `kind` filter of one layer, by its wire name.
    fn of(&self, layer: ItemKind) -> Option<&'static str> {
        match layer {
            ItemKind::Hotspot => self.category.map(|c| c.as_str()),
            ItemKind::Route => self.occasion.map(|o| o.as_str()),
            ItemKind::Action => self.action.map(|a| a.as_str()),
            ItemKind::Incident => self.incident.map(|c| c.as_str()),
        }
    }
}

/// How the planning screen lists actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Calendar {
    /// All actions in time order.
    List,
    /// One page of a week or month calendar.
    Page(Page),
}

pub use crate::metric::Metric;

/// Light or dark; `None` follows the device's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

/// Which base map is drawn (`?grundkarte=`): the server's first unless the URL names another
/// or `aus`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BasemapChoice {
    #[default]
    First,
    Off,
    /// A base map by its name in `/api/config` (or `model::config::WMS_NAME` for the map
    /// service, `TILE_SERVER_NAME` for the tile server).
    Named(String),
}

impl BasemapChoice {
    /// Which of `names` (the configured base maps, in order) is drawn; `None`: none.
    pub fn pick<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        match self {
            BasemapChoice::First => names.first().copied(),
            BasemapChoice::Off => None,
            BasemapChoice::Named(n) => names.iter().find(|m| **m == n.as_str()).copied(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// The base map under the layers.
    pub basemap: BasemapChoice,
    /// Only items in this district.
    pub district: Option<model::DistrictKey>,
    pub theme: Option<Theme>,
    pub layers: Layers,
    /// Colour districts by a count instead of by district.
    pub colour_by: Option<Metric>,
    pub agency: Option<AgencyKey>,
    pub kinds: Kinds,
    pub time: TimeFilter,
    /// The incident layer's window, unless `time` is a date range or a week is played.
    pub incident_window: IncidentWindow,
    /// The playback's calendar week (its Monday): the incidents of that week instead.
    pub incident_week: Option<Date>,
    pub table: bool,
    pub calendar: Calendar,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            basemap: BasemapChoice::First,
            layers: Layers::ALL,
            colour_by: None,
            district: None,
            theme: None,
            agency: None,
            kinds: Kinds::default(),
            time: TimeFilter::All,
            incident_window: IncidentWindow::default(),
            incident_week: None,
            table: false,
            calendar: Calendar::List,
        }
    }
}

impl ViewState {
    /// Reads the query; unknown or malformed values fall back to the defaults.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ViewState {
        let mut v = ViewState::default();
        if let Some(list) = get("ebenen") {
            let on: Vec<&str> = list.split(',').map(str::trim).collect();
            let kinds: Vec<ItemKind> = ItemKind::ALL
                .iter()
                .copied()
                .filter(|k| on.contains(&layer_name(*k)))
                .collect();
            v.layers = Layers::only(&kinds);
        }
        v.basemap = match get("grundkarte").as_deref() {
            Some("aus") => BasemapChoice::Off,
            Some(name) if model::config::check_basemap_name(name).is_ok() => {
                BasemapChoice::Named(name.to_owned())
            }
            _ => BasemapChoice::First,
        };
        v.colour_by = get("faerbung").and_then(|m| Metric::from_name(&m));
        v.district = get("bezirk").and_then(|d| d.parse().ok());
        v.theme = match get("thema").as_deref() {
            Some("hell") => Some(Theme::Light),
            Some("dunkel") => Some(Theme::Dark),
            _ => None,
        };
        v.agency = get("behoerde").and_then(|a| AgencyKey::parse(&a).ok());
        v.kinds = Kinds {
            category: get("kategorie").and_then(|k| k.parse().ok()),
            occasion: get("anlass").and_then(|k| k.parse().ok()),
            action: get("art").and_then(|k| k.parse().ok()),
            incident: get("meldeart").and_then(|k| k.parse().ok()),
        };
        v.incident_window = get("fenster")
            .and_then(|f| IncidentWindow::ALL.into_iter().find(|w| w.name() == f))
            .unwrap_or_default();
        let date = |key: &str| get(key).and_then(|d| d.parse::<Date>().ok());
        v.incident_week = date("meldewoche").map(|d| {
            d.checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
                .unwrap_or(d)
        });
        v.time = match get("zeit").as_deref() {
            Some("jetzt") => TimeFilter::Now,
            Some("heute") => TimeFilter::Today,
            Some("woche") => TimeFilter::Week,
            Some("zeitraum") => match (date("von"), date("bis")) {
                (Some(from), Some(to)) if from <= to => TimeFilter::Range(from, to),
                _ => TimeFilter::All,
            },
            _ => TimeFilter::All,
        };
        v.table = get("tabelle").is_some_and(|t| t == "1");
        let span = match get("kalender").as_deref() {
            Some("woche") => Some(Span::Week),
            Some("monat") => Some(Span::Month),
            _ => None,
        };
        v.calendar = match span {
            Some(span) => Calendar::Page(Page::new(
                span,
                date("datum").unwrap_or_else(|| model::schedule::local(Timestamp::now()).date()),
            )),
            None => Calendar::List,
        };
        v
    }

    /// The query string (without `?`); defaults are left out.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if self.layers != ViewState::default().layers {
            let on: Vec<&str> = ItemKind::ALL
                .iter()
                .filter(|k| self.layers.on(**k))
                .map(|k| layer_name(*k))
                .collect();
            parts.push(format!("ebenen={}", on.join(",")));
        }
        match &self.basemap {
            BasemapChoice::First => {}
            BasemapChoice::Off => parts.push("grundkarte=aus".into()),
            BasemapChoice::Named(name) => parts.push(format!("grundkarte={name}")),
        }
        if let Some(m) = self.colour_by {
            parts.push(format!("faerbung={}", m.name()));
        }
        if let Some(d) = self.district {
            parts.push(format!("bezirk={d}"));
        }
        if let Some(a) = &self.agency {
            parts.push(format!("behoerde={a}"));
        }
        let kinds = [
            ("kategorie", self.kinds.of(ItemKind::Hotspot)),
            ("anlass", self.kinds.of(ItemKind::Route)),
            ("art", self.kinds.of(ItemKind::Action)),
            ("meldeart", self.kinds.of(ItemKind::Incident)),
        ];
        for (key, value) in kinds {
            if let Some(value) = value {
                parts.push(format!("{key}={value}"));
            }
        }
        match self.time {
            TimeFilter::All => {}
            TimeFilter::Now => parts.push("zeit=jetzt".into()),
            TimeFilter::Today => parts.push("zeit=heute".into()),
            TimeFilter::Week => parts.push("zeit=woche".into()),
            TimeFilter::Range(from, to) => parts.push(format!("zeit=zeitraum&von={from}&bis={to}")),
        }
        if self.incident_window != IncidentWindow::default() {
            parts.push(format!("fenster={}", self.incident_window.name()));
        }
        if let Some(week) = self.incident_week {
            parts.push(format!("meldewoche={week}"));
        }
        if self.table {
            parts.push("tabelle=1".into());
        }
        if let Calendar::Page(page) = self.calendar {
            let span = match page.span {
                Span::Week => "woche",
                Span::Month => "monat",
            };
            parts.push(format!("kalender={span}&datum={}", page.anchor));
        }
        match self.theme {
            Some(Theme::Light) => parts.push("thema=hell".into()),
            Some(Theme::Dark) => parts.push("thema=dunkel".into()),
            None => {}
        }
        parts.join("&")
    }

    /// The page's `data-theme`: `light`, `dark`, or `auto` (the device's setting).
    pub fn theme_name(&self) -> &'static str {
        match self.theme {
            Some(Theme::Light) => "light",
            Some(Theme::Dark) => "dark",
            None => "auto",
        }
    }

    /// The incidents' window at `now`: the chosen date range, else the played week, else the
    /// last 24 hours, 7 or 28 days up to the end of `now`'s hour (a report made now is in it).
    pub fn incident_span(&self, now: Timestamp) -> (Timestamp, Timestamp) {
        if let TimeFilter::Range(from, to) = self.time
            && let Some(range) = calendar::date_range(from, to)
        {
            return range;
        }
        if let Some(week) = self.incident_week {
            return model::density::week_window(week);
        }
        self.incident_window.span(now)
    }

    /// The filter for items at `now`.
    pub fn query(&self, now: Timestamp) -> LayerQuery {
        let window = match self.time {
            TimeFilter::All => None,
            TimeFilter::Now => now
                .checked_add(jiff::SignedDuration::from_secs(60))
                .ok()
                .map(|end| (now, end)),
            TimeFilter::Today => Some(day_of(now)),
            TimeFilter::Week => Some(week_of(now)),
            TimeFilter::Range(from, to) => calendar::date_range(from, to),
        };
        LayerQuery {
            district: self.district,
            agency: self.agency.clone(),
            window,
            ..LayerQuery::default()
        }
    }

    /// The actions the planning screen lists: the filters, and the calendar page if one is
    /// shown.
    pub fn planned(
        &self,
        actions: &[model::Stored<model::Action>],
        now: Timestamp,
    ) -> Vec<model::Stored<model::Action>> {
        let mut q = self.query(now);
        q.kind = self.kinds.of(ItemKind::Action).map(str::to_owned);
        let page = match self.calendar {
            Calendar::Page(page) => page.window(),
            Calendar::List => None,
        };
        actions
            .iter()
            .filter(|s| s.item.matches(&q))
            .filter(|s| page.is_none_or(|(from, to)| s.item.overlaps(from, to)))
            .cloned()
            .collect()
    }

    /// The filter of one layer at `now` (with its kind filter); `None` while the layer is off.
    pub fn layer_query(&self, layer: ItemKind, now: Timestamp) -> Option<LayerQuery> {
        self.layers.on(layer).then(|| LayerQuery {
            kind: self.kinds.of(layer).map(str::to_owned),
            ..self.query(now)
        })
    }

    /// The items of one layer that this view shows: the layer itself when it shows all of
    /// them, else copies of those it shows.
    pub fn select<T: Item>(&self, items: &Items<T>, now: Timestamp) -> Items<T> {
        let Some(q) = self.layer_query(T::KIND, now) else {
            return Items::default();
        };
        if items.iter().all(|s| s.item.matches(&q)) {
            return Arc::clone(items);
        }
        Arc::new(
            items
                .iter()
                .filter(|s| s.item.matches(&q))
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod incident_window_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_incident_window_ends_with_the_hour_and_reads_from_the_url() {
        let now: Timestamp = "2026-12-06T10:45:30Z".parse().unwrap();
        let v = ViewState::from_query(|k| (k == "fenster").then(|| "24h".to_owned()));
        let (from, to) = v.incident_span(now);
        assert_eq!(
            (from.to_string(), to.to_string()),
            (
                "2026-12-05T11:00:00Z".to_owned(),
                "2026-12-06T11:00:00Z".to_owned()
            )
        );
        assert_eq!(v.to_query(), "fenster=24h");
        // A played week: its Monday in the URL, whatever day was written; Monday to Monday
        // in Hamm.
        let played =
            ViewState::from_query(|k| (k == "meldewoche").then(|| "2026-12-02".to_owned()));
        assert_eq!(played.to_query(), "meldewoche=2026-11-30");
        let (from, to) = played.incident_span(now);
        assert_eq!(
            (from.to_string(), to.to_string()),
            (
                "2026-11-29T23:00:00Z".to_owned(),
                "2026-12-06T23:00:00Z".to_owned()
            )
        );
        let rate = ViewState::from_query(|k| (k == "faerbung").then(|| "lagemeldungen".to_owned()));
        assert_eq!(rate.colour_by, Some(Metric::Incidents));
        assert_eq!(rate.to_query(), "faerbung=lagemeldungen");
        assert_eq!(ViewState::default().incident_window, IncidentWindow::Week);
        let off = ViewState::from_query(|k| (k == "ebenen").then(|| "streifen".to_owned()));
        assert!(off.layer_query(ItemKind::Incident, now).is_none());
        assert!(off.layer_query(ItemKind::Route, now).is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> ViewState {
        ViewState::from_query(|k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn an_empty_query_shows_everything() {
        assert_eq!(from(&[]), ViewState::default());
        assert_eq!(ViewState::default().to_query(), "");
    }

    #[test]
    fn a_view_survives_the_round_trip_through_the_url() {
        let v = from(&[
            ("ebenen", "brennpunkte,massnahmen"),
            ("behoerde", "kod"),
            ("zeit", "woche"),
            ("tabelle", "1"),
        ]);
        assert_eq!(
            v.layers,
            Layers::only(&[ItemKind::Hotspot, ItemKind::Action])
        );
        assert_eq!(v.agency.as_ref().map(|a| a.as_str()), Some("kod"));
        assert_eq!(v.time, TimeFilter::Week);
        assert!(v.table);
        let q = v.to_query();
        assert_eq!(
            q,
            "ebenen=brennpunkte,massnahmen&behoerde=kod&zeit=woche&tabelle=1"
        );
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        let again =
            ViewState::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
        assert_eq!(again, v);
    }

    #[test]
    fn bad_values_fall_back_to_defaults() {
        let v = from(&[
            ("behoerde", "<script>"),
            ("zeit", "gestern"),
            ("art", "picknick"),
            ("kalender", "jahr"),
        ]);
        assert_eq!(v.agency, None);
        assert_eq!(v.time, TimeFilter::All);
        assert_eq!(v.kinds, Kinds::default());
        assert_eq!(v.calendar, Calendar::List);
        // A range needs both dates, in order.
        let reversed = from(&[
            ("zeit", "zeitraum"),
            ("von", "2026-12-05"),
            ("bis", "2026-12-01"),
        ]);
        assert_eq!(reversed.time, TimeFilter::All);
        let half = from(&[("zeit", "zeitraum"), ("von", "2026-12-05")]);
        assert_eq!(half.time, TimeFilter::All);
    }

    #[test]
    fn the_base_map_is_chosen_in_the_url() {
        let names = ["stadtplan", "luftbild", model::config::WMS_NAME];
        assert_eq!(from(&[]).basemap.pick(&names), Some("stadtplan"));
        let aerial = from(&[("grundkarte", "luftbild")]);
        assert_eq!(aerial.basemap.pick(&names), Some("luftbild"));
        assert_eq!(aerial.to_query(), "grundkarte=luftbild");
        assert_eq!(round_trip(&aerial), aerial);
        let off = from(&[("grundkarte", "aus")]);
        assert_eq!(off.basemap.pick(&names), None);
        assert_eq!(off.to_query(), "grundkarte=aus");
        assert_eq!(round_trip(&off), off);
        // A name the server does not carry (any more) draws none; a malformed one is ignored.
        assert_eq!(from(&[("grundkarte", "alt")]).basemap.pick(&names), None);
        assert_eq!(from(&[("grundkarte", "<b>")]).basemap, BasemapChoice::First);
        assert_eq!(from(&[]).basemap.pick(&[]), None);
    }

    fn round_trip(v: &ViewState) -> ViewState {
        let q = v.to_query();
        let pairs: Vec<(String, String)> = q
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(a, b)| (a.into(), b.into()))
            .collect();
        ViewState::from_query(|k| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn kinds_range_and_calendar_survive_the_url() {
        let v = from(&[
            ("kategorie", "drug_scene"),
            ("art", "citizen_dialogue"),
            ("zeit", "zeitraum"),
            ("von", "2026-12-01"),
            ("bis", "2026-12-14"),
            ("kalender", "monat"),
            ("datum", "2026-12-04"),
        ]);
        assert_eq!(v.kinds.category, Some(HotspotCategory::DrugScene));
        assert_eq!(v.kinds.action, Some(ActionKind::CitizenDialogue));
        assert_eq!(v.kinds.occasion, None);
        assert_eq!(
            v.time,
            TimeFilter::Range(
                jiff::civil::date(2026, 12, 1),
                jiff::civil::date(2026, 12, 14)
            )
        );
        assert_eq!(
            v.calendar,
            Calendar::Page(Page::new(Span::Month, jiff::civil::date(2026, 12, 4)))
        );
        assert_eq!(round_trip(&v), v);
    }

    #[test]
    fn the_kind_filter_applies_to_its_own_layer_only() {
        let v = from(&[("art", "citizen_dialogue")]);
        assert_eq!(v.kinds.of(ItemKind::Action), Some("citizen_dialogue"));
        assert_eq!(v.kinds.of(ItemKind::Hotspot), None);
        assert_eq!(v.kinds.of(ItemKind::Route), None);
    }

    #[test]
    fn a_layer_asks_the_server_for_what_the_view_shows_of_it() {
        let now: Timestamp = "2026-12-04T22:30:00Z".parse().unwrap();
        // The default view asks for the whole layer: the URL index.html preloads.
        let all = from(&[]).layer_query(ItemKind::Hotspot, now).unwrap();
        assert!(all.pairs().is_empty());
        let v = from(&[
            ("kategorie", "drug_scene"),
            ("behoerde", "kod"),
            ("zeit", "jetzt"),
        ]);
        let q = v.layer_query(ItemKind::Hotspot, now).unwrap();
        assert_eq!(q.kind.as_deref(), Some("drug_scene"));
        assert_eq!(q.agency.as_ref().map(|a| a.as_str()), Some("kod"));
        assert_eq!(q.window.map(|w| w.0), Some(now));
        assert_eq!(v.layer_query(ItemKind::Route, now).unwrap().kind, None);
        assert_eq!(
            from(&[("ebenen", "streifen")]).layer_query(ItemKind::Hotspot, now),
            None
        );
    }

    fn hotspot(id: i64, agency: &str) -> model::Stored<model::Hotspot> {
        serde_json::from_value(serde_json::json!({
            "id": id, "version": 1, "updated_at": "2026-11-24T10:00:00Z",
            "title": "Westentor", "category": "public_disorder", "severity": "medium",
            "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
            "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "00:00"}],
            "agency": agency, "review_date": "2099-06-30", "district": "mitte"
        }))
        .unwrap()
    }

    #[test]
    fn a_view_showing_a_whole_layer_shares_it_and_copies_only_a_part() {
        let layer: Items<model::Hotspot> = Arc::new(vec![hotspot(1, "kod"), hotspot(2, "polizei")]);
        let now = Timestamp::now();
        let all = from(&[]).select(&layer, now);
        assert!(Arc::ptr_eq(&all, &layer), "the whole layer was copied");
        let kod = from(&[("behoerde", "kod")]).select(&layer, now);
        assert_eq!(kod.iter().map(|s| s.id).collect::<Vec<_>>(), [1]);
        let off = from(&[("ebenen", "streifen")]).select(&layer, now);
        assert!(off.is_empty());
    }
}
