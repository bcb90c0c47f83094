//! Agencies (Behörden): the steering group's voting partners, the associated partners, and
//! guest agencies added later. Every item belongs to one.

use std::fmt;

use arrayvec::ArrayString;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A stable agency key: lowercase ASCII letters, digits and `-`, 2 to 40 characters. Kept
/// inline (no allocation): every item names its agency and those it is released to, and a
/// layer of many items reads thousands of keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "kod"))]
pub struct AgencyKey(ArrayString<MAX_KEY>);

/// The longest agency key.
const MAX_KEY: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("agency key must be 2 to 40 lowercase letters, digits or '-'")]
pub struct InvalidAgencyKey;

impl AgencyKey {
    pub fn parse(s: &str) -> Result<Self, InvalidAgencyKey> {
        let ok = (2..=MAX_KEY).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        match ArrayString::from(s) {
            Ok(key) if ok => Ok(Self(key)),
            _ => Err(InvalidAgencyKey),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for AgencyKey {
    type Error = InvalidAgencyKey;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AgencyKey::parse(&s)
    }
}

impl From<AgencyKey> for String {
    fn from(k: AgencyKey) -> Self {
        k.as_str().to_owned()
    }
}

impl fmt::Display for AgencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for AgencyKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AgencyKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl de::Visitor<'_> for KeyVisitor {
            type Value = AgencyKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an agency key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AgencyKey, E> {
                AgencyKey::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// An agency's standing in the partnership.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyRole {
    /// Voting partner of the steering group (Kooperationspartner).
    Partner,
    /// Associated partner (assoziierter Partner).
    Associated,
    /// Invited for a topic.
    Guest,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub key: AgencyKey,
    pub name: String,
    /// Short form for maps and lists, e.g. `KOD`.
    pub short_name: String,
    pub role: AgencyRole,
}

/// The partnership's agencies as of the 2023 agreement.
pub fn partnership_agencies() -> Vec<Agency> {
    let a = |key: &str, name: &str, short: &str, role| Agency {
        key: AgencyKey::parse(key).expect("the partnership's agency keys are valid"),
        name: name.to_owned(),
        short_name: short.to_owned(),
        role,
    };
    use AgencyRole::{Associated, Partner};
    vec![
        a("polizei", "Polizeipräsidium Hamm", "Polizei", Partner),
        a(
            "kod",
            "Stadt Hamm – Kommunaler Ordnungsdienst",
            "KOD",
            Partner,
        ),
        a("jugendamt", "Stadt Hamm – Jugendamt", "Jugendamt", Partner),
        a("hza", "Hauptzollamt Bielefeld", "Zoll", Partner),
        a("jva", "Justizvollzugsanstalt Hamm", "JVA", Partner),
        a(
            "bpol",
            "Bundespolizei – Inspektion Münster",
            "BPol",
            Associated,
        ),
        a(
            "steufa",
            "Steuerfahndung (Finanzverwaltung NRW)",
            "Steufa",
            Associated,
        ),
        a("finanzamt", "Finanzamt Hamm", "Finanzamt", Associated),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_lowercase_slugs() {
        assert!(AgencyKey::parse("kod").is_ok());
        assert!(AgencyKey::parse("stadt-hamm-2").is_ok());
        for bad in [
            "",
            "a",
            "KOD",
            "k o d",
            "-kod",
            "kod-",
            "<script>",
            &"x".repeat(41),
        ] {
            assert!(AgencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_partnership_has_five_partners_and_three_associates() {
        let agencies = partnership_agencies();
        let partners = agencies
            .iter()
            .filter(|a| a.role == AgencyRole::Partner)
            .count();
        let associated = agencies
            .iter()
            .filter(|a| a.role == AgencyRole::Associated)
            .count();
        assert_eq!((partners, associated), (5, 3));
    }

    #[test]
    fn an_invalid_key_is_refused_when_deserialising() {
        assert!(serde_json::from_str::<AgencyKey>("\"Polizei\"").is_err());
        assert_eq!(
            serde_json::from_str::<AgencyKey>("\"polizei\"")
                .unwrap()
                .as_str(),
            "polizei"
        );
    }
}
