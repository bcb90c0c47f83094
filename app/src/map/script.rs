//! Loading a library's script (and style) on demand, once: what only some screens need
//! (drawing, vector base maps) is not in every page's first load.

use wasm_bindgen::JsCast;

/// Whether `window.<path[0]>.<path[1]>…` exists.
fn defined(path: &[&str]) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let mut value: wasm_bindgen::JsValue = window.into();
    for key in path {
        match js_sys::Reflect::get(&value, &(*key).into()) {
            Ok(v) if !v.is_undefined() && !v.is_null() => value = v,
            _ => return false,
        }
    }
    true
}

/// Loads `script` (and `style`) unless `global` is defined already; resolves when the script
/// has run.
pub async fn load(script: &str, style: Option<&str>, global: &[&str]) -> Result<(), String> {
    if defined(global) {
        return Ok(());
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let head = document.head().ok_or("no head")?;
    if let Some(style) = style {
        let link: web_sys::HtmlLinkElement = document
            .create_element("link")
            .map_err(|_| "cannot create <link>")?
            .unchecked_into();
        link.set_rel("stylesheet");
        link.set_href(style);
        let _ = head.append_child(&link);
    }
    let element: web_sys::HtmlScriptElement = document
        .create_element("script")
        .map_err(|_| "cannot create <script>")?
        .unchecked_into();
    element.set_src(script);
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        element.set_onload(Some(&resolve));
        element.set_onerror(Some(&reject));
    });
    head.append_child(&element)
        .map_err(|_| format!("cannot add {script}"))?;
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .map(|_| ())
        .map_err(|_| format!("{script} did not load"))
}
