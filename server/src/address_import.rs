//! Address lists for the place search (`server places import FILE`), as authorities and
//! OpenStreetMap hand them out:
//!
//! - **CSV** in the layout of North Rhine-Westphalia's georeferenced building addresses
//!   (Gebäudereferenzen / Hauskoordinaten): separated by semicolons (commas are understood
//!   too), street, house number and its suffix in a column of their own, postcode, and the
//!   place in ETRS89 / UTM zone 32N (EPSG:25832) — the easting with or without its zone
//!   prefix `32`, and easting and northing in either order (surveyors call the northing X) —
//!   or as WGS84 longitude/latitude. Columns are found by their header names ([`Columns`]);
//!   text is UTF-8, or ISO 8859-1 where a field is not UTF-8 (as older exports write it).
//! - **GeoJSON** as OpenStreetMap exports write it: features with `addr:street`,
//!   `addr:housenumber` and `addr:postcode` (a building's outline counts at its anchor point),
//!   and features with only a `name`, which become named places.
//!
//! All or nothing: every row is checked and the first [`MAX_PROBLEMS`] problems are reported,
//! each naming its line and column. An address listed twice is kept once.

use std::{collections::HashSet, io::Read};

use model::{
    address_index::{Address, MAX_ADDRESSES, MAX_FIELD},
    validation::FieldError,
};

use crate::incident_import::{MAX_GEOJSON_BYTES, Utm32, csv_reader, decimal, place};

/// Most problems one import reports.
const MAX_PROBLEMS: usize = 20;

/// Largest address file (the CSV of a city's million addresses is far below; a single line
/// cannot grow beyond it either).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What a file held.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressList {
    pub addresses: Vec<Address>,
    /// Rows or features left out: listed twice, or (GeoJSON) neither an address nor a name.
    pub skipped: usize,
}

/// The file's format, by its name's ending or first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
}

impl Format {
    pub fn detect(file_name: &str, start: &[u8]) -> Format {
        let lower = file_name.to_ascii_lowercase();
        let first = start.iter().find(|b| !b.is_ascii_whitespace());
        if lower.ends_with(".geojson") || lower.ends_with(".json") || first == Some(&b'{') {
            Format::GeoJson
        } else {
            Format::Csv
        }
    }
}

/// Reads the addresses in `input`.
pub fn read(input: impl Read, format: Format) -> Result<AddressList, Vec<FieldError>> {
    let mut reader = Reader::default();
    match format {
        Format::Csv => reader.csv(input),
        Format::GeoJson => reader.geojson(input),
    }
    if reader.problems.is_empty() {
        Ok(AddressList {
            addresses: reader.addresses,
            skipped: reader.skipped,
        })
    } else {
        Err(reader.problems)
    }
}

const STREET: &[&str] = &[
    "stn",
    "strasse",
    "straße",
    "strassenname",
    "straßenname",
    "strname",
    "street",
    "addr:street",
];
const NUMBER: &[&str] = &[
    "hnr",
    "hsnr",
    "hausnummer",
    "hausnr",
    "housenumber",
    "addr:housenumber",
];
const SUFFIX: &[&str] = &[
    "adz",
    "zusatz",
    "hausnummerzusatz",
    "hausnummernzusatz",
    "adresszusatz",
    "hnrzusatz",
    "hsnrzus",
    "suffix",
];
const POSTCODE: &[&str] = &["plz", "postleitzahl", "postcode", "addr:postcode"];
const X: &[&str] = &[
    "ostwert",
    "rechtswert",
    "easting",
    "east",
    "utm_e",
    "x",
    "lon",
    "longitude",
    "laenge",
    "länge",
];
const Y: &[&str] = &[
    "nordwert", "hochwert", "northing", "north", "utm_n", "y", "lat", "latitude", "breite",
];

/// Where the CSV's columns are, by their header names (case does not matter).
#[derive(Debug, Default)]
struct Columns {
    street: Option<usize>,
    number: Option<usize>,
    suffix: Option<usize>,
    postcode: Option<usize>,
    x: Option<usize>,
    y: Option<usize>,
}

impl Columns {
    fn find(headers: &[String]) -> Result<Columns, Vec<FieldError>> {
        let mut c = Columns::default();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            let h = h.as_str();
            let slot = if STREET.contains(&h) {
                &mut c.street
            } else if NUMBER.contains(&h) {
                &mut c.number
            } else if SUFFIX.contains(&h) {
                &mut c.suffix
            } else if POSTCODE.contains(&h) {
                &mut c.postcode
            } else if X.contains(&h) {
                &mut c.x
            } else if Y.contains(&h) {
                &mut c.y
            } else {
                continue;
            };
            slot.get_or_insert(i);
        }
        let missing: Vec<FieldError> = [
            (c.street, "street", STREET),
            (c.number, "house number", NUMBER),
            (c.x, "easting (or longitude)", X),
            (c.y, "northing (or latitude)", Y),
        ]
        .into_iter()
        .filter(|(found, _, _)| found.is_none())
        .map(|(_, what, names)| {
            FieldError::new(
                "header",
                format!(
                    "no column for the {what}: name one {}",
                    names
                        .iter()
                        .map(|n| format!("'{n}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
        .collect();
        if missing.is_empty() {
            Ok(c)
        } else {
            Err(missing)
        }
    }
}

/// A field's text: UTF-8, or ISO 8859-1 (every byte its code point) where it is not.
fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.trim().to_owned(),
        Err(_) => bytes
            .iter()
            .map(|&b| b as char)
            .collect::<String>()
            .trim()
            .to_owned(),
    }
}

#[derive(Default)]
struct Reader {
    addresses: Vec<Address>,
    seen: HashSet<(String, String, Option<String>)>,
    skipped: usize,
    problems: Vec<FieldError>,
}

impl Reader {
    fn problem(&mut self, field: String, reason: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(FieldError::new(field, reason));
        }
    }

    fn full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    /// Takes `address` unless it is listed already; `false` once the import is too long.
    fn take(&mut self, at: &str, address: Address) -> bool {
        let postcode = address.postcode.clone().unwrap_or_default();
        for (what, value) in [
            ("street", &address.street),
            ("number", &address.number),
            ("postcode", &postcode),
        ] {
            if value.chars().count() > MAX_FIELD {
                self.problem(
                    format!("{at}, {what}"),
                    format!("at most {MAX_FIELD} characters"),
                );
                return true;
            }
        }
        let key = (
            model::place_search::fold(&address.street),
            model::place_search::fold_number(&address.number),
            address.postcode.clone(),
        );
        if !self.seen.insert(key) {
            self.skipped += 1;
            return true;
        }
        if self.addresses.len() >= MAX_ADDRESSES {
            self.problem(
                at.to_owned(),
                format!("an import holds at most {MAX_ADDRESSES} addresses: import the city's, not the state's"),
            );
            return false;
        }
        self.addresses.push(address);
        true
    }

    fn csv(&mut self, input: impl Read) {
        let mut reader = match csv_reader(input) {
            Ok(r) => r,
            Err(e) => {
                self.problem("file".into(), format!("cannot read: {e}"));
                return;
            }
        };
        let headers: Vec<String> = match reader.byte_headers() {
            Ok(h) => h.iter().map(text).collect(),
            Err(e) => {
                self.problem("header".into(), format!("cannot read the header: {e}"));
                return;
            }
        };
        let columns = match Columns::find(&headers) {
            Ok(c) => c,
            Err(problems) => {
                self.problems.extend(problems);
                return;
            }
        };
        let name = |i: Option<usize>| {
            i.and_then(|i| headers.get(i))
                .map(|h| h.trim().to_owned())
                .unwrap_or_default()
        };
        let utm = Utm32::new();
        let mut record = csv::ByteRecord::new();
        // The header is line 1.
        let mut line = 1u64;
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.problem(format!("line {}", line + 1), format!("cannot read: {e}"));
                    break;
                }
            }
            line += 1;
            let at = format!("line {line}");
            let field =
                |i: Option<usize>| i.and_then(|i| record.get(i)).map(text).unwrap_or_default();
            let street = field(columns.street);
            let number = field(columns.number);
            let suffix = field(columns.suffix);
            let postcode = field(columns.postcode);
            if street.is_empty() {
                self.problem(
                    format!("{at}, {}", name(columns.street)),
                    "empty: an address needs its street",
                );
            }
            if number.is_empty() {
                self.problem(
                    format!("{at}, {}", name(columns.number)),
                    "empty: an address needs its house number",
                );
            }
            let x = decimal(&field(columns.x));
            let y = decimal(&field(columns.y));
            let point = match (x, y) {
                (Some(x), Some(y)) => match place(x, y, &utm) {
                    Ok(p) => Some(p),
                    Err(reason) => {
                        self.problem(
                            format!("{at}, {}/{}", name(columns.x), name(columns.y)),
                            reason,
                        );
                        None
                    }
                },
                (None, _) => {
                    self.problem(format!("{at}, {}", name(columns.x)), "not a number");
                    None
                }
                (_, None) => {
                    self.problem(format!("{at}, {}", name(columns.y)), "not a number");
                    None
                }
            };
            if let Some(point) = point.filter(|_| !street.is_empty() && !number.is_empty()) {
                let address = Address {
                    street,
                    number: format!("{number}{suffix}"),
                    postcode: (!postcode.is_empty()).then_some(postcode),
                    point,
                };
                if !self.take(&at, address) {
                    break;
                }
            }
            if self.full() {
                break;
            }
        }
    }

    fn geojson(&mut self, input: impl Read) {
        let mut bytes = Vec::new();
        if let Err(e) = input.take(MAX_GEOJSON_BYTES + 1).read_to_end(&mut bytes) {
            self.problem("file".into(), format!("cannot read: {e}"));
            return;
        }
        if bytes.len() as u64 > MAX_GEOJSON_BYTES {
            self.problem(
                "file".into(),
                format!(
                    "a GeoJSON import holds at most {} MiB (it is read whole); import larger lists as CSV",
                    MAX_GEOJSON_BYTES >> 20
                ),
            );
            return;
        }
        let fc: geojson::FeatureCollection = match serde_json::from_slice(&bytes) {
            Ok(fc) => fc,
            Err(e) => {
                self.problem(
                    "file".into(),
                    format!("not a GeoJSON FeatureCollection: {e}"),
                );
                return;
            }
        };
        for (i, f) in fc.features.iter().enumerate() {
            let at = format!("features[{i}]");
            let prop = |key: &str| {
                f.property(key)
                    .and_then(|v| match v {
                        serde_json::Value::String(s) => Some(s.trim().to_owned()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .filter(|s| !s.is_empty())
            };
            let Some(point) = f
                .geometry
                .as_ref()
                .and_then(|g| model::geometry::anchor(&g.value))
            else {
                self.problem(format!("{at}.geometry"), "a place needs a geometry");
                continue;
            };
            if !((-180.0..=180.0).contains(&point[0]) && (-90.0..=90.0).contains(&point[1])) {
                self.problem(
                    format!("{at}.geometry"),
                    "GeoJSON is WGS84 longitude/latitude",
                );
                continue;
            }
            let address = match (prop("addr:street"), prop("addr:housenumber"), prop("name")) {
                (Some(street), Some(number), _) => Address {
                    street,
                    number,
                    postcode: prop("addr:postcode"),
                    point,
                },
                // A named place: found by its name, without a number.
                (_, _, Some(name)) => Address {
                    street: name,
                    number: String::new(),
                    postcode: prop("addr:postcode"),
                    point,
                },
                _ => {
                    self.skipped += 1;
                    continue;
                }
            };
            if !self.take(&at, address) || self.full() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn near(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-6 && (a[1] - b[1]).abs() < 1e-6
    }

    #[test]
    fn the_state_layout_is_read_with_suffixes_umlauts_and_zone_prefixed_eastings() {
        // Hamm Hbf is at 417564.08 / 5725942.90 in EPSG:25832 (PROJ); the rows around it.
        let csv = "STN;HNR;ADZ;PLZ;OSTWERT;NORDWERT\n\
                   Südstraße;12;a;59065;417564,08;5725942,90\n\
                   Südstraße;12;;59065;32417574,08;5725942,90\n\
                   Willy-Brandt-Platz;1;;59065;5725942.90;417564.08\n\
                   Südstraße;12;a;59065;417564,08;5725942,90\n";
        let read = read(csv.as_bytes(), Format::Csv).unwrap();
        assert_eq!(read.skipped, 1, "the repeated row");
        let got: Vec<(&str, &str, Option<&str>)> = read
            .addresses
            .iter()
            .map(|a| (a.street.as_str(), a.number.as_str(), a.postcode.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("Südstraße", "12a", Some("59065")),
                ("Südstraße", "12", Some("59065")),
                ("Willy-Brandt-Platz", "1", Some("59065")),
            ]
        );
        assert!(near(read.addresses[0].point, [7.8077, 51.6784]));
        assert!(
            near(read.addresses[2].point, [7.8077, 51.6784]),
            "X = northing"
        );
        // 10 m east.
        assert!((read.addresses[1].point[0] - 7.8077 - 10.0 / 69_200.0).abs() < 2e-6);
    }

    #[test]
    fn latin1_text_is_read_as_such() {
        let mut csv = b"strasse;hausnummer;x;y\n".to_vec();
        csv.extend_from_slice(b"S\xfcdstra\xdfe;3;7.8;51.68\n");
        let read = read(&csv[..], Format::Csv).unwrap();
        assert_eq!(read.addresses[0].street, "Südstraße");
    }

    #[test]
    fn bad_rows_are_named_by_line_and_column_and_nothing_is_taken() {
        let csv = "STN;HNR;ADZ;PLZ;OSTWERT;NORDWERT\n\
                   Südstraße;12;a;59065;417564,08;5725942,90\n\
                   ;3;;59065;417564,08;5725942,90\n\
                   Weststraße;4;;59065;abc;5725942,90\n\
                   Oststraße;5;;59065;1000;2000\n";
        let problems = read(csv.as_bytes(), Format::Csv).unwrap_err();
        let got: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_str(), p.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("line 3, STN", "empty: an address needs its street"),
                ("line 4, OSTWERT", "not a number"),
                (
                    "line 5, OSTWERT/NORDWERT",
                    "neither WGS84 longitude/latitude nor EPSG:25832 easting/northing"
                ),
            ]
        );
        let problems = read("name;ort\nx;y\n".as_bytes(), Format::Csv).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[0]
                .reason
                .starts_with("no column for the street: name one 'stn'")
        );
    }

    #[test]
    fn an_openstreetmap_export_gives_addresses_and_named_places() {
        let geojson = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"addr:street":"Südstraße","addr:housenumber":"12a","addr:postcode":"59065"},
           "geometry":{"type":"Point","coordinates":[7.82,51.678]}},
          {"type":"Feature","properties":{"name":"Kurhaus"},
           "geometry":{"type":"Point","coordinates":[7.84,51.68]}},
          {"type":"Feature","properties":{"building":"yes"},
           "geometry":{"type":"Point","coordinates":[7.84,51.68]}}
        ]}"#;
        assert_eq!(Format::detect("hamm.geojson", b"x"), Format::GeoJson);
        assert_eq!(Format::detect("adressen.csv", b"STN;HNR"), Format::Csv);
        let read = read(geojson.as_bytes(), Format::GeoJson).unwrap();
        assert_eq!(read.skipped, 1);
        assert_eq!(
            read.addresses,
            [
                Address {
                    street: "Südstraße".into(),
                    number: "12a".into(),
                    postcode: Some("59065".into()),
                    point: [7.82, 51.678]
                },
                Address {
                    street: "Kurhaus".into(),
                    number: String::new(),
                    postcode: None,
                    point: [7.84, 51.68]
                },
            ]
        );
    }
}
