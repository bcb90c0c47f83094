//! `string_enum!`: enums that travel as fixed lowercase strings, with `ALL`, `as_str` and
//! `FromStr`, so query parameters and JSON use the same names.

/// A value that is not one of an enum's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value '{value}': expected one of {expected}")]
pub struct UnknownName {
    pub value: String,
    pub expected: String,
}

#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        // Wire names are the variants in snake_case (said plainly, so schema generators see
        // them); `names_match_the_wire` checks them against the names given here.
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// How many there are.
            pub const COUNT: usize = Self::ALL.len();

            /// Its place in [`Self::ALL`] (for arrays with one entry each).
            pub const fn index(self) -> usize {
                self as usize
            }

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::names::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::names::UnknownName {
                        value: s.to_owned(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    fn check<T: serde::Serialize + Copy>(all: &[T], name: impl Fn(T) -> &'static str) {
        for &v in all {
            assert_eq!(
                serde_json::to_value(v).unwrap(),
                name(v),
                "serde and as_str disagree"
            );
        }
    }

    #[test]
    fn names_match_the_wire() {
        use crate::{action::*, event::ChangeOp, hotspot::*, item::ItemKind, route::Occasion};
        check(HotspotCategory::ALL, HotspotCategory::as_str);
        check(Severity::ALL, Severity::as_str);
        check(Occasion::ALL, Occasion::as_str);
        check(ActionKind::ALL, ActionKind::as_str);
        check(ActionStatus::ALL, ActionStatus::as_str);
        check(WorkingGroup::ALL, WorkingGroup::as_str);
        check(ItemKind::ALL, ItemKind::as_str);
        for (i, k) in ItemKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
        check(ChangeOp::ALL, ChangeOp::as_str);
        check(
            crate::incident::IncidentCategory::ALL,
            crate::incident::IncidentCategory::as_str,
        );
        use crate::alert::{AckReason, CategoryGroup};
        check(CategoryGroup::ALL, CategoryGroup::as_str);
        check(AckReason::ALL, AckReason::as_str);
    }
}
