//! Lists in request bodies, bounded while they are read: a list longer than its limit is
//! refused at the element past the limit, before the rest is read or any check runs over it
//! (some checks, such as "listed twice", compare every element with every other).
//!
//! Use on a `Vec` field: `#[serde(deserialize_with = "crate::bounded::vec::<20, _, _>")]`.

use std::{fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer,
    de::{self, SeqAccess, Visitor},
};

/// A `Vec<T>` of at most `N` elements.
pub fn vec<'de, const N: usize, T, D>(d: D) -> Result<Vec<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    struct Bounded<const N: usize, T>(PhantomData<T>);

    impl<'de, const N: usize, T: Deserialize<'de>> Visitor<'de> for Bounded<N, T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of at most {N} elements")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(N));
            while let Some(element) = seq.next_element()? {
                if list.len() == N {
                    return Err(de::Error::custom(format!("must list at most {N} elements")));
                }
                list.push(element);
            }
            Ok(list)
        }
    }

    d.deserialize_seq(Bounded::<N, T>(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct Three {
        #[serde(default, deserialize_with = "super::vec::<3, _, _>")]
        list: Vec<u8>,
    }

    #[test]
    fn a_list_over_its_limit_is_refused_at_the_element_past_it() {
        let ok: Three =
            serde_json::from_str(r#"{"list": [1, 2, 3]}"#).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.list, [1, 2, 3]);
        let empty: Three = serde_json::from_str("{}").unwrap_or_else(|e| panic!("{e}"));
        assert!(empty.list.is_empty());
        // The fourth element is refused before the malformed rest is read.
        let err = serde_json::from_str::<Three>(r#"{"list": [1, 2, 3, 4, "x" "#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("must list at most 3 elements"), "{err}");
    }
}
