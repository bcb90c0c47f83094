//! The layers as kept in memory: one typed slot per item kind, holding the layer of the
//! generation it was read at ([`crate::picture::kept`] fills them). A kind is registered here
//! once, by implementing [`KeptKind`]: every endpoint, analysis and export of a kind asks for
//! it, so the compiler finds a kind that is not.

use std::sync::Arc;

use model::{
    Action, Hotspot, Incident, Item, LayerQuery, PatrolRoute, Stored,
    layer_text::{collection_text, feature_text},
};

use crate::store::{self, StoreError};

/// A layer as read from the database once per change and kept in memory: its items, each
/// item's feature as text (a filtered answer is put together from them, not written anew),
/// and the agency keys (for checking `agency=`).
pub struct Layer<T> {
    items: Vec<Stored<T>>,
    features: Vec<Box<str>>,
    agencies: Vec<model::AgencyKey>,
}

impl<T: Item> Layer<T> {
    /// Reads the layer and the agencies, and writes each item's feature.
    pub fn read(conn: &crate::sql::Tx) -> Result<Layer<T>, StoreError> {
        let agencies = store::agencies(conn)?.into_iter().map(|a| a.key).collect();
        let items = store::list::<T>(conn)?;
        let features = items
            .iter()
            .map(feature_text)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StoreError::Db(crate::db::DbError::Corrupt(e.to_string())))?;
        Ok(Layer {
            items,
            features,
            agencies,
        })
    }

    /// The agencies there are (for checking `agency=`).
    pub fn agencies(&self) -> &[model::AgencyKey] {
        &self.agencies
    }

    /// The items released to `agency` (see [`Item::visible_to`]), oldest first.
    pub fn released_to(&self, agency: &model::AgencyKey) -> Vec<&Stored<T>> {
        self.items
            .iter()
            .filter(|s| s.item.visible_to(agency))
            .collect()
    }

    /// The items released to `agency` that `q` selects.
    pub fn selected_items<'a>(
        &'a self,
        agency: &'a model::AgencyKey,
        q: &'a LayerQuery,
    ) -> impl Iterator<Item = &'a Stored<T>> {
        self.selected(agency, q).map(|(s, _)| s)
    }

    /// The items released to `agency` that `q` selects, each with its feature's text.
    /// Releasability is applied here, per request, before anything is kept or sent.
    pub fn selected<'a>(
        &'a self,
        agency: &'a model::AgencyKey,
        q: &'a LayerQuery,
    ) -> impl Iterator<Item = (&'a Stored<T>, &'a str)> {
        self.items
            .iter()
            .zip(self.features.iter().map(|f| &**f))
            .filter(move |(s, _)| s.item.visible_to(agency) && s.item.matches(q))
    }

    /// What [`Layer::selected`] selects as a FeatureCollection's text, and how many.
    pub fn text(&self, agency: &model::AgencyKey, q: &LayerQuery) -> (usize, String) {
        let mut count = 0;
        let text = collection_text(self.selected(agency, q).map(|(_, feature)| {
            count += 1;
            feature
        }));
        (count, text)
    }
}

/// One kind's kept layer and the generation it was read at. An async lock: the first request
/// after a change reads the layer, the ones arriving meanwhile wait for it rather than read
/// it again.
pub type Slot<T> = tokio::sync::Mutex<Option<(u64, Arc<Layer<T>>)>>;

/// Every kind's slot.
#[derive(Default)]
pub struct Kept {
    hotspots: Slot<Hotspot>,
    routes: Slot<PatrolRoute>,
    actions: Slot<Action>,
    incidents: Slot<Incident>,
}

/// An item kind the server keeps in memory: where its slot is.
pub trait KeptKind: Item {
    fn slot(kept: &Kept) -> &Slot<Self>;
}

impl KeptKind for Hotspot {
    fn slot(kept: &Kept) -> &Slot<Self> {
        &kept.hotspots
    }
}

impl KeptKind for PatrolRoute {
    fn slot(kept: &Kept) -> &Slot<Self> {
        &kept.routes
    }
}

impl KeptKind for Action {
    fn slot(kept: &Kept) -> &Slot<Self> {
        &kept.actions
    }
}

impl KeptKind for Incident {
    fn slot(kept: &Kept) -> &Slot<Self> {
        &kept.incidents
    }
}
