//! Place search (issue 21): what people type, matched against names and addresses the way they
//! mean it. Case, umlauts and `ß`/`ss` do not matter, `Str.`, `Strasse` and `Straße` are one,
//! a house number may carry a suffix (`12a`, `12 a`), and a word may have a small typo. Pure
//! logic: the server keeps the places and asks [`Query::score`] of each.

crate::string_enum! {
    /// What a search result is.
    PlaceKind {
        District = "district",
        /// A named place of the city (station, square, building).
        Place = "place",
        /// A street (at the address nearest its middle).
        Street = "street",
        /// An address with its house number.
        Address = "address",
        Hotspot = "hotspot",
        Route = "route",
        Action = "action",
    }
}

/// One answer of `GET /api/places`: a name to show, what it is, and where (`[lon, lat]`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PlaceHit {
    pub name: String,
    pub kind: PlaceKind,
    pub point: [f64; 2],
    /// The item's id, for hotspots, routes and actions.
    pub id: Option<i64>,
    /// Whose data an imported address or street is, as the import named it
    /// (`server places import --attribution`), to be shown with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
}

/// Results of one search: at most this many.
pub const MAX_HITS: usize = 50;

/// Text folded for comparing: lower case, umlauts as their base letter, `ß` as `ss`,
/// punctuation as space, a street word's `strasse`/`str` ending as `str`, single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'à' | 'á' | 'â' => out.push('a'),
            'ö' | 'ò' | 'ó' | 'ô' => out.push('o'),
            'ü' | 'ù' | 'ú' | 'û' => out.push('u'),
            'é' | 'è' | 'ê' => out.push('e'),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out.split_whitespace()
        .map(|w| match w.strip_suffix("strasse") {
            Some(stem) => format!("{stem}str"),
            None => w.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A house number as compared: folded, without spaces (`12 A` → `12a`).
pub fn fold_number(number: &str) -> String {
    fold(number).replace(' ', "")
}

/// What was typed: its words and, if it names one, a house number (`12a`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub number: Option<String>,
}

/// Most words of a query looked at.
pub const MAX_WORDS: usize = 6;

/// Most characters of a query looked at.
pub const MAX_QUERY: usize = 100;

impl Query {
    /// The query in `text`; `None` if it holds no word (a number alone finds nothing).
    pub fn parse(text: &str) -> Option<Query> {
        let folded = fold(&text.chars().take(MAX_QUERY).collect::<String>());
        let mut words = Vec::new();
        let mut number: Option<String> = None;
        for token in folded.split(' ').filter(|t| !t.is_empty()) {
            if token.starts_with(|c: char| c.is_ascii_digit()) {
                number = Some(token.to_owned());
            } else if let Some(n) = number.as_mut().filter(|n| {
                // `12 a`: a single letter after the number is its suffix.
                token.chars().count() == 1 && n.chars().all(|c| c.is_ascii_digit())
            }) {
                n.push_str(token);
            } else {
                words.push(token.to_owned());
            }
        }
        words.truncate(MAX_WORDS);
        (!words.is_empty()).then_some(Query { words, number })
    }

    /// How well a place named `name` (with house number `number`) matches: `None` if it does
    /// not; else lower is better. Every typed word must match a word of the name, exactly, as
    /// its beginning, or with a small typo; a typed house number must be the place's.
    pub fn score(&self, name: &str, number: Option<&str>) -> Option<u32> {
        let number = number.map(fold_number);
        self.score_folded(&fold(name), number.as_deref())
    }

    /// [`Query::score`] of a name folded already (by [`fold`]) and a house number folded with
    /// its spaces taken out ([`fold_number`]): an index folds its names once, not per query.
    pub fn score_folded(&self, folded: &str, number: Option<&str>) -> Option<u32> {
        let mut score = 0u32;
        for word in &self.words {
            let best = folded
                .split(' ')
                .filter_map(|w| word_score(word, w))
                .min()?;
            score += best;
        }
        let name_words = folded.split(' ').count();
        match (&self.number, number) {
            (Some(typed), Some(n)) if n == typed => {}
            (Some(_), _) => return None,
            // A street's addresses come after the street and places of that name.
            (None, Some(_)) => score += 1,
            (None, None) => {}
        }
        // Of equal matches, the shorter name first (the place rather than a longer one).
        Some(score * 100 + name_words.min(99) as u32)
    }
}

/// 0: the same word; 1: typed as its beginning; 2–3: within one or two edits (words of at
/// least four or eight letters).
fn word_score(typed: &str, word: &str) -> Option<u32> {
    if typed == word {
        return Some(0);
    }
    if typed.chars().count() >= 2 && word.starts_with(typed) {
        return Some(1);
    }
    let typed_len = typed.chars().count();
    let allowed = match typed_len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    // A word shorter than what was typed by more than the allowed edits cannot be within them
    // (whole or as a beginning): no edit distance needed, which is most words.
    if allowed == 0 || word.chars().count() + allowed < typed_len {
        return None;
    }
    // A typo in what was typed so far: compare with the word's beginning of that length too
    // (the same edit distance's last row holds it: the distance to each beginning of `word`).
    let d = distances(typed, word, typed_len);
    (d <= allowed).then_some(1 + d as u32)
}

/// Longest word compared by edit distance, in characters; longer words match only exactly or
/// as a beginning.
const MAX_WORD: usize = 48;

/// The smaller Levenshtein distance (insertions, deletions, substitutions, by characters) of
/// `a` to `b` and to `b`'s beginning of `prefix` characters. On the stack: a search scores
/// every street, and an allocation per word was a third of its time.
fn distances(a: &str, b: &str, prefix: usize) -> usize {
    let mut chars = [char::default(); MAX_WORD];
    let mut n = 0;
    for c in b.chars() {
        if n == MAX_WORD {
            return usize::MAX;
        }
        chars[n] = c;
        n += 1;
    }
    let b = &chars[..n];
    let mut row = [0usize; MAX_WORD + 1];
    for (j, r) in row.iter_mut().enumerate().take(n + 1) {
        *r = j;
    }
    for (i, ca) in a.chars().enumerate() {
        let mut last = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let old = row[j + 1];
            row[j + 1] = if ca == *cb {
                last
            } else {
                1 + last.min(row[j]).min(row[j + 1])
            };
            last = old;
        }
    }
    row[n].min(row[prefix.min(n)])
}

/// Levenshtein distance of `a` and `b`.
#[cfg(test)]
fn distance(a: &str, b: &str) -> usize {
    distances(a, b, b.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_forgets_case_umlauts_sharp_s_and_the_way_street_is_written() {
        assert_eq!(fold("Südstraße 12a"), "sudstr 12a");
        assert_eq!(fold("SÜDSTRASSE 12 A"), "sudstr 12 a");
        assert_eq!(fold("Südstr. 12a"), "sudstr 12a");
        assert_eq!(fold("Hamm (Westf) Hauptbahnhof"), "hamm westf hauptbahnhof");
        assert_eq!(fold("Große Weststraße"), "grosse weststr");
    }

    #[test]
    fn a_query_knows_its_words_and_house_number() {
        let q = |t: &str| Query::parse(t);
        assert_eq!(
            q("sudstr 12a"),
            Some(Query {
                words: vec!["sudstr".into()],
                number: Some("12a".into())
            })
        );
        assert_eq!(q("Südstr. 12 A").and_then(|q| q.number), Some("12a".into()));
        assert_eq!(q("12"), None, "a number alone finds nothing");
        assert_eq!(q("  "), None);
    }

    /// What people type against what is there, written out by hand.
    #[test]
    fn matching_forgives_what_people_type() {
        let places: [(&str, Option<&str>); 6] = [
            ("Westentor", None),
            ("Südstraße", Some("12a")),
            ("Südstraße", Some("12")),
            ("Südstraße", None),
            ("Hamm (Westf) Hauptbahnhof", None),
            ("Weststraße", Some("3")),
        ];
        let found = |typed: &str| -> Vec<String> {
            let q = Query::parse(typed).expect("a query");
            let mut hits: Vec<(u32, String)> = places
                .iter()
                .filter_map(|(name, n)| {
                    q.score(name, *n).map(|s| {
                        (
                            s,
                            match n {
                                Some(n) => format!("{name} {n}"),
                                None => (*name).to_owned(),
                            },
                        )
                    })
                })
                .collect();
            hits.sort();
            hits.into_iter().map(|(_, name)| name).collect()
        };
        assert_eq!(found("Westentor"), ["Westentor"]);
        assert_eq!(found("westen"), ["Westentor"]);
        assert_eq!(
            found("Westentro"),
            ["Westentor"],
            "a swapped pair of letters"
        );
        assert_eq!(found("sudstr 12a"), ["Südstraße 12a"]);
        assert_eq!(found("Südstr. 12 A"), ["Südstraße 12a"]);
        assert_eq!(
            found("suedstrasse 12"),
            ["Südstraße 12"],
            "ue for ü is a typo away"
        );
        assert_eq!(
            found("südstraße"),
            ["Südstraße", "Südstraße 12", "Südstraße 12a"],
            "the street before its addresses"
        );
        assert_eq!(found("hauptbahnhof hamm"), ["Hamm (Westf) Hauptbahnhof"]);
        assert_eq!(found("weststr 3"), ["Weststraße 3"]);
        assert!(found("Bahnhofstraße 3").is_empty());
        assert!(found("xy").is_empty());
    }

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("westentor", "westentor"), 0);
        assert_eq!(distance("westentro", "westentor"), 2);
        assert_eq!(distance("suedstr", "sudstr"), 1);
        assert_eq!(distance("", "abc"), 3);
    }
}
