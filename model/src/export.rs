//! Exports of planned actions: CSV (for spreadsheets) and iCalendar (RFC 5545, for calendars).

use jiff::Timestamp;

use crate::{Action, Stored, schedule::local};

/// A CSV cell: quoted where needed, and defused where a spreadsheet would run it as a formula.
pub(crate) fn cell(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r', ';']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Local time in Hamm, ISO 8601 with offset.
fn local_time(t: Timestamp) -> String {
    local(t).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// One row per action; times are local (Europe/Berlin) with offset. CRLF line ends (RFC 4180).
pub fn actions_csv(actions: &[Stored<Action>]) -> String {
    let mut out = String::from(
        "id,title,kind,status,start,end,district,lead_agency,agencies,working_group,demo\r\n",
    );
    for a in actions {
        let i = &a.item;
        let row = [
            a.id.to_string(),
            i.title.clone(),
            i.kind.as_str().to_owned(),
            i.status.as_str().to_owned(),
            local_time(i.start),
            local_time(i.end),
            i.district
                .map(|d| d.as_str().to_owned())
                .unwrap_or_default(),
            i.lead_agency.to_string(),
            i.agencies
                .iter()
                .map(|a| a.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            i.working_group
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
            i.demo.to_string(),
        ];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// RFC 5545 TEXT escaping.
fn ics_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

fn utc(t: Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar with one event per action. `UID` is stable per action and `SEQUENCE` is its
/// version, so calendars update an imported event instead of duplicating it.
pub fn actions_ics(actions: &[Stored<Action>], now: Timestamp) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Sicherheitspartnerschaft Hamm//Lagebild Hamm//DE",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Lagebild Hamm – Maßnahmen",
    ] {
        out.push_str(&fold(line));
    }
    for a in actions {
        let i = &a.item;
        let status = match i.status {
            crate::action::ActionStatus::Planned => "TENTATIVE",
            crate::action::ActionStatus::Confirmed | crate::action::ActionStatus::Done => {
                "CONFIRMED"
            }
            crate::action::ActionStatus::Cancelled => "CANCELLED",
        };
        let mut description = format!("Art: {}; Federführung: {}", i.kind.as_str(), i.lead_agency);
        if !i.agencies.is_empty() {
            description.push_str(&format!(
                "; Beteiligt: {}",
                i.agencies
                    .iter()
                    .map(|a| a.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if i.demo {
            description.push_str("; Beispieldaten");
        }
        let mut lines = vec![
            "BEGIN:VEVENT".to_owned(),
            format!("UID:action-{}@lagebild-hamm", a.id),
            format!("DTSTAMP:{}", utc(now)),
            format!("LAST-MODIFIED:{}", utc(a.updated_at)),
            format!("SEQUENCE:{}", a.version),
            format!("DTSTART:{}", utc(i.start)),
            format!("DTEND:{}", utc(i.end)),
            format!("SUMMARY:{}", ics_text(&i.title)),
            format!("STATUS:{status}"),
            format!("DESCRIPTION:{}", ics_text(&description)),
        ];
        if let Some(d) = i.district {
            lines.push(format!("LOCATION:{}", ics_text(d.official_name())));
        }
        if let Some([lon, lat]) = i
            .place
            .as_ref()
            .and_then(|p| crate::geometry::anchor(&p.value))
        {
            lines.push(format!("GEO:{lat:.6};{lon:.6}"));
        }
        lines.push("END:VEVENT".to_owned());
        for line in lines {
            out.push_str(&fold(&line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("Westentor"), "Westentor");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn ics_text_escapes_the_special_characters() {
        assert_eq!(ics_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let line = format!("SUMMARY:{}", "ä".repeat(60));
        let folded = fold(&line);
        for part in folded.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
    }
}
