//! The steering group's report (Bericht) for a period: what the partnership did (joint actions
//! held, citizen dialogues, meetings, joint patrols and how much of the hotspots' hours they
//! covered, hotspot reviews), what happened (incidents per district against the previous period
//! of equal length, and around each hotspot with actions, before and after them — a
//! description, not a proof of effect), and what early detection raised. Computed from what is
//! released to one agency: each agency sees its own report. Incident counts below the
//! threshold are withheld ("< 5").

use std::collections::{BTreeMap, BTreeSet};

use jiff::{SignedDuration, Timestamp, ToSpan, civil::Date};
use serde::{Deserialize, Serialize};

use crate::{
    Action, AgencyKey, District, DistrictKey, Hotspot, Incident, PatrolRoute, Stored,
    action::{ActionKind, ActionStatus},
    analysis,
    calendar::{date_range, midnight},
    scan::Area,
    schedule::{local, monday_of},
    validation::FieldError,
};

/// Longest period a report covers (its cost grows with it): a year and a day.
pub const MAX_DAYS: i64 = 366;

/// The windows before and after a hotspot's first action in the period.
pub const EFFECT_WINDOW_DAYS: i64 = 28;

/// Checks a report's period: `from` to `to`, both days included, at most [`MAX_DAYS`].
pub fn check_period(from: Date, to: Date) -> Result<(), FieldError> {
    let error = |reason: &str| FieldError {
        field: "to".into(),
        reason: reason.into(),
    };
    if to < from {
        return Err(error("must not be before from"));
    }
    if (to - from).get_days() >= MAX_DAYS as i32 {
        return Err(error("the period may be at most 366 days"));
    }
    Ok(())
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Whose report: made from what is released to this agency.
    pub agency: AgencyKey,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    /// The last day of the period (included).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Date,
    /// The previous period of equal length, for the incidents.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub previous_from: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub previous_to: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub made_at: Timestamp,
    /// Incident counts below this are withheld (sent as 0, shown as "< 5").
    pub withheld_below: u32,
    /// Joint actions held (status done, at least two agencies), by kind.
    pub by_kind: Vec<KindRow>,
    /// Joint deployments (operations and inspections) held: hours on days.
    pub deployment_hours: f64,
    pub deployment_days: u32,
    pub steering_group_meetings: u32,
    pub working_group_meetings: u32,
    /// Scheduled joint patrols (routes walked by at least two agencies): hours on days.
    pub patrol_hours: f64,
    pub patrol_days: u32,
    /// Hotspot hours in the period, and the share of them a nearby patrol was scheduled for.
    pub hotspot_hours: f64,
    pub hotspot_hours_covered_share: f64,
    /// Hotspots whose review date had not passed at the period's end (or today), and those
    /// overdue.
    pub hotspots_reviewed_on_time: u32,
    pub hotspots_overdue: u32,
    pub districts: Vec<DistrictRow>,
    pub agencies: Vec<AgencyRow>,
    /// Incidents around each hotspot with actions in the period: a description, not a proof.
    pub hotspots: Vec<HotspotRow>,
    pub alerts_raised: u32,
    pub alerts_acknowledged: u32,
    pub alerts_made_hotspots: u32,
    /// What the report rests on: the items released to the agency.
    pub basis: Basis,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindRow {
    pub kind: ActionKind,
    pub held: u32,
    pub hours: f64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DistrictRow {
    pub district: DistrictKey,
    pub joint_actions: u32,
    pub deployment_hours: f64,
    pub deployment_days: u32,
    pub citizen_dialogues: u32,
    /// Hours of joint patrols on routes that touch the district.
    pub patrol_hours: f64,
    /// Incidents in the period (0 where withheld), and per 1,000 residents.
    pub incidents: u32,
    pub incidents_per_1000: f64,
    pub previous_incidents: u32,
    pub previous_per_1000: f64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyRow {
    pub agency: AgencyKey,
    /// Joint actions it took part in (or led).
    pub joint_actions: u32,
    pub deployment_hours: f64,
    pub deployment_days: u32,
    pub patrol_hours: f64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotspotRow {
    pub hotspot: i64,
    pub title: String,
    pub district: Option<DistrictKey>,
    /// Actions held for it in the period, and when the first began.
    pub actions: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub first_action: Timestamp,
    /// Days of each window (shorter than [`EFFECT_WINDOW_DAYS`] where the after window would
    /// reach past now).
    pub window_days: i64,
    /// Incidents inside its area in the window before and after (0 where withheld).
    pub before: u32,
    pub after: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Basis {
    pub actions: u32,
    pub routes: u32,
    pub hotspots: u32,
    pub incidents: u32,
}

/// What the report is made of: the items released to `agency`, the districts, and the
/// counts of alerts (raised, acknowledged, made into hotspots) in the period.
pub struct Sources<'a> {
    pub agency: &'a AgencyKey,
    pub hotspots: &'a [&'a Stored<Hotspot>],
    pub routes: &'a [&'a Stored<PatrolRoute>],
    pub actions: &'a [&'a Stored<Action>],
    pub incidents: &'a [&'a Stored<Incident>],
    pub districts: &'a [District],
    pub alerts: (u32, u32, u32),
}

fn hours(d: SignedDuration) -> f64 {
    d.as_secs_f64() / 3600.0
}

/// To one decimal; an empty sum's −0 as 0.
fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}

/// The hours and the distinct local days of the joint deployments (operations and
/// inspections) among `actions`.
fn deployed<'a>(actions: impl Iterator<Item = &'a Action>) -> (f64, u32) {
    let (mut total, mut days) = (0.0, BTreeSet::new());
    for a in actions.filter(|a| a.kind.is_operation()) {
        total += hours(a.end - a.start);
        days.insert(local(a.start).date());
    }
    (one_decimal(total), days.len() as u32)
}

/// Agencies taking part in an action: the lead and the others.
fn taking_part(a: &Action) -> BTreeSet<&AgencyKey> {
    std::iter::once(&a.lead_agency).chain(&a.agencies).collect()
}

/// A route's scheduled occurrences that start on the local days `from..=to`.
fn occurrences(r: &PatrolRoute, from: Date, to: Date) -> Vec<(Timestamp, Timestamp)> {
    let (start, end) = date_range(from, to).unwrap_or_default();
    let mut out: Vec<(Timestamp, Timestamp)> = r
        .weekly
        .iter()
        .flat_map(|w| w.occurrences(from, to))
        .collect();
    out.extend(
        r.dates
            .iter()
            .filter(|p| p.start >= start && p.start < end)
            .map(|p| (p.start, p.end)),
    );
    out
}

impl Report {
    /// The report of `from..=to` made at `now` from `src`; incident counts below
    /// `withhold_below` are withheld.
    pub fn make(
        src: &Sources,
        from: Date,
        to: Date,
        now: Timestamp,
        withhold_below: u32,
    ) -> Report {
        let days = i64::from((to - from).get_days()) + 1;
        let previous_to = from.yesterday().unwrap_or(from);
        let previous_from = from.checked_sub(days.days()).unwrap_or(from);
        let (start, end) = date_range(from, to).unwrap_or_default();
        let (prev_start, prev_end) = (midnight(previous_from).unwrap_or_default(), start);
        let in_period = |t: Timestamp| t >= start && t < end;

        // Joint actions held.
        let held: Vec<&Action> = src
            .actions
            .iter()
            .map(|s| &s.item)
            .filter(|a| a.status == ActionStatus::Done && in_period(a.start))
            .collect();
        let joint: Vec<&Action> = held
            .iter()
            .copied()
            .filter(|a| taking_part(a).len() >= 2)
            .collect();
        let by_kind = ActionKind::ALL
            .iter()
            .map(|&kind| {
                let of_kind = joint.iter().filter(|a| a.kind == kind);
                KindRow {
                    kind,
                    held: of_kind.clone().count() as u32,
                    hours: one_decimal(of_kind.map(|a| hours(a.end - a.start)).sum()),
                }
            })
            .collect();
        let (deployment_hours, deployment_days) = deployed(joint.iter().copied());
        let count_kind = |kind| held.iter().filter(|a| a.kind == kind).count() as u32;

        // Joint patrols.
        let joint_routes: Vec<&PatrolRoute> = src
            .routes
            .iter()
            .map(|s| &s.item)
            .filter(|r| r.agencies.iter().collect::<BTreeSet<_>>().len() >= 2)
            .collect();
        let route_times: Vec<(&PatrolRoute, Vec<(Timestamp, Timestamp)>)> = joint_routes
            .iter()
            .map(|r| (*r, occurrences(r, from, to)))
            .collect();
        let patrol_hours_of = |keep: &dyn Fn(&PatrolRoute) -> bool| -> f64 {
            one_decimal(
                route_times
                    .iter()
                    .filter(|(r, _)| keep(r))
                    .flat_map(|(_, t)| t.iter().map(|(s, e)| hours(*e - *s)))
                    .sum(),
            )
        };
        let patrol_days = route_times
            .iter()
            .flat_map(|(_, t)| t.iter().map(|(s, _)| local(*s).date()))
            .collect::<BTreeSet<_>>()
            .len() as u32;

        // Hotspot hours covered, week by week.
        let (mut active, mut covered) = (0u64, 0u64);
        let mut week = monday_of(start);
        while week <= to {
            for c in analysis::coverage(src.hotspots, src.routes, week) {
                active += u64::from(c.active_minutes);
                covered += u64::from(c.covered_minutes);
            }
            match week.checked_add(7.days()) {
                Ok(next) => week = next,
                Err(_) => break,
            }
        }

        // Reviews, at the period's end or today if it is not over.
        let at = if now < end { local(now).date() } else { to };
        let overdue = src
            .hotspots
            .iter()
            .filter(|h| h.item.review_date < at)
            .count() as u32;

        // Incidents per district, now and before, counted by their start (not by overlap as
        // `density::per_district` counts a window: one lasting across the periods' border
        // would count in both, and the two periods are compared).
        let withhold = |n: u32| if n < withhold_below { 0 } else { n };
        let mut now_counts: BTreeMap<DistrictKey, u32> = BTreeMap::new();
        let mut prev_counts: BTreeMap<DistrictKey, u32> = BTreeMap::new();
        for i in src.incidents.iter().map(|s| &s.item) {
            let Some(d) = i.district else { continue };
            if in_period(i.start) {
                *now_counts.entry(d).or_default() += i.count;
            } else if i.start >= prev_start && i.start < prev_end {
                *prev_counts.entry(d).or_default() += i.count;
            }
        }
        let districts = src
            .districts
            .iter()
            .map(|d| {
                let key = d.properties.key;
                let population = d.properties.population;
                let here: Vec<&Action> = joint
                    .iter()
                    .copied()
                    .filter(|a| a.district == Some(key))
                    .collect();
                let (deployment_hours, deployment_days) = deployed(here.iter().copied());
                let (n, p) = (
                    withhold(now_counts.get(&key).copied().unwrap_or(0)),
                    withhold(prev_counts.get(&key).copied().unwrap_or(0)),
                );
                DistrictRow {
                    district: key,
                    joint_actions: here.len() as u32,
                    deployment_hours,
                    deployment_days,
                    citizen_dialogues: held
                        .iter()
                        .filter(|a| {
                            a.kind == ActionKind::CitizenDialogue && a.district == Some(key)
                        })
                        .count() as u32,
                    patrol_hours: patrol_hours_of(&|r| r.districts.contains(&key)),
                    incidents: n,
                    incidents_per_1000: crate::density::per_thousand(n, population),
                    previous_incidents: p,
                    previous_per_1000: crate::density::per_thousand(p, population),
                }
            })
            .collect();

        // Per agency taking part.
        let mut agencies: BTreeSet<&AgencyKey> =
            joint.iter().flat_map(|a| taking_part(a)).collect();
        agencies.extend(joint_routes.iter().flat_map(|r| &r.agencies));
        let agencies = agencies
            .into_iter()
            .map(|agency| {
                let theirs: Vec<&Action> = joint
                    .iter()
                    .copied()
                    .filter(|a| taking_part(a).contains(agency))
                    .collect();
                let (deployment_hours, deployment_days) = deployed(theirs.iter().copied());
                AgencyRow {
                    agency: agency.clone(),
                    joint_actions: theirs.len() as u32,
                    deployment_hours,
                    deployment_days,
                    patrol_hours: patrol_hours_of(&|r| r.agencies.contains(agency)),
                }
            })
            .collect();

        // Incidents around each hotspot with actions in the period: only those within the
        // windows' reach of the period are read again per hotspot.
        let reach = SignedDuration::from_hours(EFFECT_WINDOW_DAYS * 24);
        let near_period: Vec<&Incident> = src
            .incidents
            .iter()
            .map(|s| &s.item)
            .filter(|i| i.start >= start - reach && i.start < end + reach)
            .collect();
        let hotspots = src
            .hotspots
            .iter()
            .filter_map(|h| {
                let linked: Vec<&Action> = held
                    .iter()
                    .copied()
                    .filter(|a| a.hotspots.contains(&h.id))
                    .collect();
                let first = linked.iter().map(|a| a.start).min()?;
                let area = Area::of(&h.item)?;
                let room = now.duration_since(first).as_hours().max(0) / 24;
                let window_days = room.min(EFFECT_WINDOW_DAYS);
                let w = SignedDuration::from_hours(window_days * 24);
                let (mut before, mut after) = (0u32, 0u32);
                for i in &near_period {
                    let inside = crate::geometry::anchor(&i.geometry.value)
                        .is_some_and(|p| area.contains(p));
                    if !inside {
                        continue;
                    }
                    if i.start >= first - w && i.start < first {
                        before += i.count;
                    } else if i.start >= first && i.start < first + w {
                        after += i.count;
                    }
                }
                Some(HotspotRow {
                    hotspot: h.id,
                    title: h.item.title.clone(),
                    district: h.item.district,
                    actions: linked.len() as u32,
                    first_action: first,
                    window_days,
                    before: withhold(before),
                    after: withhold(after),
                })
            })
            .collect();

        Report {
            agency: src.agency.clone(),
            from,
            to,
            previous_from,
            previous_to,
            made_at: now,
            withheld_below: withhold_below,
            by_kind,
            deployment_hours,
            deployment_days,
            steering_group_meetings: count_kind(ActionKind::SteeringGroupMeeting),
            working_group_meetings: count_kind(ActionKind::WorkingGroupMeeting),
            patrol_hours: patrol_hours_of(&|_| true),
            patrol_days,
            hotspot_hours: one_decimal(active as f64 / 60.0),
            hotspot_hours_covered_share: if active == 0 {
                0.0
            } else {
                (covered as f64 / active as f64 * 1000.0).round() / 1000.0
            },
            hotspots_reviewed_on_time: src.hotspots.len() as u32 - overdue,
            hotspots_overdue: overdue,
            districts,
            agencies,
            hotspots,
            alerts_raised: src.alerts.0,
            alerts_acknowledged: src.alerts.1,
            alerts_made_hotspots: src.alerts.2,
            basis: Basis {
                actions: src.actions.len() as u32,
                routes: src.routes.len() as u32,
                hotspots: src.hotspots.len() as u32,
                incidents: src.incidents.len() as u32,
            },
        }
    }
}

/// An action kind's German name (the report's CSV).
fn kind_de(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::JointOperation => "Gemeinsamer Einsatz",
        ActionKind::Inspection => "Kontrolle",
        ActionKind::CitizenDialogue => "Bürgerdialog",
        ActionKind::SteeringGroupMeeting => "Lenkungsgruppe",
        ActionKind::WorkingGroupMeeting => "Arbeitsgruppe",
        ActionKind::GastronomyExchange => "Gastronomie-Austausch",
        ActionKind::Other => "Sonstiges",
    }
}

/// A decimal with a comma, to one place.
fn decimal(x: f64) -> String {
    format!("{x:.1}").replace('.', ",")
}

/// A German date.
fn date_de(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), d.month(), d.year())
}

impl Report {
    /// The report as a German spreadsheet: UTF-8 with a byte-order mark, semicolons, decimal
    /// commas, one figure per row
    /// (`Bereich;Name;Kennzahl;Wert`) after a line naming the period, the time of making and
    /// the agency; withheld counts as "< 5" and their rates left empty. CRLF line ends.
    pub fn csv(&self) -> String {
        use crate::export::cell;
        // A byte-order mark first: German Excel reads UTF-8 only with it.
        let mut out = format!(
            "\u{feff}Bericht der Sicherheitspartnerschaft Hamm;Zeitraum {} bis {};Stand {};Behörde {}\r\n\
             Bereich;Name;Kennzahl;Wert\r\n",
            date_de(self.from),
            date_de(self.to),
            local(self.made_at).strftime("%d.%m.%Y %H:%M"),
            self.agency
        );
        // Names may come from users (hotspot titles) and are quoted and defused; values are
        // figures made here.
        let mut row = |area: &str, name: &str, figure: &str, value: String| {
            out.push_str(&format!(
                "{};{};{};{value}\r\n",
                cell(area),
                cell(name),
                cell(figure),
            ));
        };
        let below = self.withheld_below;
        let count = |n: u32| crate::withheld::shown_count(n, Some(below));
        let rate = |n: u32, r: f64| if n < below { String::new() } else { decimal(r) };
        for k in &self.by_kind {
            row(
                "Gemeinsame Maßnahmen",
                kind_de(k.kind),
                "durchgeführt",
                k.held.to_string(),
            );
            row(
                "Gemeinsame Maßnahmen",
                kind_de(k.kind),
                "Stunden",
                decimal(k.hours),
            );
        }
        row(
            "Gemeinsame Einsätze",
            "",
            "Stunden",
            decimal(self.deployment_hours),
        );
        row(
            "Gemeinsame Einsätze",
            "",
            "Tage",
            self.deployment_days.to_string(),
        );
        row(
            "Gremien",
            "Lenkungsgruppe",
            "Sitzungen",
            self.steering_group_meetings.to_string(),
        );
        row(
            "Gremien",
            "Arbeitsgruppen",
            "Sitzungen",
            self.working_group_meetings.to_string(),
        );
        row(
            "Gemeinsame Streifen",
            "",
            "Stunden geplant",
            decimal(self.patrol_hours),
        );
        row(
            "Gemeinsame Streifen",
            "",
            "Tage",
            self.patrol_days.to_string(),
        );
        row("Brennpunkte", "", "Stunden", decimal(self.hotspot_hours));
        row(
            "Brennpunkte",
            "",
            "Anteil bestreift (%)",
            decimal(self.hotspot_hours_covered_share * 100.0),
        );
        row(
            "Brennpunkte",
            "",
            "rechtzeitig überprüft",
            self.hotspots_reviewed_on_time.to_string(),
        );
        row(
            "Brennpunkte",
            "",
            "Überprüfung überfällig",
            self.hotspots_overdue.to_string(),
        );
        for d in &self.districts {
            let name = d.district.official_name();
            row(
                "Bezirk",
                name,
                "gemeinsame Maßnahmen",
                d.joint_actions.to_string(),
            );
            row(
                "Bezirk",
                name,
                "Einsatzstunden",
                decimal(d.deployment_hours),
            );
            row("Bezirk", name, "Einsatztage", d.deployment_days.to_string());
            row(
                "Bezirk",
                name,
                "Bürgerdialoge",
                d.citizen_dialogues.to_string(),
            );
            row("Bezirk", name, "Streifenstunden", decimal(d.patrol_hours));
            row("Bezirk", name, "Lagemeldungen", count(d.incidents));
            row(
                "Bezirk",
                name,
                "je 1.000 Einwohner",
                rate(d.incidents, d.incidents_per_1000),
            );
            row(
                "Bezirk",
                name,
                "Lagemeldungen Vorperiode",
                count(d.previous_incidents),
            );
            row(
                "Bezirk",
                name,
                "je 1.000 Einwohner Vorperiode",
                rate(d.previous_incidents, d.previous_per_1000),
            );
        }
        for a in &self.agencies {
            let name = a.agency.as_str();
            row(
                "Behörde",
                name,
                "gemeinsame Maßnahmen",
                a.joint_actions.to_string(),
            );
            row(
                "Behörde",
                name,
                "Einsatzstunden",
                decimal(a.deployment_hours),
            );
            row(
                "Behörde",
                name,
                "Einsatztage",
                a.deployment_days.to_string(),
            );
            row("Behörde", name, "Streifenstunden", decimal(a.patrol_hours));
        }
        for h in &self.hotspots {
            let before = format!(
                "Lagemeldungen {} Tage davor (Beschreibung: kein Wirkungsnachweis)",
                h.window_days
            );
            let after = format!(
                "Lagemeldungen {} Tage danach (Beschreibung: kein Wirkungsnachweis)",
                h.window_days
            );
            row("Brennpunkt", &h.title, "Maßnahmen", h.actions.to_string());
            row("Brennpunkt", &h.title, &before, count(h.before));
            row("Brennpunkt", &h.title, &after, count(h.after));
        }
        row(
            "Auffälligkeiten",
            "",
            "ausgelöst",
            self.alerts_raised.to_string(),
        );
        row(
            "Auffälligkeiten",
            "",
            "quittiert",
            self.alerts_acknowledged.to_string(),
        );
        row(
            "Auffälligkeiten",
            "",
            "als Brennpunkt angelegt",
            self.alerts_made_hotspots.to_string(),
        );
        let b = &self.basis;
        row("Datengrundlage", "", "Maßnahmen", b.actions.to_string());
        row("Datengrundlage", "", "Streifen", b.routes.to_string());
        row("Datengrundlage", "", "Brennpunkte", b.hotspots.to_string());
        row(
            "Datengrundlage",
            "",
            "Lagemeldungen",
            b.incidents.to_string(),
        );
        out
    }
}

#[cfg(all(test, feature = "partition"))]
#[path = "tests_report.rs"]
mod tests;
