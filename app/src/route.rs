//! The app's URLs: `/` shows the whole city, `/bezirk/<key>` one district.

use model::DistrictKey;

/// What a path asks the app to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    City,
    District(DistrictKey),
    /// A path the app does not know, or a district key that does not exist.
    NotFound,
}

impl View {
    /// Reads a location's path.
    pub fn parse(path: &str) -> View {
        let trimmed = path.trim_end_matches('/');
        if trimmed.is_empty() {
            return View::City;
        }
        match trimmed.strip_prefix("/bezirk/") {
            Some(key) => key.parse().map_or(View::NotFound, View::District),
            None => View::NotFound,
        }
    }

    /// The path that shows this view.
    pub fn path(self) -> String {
        match self {
            View::City | View::NotFound => "/".to_owned(),
            View::District(key) => format!("/bezirk/{key}"),
        }
    }

    pub fn district(self) -> Option<DistrictKey> {
        match self {
            View::District(key) => Some(key),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_shows_the_city() {
        assert_eq!(View::parse("/"), View::City);
        assert_eq!(View::parse(""), View::City);
    }

    #[test]
    fn a_district_path_selects_that_district() {
        assert_eq!(
            View::parse("/bezirk/bockum-hoevel"),
            View::District(DistrictKey::BockumHoevel)
        );
        assert_eq!(
            View::parse("/bezirk/heessen/"),
            View::District(DistrictKey::Heessen)
        );
    }

    #[test]
    fn unknown_paths_and_keys_are_not_found() {
        assert_eq!(View::parse("/bezirk/altstadt"), View::NotFound);
        assert_eq!(View::parse("/irgendwas"), View::NotFound);
    }

    #[test]
    fn paths_round_trip() {
        for key in DistrictKey::ALL {
            let view = View::District(key);
            assert_eq!(View::parse(&view.path()), view);
        }
        assert_eq!(View::City.path(), "/");
    }
}
