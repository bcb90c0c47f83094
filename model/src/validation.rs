//! Validation results: every problem names the field and the reason, in plain words.

use serde::{Deserialize, Serialize};

use crate::{AgencyKey, context::Context, schedule::WeeklyWindow};

/// One problem with one field; `field` is a JSON path such as `hours[0].from`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub reason: String,
}

/// Collects problems while checking an input.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl Problems {
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.0.push(FieldError {
            field: field.into(),
            reason: reason.into(),
        });
    }

    pub fn check(&mut self, ok: bool, field: &str, reason: &str) {
        if !ok {
            self.add(field, reason);
        }
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// Longest title, in characters.
pub const MAX_TITLE: usize = 120;
/// Longest note, in characters.
pub const MAX_NOTE: usize = 500;

/// A short text: trimmed non-empty, at most `max` characters, no control characters.
pub fn check_text(problems: &mut Problems, field: &str, text: &str, max: usize, required: bool) {
    let trimmed = text.trim();
    if required && trimmed.is_empty() {
        problems.add(field, "must not be empty");
    }
    if text.chars().count() > max {
        problems.add(field, format!("must be at most {max} characters"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        problems.add(field, "must not contain control characters");
    }
}

/// Most agencies in one list (taking part, released to).
pub const MAX_AGENCIES: usize = 20;

/// A list of agencies: known, no repeats, at most 20.
pub fn check_agencies(p: &mut Problems, field: &str, agencies: &[AgencyKey], ctx: &Context) {
    for (i, a) in agencies.iter().enumerate() {
        if !ctx.knows_agency(a) {
            p.add(format!("{field}[{i}]"), format!("unknown agency '{a}'"));
        }
        if agencies[..i].contains(a) {
            p.add(format!("{field}[{i}]"), format!("'{a}' is listed twice"));
        }
    }
    p.check(
        agencies.len() <= MAX_AGENCIES,
        field,
        "must list at most 20 agencies",
    );
}

/// Most weekly windows one item may have.
pub const MAX_WINDOWS: usize = 28;

/// Weekly windows: at least one day each, at most [`MAX_WINDOWS`].
pub fn check_windows(p: &mut Problems, field: &str, windows: &[WeeklyWindow], required: bool) {
    if required && windows.is_empty() {
        p.add(field, "needs at least one weekly window");
    }
    if windows.len() > MAX_WINDOWS {
        p.add(field, format!("must have at most {MAX_WINDOWS} windows"));
    }
    for (i, w) in windows.iter().enumerate() {
        if w.days.is_empty() {
            p.add(format!("{field}[{i}].days"), "needs at least one day");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_checks_name_the_field_and_the_reason() {
        let mut p = Problems::default();
        check_text(&mut p, "title", "  ", MAX_TITLE, true);
        check_text(&mut p, "note", &"x".repeat(501), MAX_NOTE, false);
        check_text(&mut p, "note2", "a\u{0007}b", MAX_NOTE, false);
        let errs = p.into_result().unwrap_err();
        assert_eq!(
            errs[0],
            FieldError {
                field: "title".into(),
                reason: "must not be empty".into()
            }
        );
        assert_eq!(errs[1].field, "note");
        assert!(errs[1].reason.contains("500"));
        assert_eq!(errs[2].field, "note2");
    }
}
