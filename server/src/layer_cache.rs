//! Finished answers for the unfiltered layers, per layer and viewer agency, kept ready in each
//! encoding (identity, gzip, brotli) until the next committed change: a layer request then costs
//! a map lookup and a copy of a reference-counted buffer, as a static file server's would.
//! Filtered requests use the layer's items kept decoded in memory ([`crate::kept`]) instead
//! of reading and parsing every stored item again.
//!
//! Every committed write goes through [`crate::state::AppState::publish`], which raises the
//! generation of the layer it changed (a change to the actions leaves the hotspots' answers
//! in use: rebuilding a layer of 100,000 hotspots takes the server over a second); a change
//! to anything else (districts, agencies) raises every generation. An answer is built from
//! what the database held *after* the generation it is stored under was read, and a lookup
//! only accepts answers of the current generation, so a write racing a build can waste that
//! build but never leave a stale answer in use.

use std::{
    cell::RefCell,
    collections::{HashMap, VecDeque},
    io::Write,
    sync::{
        Arc, OnceLock, RwLock,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
};

use axum::{
    body::Bytes,
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, header, request::Parts},
    response::{IntoResponse, Response},
};
use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use model::ItemKind;

/// What an answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// A layer, as `GET /api/hotspots` (…) answers it.
    Layer(ItemKind),
    /// `GET /api/hotspots/map`.
    HotspotMap,
    /// `GET /api/incidents/density`.
    IncidentDensity,
    Districts,
    Conflicts,
    Coverage,
    Summary,
    Indicators,
}

impl Answer {
    /// What it is built from.
    fn source(self) -> Source {
        match self {
            Answer::Layer(kind) => Source::Layer(kind),
            Answer::HotspotMap => Source::Layer(ItemKind::Hotspot),
            Answer::IncidentDensity => Source::Layer(ItemKind::Incident),
            Answer::Districts
            | Answer::Conflicts
            | Answer::Coverage
            | Answer::Summary
            | Answer::Indicators => Source::Other,
        }
    }
}

/// What a cached answer is for, and the agency whose releases it holds with the normalised
/// query (`kod?district=mitte`).
pub type Key = (Answer, String);

/// Bodies larger than this are compressed at a lighter brotli level, and away from the threads
/// that answer requests: a layer of 100,000 hotspots is ~50 MB of JSON, which brotli's usual
/// level takes most of a second for (level 4: half of that, for a 1.5 times larger body).
const LARGE_BODY: usize = 1 << 20;

/// One layer's body, encoded on first demand in each encoding a client asked for.
#[derive(Debug)]
pub struct Encoded {
    content_type: &'static str,
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

/// The content encodings the server sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The best encoding `Accept-Encoding` allows: brotli, then gzip, else none. A coding with
    /// `q=0` is refused, as RFC 9110 says.
    pub fn choose(headers: &HeaderMap) -> Encoding {
        let accepted = |name: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .any(|part| {
                    let mut pieces = part.split(';').map(str::trim);
                    let coding = pieces.next().unwrap_or_default();
                    let refused = pieces.any(|p| {
                        p.strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
        };
        if accepted("br") {
            Encoding::Brotli
        } else if accepted("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// A handler's argument: the encoding the request accepts, read from its headers where they
/// are (taking the whole `HeaderMap` would copy it for every request).
impl<S: Send + Sync> FromRequestParts<S> for Encoding {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Encoding::choose(&parts.headers))
    }
}

impl Encoded {
    pub fn new(content_type: &'static str, body: String) -> Encoded {
        Encoded {
            content_type,
            identity: Bytes::from(body),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body in `encoding`, compressed now if this is its first request.
    pub fn body(&self, encoding: Encoding) -> Bytes {
        self.make(encoding).0
    }

    /// The body in `encoding`, and its size if this call made it.
    fn make(&self, encoding: Encoding) -> (Bytes, Option<usize>) {
        let mut made = None;
        let mut once = |lock: &OnceLock<Bytes>, compress: fn(&[u8]) -> Bytes| {
            lock.get_or_init(|| {
                let body = compress(&self.identity);
                made = Some(body.len());
                body
            })
            .clone()
        };
        let body = match encoding {
            Encoding::Identity => self.identity.clone(),
            Encoding::Gzip => once(&self.gzip, gzip),
            Encoding::Brotli => once(&self.brotli, brotli),
        };
        (body, made)
    }

    /// The bytes it holds now, every encoding made so far counted.
    pub fn bytes(&self) -> usize {
        self.identity.len()
            + self.gzip.get().map_or(0, Bytes::len)
            + self.brotli.get().map_or(0, Bytes::len)
    }

    /// Makes the body in `encoding` if it is not made yet — a large one on a blocking thread,
    /// so the threads answering other requests are not held up meanwhile; the size of what it
    /// made.
    async fn prepare(self: &Arc<Self>, encoding: Encoding) -> Option<usize> {
        if self.identity.len() <= LARGE_BODY {
            return self.make(encoding).1;
        }
        let this = Arc::clone(self);
        // Should the task fail, `response` compresses on this thread instead (uncharged).
        tokio::task::spawn_blocking(move || this.make(encoding).1)
            .await
            .ok()
            .flatten()
    }

    /// The answer in `encoding`.
    pub fn response(&self, encoding: Encoding) -> Response {
        let mut response = self.body(encoding).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        match encoding {
            Encoding::Identity => {}
            Encoding::Gzip => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Encoding::Brotli => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
        }
        response
    }
}

/// gzip at level 1: a layer's JSON is so repetitive that level 6 saves only ~4 % more (a
/// dozen hotspots: 732 against 705 bytes) for about three times the work, and an answer to a
/// new query is compressed for that one request (`perf`: deflate at level 6 was ~37 % of the
/// server's time under ever new queries). Browsers take brotli, which keeps its level.
///
/// Each thread keeps its compressor: setting up a new one (and clearing its tables) cost more
/// than compressing a typical filtered answer of a few kilobytes.
fn gzip(bytes: &[u8]) -> Bytes {
    thread_local! {
        static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
    }
    DEFLATE
        .with_borrow_mut(|deflate| gzip_with(deflate, bytes))
        .unwrap_or_else(|_| {
            // A raw deflate stream over a complete input cannot fail; should it, a fresh
            // encoder does the work.
            let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
            // Writing into a Vec cannot fail.
            let _ = e.write_all(bytes);
            Bytes::from(e.finish().unwrap_or_default())
        })
}

/// The gzip member (RFC 1952) of `bytes`: a fixed header (no name, no time, unknown system),
/// the raw deflate stream, the CRC-32 and the length.
fn gzip_with(deflate: &mut Compress, bytes: &[u8]) -> Result<Bytes, flate2::CompressError> {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    deflate.reset();
    let mut out = Vec::with_capacity(HEADER.len() + bytes.len() / 3 + 64);
    out.extend_from_slice(&HEADER);
    loop {
        let read = usize::try_from(deflate.total_in()).unwrap_or(bytes.len());
        let rest = bytes.get(read..).unwrap_or_default();
        match deflate.compress_vec(rest, &mut out, FlushCompress::Finish)? {
            Status::StreamEnd => break,
            // The output is full: make room and go on.
            Status::Ok | Status::BufError => out.reserve(out.capacity().max(1024)),
        }
    }
    let mut crc = Crc::new();
    crc.update(bytes);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // The length modulo 2^32, as the format says.
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    Ok(Bytes::from(out))
}

fn brotli(bytes: &[u8]) -> Bytes {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: if bytes.len() > LARGE_BODY { 4 } else { 6 },
        lgwin: 22,
        ..Default::default()
    };
    // Reading from a slice into a Vec cannot fail.
    let _ = brotli::BrotliCompress(&mut &bytes[..], &mut out, &params);
    Bytes::from(out)
}

/// What an answer costs besides its bodies: its key (kept twice: in the map and in the order
/// of arrival), the `Encoded` with its three slots, the map's and the queue's entries. An
/// estimate on the high side, so that many tiny answers (`[]` for ever new query windows)
/// cannot hold many times the budget.
const ENTRY_OVERHEAD: usize = 256;

/// Most answers one slot keeps, whatever their size.
const MAX_ANSWERS: usize = 100_000;

/// Entries by key, all built from the data of one generation (the newest any was built from),
/// with the bytes each is charged and the order they came in (the oldest leaves first).
struct ByGeneration<V>(RwLock<Entries<V>>);

struct Entries<V> {
    generation: u64,
    map: HashMap<Key, (V, usize)>,
    order: VecDeque<Key>,
    bytes: usize,
}

impl<V> Default for ByGeneration<V> {
    fn default() -> Self {
        ByGeneration(RwLock::new(Entries {
            generation: 0,
            map: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
        }))
    }
}

/// The bytes all slots hold, kept in step with each slot's `bytes` under that slot's lock (so
/// an entry's bytes are added before anyone can take them away).
type Total = AtomicUsize;

impl<V> Entries<V> {
    /// Forgets everything.
    fn clear(&mut self, total: &Total) {
        self.map.clear();
        self.order.clear();
        total.fetch_sub(std::mem::take(&mut self.bytes), Ordering::AcqRel);
    }

    /// Forgets the oldest entry; false if there was none.
    fn pop_oldest(&mut self, total: &Total) -> bool {
        let Some(key) = self.order.pop_front() else {
            return false;
        };
        let freed = self.map.remove(&key).map_or(0, |(_, bytes)| bytes);
        self.bytes -= freed;
        total.fetch_sub(freed, Ordering::AcqRel);
        true
    }
}

impl<V: Clone> ByGeneration<V> {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries<V>> {
        self.0.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The entry for `key` if it was built in generation `now`.
    fn get(&self, key: &Key, now: u64) -> Option<V> {
        let entries = self.0.read().unwrap_or_else(|p| p.into_inner());
        (entries.generation == now)
            .then(|| entries.map.get(key).map(|(v, _)| v.clone()))
            .flatten()
    }

    /// Keeps `value`, built from data read at `generation`, for `key`, charged `bytes` (added
    /// to `total`); at most `max` entries (the oldest leave).
    fn put(&self, key: Key, generation: u64, value: V, bytes: usize, max: usize, total: &Total) {
        let mut entries = self.write();
        // A slow build of an older generation is out of date already: no lookup would take it.
        if generation < entries.generation {
            return;
        }
        // The first entry of a newer generation: the older ones are out of date.
        if generation > entries.generation {
            entries.clear(total);
            entries.generation = generation;
        }
        // Two requests built the same answer at once: the first one kept stays.
        if entries.map.contains_key(&key) {
            return;
        }
        while entries.map.len() >= max && entries.pop_oldest(total) {}
        entries.map.insert(key.clone(), (value, bytes));
        entries.order.push_back(key);
        entries.bytes += bytes;
        total.fetch_add(bytes, Ordering::AcqRel);
    }
}

impl ByGeneration<Arc<Encoded>> {
    /// Charges `bytes` more to `answer` (and `total`), if it is still kept for `key` in
    /// `generation`.
    fn charge(
        &self,
        key: &Key,
        generation: u64,
        answer: &Arc<Encoded>,
        bytes: usize,
        total: &Total,
    ) {
        let mut entries = self.write();
        if entries.generation != generation {
            return;
        }
        let Some((kept, charged)) = entries.map.get_mut(key) else {
            return;
        };
        if !Arc::ptr_eq(kept, answer) {
            return;
        }
        *charged += bytes;
        entries.bytes += bytes;
        total.fetch_add(bytes, Ordering::AcqRel);
    }
}

/// What an answer is built from: one layer's items (the layer itself and its views), or
/// anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Layer(ItemKind),
    Other,
}

/// One slot per layer, and one for everything else.
const SLOTS: usize = ItemKind::COUNT + 1;

impl Source {
    /// Its place in [`LayerCache`]'s arrays.
    fn slot(self) -> usize {
        match self {
            Source::Layer(kind) => kind.index(),
            Source::Other => ItemKind::COUNT,
        }
    }
}

/// The cache: answers by key, valid for one generation of what they are built from. The answers together (every encoding made of them) are kept within a budget of
/// bytes; past it the oldest answers of the fullest slot leave first.
pub struct LayerCache {
    /// Raised by a change to anything.
    everything: AtomicU64,
    /// Raised by a change to one layer (by [`Source::slot`]).
    layers: [AtomicU64; ItemKind::COUNT],
    /// By [`Source::slot`].
    answers: [ByGeneration<Arc<Encoded>>; SLOTS],
    /// Most bytes the answers may hold.
    budget: usize,
    /// Bytes the answers hold now (the sum of the slots' `bytes`).
    bytes: AtomicUsize,
    /// Whether changes are known as they commit. Not while a server on PostgreSQL has lost its
    /// listening connection (see [`crate::change_feed`]): then nothing is kept or answered
    /// from here.
    trusted: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for LayerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerCache")
            .field("everything", &self.everything)
            .field("layers", &self.layers)
            .field("budget", &self.budget)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl LayerCache {
    /// A cache whose answers hold at most `budget` bytes.
    pub fn new(budget: usize) -> LayerCache {
        LayerCache {
            everything: AtomicU64::default(),
            layers: Default::default(),
            answers: Default::default(),
            budget,
            bytes: AtomicUsize::default(),
            trusted: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Are changes known as they commit (may kept answers be used)?
    pub fn trusted(&self) -> bool {
        self.trusted.load(Ordering::Acquire)
    }

    /// Trusts the cache again (after catching up: everything kept before is retired), or no
    /// longer.
    pub fn set_trusted(&self, trusted: bool) {
        if trusted {
            self.changed();
        }
        self.trusted.store(trusted, Ordering::Release);
    }

    /// The generation now of what `key`'s answer is built from; read it *before* reading that.
    /// (A sum of counters that only rise: it rises whenever one of them does.)
    pub fn generation(&self, key: &Key) -> u64 {
        // Untrusted, every reading is a new generation: nothing kept under a generation (layers,
        // alerts, answers) is found again until the cache is trusted.
        let everything = if self.trusted() {
            self.everything.load(Ordering::Acquire)
        } else {
            self.everything.fetch_add(1, Ordering::AcqRel) + 1
        };
        match key.0.source() {
            layer @ Source::Layer(_) => {
                everything + self.layers[layer.slot()].load(Ordering::Acquire)
            }
            // Built from anything: outdated by any change.
            Source::Other => {
                everything
                    + self
                        .layers
                        .iter()
                        .map(|g| g.load(Ordering::Acquire))
                        .sum::<u64>()
            }
        }
    }

    /// The generation now of layer `kind`'s items; read it before reading them.
    pub fn layer_generation(&self, kind: ItemKind) -> u64 {
        self.generation(&(Answer::Layer(kind), String::new()))
    }

    /// A committed change to anything but one layer's items: every answer built before it is
    /// out of date.
    pub fn changed(&self) {
        self.everything.fetch_add(1, Ordering::AcqRel);
    }

    /// A committed change to the items of layer `kind`: the answers built from them before it
    /// are out of date.
    pub fn layer_changed(&self, kind: ItemKind) {
        self.layers[Source::Layer(kind).slot()].fetch_add(1, Ordering::AcqRel);
    }

    /// The answer for `key`, if one of the current generation is ready, and that generation.
    pub fn get(&self, key: &Key) -> Option<(Arc<Encoded>, u64)> {
        if !self.trusted() {
            return None;
        }
        let now = self.generation(key);
        self.answers[key.0.source().slot()]
            .get(key, now)
            .map(|answer| (answer, now))
    }

    /// The bytes the answers hold now.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Acquire)
    }

    /// The answer for `key` in `encoding`: the cached one, or the body `build` makes (as
    /// `content_type`), kept for the next request of the same generation.
    pub async fn answer<E>(
        &self,
        key: Key,
        content_type: &'static str,
        encoding: Encoding,
        build: impl Future<Output = Result<String, E>>,
    ) -> Result<Response, E> {
        let (answer, generation) = match self.get(&key) {
            Some(kept) => kept,
            None => {
                let generation = self.generation(&key);
                let answer = Arc::new(Encoded::new(content_type, build.await?));
                self.put(key.clone(), generation, Arc::clone(&answer));
                (answer, generation)
            }
        };
        if let Some(made) = answer.prepare(encoding).await {
            self.charge(&key, generation, &answer, made);
        }
        Ok(answer.response(encoding))
    }

    /// Keeps `encoded`, built from data read at `generation`, for `key` — unless it alone is
    /// larger than the budget (it is answered, not kept). It is charged its bodies, its key
    /// twice and [`ENTRY_OVERHEAD`].
    pub fn put(&self, key: Key, generation: u64, encoded: Arc<Encoded>) {
        let bytes = encoded.bytes() + 2 * key.1.len() + ENTRY_OVERHEAD;
        if bytes > self.budget || !self.trusted() {
            return;
        }
        let slot = key.0.source().slot();
        self.answers[slot].put(key, generation, encoded, bytes, MAX_ANSWERS, &self.bytes);
        self.trim();
    }

    /// Charges an encoding just made of `answer` to it, if it is still kept.
    fn charge(&self, key: &Key, generation: u64, answer: &Arc<Encoded>, bytes: usize) {
        self.answers[key.0.source().slot()].charge(key, generation, answer, bytes, &self.bytes);
        self.trim();
    }

    /// Lets the oldest answers of the fullest slot go until the answers fit the budget.
    fn trim(&self) {
        while self.bytes.load(Ordering::Acquire) > self.budget {
            let fullest = self
                .answers
                .iter()
                .max_by_key(|slot| slot.0.read().map_or(0, |e| e.bytes));
            let popped = fullest.is_some_and(|slot| slot.write().pop_oldest(&self.bytes));
            // Nothing left to free there: another thread freed it meanwhile.
            if !popped
                && self
                    .answers
                    .iter()
                    .all(|s| s.0.read().map_or(true, |e| e.map.is_empty()))
            {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        h
    }

    #[test]
    fn brotli_is_preferred_then_gzip_and_q0_refuses() {
        assert_eq!(Encoding::choose(&HeaderMap::new()), Encoding::Identity);
        assert_eq!(
            Encoding::choose(&accept("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::choose(&accept("gzip")), Encoding::Gzip);
        assert_eq!(Encoding::choose(&accept("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::choose(&accept("br;q=0.5")), Encoding::Brotli);
        assert_eq!(Encoding::choose(&accept("gzip;q=0")), Encoding::Identity);
        assert_eq!(Encoding::choose(&accept("brotli")), Encoding::Identity);
    }

    #[test]
    fn each_encoding_decodes_to_the_same_body() {
        let body = "{\"type\":\"FeatureCollection\",\"features\":[]}".repeat(50);
        let encoded = Encoded::new("application/geo+json", body.clone());
        let mut gz = String::new();
        flate2::read::GzDecoder::new(&encoded.body(Encoding::Gzip)[..])
            .read_to_string(&mut gz)
            .unwrap();
        assert_eq!(gz, body);
        let mut br = Vec::new();
        brotli::BrotliDecompress(&mut &encoded.body(Encoding::Brotli)[..], &mut br).unwrap();
        assert_eq!(String::from_utf8(br).unwrap(), body);
        assert_eq!(encoded.body(Encoding::Identity), body.as_bytes());
        assert!(encoded.body(Encoding::Brotli).len() < body.len() / 10);
    }

    #[test]
    fn the_kept_compressor_makes_whole_gzip_members_one_after_another() {
        let gunzip = |gz: &[u8]| {
            let mut out = Vec::new();
            // GzDecoder checks the trailer's CRC-32 and length.
            flate2::read::GzDecoder::new(gz)
                .read_to_end(&mut out)
                .unwrap();
            out
        };
        // Incompressible bytes (an xorshift stream) make the output outgrow its first room.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let noise: Vec<u8> = (0..300_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let text = b"{\"features\":[]}".repeat(2_000);
        for body in [&b""[..], &noise, &text, b"x", &noise] {
            let gz = gzip(body);
            assert_eq!(gunzip(&gz), body);
            assert_eq!(&gz[..3], [0x1f, 0x8b, 8]);
        }
        assert!(gzip(&text).len() < text.len() / 20);
    }

    #[tokio::test]
    async fn a_large_answer_is_compressed_off_the_request_threads_and_decodes_whole() {
        // Over LARGE_BODY, with some variety so the compressors have work to do.
        let body: String = (0..60_000)
            .map(|i| format!("{{\"id\":{i},\"title\":\"Punkt {}\"}},", i * 7919 % 10_007))
            .collect();
        assert!(body.len() > LARGE_BODY);
        let cache = LayerCache::new(1 << 30);
        let key: Key = (Answer::Layer(ItemKind::Hotspot), "kod".into());
        for (accepted, coding) in [("br", "br"), ("gzip", "gzip")] {
            let built = body.clone();
            let response = cache
                .answer(
                    key.clone(),
                    "application/geo+json",
                    Encoding::choose(&accept(accepted)),
                    async { Ok::<_, ()>(built) },
                )
                .await
                .unwrap();
            assert_eq!(response.headers()[header::CONTENT_ENCODING], coding);
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let mut decoded = Vec::new();
            if coding == "br" {
                brotli::BrotliDecompress(&mut &bytes[..], &mut decoded).unwrap();
            } else {
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut decoded)
                    .unwrap();
            }
            assert_eq!(decoded, body.as_bytes(), "{coding}");
            assert!(
                bytes.len() < body.len() / 3,
                "{coding}: {} bytes",
                bytes.len()
            );
        }
    }

    #[test]
    fn a_change_retires_every_answer_and_a_racing_build_is_not_used() {
        let cache = LayerCache::new(1 << 30);
        let key: Key = (Answer::Layer(ItemKind::Hotspot), "kod".into());
        let answer = Arc::new(Encoded::new("application/geo+json", "old".into()));
        let g = cache.generation(&key);
        cache.put(key.clone(), g, Arc::clone(&answer));
        assert!(cache.get(&key).is_some());
        cache.changed();
        assert!(
            cache.get(&key).is_none(),
            "after a write the old answer is gone"
        );
        // A build that read the data before the change finishes after it: not used.
        cache.put(key.clone(), g, answer);
        assert!(cache.get(&key).is_none());
        let fresh = Arc::new(Encoded::new("application/geo+json", "new".into()));
        cache.put(key.clone(), cache.generation(&key), fresh);
        assert_eq!(
            cache.get(&key).unwrap().0.body(Encoding::Identity),
            "new".as_bytes()
        );
        // The kept layers follow the same generations.
        let g = cache.layer_generation(ItemKind::Action);
        cache.layer_changed(ItemKind::Hotspot);
        assert_eq!(
            cache.layer_generation(ItemKind::Action),
            g,
            "another layer's change"
        );
        cache.layer_changed(ItemKind::Action);
        assert!(cache.layer_generation(ItemKind::Action) > g);
        let g = cache.layer_generation(ItemKind::Action);
        cache.changed();
        assert!(
            cache.layer_generation(ItemKind::Action) > g,
            "a change to anything"
        );
        // Another agency's answer is another key.
        assert!(
            cache
                .get(&(Answer::Layer(ItemKind::Hotspot), "zoll".into()))
                .is_none()
        );
    }

    #[test]
    fn a_build_that_raced_a_change_is_never_served() {
        let cache = LayerCache::new(1 << 30);
        let key: Key = (Answer::Layer(ItemKind::Action), "kod?".into());
        let answer = |body: &str| Arc::new(Encoded::new("application/geo+json", body.into()));
        // A build reads the data, then a write commits before the build is put.
        let before = cache.generation(&key);
        cache.layer_changed(ItemKind::Action);
        cache.put(key.clone(), before, answer("old"));
        assert!(
            cache.get(&key).is_none(),
            "an answer of old data was served"
        );
        // The next build is current; a late put of an older build does not replace it.
        cache.put(key.clone(), cache.generation(&key), answer("new"));
        cache.put(key.clone(), before, answer("old"));
        let (served, _) = cache.get(&key).unwrap();
        assert_eq!(served.body(Encoding::Identity), "new".as_bytes());
        // The next change retires it.
        cache.changed();
        assert!(cache.get(&key).is_none());
    }

    #[test]
    fn a_change_to_one_layer_retires_its_answers_only() {
        let cache = LayerCache::new(1 << 30);
        let answer = || Arc::new(Encoded::new("application/json", "{}".into()));
        let keys: [Key; 5] = [
            (Answer::Layer(ItemKind::Hotspot), "kod?".into()),
            (Answer::HotspotMap, "kod?".into()),
            (Answer::Layer(ItemKind::Route), "kod?".into()),
            (Answer::Layer(ItemKind::Action), "kod?".into()),
            (Answer::Districts, String::new()),
        ];
        let fill = |cache: &LayerCache| {
            for key in &keys {
                cache.put(key.clone(), cache.generation(key), answer());
            }
        };
        let kept = |cache: &LayerCache| {
            keys.iter()
                .map(|k| cache.get(k).is_some())
                .collect::<Vec<_>>()
        };
        fill(&cache);
        assert_eq!(kept(&cache), [true; 5]);
        cache.layer_changed(ItemKind::Action);
        assert_eq!(kept(&cache), [true, true, true, false, false]);
        fill(&cache);
        cache.layer_changed(ItemKind::Hotspot);
        assert_eq!(
            kept(&cache),
            [false, false, true, true, false],
            "the map follows its layer"
        );
        fill(&cache);
        cache.changed();
        assert_eq!(
            kept(&cache),
            [false; 5],
            "a change to anything else retires all"
        );
        // A build of one layer that raced a change to that layer is not kept.
        let key = &keys[0];
        let before = cache.generation(key);
        cache.layer_changed(ItemKind::Hotspot);
        cache.put(key.clone(), before, answer());
        assert!(cache.get(key).is_none());
    }

    #[tokio::test]
    async fn the_answers_stay_within_their_budget_of_bytes_every_encoding_counted() {
        // Room for about three answers of 1,000 bytes with their compressed copies.
        let cache = LayerCache::new(4_000);
        let body = |n: usize| {
            (0..1_000)
                .map(|i| char::from(b'a' + ((i * 7 + n) % 26) as u8))
                .collect::<String>()
        };
        let mut keys = Vec::new();
        for n in 0..50 {
            let key: Key = (Answer::Layer(ItemKind::Action), format!("kod?from={n}"));
            for encoding in [Encoding::Identity, Encoding::Gzip, Encoding::Brotli] {
                let built = body(n);
                cache
                    .answer(key.clone(), "application/geo+json", encoding, async {
                        Ok::<_, ()>(built)
                    })
                    .await
                    .unwrap();
                assert!(cache.bytes() <= 4_000, "{} bytes kept", cache.bytes());
            }
            keys.push(key);
        }
        // What is counted is what is kept: the newest answers, with both compressed copies,
        // their keys and the overhead of an entry.
        let kept: Vec<(&Key, Arc<Encoded>)> = keys
            .iter()
            .filter_map(|k| cache.get(k).map(|(a, _)| (k, a)))
            .collect();
        assert!((2..=3).contains(&kept.len()), "{} kept", kept.len());
        assert_eq!(
            kept.iter()
                .map(|(k, a)| a.bytes() + 2 * k.1.len() + ENTRY_OVERHEAD)
                .sum::<usize>(),
            cache.bytes()
        );
        assert!(cache.get(&keys[49]).is_some(), "the newest answer is kept");
        assert!(cache.get(&keys[0]).is_none(), "the oldest left first");
        // Many tiny answers hold no more than the budget either.
        for n in 0..1_000 {
            let key: Key = (Answer::Conflicts, format!("kod?from={n}"));
            cache
                .answer(key, "application/json", Encoding::Identity, async {
                    Ok::<_, ()>("[]".to_owned())
                })
                .await
                .unwrap();
        }
        assert!(cache.bytes() <= 4_000, "{} bytes kept", cache.bytes());
        let tiny = (0..1_000)
            .filter(|n| {
                cache
                    .get(&(Answer::Conflicts, format!("kod?from={n}")))
                    .is_some()
            })
            .count();
        assert!(tiny <= 4_000 / ENTRY_OVERHEAD, "{tiny} tiny answers kept");
        // An answer larger than the whole budget is answered, not kept.
        let key: Key = (Answer::Layer(ItemKind::Hotspot), "kod?".into());
        let big = "x".repeat(5_000);
        let response = cache
            .answer(
                key.clone(),
                "application/geo+json",
                Encoding::Identity,
                async { Ok::<_, ()>(big) },
            )
            .await
            .unwrap();
        assert_eq!(response.status(), axum::http::StatusCode::OK);
        assert!(cache.get(&key).is_none());
        assert!(cache.bytes() <= 4_000);
        // A change frees the layer's answers' bytes when the next answer of it comes.
        let others = cache.answers[Source::Other.slot()].0.read().unwrap().bytes;
        cache.layer_changed(ItemKind::Action);
        let key: Key = (Answer::Layer(ItemKind::Action), "kod?".into());
        cache
            .answer(
                key.clone(),
                "application/geo+json",
                Encoding::Identity,
                async { Ok::<_, ()>("{}".to_owned()) },
            )
            .await
            .unwrap();
        assert_eq!(cache.bytes(), others + 2 + 2 * key.1.len() + ENTRY_OVERHEAD);
    }
}
