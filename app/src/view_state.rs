//! What the map shows, read from and written to the URL query, so any view can be bookmarked,
//! sent, or put on a wall: `?ebenen=brennpunkte,streifen&behoerde=kod&zeit=woche&tabelle=1`.

use jiff::Timestamp;
use model::{
    AgencyKey, Item, LayerQuery,
    schedule::{day_of, week_of},
};

/// Which item layers are on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layers {
    pub hotspots: bool,
    pub routes: bool,
    pub actions: bool,
}

/// Which time the items must fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFilter {
    All,
    Now,
    Today,
    Week,
}

/// What the districts' colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Hotspots active now.
    Hotspots,
    /// Actions this week.
    Actions,
}

/// Light or dark; `None` follows the device's setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewState {
    /// Only items in this district.
    pub district: Option<model::DistrictKey>,
    pub theme: Option<Theme>,
    pub layers: Layers,
    /// Colour districts by a count instead of by district.
    pub colour_by: Option<Metric>,
    pub agency: Option<AgencyKey>,
    pub time: TimeFilter,
    pub table: bool,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            layers: Layers {
                hotspots: true,
                routes: true,
                actions: true,
            },
            colour_by: None,
            district: None,
            theme: None,
            agency: None,
            time: TimeFilter::All,
            table: false,
        }
    }
}

const LAYER_NAMES: [&str; 3] = ["brennpunkte", "streifen", "massnahmen"];

impl ViewState {
    /// Reads the query; unknown or malformed values fall back to the defaults.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ViewState {
        let mut v = ViewState::default();
        if let Some(list) = get("ebenen") {
            let on: Vec<&str> = list.split(',').map(str::trim).collect();
            v.layers = Layers {
                hotspots: on.contains(&LAYER_NAMES[0]),
                routes: on.contains(&LAYER_NAMES[1]),
                actions: on.contains(&LAYER_NAMES[2]),
            };
        }
        v.colour_by = match get("faerbung").as_deref() {
            Some("brennpunkte") => Some(Metric::Hotspots),
            Some("massnahmen") => Some(Metric::Actions),
            _ => None,
        };
        v.district = get("bezirk").and_then(|d| d.parse().ok());
        v.theme = match get("thema").as_deref() {
            Some("hell") => Some(Theme::Light),
            Some("dunkel") => Some(Theme::Dark),
            _ => None,
        };
        v.agency = get("behoerde").and_then(|a| AgencyKey::parse(&a).ok());
        v.time = match get("zeit").as_deref() {
            Some("jetzt") => TimeFilter::Now,
            Some("heute") => TimeFilter::Today,
            Some("woche") => TimeFilter::Week,
            _ => TimeFilter::All,
        };
        v.table = get("tabelle").is_some_and(|t| t == "1");
        v
    }

    /// The query string (without `?`); defaults are left out.
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if self.layers != ViewState::default().layers {
            let on: Vec<&str> = [
                self.layers.hotspots,
                self.layers.routes,
                self.layers.actions,
            ]
            .iter()
            .zip(LAYER_NAMES)
            .filter(|(on, _)| **on)
            .map(|(_, n)| n)
            .collect();
            parts.push(format!("ebenen={}", on.join(",")));
        }
        match self.colour_by {
            Some(Metric::Hotspots) => parts.push("faerbung=brennpunkte".into()),
            Some(Metric::Actions) => parts.push("faerbung=massnahmen".into()),
            None => {}
        }
        if let Some(d) = self.district {
            parts.push(format!("bezirk={d}"));
        }
        if let Some(a) = &self.agency {
            parts.push(format!("behoerde={a}"));
        }
        match self.time {
            TimeFilter::All => {}
            TimeFilter::Now => parts.push("zeit=jetzt".into()),
            TimeFilter::Today => parts.push("zeit=heute".into()),
            TimeFilter::Week => parts.push("zeit=woche".into()),
        }
        if self.table {
            parts.push("tabelle=1".into());
        }
        match self.theme {
            Some(Theme::Light) => parts.push("thema=hell".into()),
            Some(Theme::Dark) => parts.push("thema=dunkel".into()),
            None => {}
        }
        parts.join("&")
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
        };
        LayerQuery {
            district: self.district,
            agency: self.agency.clone(),
            window,
            ..LayerQuery::default()
        }
    }

    /// The items of one layer that this view shows.
    pub fn select<T: Item>(
        &self,
        items: Vec<model::Stored<T>>,
        now: Timestamp,
    ) -> Vec<model::Stored<T>> {
        let on = match T::KIND {
            model::ItemKind::Hotspot => self.layers.hotspots,
            model::ItemKind::Route => self.layers.routes,
            model::ItemKind::Action => self.layers.actions,
        };
        if !on {
            return vec![];
        }
        let q = self.query(now);
        items.into_iter().filter(|s| s.item.matches(&q)).collect()
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
            Layers {
                hotspots: true,
                routes: false,
                actions: true
            }
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
        let v = from(&[("behoerde", "<script>"), ("zeit", "gestern")]);
        assert_eq!(v.agency, None);
        assert_eq!(v.time, TimeFilter::All);
    }
}
