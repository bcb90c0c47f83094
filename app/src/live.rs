//! Live updates: one `EventSource` on `/api/events` per page. Every committed change raises
//! `revision`, which layers and counters read to fetch again. The browser reconnects by
//! itself (the server asks for a 2 s retry); after a reconnect `revision` rises too, so
//! whatever changed while the connection was down is fetched.

use leptos::prelude::*;
use model::api;
use wasm_bindgen::{JsCast, prelude::*};
use web_sys::EventSource;

/// A `Copy` handle to the connection state.
#[derive(Clone, Copy)]
pub struct Live {
    /// `false` while the event stream is down.
    pub connected: ReadSignal<bool>,
    /// Rises with every change and every reconnect.
    pub revision: ReadSignal<u64>,
}

/// Opens the event stream for the current component's lifetime.
pub fn use_live() -> Live {
    let (connected, set_connected) = signal(true);
    let (revision, set_revision) = signal(0u64);
    let source = match EventSource::new(api::EVENTS) {
        Ok(s) => s,
        Err(err) => {
            leptos::logging::error!("cannot open the event stream: {err:?}");
            set_connected.set(false);
            return Live { connected, revision };
        }
    };
    let was_down = StoredValue::new(false);
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        set_connected.set(true);
        if was_down.get_value() {
            set_revision.update(|r| *r += 1);
            was_down.set_value(false);
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        set_connected.set(false);
        was_down.set_value(true);
    });
    let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        set_revision.update(|r| *r += 1);
    });
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    let handles = StoredValue::new_local(Some((source, on_open, on_error, on_change)));
    on_cleanup(move || {
        handles.update_value(|h| {
            if let Some((source, ..)) = h.take() {
                source.close();
            }
        });
    });
    Live { connected, revision }
}
