//! What all stored items share: a kind, an id and a version, a geometry, an owner, and how
//! they are filtered and turned into GeoJSON features.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject};
use jiff::Timestamp;
use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::{
    AgencyKey, DistrictKey,
    action::{Action, ActionStatus},
    context::Context,
    hotspot::Hotspot,
    incident::Incident,
    names::UnknownName,
    route::PatrolRoute,
    validation::FieldError,
};

string_enum! {
    /// The layers of the picture. A new kind is a variant here, a model type implementing
    /// [`Item`], and whatever the compiler then asks for.
    ItemKind { Hotspot = "hotspot", Route = "route", Action = "action", Incident = "incident" }
}

impl ItemKind {
    /// Do planners of the agencies taking part edit items of this kind (within
    /// [`Item::owner_only_change`])? Actions: yes. A route's other agencies walk it; they do
    /// not edit it. A hotspot has no participants.
    pub fn participants_edit(self) -> bool {
        match self {
            ItemKind::Action => true,
            ItemKind::Hotspot | ItemKind::Route | ItemKind::Incident => false,
        }
    }

    /// Do officers create items of this kind (report them from the street)? Incidents: yes.
    /// Changing and deleting stay with planners and admins.
    pub fn officers_create(self) -> bool {
        match self {
            ItemKind::Incident => true,
            ItemKind::Hotspot | ItemKind::Route | ItemKind::Action => false,
        }
    }

    /// Do wall displays (which see aggregates) get single items of this kind? Incidents: no,
    /// only counts per cell and district.
    pub fn displays_see_items(self) -> bool {
        match self {
            ItemKind::Hotspot | ItemKind::Route | ItemKind::Action => true,
            ItemKind::Incident => false,
        }
    }
}

/// Something done with the item type of a kind: [`ItemKind::with_type`] calls `visit` with
/// the type that implements [`Item`] for it. The one place that maps kinds to types.
pub trait ForKind {
    type Output;
    fn visit<T: Item>(self) -> Self::Output;
}

impl ItemKind {
    /// `f` with this kind's item type.
    pub fn with_type<F: ForKind>(self, f: F) -> F::Output {
        match self {
            ItemKind::Hotspot => f.visit::<Hotspot>(),
            ItemKind::Route => f.visit::<PatrolRoute>(),
            ItemKind::Action => f.visit::<Action>(),
            ItemKind::Incident => f.visit::<Incident>(),
        }
    }
}

/// An item as stored: its id, its version (raised by every change), and the item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored<T> {
    pub id: i64,
    pub version: i64,
    pub updated_at: Timestamp,
    #[serde(flatten)]
    pub item: T,
}

/// Filters of a map layer; all given conditions must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LayerQuery {
    pub district: Option<DistrictKey>,
    pub agency: Option<AgencyKey>,
    /// Hotspot category, route occasion, action kind or incident category (by its wire name).
    pub kind: Option<String>,
    /// Only for actions.
    pub status: Option<ActionStatus>,
    /// `[from, to)`: active (hotspots), scheduled (routes) or taking place (actions).
    pub window: Option<(Timestamp, Timestamp)>,
}

impl LayerQuery {
    /// The query string's parameters that ask the layer endpoints for this filter, in the
    /// order the server documents them; none for the unfiltered layer.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(d) = self.district {
            pairs.push(("district", d.as_str().to_owned()));
        }
        if let Some(a) = &self.agency {
            pairs.push(("agency", a.as_str().to_owned()));
        }
        if let Some(k) = &self.kind {
            pairs.push(("kind", k.clone()));
        }
        if let Some(s) = self.status {
            pairs.push(("status", s.as_str().to_owned()));
        }
        if let Some((from, to)) = self.window {
            pairs.push(("from", from.to_string()));
            pairs.push(("to", to.to_string()));
        }
        pairs
    }

    /// [`pairs`](Self::pairs) as layer `T` reads them: the kind filter under its own name
    /// (`category` for incidents).
    pub fn pairs_for<T: Item>(&self) -> Vec<(&'static str, String)> {
        self.pairs()
            .into_iter()
            .map(|(name, value)| match name {
                "kind" => (T::KIND_FILTER, value),
                _ => (name, value),
            })
            .collect()
    }
}

pub trait Item: Clone + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static {
    const KIND: ItemKind;
    /// The JSON field that holds the geometry.
    const GEOMETRY_FIELD: &'static str;
    /// The JSON field that names the owning agency.
    const OWNER_FIELD: &'static str;
    /// The query parameter that filters the layer by [`LayerQuery::kind`].
    const KIND_FILTER: &'static str = "kind";

    /// Checks the input and fills derived fields.
    fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>>;
    fn geometry(&self) -> Option<&Geometry>;
    fn owner(&self) -> &AgencyKey;
    /// Agencies the owner released the item to.
    fn released_to(&self) -> &[AgencyKey];
    /// Does `agency` take part (walks the route, leads or joins the action)? The owner does.
    fn takes_part(&self, agency: &AgencyKey) -> bool;
    /// The first field (its JSON name) that differs between `self` and `after` and that only
    /// the owner may change; `None` if a participant may make this change. Only asked where
    /// [`ItemKind::participants_edit`] holds.
    fn owner_only_change(&self, after: &Self) -> Option<&'static str>;
    /// The ids of items of `kind` this item links to.
    fn links(&self, kind: ItemKind) -> &[i64];
    /// Adds the links to `ids` of `kind` it does not have yet (a writer keeps the links to
    /// items it cannot see). Items that link to nothing ignore it.
    fn keep_links(&mut self, kind: ItemKind, ids: &[i64]);
    /// May `agency` see it at all: the owner, those taking part, and those it is released to.
    fn visible_to(&self, agency: &AgencyKey) -> bool {
        self.owner() == agency || self.takes_part(agency) || self.released_to().contains(agency)
    }
    /// Which of `agencies` may see it.
    fn audience(&self, agencies: &[AgencyKey]) -> Vec<AgencyKey> {
        agencies
            .iter()
            .filter(|a| self.visible_to(a))
            .cloned()
            .collect()
    }
    fn matches(&self, q: &LayerQuery) -> bool;
    /// Is `name` a valid `kind` filter for this layer?
    fn check_kind(name: &str) -> Result<(), UnknownName>;
}

impl Item for Hotspot {
    const KIND: ItemKind = ItemKind::Hotspot;
    const GEOMETRY_FIELD: &'static str = "geometry";
    const OWNER_FIELD: &'static str = "agency";

    fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        Hotspot::prepare(self, ctx)
    }
    fn geometry(&self) -> Option<&Geometry> {
        Some(&self.geometry)
    }
    fn owner(&self) -> &AgencyKey {
        &self.agency
    }
    fn released_to(&self) -> &[AgencyKey] {
        &self.released_to
    }
    fn takes_part(&self, agency: &AgencyKey) -> bool {
        self.agency == *agency
    }
    fn owner_only_change(&self, _: &Self) -> Option<&'static str> {
        None
    }
    fn links(&self, _: ItemKind) -> &[i64] {
        &[]
    }
    fn keep_links(&mut self, _: ItemKind, _: &[i64]) {}
    fn check_kind(name: &str) -> Result<(), UnknownName> {
        name.parse::<crate::hotspot::HotspotCategory>().map(|_| ())
    }
    fn matches(&self, q: &LayerQuery) -> bool {
        q.district.is_none_or(|d| self.district == Some(d))
            && q.agency.as_ref().is_none_or(|a| self.agency == *a)
            && q.kind
                .as_deref()
                .is_none_or(|k| self.category.as_str() == k)
            && q.window.is_none_or(|(f, t)| self.is_active_within(f, t))
    }
}

impl Item for PatrolRoute {
    const KIND: ItemKind = ItemKind::Route;
    const GEOMETRY_FIELD: &'static str = "geometry";
    const OWNER_FIELD: &'static str = "agency";

    fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        PatrolRoute::prepare(self, ctx)
    }
    fn geometry(&self) -> Option<&Geometry> {
        Some(&self.geometry)
    }
    fn owner(&self) -> &AgencyKey {
        &self.agency
    }
    fn released_to(&self) -> &[AgencyKey] {
        &self.released_to
    }
    fn takes_part(&self, agency: &AgencyKey) -> bool {
        self.agency == *agency || self.agencies.contains(agency)
    }
    fn owner_only_change(&self, _: &Self) -> Option<&'static str> {
        None
    }
    fn links(&self, _: ItemKind) -> &[i64] {
        &[]
    }
    fn keep_links(&mut self, _: ItemKind, _: &[i64]) {}
    fn check_kind(name: &str) -> Result<(), UnknownName> {
        name.parse::<crate::route::Occasion>().map(|_| ())
    }
    fn matches(&self, q: &LayerQuery) -> bool {
        q.district.is_none_or(|d| self.districts.contains(&d))
            && q.agency.as_ref().is_none_or(|a| self.agencies.contains(a))
            && q.kind
                .as_deref()
                .is_none_or(|k| self.occasion.as_str() == k)
            && q.window.is_none_or(|(f, t)| self.is_scheduled_within(f, t))
    }
}

impl Item for Action {
    const KIND: ItemKind = ItemKind::Action;
    const GEOMETRY_FIELD: &'static str = "place";
    const OWNER_FIELD: &'static str = "lead_agency";

    fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        Action::prepare(self, ctx)
    }
    fn geometry(&self) -> Option<&Geometry> {
        self.place.as_ref()
    }
    fn owner(&self) -> &AgencyKey {
        &self.lead_agency
    }
    fn released_to(&self) -> &[AgencyKey] {
        &self.released_to
    }
    fn takes_part(&self, agency: &AgencyKey) -> bool {
        self.involves(agency)
    }
    fn owner_only_change(&self, after: &Self) -> Option<&'static str> {
        Action::owner_only_change(self, after)
    }
    fn links(&self, kind: ItemKind) -> &[i64] {
        match kind {
            ItemKind::Hotspot => &self.hotspots,
            ItemKind::Route => &self.routes,
            ItemKind::Action | ItemKind::Incident => &[],
        }
    }
    fn keep_links(&mut self, kind: ItemKind, ids: &[i64]) {
        let links = match kind {
            ItemKind::Hotspot => &mut self.hotspots,
            ItemKind::Route => &mut self.routes,
            ItemKind::Action | ItemKind::Incident => return,
        };
        for id in ids {
            if !links.contains(id) {
                links.push(*id);
            }
        }
    }
    fn check_kind(name: &str) -> Result<(), UnknownName> {
        name.parse::<crate::action::ActionKind>().map(|_| ())
    }
    fn matches(&self, q: &LayerQuery) -> bool {
        q.district.is_none_or(|d| self.district == Some(d))
            && q.agency.as_ref().is_none_or(|a| self.involves(a))
            && q.kind.as_deref().is_none_or(|k| self.kind.as_str() == k)
            && q.status.is_none_or(|s| self.status == s)
            && q.window.is_none_or(|(f, t)| self.overlaps(f, t))
    }
}

impl Item for Incident {
    const KIND: ItemKind = ItemKind::Incident;
    const GEOMETRY_FIELD: &'static str = "geometry";
    const OWNER_FIELD: &'static str = "agency";
    const KIND_FILTER: &'static str = "category";

    fn prepare(&mut self, ctx: &Context) -> Result<(), Vec<FieldError>> {
        Incident::prepare(self, ctx)
    }
    fn geometry(&self) -> Option<&Geometry> {
        Some(&self.geometry)
    }
    fn owner(&self) -> &AgencyKey {
        &self.agency
    }
    fn released_to(&self) -> &[AgencyKey] {
        &self.released_to
    }
    fn takes_part(&self, agency: &AgencyKey) -> bool {
        self.agency == *agency
    }
    fn owner_only_change(&self, _: &Self) -> Option<&'static str> {
        None
    }
    fn links(&self, _: ItemKind) -> &[i64] {
        &[]
    }
    fn keep_links(&mut self, _: ItemKind, _: &[i64]) {}
    fn check_kind(name: &str) -> Result<(), UnknownName> {
        name.parse::<crate::incident::IncidentCategory>()
            .map(|_| ())
    }
    fn matches(&self, q: &LayerQuery) -> bool {
        q.district.is_none_or(|d| self.district == Some(d))
            && q.agency.as_ref().is_none_or(|a| self.agency == *a)
            && q.kind
                .as_deref()
                .is_none_or(|k| self.category.as_str() == k)
            && q.window.is_none_or(|(f, t)| self.within(f, t))
    }
}

/// A stored item as a GeoJSON Feature: the geometry goes to `geometry`, everything else
/// (with `id`, `version`, `kind`) to `properties`.
pub fn to_feature<T: Item>(stored: &Stored<T>) -> Feature {
    let mut properties = match serde_json::to_value(stored) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => JsonObject::new(),
    };
    properties.remove(T::GEOMETRY_FIELD);
    properties.insert("kind_of_item".into(), T::KIND.as_str().into());
    Feature {
        bbox: None,
        geometry: stored.item.geometry().cloned(),
        id: Some(geojson::feature::Id::Number(stored.id.into())),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// The inverse of [`to_feature`].
pub fn from_feature<T: Item>(feature: &Feature) -> Result<Stored<T>, serde_json::Error> {
    let mut properties = feature.properties.clone().unwrap_or_default();
    properties.remove("kind_of_item");
    if let Some(g) = &feature.geometry {
        properties.insert(T::GEOMETRY_FIELD.into(), serde_json::to_value(g)?);
    }
    serde_json::from_value(serde_json::Value::Object(properties))
}

/// The items that match `q`, as a FeatureCollection.
pub fn layer<'a, T: Item>(
    items: impl IntoIterator<Item = &'a Stored<T>>,
    q: &LayerQuery,
) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: items
            .into_iter()
            .filter(|s| s.item.matches(q))
            .map(to_feature)
            .collect(),
        foreign_members: None,
    }
}
