//! What the city map's districts may be coloured by (`faerbung=` in the URL).

/// What the districts' colour shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Hotspots active now.
    Hotspots,
    /// Actions this week.
    Actions,
    /// Incident reports per 1,000 residents in the incidents' window.
    Incidents,
}

impl Metric {
    pub const ALL: [Metric; 3] = [Metric::Hotspots, Metric::Actions, Metric::Incidents];

    /// Its name in the URL (`faerbung=`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Hotspots => "brennpunkte",
            Metric::Actions => "massnahmen",
            Metric::Incidents => "lagemeldungen",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}
