//! Imported addresses (`server places import`), searchable as streets and as addresses with a
//! house number. Names are folded once when the index is built; a search then scores each
//! street once (there are some 2,000 in Hamm against 50,000 addresses) and looks at the
//! addresses of the streets that match only. Pure logic: the server loads the addresses.

use std::collections::BTreeMap;

use crate::place_search::{PlaceHit, PlaceKind, Query, fold, fold_number};

/// One address as imported: WGS84 `[lon, lat]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub street: String,
    /// The house number with its suffix as written (`12a`); empty for a named place, whose
    /// name is in `street`.
    pub number: String,
    pub postcode: Option<String>,
    pub point: [f64; 2],
}

/// Most addresses one import may hold (North Rhine-Westphalia has some 4 million; a city's
/// list is far below this).
pub const MAX_ADDRESSES: usize = 1_000_000;

/// Longest street name or house number taken, in characters.
pub const MAX_FIELD: usize = 100;

/// The addresses, grouped by street and postcode.
#[derive(Debug, Clone, Default)]
pub struct AddressIndex {
    streets: Vec<Street>,
    len: usize,
    /// Whose data the addresses are (shown with each result).
    attribution: Option<String>,
}

#[derive(Debug, Clone)]
struct Street {
    name: String,
    folded: String,
    postcode: Option<String>,
    /// The street's address nearest the mean of its addresses: on the street.
    point: [f64; 2],
    houses: Vec<House>,
}

#[derive(Debug, Clone)]
struct House {
    folded: String,
    number: String,
    point: [f64; 2],
}

impl AddressIndex {
    /// The index of `addresses`, whose results name `attribution`.
    pub fn new(addresses: Vec<Address>, attribution: Option<String>) -> AddressIndex {
        let len = addresses.len();
        let mut groups: BTreeMap<(String, Option<String>), Street> = BTreeMap::new();
        for a in addresses {
            let folded = fold(&a.street);
            let street = groups
                .entry((folded.clone(), a.postcode.clone()))
                .or_insert_with(|| Street {
                    name: a.street.clone(),
                    folded,
                    postcode: a.postcode.clone(),
                    point: a.point,
                    houses: Vec::new(),
                });
            if !a.number.is_empty() {
                street.houses.push(House {
                    folded: fold_number(&a.number),
                    number: a.number,
                    point: a.point,
                });
            }
        }
        let mut streets: Vec<Street> = groups.into_values().collect();
        for s in &mut streets {
            s.houses.sort_by(|a, b| house_order(&a.folded, &b.folded));
            let n = s.houses.len() as f64;
            let mean = s.houses.iter().fold([0.0, 0.0], |m, h| {
                [m[0] + h.point[0] / n, m[1] + h.point[1] / n]
            });
            let d = |p: &[f64; 2]| (p[0] - mean[0]).powi(2) + (p[1] - mean[1]).powi(2);
            if let Some(h) = s
                .houses
                .iter()
                .min_by(|a, b| d(&a.point).total_cmp(&d(&b.point)))
            {
                s.point = h.point;
            }
        }
        AddressIndex {
            streets,
            len,
            attribution,
        }
    }

    /// How many addresses it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many streets (by name and postcode) it holds.
    pub fn streets(&self) -> usize {
        self.streets.len()
    }

    /// The best `limit` streets and addresses matching `query`, scored as [`Query::score`]
    /// does (ties by name): a query with a house number finds that address of each matching
    /// street, one without finds the streets. Names are written for those kept only: a short
    /// prefix may match most of the city's streets.
    pub fn search(&self, query: &Query, limit: usize) -> Vec<(u32, PlaceHit)> {
        // The street's name is matched by the words alone.
        let street_query = Query {
            words: query.words.clone(),
            number: None,
        };
        let mut found: Vec<(u32, usize, Option<usize>)> = Vec::new();
        for (i, s) in self.streets.iter().enumerate() {
            let Some(score) = street_query.score_folded(&s.folded, None) else {
                continue;
            };
            match &query.number {
                None => found.push((score, i, None)),
                Some(number) => {
                    for (h, house) in s.houses.iter().enumerate() {
                        if &house.folded == number
                            && let Some(score) = query.score_folded(&s.folded, Some(&house.folded))
                        {
                            found.push((score, i, Some(h)));
                        }
                    }
                }
            }
        }
        let order = |a: &(u32, usize, Option<usize>), b: &(u32, usize, Option<usize>)| {
            let (sa, sb) = (&self.streets[a.1], &self.streets[b.1]);
            (a.0, &sa.name, &sa.postcode, a.2).cmp(&(b.0, &sb.name, &sb.postcode, b.2))
        };
        if limit == 0 {
            return Vec::new();
        }
        if found.len() > limit {
            found.select_nth_unstable_by(limit - 1, order);
            found.truncate(limit);
        }
        found.sort_by(order);
        found
            .into_iter()
            .map(|(score, i, house)| (score, self.hit(i, house)))
            .collect()
    }

    /// The search result for street `i` (or its house `house`).
    fn hit(&self, i: usize, house: Option<usize>) -> PlaceHit {
        let s = &self.streets[i];
        let postcode = s.postcode.as_deref().map(|p| format!(", {p}"));
        let postcode = postcode.as_deref().unwrap_or("");
        match house.and_then(|h| s.houses.get(h)) {
            Some(h) => PlaceHit {
                name: format!("{} {}{postcode}", s.name, h.number),
                kind: PlaceKind::Address,
                point: h.point,
                id: None,
                attribution: self.attribution.clone(),
            },
            None => PlaceHit {
                name: format!("{}{postcode}", s.name),
                kind: if s.houses.is_empty() {
                    PlaceKind::Place
                } else {
                    PlaceKind::Street
                },
                point: s.point,
                id: None,
                attribution: self.attribution.clone(),
            },
        }
    }
}

/// House numbers in the order of the street: by number, then suffix (`2`, `2a`, `10`).
fn house_order(a: &str, b: &str) -> std::cmp::Ordering {
    let split = |s: &str| {
        let digits = s.chars().take_while(char::is_ascii_digit).count();
        (
            s[..digits].parse::<u64>().unwrap_or(u64::MAX),
            s[digits..].to_owned(),
        )
    };
    split(a).cmp(&split(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(street: &str, number: &str, postcode: &str, point: [f64; 2]) -> Address {
        Address {
            street: street.into(),
            number: number.into(),
            postcode: Some(postcode.into()),
            point,
        }
    }

    fn index() -> AddressIndex {
        AddressIndex::new(
            vec![
                address("Südstraße", "12", "59065", [7.8200, 51.6780]),
                address("Südstraße", "12a", "59065", [7.8202, 51.6781]),
                address("Südstraße", "2", "59065", [7.8180, 51.6790]),
                address("Kirchstraße", "1", "59073", [7.8600, 51.6900]),
                address("Kirchstraße", "1", "59069", [7.9000, 51.6400]),
                address("Westentor", "3", "59065", [7.8110, 51.6800]),
                Address {
                    street: "Kurhaus Bad Hamm".into(),
                    number: String::new(),
                    postcode: None,
                    point: [7.8400, 51.6800],
                },
            ],
            Some("© Test".into()),
        )
    }

    impl AddressIndex {
        fn search_all(&self, query: &Query) -> Vec<(u32, PlaceHit)> {
            self.search(query, 50)
        }
    }

    #[test]
    fn only_the_best_are_kept_in_the_order_of_score_and_name() {
        let idx = index();
        let q = Query::parse("str").expect("query");
        // A typed word matches a word's beginning: "str" ends "sudstr" and finds nothing.
        assert!(idx.search(&q, 10).is_empty());
        let q = Query::parse("ki").expect("query");
        let two = idx.search(&q, 2);
        let one = idx.search(&q, 1);
        assert_eq!(two.len(), 2);
        assert_eq!(one, two[..1]);
        assert_eq!(one[0].1.name, "Kirchstraße, 59069");
        assert_eq!(one[0].1.attribution.as_deref(), Some("© Test"));
        assert!(idx.search(&q, 0).is_empty());
    }

    fn names(hits: Vec<(u32, PlaceHit)>) -> Vec<(String, PlaceKind, [f64; 2])> {
        let mut hits = hits;
        hits.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
        hits.into_iter()
            .map(|(_, h)| (h.name, h.kind, h.point))
            .collect()
    }

    #[test]
    fn a_house_number_finds_the_address_and_a_street_alone_the_street() {
        let idx = index();
        assert_eq!(idx.len(), 7);
        assert_eq!(
            idx.streets(),
            5,
            "Kirchstraße in two postcodes is two streets"
        );
        let q = |t: &str| Query::parse(t).expect("query");
        assert_eq!(
            names(idx.search_all(&q("sudstr 12a"))),
            [(
                "Südstraße 12a, 59065".to_owned(),
                PlaceKind::Address,
                [7.8202, 51.6781]
            )]
        );
        assert_eq!(
            names(idx.search_all(&q("Südstr. 12 A"))),
            names(idx.search_all(&q("sudstr 12a")))
        );
        // The street's point is its address nearest the mean (of 7.8194, 51.6784): 12.
        assert_eq!(
            names(idx.search_all(&q("südstrasse"))),
            [(
                "Südstraße, 59065".to_owned(),
                PlaceKind::Street,
                [7.8200, 51.6780]
            )]
        );
        assert_eq!(
            names(idx.search_all(&q("kirchstr 1"))),
            [
                (
                    "Kirchstraße 1, 59069".to_owned(),
                    PlaceKind::Address,
                    [7.9000, 51.6400]
                ),
                (
                    "Kirchstraße 1, 59073".to_owned(),
                    PlaceKind::Address,
                    [7.8600, 51.6900]
                ),
            ]
        );
        assert_eq!(
            names(idx.search_all(&q("kurhaus"))),
            [(
                "Kurhaus Bad Hamm".to_owned(),
                PlaceKind::Place,
                [7.8400, 51.6800]
            )]
        );
        assert!(idx.search_all(&q("kurhaus 1")).is_empty());
        assert!(idx.search_all(&q("sudstr 13")).is_empty());
        assert!(idx.search_all(&q("nordstr")).is_empty());
    }

    #[test]
    fn house_numbers_sort_as_on_the_street() {
        let mut numbers = vec!["10", "2a", "2", "1"];
        numbers.sort_by(|a, b| house_order(a, b));
        assert_eq!(numbers, ["1", "2", "2a", "10"]);
    }
}
