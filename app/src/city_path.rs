//! The app's URLs: `/` shows the whole city, `/bezirk/<key>` one district.

use model::DistrictKey;

/// What a path asks the app to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CityPath {
    City,
    District(DistrictKey),
    /// A path the app does not know, or a district key that does not exist.
    NotFound,
}

impl CityPath {
    /// Reads a location's path.
    pub fn parse(path: &str) -> CityPath {
        let trimmed = path.trim_end_matches('/');
        if trimmed.is_empty() {
            return CityPath::City;
        }
        match trimmed.strip_prefix("/bezirk/") {
            Some(key) => key.parse().map_or(CityPath::NotFound, CityPath::District),
            None => CityPath::NotFound,
        }
    }

    /// The path that shows this view.
    pub fn path(self) -> String {
        match self {
            CityPath::City | CityPath::NotFound => "/".to_owned(),
            CityPath::District(key) => format!("/bezirk/{key}"),
        }
    }

    pub fn district(self) -> Option<DistrictKey> {
        match self {
            CityPath::District(key) => Some(key),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_shows_the_city() {
        assert_eq!(CityPath::parse("/"), CityPath::City);
        assert_eq!(CityPath::parse(""), CityPath::City);
    }

    #[test]
    fn a_district_path_selects_that_district() {
        assert_eq!(
            CityPath::parse("/bezirk/bockum-hoevel"),
            CityPath::District(DistrictKey::BockumHoevel)
        );
        assert_eq!(
            CityPath::parse("/bezirk/heessen/"),
            CityPath::District(DistrictKey::Heessen)
        );
    }

    #[test]
    fn unknown_paths_and_keys_are_not_found() {
        assert_eq!(CityPath::parse("/bezirk/altstadt"), CityPath::NotFound);
        assert_eq!(CityPath::parse("/irgendwas"), CityPath::NotFound);
    }

    #[test]
    fn paths_round_trip() {
        for key in DistrictKey::ALL {
            let view = CityPath::District(key);
            assert_eq!(CityPath::parse(&view.path()), view);
        }
        assert_eq!(CityPath::City.path(), "/");
    }
}
