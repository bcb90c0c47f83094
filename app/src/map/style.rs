//! How districts are drawn: colour-blind-safe colours and the path styles Leaflet takes.

use model::DistrictKey;
use serde::Serialize;

/// The Okabe–Ito palette without black: distinguishable with every common colour-vision
/// deficiency. Seven districts, seven colours, so neighbours never share one.
pub const PALETTE: [&str; 7] = [
    "#E69F00", // orange
    "#56B4E9", // sky blue
    "#009E73", // bluish green
    "#F0E442", // yellow
    "#0072B2", // blue
    "#D55E00", // vermillion
    "#CC79A7", // reddish purple
];

pub fn district_colour(key: DistrictKey) -> &'static str {
    PALETTE[key.index() % PALETTE.len()]
}

/// A sequential, colour-blind-safe ramp (ColorBrewer Blues) for the count classes.
pub const CLASS_COLOURS: [&str; 4] = ["#eff3ff", "#9ecae1", "#4292c6", "#08519c"];

/// Leaflet's Path options.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PathStyle {
    pub color: &'static str,
    pub weight: f64,
    pub opacity: f64,
    pub fill_color: &'static str,
    pub fill_opacity: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
}

/// How strongly a district stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    /// Nothing is selected.
    Normal,
    Selected,
    /// Another district is selected.
    Dimmed,
}

impl Emphasis {
    pub fn of(key: DistrictKey, selected: Option<DistrictKey>) -> Emphasis {
        match selected {
            None => Emphasis::Normal,
            Some(s) if s == key => Emphasis::Selected,
            Some(_) => Emphasis::Dimmed,
        }
    }
}

/// A district's style; `fill` replaces its own colour (e.g. a count class).
pub fn district_style_with(
    key: DistrictKey,
    emphasis: Emphasis,
    fill: Option<&'static str>,
) -> PathStyle {
    let mut style = district_style(key, emphasis);
    if let Some(f) = fill {
        style.fill_color = f;
        style.fill_opacity = style.fill_opacity.max(0.7);
    }
    style
}

pub fn district_style(key: DistrictKey, emphasis: Emphasis) -> PathStyle {
    let (weight, fill_opacity) = match emphasis {
        Emphasis::Normal => (2.0, 0.35),
        Emphasis::Selected => (5.0, 0.6),
        Emphasis::Dimmed => (1.5, 0.12),
    };
    PathStyle {
        color: "#1b1b1b",
        weight,
        opacity: 0.9,
        fill_color: district_colour(key),
        fill_opacity,
        class_name: None,
    }
}

/// The incident density's bands: a cell with at least `INCIDENT_BANDS[i]` incidents is drawn
/// in `INCIDENT_COLOURS[i]` (ColorBrewer YlOrRd, sequential and colour-blind-safe). A
/// withheld count ("< 5" on wall displays) is drawn in the first band.
pub const INCIDENT_BANDS: [i64; 5] = [0, 5, 10, 25, 100];
pub const INCIDENT_COLOURS: [&str; 5] = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];

/// The band of a cell's count.
pub fn incident_band(count: i64) -> usize {
    INCIDENT_BANDS
        .iter()
        .rposition(|from| count >= *from)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_district_has_its_own_colour() {
        let mut colours: Vec<_> = DistrictKey::ALL
            .iter()
            .map(|&k| district_colour(k))
            .collect();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), 7);
    }

    #[test]
    fn the_selected_district_stands_out_and_others_recede() {
        let sel = Some(DistrictKey::Heessen);
        let selected = district_style(
            DistrictKey::Heessen,
            Emphasis::of(DistrictKey::Heessen, sel),
        );
        let other = district_style(DistrictKey::Mitte, Emphasis::of(DistrictKey::Mitte, sel));
        let normal = district_style(DistrictKey::Mitte, Emphasis::of(DistrictKey::Mitte, None));
        assert!(selected.fill_opacity > normal.fill_opacity);
        assert!(other.fill_opacity < normal.fill_opacity);
        assert!(selected.weight > other.weight);
    }

    #[test]
    fn styles_serialise_with_leaflet_names() {
        let json =
            serde_json::to_value(district_style(DistrictKey::Mitte, Emphasis::Normal)).unwrap();
        assert!(json.get("fillColor").is_some());
        assert!(json.get("fillOpacity").is_some());
        assert!(json.get("className").is_none());
    }

    #[test]
    fn incident_counts_fall_into_their_bands() {
        use super::incident_band;
        let bands: Vec<usize> = [0, 1, 4, 5, 9, 10, 24, 25, 99, 100, 5000]
            .iter()
            .map(|&n| incident_band(n))
            .collect();
        assert_eq!(bands, [0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    }
}
