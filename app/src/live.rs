//! Live updates: one `EventSource` on `/api/events` per page. Every committed change raises
//! `revision`, and the revision of its layer ([`Live::of`]): a layer fetches again only when
//! it changed, analyses that read several layers when any did. The browser reconnects by
//! itself after a dropped connection (the server asks for a 2 s retry); where it gives up
//! (`CLOSED`, e.g. after an error status during a restart) a new stream is opened after 3 s.
//! After any reconnect `revision` rises, so whatever changed meanwhile is fetched.

use std::time::Duration;

use leptos::prelude::*;
use model::{
    ItemKind, api,
    event::{ChangeEvent, Subject},
};
use wasm_bindgen::{JsCast, prelude::*};
use web_sys::EventSource;

/// A `Copy` handle to the connection state.
#[derive(Clone, Copy)]
pub struct Live {
    /// `false` while the event stream is down.
    pub connected: ReadSignal<bool>,
    /// Rises with every change and every reconnect.
    pub revision: ReadSignal<u64>,
    /// Per layer ([`ItemKind::index`]): rises with a change to it, a change to the districts
    /// or agencies, and every reconnect.
    kinds: [ReadSignal<u64>; ItemKind::COUNT],
    /// Rises with a new alert, a change to incidents or hotspots (which alerts are made of),
    /// and every reconnect.
    alerts: ReadSignal<u64>,
}

impl Live {
    /// When the alerts may have changed.
    pub fn alerts(&self) -> ReadSignal<u64> {
        self.alerts
    }

    /// The revision of one layer.
    pub fn of(&self, kind: ItemKind) -> ReadSignal<u64> {
        self.kinds[kind.index()]
    }
}

/// What an event is about; an unreadable one may be about anything.
fn about(event: &web_sys::MessageEvent) -> Subject {
    event
        .data()
        .as_string()
        .and_then(|text| serde_json::from_str::<ChangeEvent>(&text).ok())
        .map_or(Subject::Shared, |c| c.subject())
}

type Handlers = (
    EventSource,
    Closure<dyn FnMut(web_sys::Event)>,
    Closure<dyn FnMut(web_sys::Event)>,
    Closure<dyn FnMut(web_sys::MessageEvent)>,
);

/// Opens the event stream for the current component's lifetime.
pub fn use_live() -> Live {
    let (connected, set_connected) = signal(true);
    let (revision, set_revision) = signal(0u64);
    let per_kind: [(ReadSignal<u64>, WriteSignal<u64>); ItemKind::COUNT] =
        std::array::from_fn(|_| signal(0u64));
    let kinds = per_kind.map(|(read, _)| read);
    let set_kinds = per_kind.map(|(_, write)| write);
    let (alerts, set_alerts) = signal(0u64);
    let bump_all = move || {
        set_revision.update(|r| *r += 1);
        set_alerts.update(|r| *r += 1);
        for s in set_kinds {
            s.update(|r| *r += 1);
        }
    };
    let (generation, set_generation) = signal(0u32);
    let was_down = StoredValue::new(false);
    let current = StoredValue::new_local(None::<Handlers>);

    Effect::new(move |_| {
        generation.track();
        current.update_value(|h| {
            if let Some((old, ..)) = h.take() {
                old.close();
            }
        });
        let source = match EventSource::new(api::EVENTS) {
            Ok(s) => s,
            Err(err) => {
                leptos::logging::error!("cannot open the event stream: {err:?}");
                set_connected.set(false);
                return;
            }
        };
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            set_connected.set(true);
            if was_down.get_value() {
                was_down.set_value(false);
                bump_all();
            }
        });
        let closed_source = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            set_connected.set(false);
            was_down.set_value(true);
            if closed_source.ready_state() == EventSource::CLOSED {
                set_timeout(
                    move || set_generation.update(|g| *g += 1),
                    Duration::from_secs(3),
                );
            }
        });
        let on_change =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                match about(&e) {
                    Subject::Layer(kind) => {
                        set_revision.update(|r| *r += 1);
                        set_kinds[kind.index()].update(|r| *r += 1);
                        if matches!(kind, ItemKind::Incident | ItemKind::Hotspot) {
                            set_alerts.update(|r| *r += 1);
                        }
                    }
                    Subject::Alert => set_alerts.update(|r| *r += 1),
                    Subject::Shared => bump_all(),
                }
            });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let _ =
            source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        current.set_value(Some((source, on_open, on_error, on_change)));
    });

    on_cleanup(move || {
        current.update_value(|h| {
            if let Some((source, ..)) = h.take() {
                source.close();
            }
        });
    });
    Live {
        connected,
        revision,
        kinds,
        alerts,
    }
}

/// The last good value of a resource, and whether the latest fetch failed; a failed fetch
/// never blanks what is on screen. The value is copied out of the resource, so a large one is
/// best shared (as [`Items`] are).
pub fn last_good<T: Clone + Send + Sync + 'static>(
    resource: LocalResource<Result<T, crate::api::ApiError>>,
    initial: T,
) -> (ReadSignal<T>, ReadSignal<bool>) {
    let (value, set_value) = signal(initial);
    let (stale, set_stale) = signal(false);
    Effect::new(move |_| match resource.get() {
        Some(Ok(v)) => {
            set_value.set(v);
            set_stale.set(false);
        }
        Some(Err(_)) => set_stale.set(true),
        None => {}
    });
    (value, stale)
}

/// A list fetched again on every change, keeping the last good value when a fetch fails.
pub fn live_list<T, F, Fut>(revision: ReadSignal<u64>, fetch: F) -> Signal<T>
where
    T: Clone + Default + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<T, crate::api::ApiError>> + 'static,
{
    let resource = LocalResource::new(move || {
        revision.track();
        fetch()
    });
    last_good(resource, T::default()).0.into()
}

pub use crate::api::Items;

/// The three live layers, as one `Copy` handle.
#[derive(Clone, Copy)]
pub struct LivePicture {
    pub hotspots: Signal<Items<model::Hotspot>>,
    pub routes: Signal<Items<model::PatrolRoute>>,
    pub actions: Signal<Items<model::Action>>,
}

/// Hotspots, routes and actions, each fetched again when it changed.
pub fn use_picture(live: Live) -> LivePicture {
    use crate::api::items;
    LivePicture {
        hotspots: live_list(live.of(ItemKind::Hotspot), items::<model::Hotspot>),
        routes: live_list(live.of(ItemKind::Route), items::<model::PatrolRoute>),
        actions: live_list(live.of(ItemKind::Action), items::<model::Action>),
    }
}
