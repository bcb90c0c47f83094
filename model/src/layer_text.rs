//! A layer as JSON text and back, without building it as GeoJSON values in between: the same
//! FeatureCollection of [`to_feature`]s, written and read straight from the items. For a layer
//! of many items the values in between are most of the work (the server writes the answer,
//! the app reads it in WebAssembly).

use serde::{
    Deserialize, Serialize, Serializer,
    ser::{Error as _, Impossible, SerializeMap, SerializeStruct},
};
use serde_json::value::RawValue;

#[cfg(doc)]
use crate::item::to_feature;
use crate::item::{Item, LayerQuery, Stored};

/// The items that match `q`, as the text of a FeatureCollection of [`to_feature`]s.
pub fn layer_text<'a, T: Item>(
    items: impl IntoIterator<Item = &'a Stored<T>>,
    q: &LayerQuery,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    for (i, stored) in items.into_iter().filter(|s| s.item.matches(q)).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &FeatureOut(stored))?;
    }
    out.extend_from_slice(b"]}");
    // serde_json writes UTF-8 only.
    String::from_utf8(out).map_err(serde_json::Error::custom)
}

/// The items of a layer's text (a FeatureCollection of [`to_feature`]s): each feature's geometry
/// and properties are taken as they stand in the text and read into the item at once. The
/// stored fields (id, version, time) and the item are read in two passes over the properties
/// rather than through `Stored`'s flattening, which would first copy every field into an
/// intermediate form; an item ignores fields it does not know, so both see the same object.
pub fn from_layer_text<T: Item>(text: &str) -> Result<Vec<Stored<T>>, serde_json::Error> {
    #[derive(Deserialize)]
    struct Collection<'a> {
        #[serde(borrow)]
        features: Vec<RawFeature<'a>>,
    }
    #[derive(Deserialize)]
    struct RawFeature<'a> {
        #[serde(borrow, default)]
        geometry: Option<&'a RawValue>,
        #[serde(borrow, default)]
        properties: Option<&'a RawValue>,
    }

    #[derive(Deserialize)]
    struct Meta {
        id: i64,
        version: i64,
        updated_at: jiff::Timestamp,
    }

    let collection: Collection = serde_json::from_str(text)?;
    let mut object = String::new();
    collection
        .features
        .iter()
        .map(|f| {
            // The properties object with the geometry put back under the item's own field.
            let properties = f.properties.map_or("{}", |p| p.get().trim());
            let rest = properties
                .strip_prefix('{')
                .ok_or_else(|| serde_json::Error::custom("feature properties must be an object"))?;
            object.clear();
            object.push('{');
            if let Some(g) = f.geometry.map(|g| g.get()).filter(|g| g.trim() != "null") {
                object.push('"');
                object.push_str(T::GEOMETRY_FIELD);
                object.push_str("\":");
                object.push_str(g);
                if !rest.trim_start().starts_with('}') {
                    object.push(',');
                }
            }
            object.push_str(rest);
            let meta: Meta = serde_json::from_str(&object)?;
            Ok(Stored {
                id: meta.id,
                version: meta.version,
                updated_at: meta.updated_at,
                item: serde_json::from_str(&object)?,
            })
        })
        .collect()
}

/// A stored item written as its feature.
struct FeatureOut<'a, T>(&'a Stored<T>);

impl<T: Item> Serialize for FeatureOut<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut f = s.serialize_struct("Feature", 4)?;
        f.serialize_field("type", "Feature")?;
        f.serialize_field("geometry", &self.0.item.geometry())?;
        f.serialize_field("id", &self.0.id)?;
        f.serialize_field("properties", &Properties(self.0))?;
        f.end()
    }
}

/// A stored item's fields but its geometry, and its kind as `kind_of_item`.
struct Properties<'a, T>(&'a Stored<T>);

impl<T: Item> Serialize for Properties<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(WithoutField {
            inner: s,
            skip: T::GEOMETRY_FIELD,
            kind: T::KIND.as_str(),
        })
    }
}

/// Passes an object (a map or struct) on to `inner` without its field `skip`, and with
/// `kind_of_item` added; anything but an object is an error.
struct WithoutField<S> {
    inner: S,
    skip: &'static str,
    kind: &'static str,
}

/// Fails for all but objects.
macro_rules! not_an_object {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(S::Error::custom("an item must be written as an object"))
        })*
    };
}

impl<S: Serializer> Serializer for WithoutField<S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Impossible<S::Ok, S::Error>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = SkipMap<S::SerializeMap>;
    type SerializeStruct = SkipMap<S::SerializeMap>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        Ok(SkipMap {
            inner: self.inner.serialize_map(None)?,
            skip: self.skip,
            kind: self.kind,
            skipping: false,
        })
    }
    fn serialize_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        self.serialize_map(Some(len))
    }

    not_an_object! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    }
    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        Err(S::Error::custom("an item must be written as an object"))
    }
}

/// The object being written, leaving out one field.
struct SkipMap<M> {
    inner: M,
    skip: &'static str,
    kind: &'static str,
    /// The last key was `skip`: its value is left out too.
    skipping: bool,
}

impl<M: SerializeMap> SerializeMap for SkipMap<M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_key<K: ?Sized + Serialize>(&mut self, key: &K) -> Result<(), M::Error> {
        self.skipping = key.serialize(IsKey(self.skip)).unwrap_or(false);
        if self.skipping {
            return Ok(());
        }
        self.inner.serialize_key(key)
    }
    fn serialize_value<V: ?Sized + Serialize>(&mut self, value: &V) -> Result<(), M::Error> {
        if std::mem::take(&mut self.skipping) {
            return Ok(());
        }
        self.inner.serialize_value(value)
    }
    fn end(mut self) -> Result<M::Ok, M::Error> {
        self.inner.serialize_entry("kind_of_item", self.kind)?;
        self.inner.end()
    }
}

impl<M: SerializeMap> SerializeStruct for SkipMap<M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_field<V: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), M::Error> {
        if key == self.skip {
            return Ok(());
        }
        self.inner.serialize_entry(key, value)
    }
    fn end(self) -> Result<M::Ok, M::Error> {
        SerializeMap::end(self)
    }
}

/// Whether a map key is the string it holds; any other key is not.
struct IsKey(&'static str);

/// Not a string key: not the one looked for.
macro_rules! not_the_key {
    ($($method:ident($($arg:ty),*)),* $(,)?) => {
        $(fn $method(self, $(_: $arg),*) -> Result<bool, NotAKey> { Ok(false) })*
    };
}

/// The error type of [`IsKey`]; it never fails.
#[derive(Debug)]
struct NotAKey;

impl std::fmt::Display for NotAKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a key")
    }
}

impl std::error::Error for NotAKey {}

impl serde::ser::Error for NotAKey {
    fn custom<E: std::fmt::Display>(_: E) -> Self {
        NotAKey
    }
}

impl Serializer for IsKey {
    type Ok = bool;
    type Error = NotAKey;
    type SerializeSeq = Impossible<bool, NotAKey>;
    type SerializeTuple = Impossible<bool, NotAKey>;
    type SerializeTupleStruct = Impossible<bool, NotAKey>;
    type SerializeTupleVariant = Impossible<bool, NotAKey>;
    type SerializeMap = Impossible<bool, NotAKey>;
    type SerializeStruct = Impossible<bool, NotAKey>;
    type SerializeStructVariant = Impossible<bool, NotAKey>;

    fn serialize_str(self, v: &str) -> Result<bool, NotAKey> {
        Ok(v == self.0)
    }
    not_the_key! {
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_bytes(&[u8]), serialize_none(), serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    }
    fn serialize_some<V: ?Sized + Serialize>(self, _: &V) -> Result<bool, NotAKey> {
        Ok(false)
    }
    fn serialize_newtype_struct<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &V,
    ) -> Result<bool, NotAKey> {
        Ok(false)
    }
    fn serialize_newtype_variant<V: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &V,
    ) -> Result<bool, NotAKey> {
        Ok(false)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotAKey> {
        Err(NotAKey)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotAKey> {
        Err(NotAKey)
    }
}
