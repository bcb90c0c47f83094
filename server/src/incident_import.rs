//! Incident reports from files, as partners' systems and spreadsheets write them:
//!
//! - **CSV** as German spreadsheets save it: separated by semicolons (commas are understood
//!   too), UTF-8 with or without BOM, times `TT.MM.JJJJ HH:MM` in German local time (or RFC
//!   3339), decimal comma or point, and places either as WGS84 longitude/latitude or as
//!   ETRS89 / UTM zone 32N (EPSG:25832), the reference system of German authorities — told
//!   apart by their values. Columns are found by their header names (see [`Columns`]).
//! - **GeoJSON**: a FeatureCollection of Points whose properties are an [`Incident`]'s fields.
//!
//! An import is all or nothing: every row is checked, and the first 100 problems are
//! answered, each naming the row and the column. A record's id in the source system (an `id`
//! column) is kept only as an HMAC-SHA-256 with this installation's secret ([`Keyer`],
//! [`SourceKey`]); a row without one is keyed by its own fields and how often they occurred
//! before in the file. A row whose key the importing agency has stored already is skipped, so
//! importing the same file again changes nothing; other agencies' keys are never looked at.
//!
//! CSV rows are read one at a time from a file on disk and written as they are read; what an
//! import keeps in memory is the set of the agency's source keys (32 bytes and the set's own
//! share each, so bounded by [`MAX_ROWS`] and the agency's stored incidents). GeoJSON is one JSON document and is read whole:
//! at most [`MAX_GEOJSON_BYTES`].

use std::io::Read;

use geojson::{Geometry, GeometryValue};
use hmac::{Hmac, Mac};
use jiff::{Timestamp, civil::DateTime};
use model::{
    AgencyKey, Context, Incident,
    incident::{IncidentCategory, SourceKey},
    validation::FieldError,
};
use sha2::Sha256;

use crate::sql::Tx;

/// Most problems one import reports.
const MAX_PROBLEMS: usize = 100;

/// Most rows one import may hold.
pub const MAX_ROWS: u64 = 2_000_000;

/// Largest GeoJSON import. A FeatureCollection is one document parsed whole, and its parsed
/// values take several times its text; CSV has no such limit.
pub const MAX_GEOJSON_BYTES: u64 = 16 * 1024 * 1024;

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ImportOutcome)]
pub struct Outcome {
    /// Rows read (the header not counted).
    pub rows: u64,
    /// New incidents stored.
    pub imported: u64,
    /// Rows stored already (by their source key), left as they were.
    pub skipped: u64,
}

/// Where each field's column is, by header name (case and spaces ignored).
#[derive(Debug, Default)]
struct Columns {
    category: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    count: Option<usize>,
    x: Option<usize>,
    y: Option<usize>,
    id: Option<usize>,
}

const CATEGORY: &[&str] = &[
    "kategorie",
    "category",
    "delikt",
    "deliktart",
    "art",
    "sachverhalt",
];
const START: &[&str] = &[
    "beginn",
    "start",
    "zeit",
    "zeitpunkt",
    "datum",
    "tatzeit",
    "tatzeitbeginn",
    "time",
];
const END: &[&str] = &["ende", "end", "tatzeitende", "bis"];
const COUNT: &[&str] = &["anzahl", "count", "menge", "fälle", "faelle"];
const X: &[&str] = &[
    "lon",
    "lng",
    "longitude",
    "länge",
    "laenge",
    "x",
    "rechtswert",
    "ostwert",
    "easting",
    "e",
    "utm_e",
    "utm_x",
];
const Y: &[&str] = &[
    "lat", "latitude", "breite", "y", "hochwert", "nordwert", "northing", "n", "utm_n", "utm_y",
];
const ID: &[&str] = &[
    "id",
    "source_id",
    "quelle_id",
    "vorgang",
    "vorgangsnummer",
    "datensatz",
];

impl Columns {
    fn find(headers: &csv::StringRecord) -> Result<Columns, Vec<FieldError>> {
        let mut c = Columns::default();
        for (i, h) in headers.iter().enumerate() {
            let h = h.trim().trim_start_matches('\u{feff}').to_lowercase();
            let slot = if CATEGORY.contains(&h.as_str()) {
                &mut c.category
            } else if START.contains(&h.as_str()) {
                &mut c.start
            } else if END.contains(&h.as_str()) {
                &mut c.end
            } else if COUNT.contains(&h.as_str()) {
                &mut c.count
            } else if X.contains(&h.as_str()) {
                &mut c.x
            } else if Y.contains(&h.as_str()) {
                &mut c.y
            } else if ID.contains(&h.as_str()) {
                &mut c.id
            } else {
                continue;
            };
            slot.get_or_insert(i);
        }
        let mut missing = Vec::new();
        for (found, name, names) in [
            (c.category, "category", CATEGORY),
            (c.start, "start", START),
            (c.x, "x", X),
            (c.y, "y", Y),
        ] {
            if found.is_none() {
                missing.push(FieldError::new(
                    "header",
                    format!(
                        "no column for {name}: name one {}",
                        names
                            .iter()
                            .map(|n| format!("'{n}'"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        if missing.is_empty() {
            Ok(c)
        } else {
            Err(missing)
        }
    }
}

/// A CSV file being read: its header line (read to find the separator), then the rest.
pub type CsvReader<R> =
    csv::Reader<std::io::Chain<std::io::Cursor<Vec<u8>>, std::io::BufReader<R>>>;

/// A CSV reader for `input` as German spreadsheets and authorities write it: the separator is
/// the header line's, a semicolon unless it has none and a comma; rows may differ in length.
pub fn csv_reader<R: Read>(input: R) -> std::io::Result<CsvReader<R>> {
    let mut input = std::io::BufReader::new(input);
    let mut first = Vec::new();
    std::io::BufRead::read_until(&mut input, b'\n', &mut first)?;
    let delimiter = if !first.contains(&b';') && first.contains(&b',') {
        b','
    } else {
        b';'
    };
    Ok(csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(std::io::Read::chain(std::io::Cursor::new(first), input)))
}

/// A number with a decimal comma or point; thousands points are allowed before a comma
/// (`869.817,25`).
pub fn decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let normal = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t.to_owned()
    };
    normal.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `TT.MM.JJJJ HH:MM` (optionally `:SS`; a date alone is midnight) in German local time, or an
/// RFC 3339 time.
pub fn german_time(text: &str) -> Option<Timestamp> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Some(ts);
    }
    let (date, time) = t.split_once(' ').unwrap_or((t, "00:00"));
    let mut d = date.split('.');
    let (day, month, year) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() || year.len() != 4 {
        return None;
    }
    let mut hm = time.trim().split(':');
    let (hour, minute) = (hm.next()?, hm.next()?);
    let second = hm.next().unwrap_or("0");
    if hm.next().is_some() {
        return None;
    }
    let civil = DateTime::new(
        year.parse().ok()?,
        month.parse().ok()?,
        day.parse().ok()?,
        hour.parse().ok()?,
        minute.parse().ok()?,
        second.parse().ok()?,
        0,
    )
    .ok()?;
    // Twice a year an hour repeats or is skipped; "compatible" takes the earlier of a
    // repeated hour and moves a skipped one forward, as spreadsheets and PROJ users expect.
    civil
        .to_zoned_datetime(model::schedule::berlin())
        .ok()
        .map(|z| z.timestamp())
}

/// A category as the wire names it or by its German name (see
/// [`IncidentCategory::from_label`]).
fn category(text: &str) -> Option<IncidentCategory> {
    IncidentCategory::from_label(text)
}

/// EPSG:25832 (ETRS89 / UTM zone 32N) to WGS84 `[lon, lat]`.
pub struct Utm32 {
    utm: proj4rs::Proj,
    wgs84: proj4rs::Proj,
}

impl Utm32 {
    pub fn new() -> Utm32 {
        // The definitions are constants the library parses; they cannot fail at run time, and
        // a test checks it (`utm_32n_lands_in_hamm`).
        #[allow(clippy::expect_used)]
        Utm32 {
            utm: proj4rs::Proj::from_proj_string(
                "+proj=utm +zone=32 +ellps=GRS80 +units=m +no_defs",
            )
            .expect("EPSG:25832 definition"),
            wgs84: proj4rs::Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
                .expect("WGS84 definition"),
        }
    }

    pub fn to_wgs84(&self, easting: f64, northing: f64) -> Option<[f64; 2]> {
        let mut p = (easting, northing, 0.0);
        proj4rs::transform::transform(&self.utm, &self.wgs84, &mut p).ok()?;
        let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
        (lon.is_finite() && lat.is_finite()).then_some([lon, lat])
    }
}

impl Default for Utm32 {
    fn default() -> Self {
        Utm32::new()
    }
}

/// `x`, `y` as a place: WGS84 when they read as longitude/latitude, EPSG:25832 when they read
/// as UTM 32N easting/northing (eastings 100–900 km, northings 5,000–7,000 km). Surveyors'
/// files often prefix the easting with its zone (`32412345.6`) and, in the German geodetic
/// convention, call the northing X and the easting Y: both are understood, told by the values.
pub fn place(x: f64, y: f64, utm: &Utm32) -> Result<[f64; 2], &'static str> {
    let easting = |v: f64| {
        let v = if (32_100_000.0..=32_900_000.0).contains(&v) {
            v - 32_000_000.0
        } else {
            v
        };
        (100_000.0..=900_000.0).contains(&v).then_some(v)
    };
    let northing = |v: f64| (5_000_000.0..=7_000_000.0).contains(&v).then_some(v);
    if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) {
        Ok([x, y])
    } else if let Some((e, n)) = easting(x)
        .zip(northing(y))
        .or_else(|| easting(y).zip(northing(x)))
    {
        utm.to_wgs84(e, n).ok_or("cannot convert from EPSG:25832")
    } else {
        Err("neither WGS84 longitude/latitude nor EPSG:25832 easting/northing")
    }
}

/// Makes source keys: HMAC-SHA-256 with this installation's secret over the importing agency
/// and the record's id (or fields). A plain SHA-256 of a case number can be reversed by trying
/// every number of its pattern; without the secret, a key in an export cannot.
pub struct Keyer(Hmac<Sha256>);

impl Keyer {
    /// The installation's secret for source keys, made on first use.
    pub fn of(tx: &Tx) -> Result<Keyer, crate::store::StoreError> {
        let found: Option<Vec<u8>> = tx.query_opt(
            "SELECT value FROM secrets WHERE name = 'source_key'",
            crate::args![],
            |r| r.get(0),
        )?;
        let secret = match found {
            Some(s) => s,
            None => {
                let fresh = crate::accounts::random_bytes::<32>().map_err(|e| {
                    crate::store::StoreError::Db(crate::db::DbError::Task(e.to_string()))
                })?;
                tx.execute(
                    "INSERT INTO secrets (name, value) VALUES ('source_key', ?1)",
                    crate::args![fresh.as_slice()],
                )?;
                fresh.to_vec()
            }
        };
        Ok(Keyer(Hmac::new_from_slice(&secret).map_err(|e| {
            crate::store::StoreError::Db(crate::db::DbError::Corrupt(e.to_string()))
        })?))
    }

    fn key(&self, parts: &[&str]) -> Option<SourceKey> {
        let mut h = self.0.clone();
        for p in parts {
            h.update(p.as_bytes());
            h.update(&[0x1f]);
        }
        let hex: String = h
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        SourceKey::try_from(hex).ok()
    }
}

/// A source key as 32 bytes (its 64 hex digits read), as the set of stored keys holds it.
fn key_bytes(key: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, pair) in key.as_bytes().chunks(2).take(32).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
        out[i] = digit(pair[0]) << 4 | pair.get(1).map_or(0, |&c| digit(c));
    }
    out
}

/// The source keys of `owner`'s stored incidents (only the owner's own keys are looked at),
/// read once per import from the index rather than looked up row by row (a million rows:
/// 52,300 rows/s against 38,600, for about 100 MiB more while importing them).
fn stored_keys(
    tx: &Tx,
    owner: &AgencyKey,
) -> Result<std::collections::HashSet<[u8; 32]>, crate::db::DbError> {
    let mut keys = std::collections::HashSet::new();
    tx.for_each(
        "SELECT body ->> 'source_key' FROM items WHERE kind = 'incident' \
         AND body ->> 'agency' = ?1 AND body ->> 'source_key' IS NOT NULL",
        crate::args![owner.as_str()],
        |r| {
            keys.insert(key_bytes(&r.get::<String>(0)?));
            Ok(())
        },
    )?;
    Ok(keys)
}

/// Writes the incidents `rows` yields, or none: the first error ends writing (the caller
/// rolls the transaction back), and checking goes on to report up to 100 problems.
pub struct Writer<'a, 't> {
    tx: &'a Tx<'t>,
    ctx: Context<'a>,
    owner: &'a AgencyKey,
    released_to: &'a [AgencyKey],
    keyer: Keyer,
    /// The owner's stored source keys, and those written by this import.
    keys: std::collections::HashSet<[u8; 32]>,
    now: String,
    problems: Vec<FieldError>,
    outcome: Outcome,
}

impl<'a, 't> Writer<'a, 't> {
    pub fn new(
        tx: &'a Tx<'t>,
        ctx: Context<'a>,
        owner: &'a AgencyKey,
        released_to: &'a [AgencyKey],
        keyer: Keyer,
    ) -> Result<Writer<'a, 't>, crate::db::DbError> {
        Ok(Writer {
            tx,
            ctx,
            owner,
            released_to,
            keyer,
            keys: stored_keys(tx, owner)?,
            now: Timestamp::now().to_string(),
            problems: Vec::new(),
            outcome: Outcome::default(),
        })
    }

    /// Is `key` among the owner's stored keys (or written by this import)?
    fn stored(&self, key: &SourceKey) -> bool {
        self.keys.contains(&key_bytes(key.as_str()))
    }

    fn problem(&mut self, field: String, reason: impl Into<String>) {
        if self.problems.len() < MAX_PROBLEMS {
            self.problems.push(FieldError::new(field, reason));
        }
    }

    fn full(&self) -> bool {
        self.problems.len() >= MAX_PROBLEMS
    }

    /// Checks `incident` (named `row` in problems) and stores it unless its key is stored.
    fn write(&mut self, row: &str, mut incident: Incident) -> Result<(), crate::store::StoreError> {
        self.outcome.rows += 1;
        if self.outcome.rows > MAX_ROWS {
            self.problem("rows".into(), format!("at most {MAX_ROWS} rows per import"));
            return Ok(());
        }
        if let Err(errs) = incident.prepare(&self.ctx) {
            for e in errs {
                self.problem(format!("{row}, {}", e.field), e.reason);
            }
            return Ok(());
        }
        if !self.problems.is_empty() {
            // Nothing will be kept: check the rest, write nothing more.
            return Ok(());
        }
        if let Some(key) = &incident.source_key
            && !self.keys.insert(key_bytes(key.as_str()))
        {
            self.outcome.skipped += 1;
            return Ok(());
        }
        let body = serde_json::to_string(&incident).map_err(|e| {
            crate::store::StoreError::Db(crate::db::DbError::Corrupt(e.to_string()))
        })?;
        self.tx.execute(
            "INSERT INTO items (kind, version, updated_at, body) VALUES ('incident', 1, ?1, ?2)",
            crate::args![&self.now, body],
        )?;
        self.outcome.imported += 1;
        Ok(())
    }

    /// The outcome, or every problem found.
    pub fn finish(self) -> Result<Outcome, Vec<FieldError>> {
        if self.problems.is_empty() {
            Ok(self.outcome)
        } else {
            Err(self.problems)
        }
    }

    /// Reads CSV from `input` and writes its rows.
    pub fn csv(&mut self, input: impl Read) -> Result<(), crate::store::StoreError> {
        let mut reader = csv_reader(input).map_err(|e| self.io(e))?;
        let headers = match reader.headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                self.problem("header".into(), format!("cannot read the header: {e}"));
                return Ok(());
            }
        };
        let columns = match Columns::find(&headers) {
            Ok(c) => c,
            Err(problems) => {
                self.problems.extend(problems);
                return Ok(());
            }
        };
        let name = |i: Option<usize>| {
            i.and_then(|i| headers.get(i))
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        let utm = Utm32::new();
        let mut seen = std::collections::HashMap::<String, u32>::new();
        let mut record = csv::StringRecord::new();
        // The header is line 1.
        let mut line = 1u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => {
                    self.problem(format!("row {}", line + 1), format!("cannot read: {e}"));
                    break;
                }
            }
            line = record.position().map_or(line + 1, |p| p.line());
            let row = format!("row {line}");
            let cell = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
            let bad = |w: &mut Writer, column: Option<usize>, reason: &str| {
                w.problem(format!("{row}, column {}", name(column)), reason);
            };
            let Some(cat) = category(cell(columns.category)) else {
                bad(
                    self,
                    columns.category,
                    "unknown category (e.g. Sachbeschädigung, Diebstahl, Lärm)",
                );
                if self.full() {
                    break;
                }
                continue;
            };
            let Some(start) = german_time(cell(columns.start)) else {
                bad(
                    self,
                    columns.start,
                    "must be a time TT.MM.JJJJ HH:MM, e.g. 05.12.2026 22:10",
                );
                if self.full() {
                    break;
                }
                continue;
            };
            let end = match columns
                .end
                .map(|_| cell(columns.end))
                .filter(|t| !t.is_empty())
            {
                None => None,
                Some(t) => match german_time(t) {
                    Some(e) => Some(e),
                    None => {
                        bad(
                            self,
                            columns.end,
                            "must be a time TT.MM.JJJJ HH:MM, or empty",
                        );
                        if self.full() {
                            break;
                        }
                        continue;
                    }
                },
            };
            let count = match columns
                .count
                .map(|_| cell(columns.count))
                .filter(|t| !t.is_empty())
            {
                None => 1,
                Some(t) => match t.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        bad(self, columns.count, "must be a whole number from 1 to 1000");
                        if self.full() {
                            break;
                        }
                        continue;
                    }
                },
            };
            let (Some(x), Some(y)) = (decimal(cell(columns.x)), decimal(cell(columns.y))) else {
                bad(
                    self,
                    columns.x,
                    "needs two numbers for the place (decimal comma or point)",
                );
                if self.full() {
                    break;
                }
                continue;
            };
            let position = match place(x, y, &utm) {
                Ok(p) => p,
                Err(reason) => {
                    bad(self, columns.x, reason);
                    if self.full() {
                        break;
                    }
                    continue;
                }
            };
            let key = match columns
                .id
                .map(|_| cell(columns.id))
                .filter(|t| !t.is_empty())
            {
                Some(id) => self.keyer.key(&["id", self.owner.as_str(), id]),
                None => {
                    let fields = [
                        cat.as_str().to_owned(),
                        start.to_string(),
                        end.map(|e| e.to_string()).unwrap_or_default(),
                        count.to_string(),
                        format!("{:.7},{:.7}", position[0], position[1]),
                    ];
                    let n = seen.entry(fields.join(";")).or_default();
                    *n += 1;
                    let nth = n.to_string();
                    let mut parts: Vec<&str> = vec!["row", self.owner.as_str()];
                    parts.extend(fields.iter().map(String::as_str));
                    parts.push(&nth);
                    self.keyer.key(&parts)
                }
            };
            let incident = Incident {
                category: cat,
                count,
                start,
                end,
                geometry: Geometry::new(GeometryValue::new_point([position[0], position[1]])),
                agency: self.owner.clone(),
                released_to: self.released_to.to_vec(),
                source_key: key,
                district: None,
                demo: false,
            };
            self.write(&row, incident)?;
            if self.full() {
                break;
            }
        }
        Ok(())
    }

    /// Reads a GeoJSON FeatureCollection of incidents from `input` and writes them.
    pub fn geojson(&mut self, input: impl Read) -> Result<(), crate::store::StoreError> {
        let mut text = Vec::new();
        input
            .take(MAX_GEOJSON_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|e| self.io(e))?;
        if text.len() as u64 > MAX_GEOJSON_BYTES {
            self.problem(
                "body".into(),
                format!(
                    "a GeoJSON import holds at most {} MiB (it is read whole); import larger files as CSV, which is read row by row",
                    MAX_GEOJSON_BYTES >> 20
                ),
            );
            return Ok(());
        }
        let fc: geojson::FeatureCollection = match serde_json::from_slice(&text) {
            Ok(fc) => fc,
            Err(e) => {
                self.problem(
                    "body".into(),
                    format!("not a GeoJSON FeatureCollection: {e}"),
                );
                return Ok(());
            }
        };
        for (i, f) in fc.features.into_iter().enumerate() {
            let row = format!("features[{i}]");
            let mut props = f.properties.unwrap_or_default();
            for k in ["id", "version", "updated_at", "kind_of_item"] {
                props.remove(k);
            }
            props
                .entry("agency")
                .or_insert_with(|| self.owner.as_str().into());
            if !props.contains_key("released_to") {
                props.insert(
                    "released_to".into(),
                    serde_json::to_value(self.released_to).unwrap_or_default(),
                );
            }
            if let Some(g) = f.geometry
                && let Ok(v) = serde_json::to_value(g)
            {
                props.insert("geometry".into(), v);
            }
            match serde_path_to_error::deserialize::<_, Incident>(serde_json::Value::Object(props)) {
                Ok(incident) if &incident.agency != self.owner => self.problem(
                    format!("{row}.agency"),
                    format!("must be your agency '{}': incidents belong to the agency that imports them", self.owner),
                ),
                Ok(mut incident) => {
                    incident.source_key = match incident.source_key.take() {
                        // A key this agency has stored (its own export imported again).
                        Some(k) if self.stored(&k) => Some(k),
                        // A key the source system made (perhaps a plain SHA-256 of a case
                        // number): kept only under this installation's secret.
                        Some(k) => self.keyer.key(&["key", self.owner.as_str(), k.as_str()]),
                        None => {
                            let text = serde_json::to_string(&incident).unwrap_or_default();
                            self.keyer.key(&["feature", &i.to_string(), &text])
                        }
                    };
                    self.write(&row, incident)?;
                }
                Err(e) => {
                    let path = e.path().to_string();
                    self.problem(format!("{row}.{path}"), e.into_inner().to_string());
                }
            }
            if self.full() {
                break;
            }
        }
        Ok(())
    }

    fn io(&mut self, e: std::io::Error) -> crate::store::StoreError {
        crate::store::StoreError::Db(crate::db::DbError::Corrupt(format!(
            "cannot read the upload: {e}"
        )))
    }
}

/// What an upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
}

impl Format {
    /// By the media type, else by the first character that is not white space (`{`: GeoJSON).
    pub fn detect(content_type: Option<&str>, start: &[u8]) -> Format {
        let ct = content_type.unwrap_or("").to_ascii_lowercase();
        if ct.contains("json") {
            return Format::GeoJson;
        }
        if ct.contains("csv") {
            return Format::Csv;
        }
        let first = start
            .iter()
            .copied()
            .find(|b| !(b.is_ascii_whitespace() || matches!(b, 0xef | 0xbb | 0xbf)));
        if first == Some(b'{') {
            Format::GeoJson
        } else {
            Format::Csv
        }
    }
}

/// Imports the incidents in `input` for `actor`'s agency, released to `released_to`, inside
/// `tx`: all or nothing. Records one audit entry (how many rows, imported, skipped) and one
/// change event for the agencies that may see them.
pub fn import(
    tx: &Tx,
    input: impl Read,
    format: Format,
    released_to: &[AgencyKey],
    districts: &[model::District],
    actor: &crate::audit::Actor,
) -> Result<(Outcome, Option<crate::store::Published>), crate::store::StoreError> {
    use crate::store::{self, StoreError};
    let known = store::Known::read(tx)?;
    let ctx = known.context(districts);
    for (i, a) in released_to.iter().enumerate() {
        if !known.agencies.contains(a) || a == &actor.agency {
            return Err(StoreError::Invalid(vec![FieldError::new(
                format!("released_to[{i}]"),
                format!("'{a}' is not another known agency"),
            )]));
        }
    }
    let outcome = {
        let mut writer = Writer::new(tx, ctx, &actor.agency, released_to, Keyer::of(tx)?)?;
        match format {
            Format::Csv => writer.csv(input)?,
            Format::GeoJson => writer.geojson(input)?,
        }
        writer.finish().map_err(StoreError::Invalid)?
    };
    crate::audit::append(
        tx,
        actor,
        crate::audit::Record::new(model::access::AuditOp::BulkImported, "incident")
            .details(&outcome),
    )?;
    if outcome.imported == 0 {
        return Ok((outcome, None));
    }
    let mut audience = vec![actor.agency.clone()];
    audience.extend(released_to.iter().cloned());
    let event = store::log_bulk(
        tx,
        model::ItemKind::Incident,
        model::event::ChangeOp::Imported,
        audience,
    )?;
    Ok((outcome, Some(event)))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn utm_32n_lands_in_hamm() {
        // Reference: PROJ (pyproj 3), EPSG:4326 → EPSG:25832 of Hamm Hbf (7.8077, 51.6784).
        let [lon, lat] = Utm32::new()
            .to_wgs84(417_564.079_481, 5_725_942.895_190)
            .unwrap();
        assert!(
            (lon - 7.8077).abs() < 1e-8 && (lat - 51.6784).abs() < 1e-8,
            "{lon} {lat}"
        );
        assert_eq!(place(7.8077, 51.6784, &Utm32::new()), Ok([7.8077, 51.6784]));
        assert!(place(51.6784, 7.8077e6, &Utm32::new()).is_err());
        // The same station zone-prefixed, and as X = northing, Y = easting.
        let near = |p: [f64; 2]| (p[0] - 7.8077).abs() < 1e-8 && (p[1] - 51.6784).abs() < 1e-8;
        let utm = Utm32::new();
        assert!(near(
            place(32_417_564.079_481, 5_725_942.895_190, &utm).unwrap()
        ));
        assert!(near(
            place(5_725_942.895_190, 417_564.079_481, &utm).unwrap()
        ));
        assert!(near(
            place(5_725_942.895_190, 32_417_564.079_481, &utm).unwrap()
        ));
        assert!(place(33_417_564.0, 5_725_942.0, &utm).is_err(), "zone 33");
    }

    #[test]
    fn a_source_key_is_kept_as_its_32_bytes() {
        assert_eq!(key_bytes(&"ab".repeat(32)), [0xab; 32]);
        let mut k = "0".repeat(62);
        k.push_str("1f");
        let mut want = [0u8; 32];
        want[31] = 0x1f;
        assert_eq!(key_bytes(&k), want);
        assert_ne!(key_bytes(&"ab".repeat(32)), key_bytes(&"ba".repeat(32)));
    }

    #[test]
    fn numbers_take_a_decimal_comma_or_point() {
        assert_eq!(decimal("7,8137"), Some(7.8137));
        assert_eq!(decimal(" 7.8137 "), Some(7.8137));
        assert_eq!(decimal("417.564,08"), Some(417_564.08));
        assert_eq!(decimal("417564"), Some(417_564.0));
        assert_eq!(decimal(""), None);
        assert_eq!(decimal("sieben"), None);
        assert_eq!(decimal("NaN"), None);
    }

    #[test]
    fn german_times_are_local_time_in_hamm() {
        let t = |s: &str| german_time(s).map(|t| t.to_string());
        assert_eq!(t("05.12.2026 22:10"), Some("2026-12-05T21:10:00Z".into()));
        assert_eq!(
            t("01.07.2026 12:00:30"),
            Some("2026-07-01T10:00:30Z".into())
        );
        assert_eq!(t("5.1.2026 7:05"), Some("2026-01-05T06:05:00Z".into()));
        assert_eq!(t("05.12.2026"), Some("2026-12-04T23:00:00Z".into()));
        assert_eq!(
            t("2026-12-05T22:10:00+01:00"),
            Some("2026-12-05T21:10:00Z".into())
        );
        // The hour skipped in spring moves forward; the repeated one in autumn is the first.
        assert_eq!(t("29.03.2026 02:30"), Some("2026-03-29T01:30:00Z".into()));
        assert_eq!(t("25.10.2026 02:30"), Some("2026-10-25T00:30:00Z".into()));
        for bad in [
            "32.13.2026 25:00",
            "05.12.26 22:10",
            "05/12/2026",
            "",
            "05.12.2026 22",
        ] {
            assert_eq!(t(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_format_is_told_by_type_or_first_character() {
        assert_eq!(Format::detect(Some("text/csv"), b"{"), Format::Csv);
        assert_eq!(
            Format::detect(Some("application/geo+json"), b"K"),
            Format::GeoJson
        );
        assert_eq!(
            Format::detect(None, b"\xef\xbb\xbf {\"type\""),
            Format::GeoJson
        );
        assert_eq!(Format::detect(None, b"Kategorie;Zeit"), Format::Csv);
    }
}
