//! The UI language: German by default, English on request. Chosen once when the app starts,
//! from `?sprache=en|de` in the URL (remembered on the device) or what the device remembered;
//! switching reloads the page in the other language.

use std::cell::Cell;

const KEY: &str = "lagebild.sprache";
const PARAM: &str = "sprache";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    De,
    En,
}

impl Lang {
    fn parse(s: &str) -> Option<Lang> {
        match s {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    /// The locale for dates and numbers.
    pub fn locale(self) -> &'static str {
        match self {
            Lang::De => "de-DE",
            Lang::En => "en-GB",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        }
    }
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::De) };
}

/// The language of this page.
pub fn lang() -> Lang {
    CURRENT.with(Cell::get)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn from_url() -> Option<Lang> {
    let search = web_sys::window()?.location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    Lang::parse(&params.get(PARAM)?)
}

/// Chooses the language for this page and marks the document with it.
pub fn init() {
    let chosen = from_url()
        .inspect(|l| {
            if let Some(s) = storage() {
                let _ = s.set_item(KEY, l.code());
            }
        })
        .or_else(|| Lang::parse(&storage()?.get_item(KEY).ok()??))
        .unwrap_or(Lang::De);
    CURRENT.with(|c| c.set(chosen));
    if let Some(html) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = html.set_attribute("lang", chosen.code());
    }
}

/// Reloads the page in `to`, keeping the path and the view in the URL.
pub fn switch(to: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, to.code());
    }
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else {
        return;
    };
    params.set(PARAM, to.code());
    let _ = location.set_search(&String::from(params.to_string()));
}
