//! What the app remembers on this device (no personal data): the officer's district.

use model::DistrictKey;

const KEY: &str = "lagebild.bezirk";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn remembered_district() -> Option<DistrictKey> {
    storage()?.get_item(KEY).ok()??.parse().ok()
}

pub fn remember_district(key: DistrictKey) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, key.as_str());
    }
}
