//! A layer as JSON text and back, without building it as GeoJSON values in between: the same
//! FeatureCollection of [`to_feature`]s, written and read straight from the items. For a layer
//! of many items the values in between are most of the work (the server writes the answer,
//! the app reads it in WebAssembly).

use std::{borrow::Cow, fmt, marker::PhantomData};

use serde::{
    Deserialize, Deserializer, Serialize, Serializer,
    de::{
        self, DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
        value::{BorrowedStrDeserializer, StrDeserializer},
    },
    ser::{Error as _, Impossible, SerializeMap, SerializeStruct},
};
use serde_json::value::RawValue;

#[cfg(doc)]
use crate::item::to_feature;
use crate::item::{Item, LayerQuery, Stored};

/// How a FeatureCollection's text begins, before its first feature.
const COLLECTION_HEAD: &str = r#"{"type":"FeatureCollection","features":["#;
/// How it ends, after its last feature.
const COLLECTION_TAIL: &str = "]}";

/// The items that match `q`, as the text of a FeatureCollection of [`to_feature`]s.
pub fn layer_text<'a, T: Item>(
    items: impl IntoIterator<Item = &'a Stored<T>>,
    q: &LayerQuery,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(COLLECTION_HEAD.as_bytes());
    for (i, stored) in items.into_iter().filter(|s| s.item.matches(q)).enumerate() {
        if i > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &FeatureOut(stored))?;
    }
    out.extend_from_slice(COLLECTION_TAIL.as_bytes());
    // serde_json writes UTF-8 only.
    String::from_utf8(out).map_err(<serde_json::Error as serde::ser::Error>::custom)
}

/// One item as the text of its [`to_feature`], to be put into a collection with
/// [`collection_text`] (which then equals [`layer_text`] of those items).
pub fn feature_text<T: Item>(stored: &Stored<T>) -> Result<Box<str>, serde_json::Error> {
    serde_json::to_string(&FeatureOut(stored)).map(String::into_boxed_str)
}

/// The text of a FeatureCollection of features written by [`feature_text`]: a filtered layer
/// is put together from its items' texts instead of writing each item again.
pub fn collection_text<'a>(features: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str(COLLECTION_HEAD);
    for (i, feature) in features.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(feature);
    }
    out.push_str(COLLECTION_TAIL);
    out
}

/// The items of a layer's text (a FeatureCollection of [`to_feature`]s), read in one pass: each
/// feature's properties are read into the item as they stand, the stored fields (id, version,
/// time) are taken out on the way, and the feature's geometry is handed to the item as its
/// geometry field. Nothing is copied into an intermediate form (as `Stored`'s flattening or
/// GeoJSON values would); only a feature whose properties come before its geometry has its
/// properties read a second time.
pub fn from_layer_text<T: Item>(text: &str) -> Result<Vec<Stored<T>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let items = de.deserialize_map(CollectionVisitor::<T>(PhantomData))?;
    de.end()?;
    Ok(items)
}

/// The keys of a FeatureCollection that matter here.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum CollectionKey {
    Features,
    #[serde(other)]
    Other,
}

/// The keys of a Feature that matter here.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "lowercase")]
enum FeatureKey {
    Geometry,
    Properties,
    #[serde(other)]
    Other,
}

struct CollectionVisitor<T>(PhantomData<T>);

impl<'de, T: Item> Visitor<'de> for CollectionVisitor<T> {
    type Value = Vec<Stored<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut features = None;
        while let Some(key) = map.next_key()? {
            match key {
                CollectionKey::Features => {
                    features = Some(map.next_value_seed(FeaturesSeed::<T>(PhantomData))?);
                }
                CollectionKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        features.ok_or_else(|| A::Error::missing_field("features"))
    }
}

struct FeaturesSeed<T>(PhantomData<T>);

impl<'de, T: Item> DeserializeSeed<'de> for FeaturesSeed<T> {
    type Value = Vec<Stored<T>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Item> Visitor<'de> for FeaturesSeed<T> {
    type Value = Vec<Stored<T>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(FeatureSeed::<T>(PhantomData))? {
            items.push(item);
        }
        Ok(items)
    }
}

struct FeatureSeed<T>(PhantomData<T>);

impl<'de, T: Item> DeserializeSeed<'de> for FeatureSeed<T> {
    type Value = Stored<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Item> Visitor<'de> for FeatureSeed<T> {
    type Value = Stored<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a feature")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut geometry: Option<&'de RawValue> = None;
        let mut early: Option<&'de RawValue> = None;
        let mut stored = None;
        while let Some(key) = map.next_key()? {
            match key {
                FeatureKey::Geometry => geometry = Some(map.next_value()?),
                // The geometry is known (it comes first in the server's answers): read the
                // properties at once.
                FeatureKey::Properties if geometry.is_some() => {
                    stored = Some(map.next_value_seed(PropertiesSeed::<T> {
                        geometry,
                        kind: PhantomData,
                    })?);
                }
                FeatureKey::Properties => early = Some(map.next_value()?),
                FeatureKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        match (stored, early) {
            (Some(stored), _) => Ok(stored),
            (None, Some(properties)) => {
                let mut de = serde_json::Deserializer::from_str(properties.get());
                PropertiesSeed::<T> {
                    geometry,
                    kind: PhantomData,
                }
                .deserialize(&mut de)
                .map_err(A::Error::custom)
            }
            (None, None) => Err(A::Error::missing_field("properties")),
        }
    }
}

/// Reads a feature's properties as a stored item, with `geometry` (unless absent or `null`) as
/// the item's geometry field.
struct PropertiesSeed<'de, T> {
    geometry: Option<&'de RawValue>,
    kind: PhantomData<T>,
}

impl<'de, T: Item> DeserializeSeed<'de> for PropertiesSeed<'de, T> {
    type Value = Stored<T>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: Item> Visitor<'de> for PropertiesSeed<'de, T> {
    type Value = Stored<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("feature properties (an object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let mut meta = Meta::default();
        let item = T::deserialize(ItemFields {
            map,
            meta: &mut meta,
            geometry: self.geometry.filter(|g| g.get() != "null"),
            pending: None,
            kind: PhantomData::<T>,
        })?;
        Ok(Stored {
            id: meta.id.ok_or_else(|| A::Error::missing_field("id"))?,
            version: meta
                .version
                .ok_or_else(|| A::Error::missing_field("version"))?,
            updated_at: meta
                .updated_at
                .ok_or_else(|| A::Error::missing_field("updated_at"))?,
            item,
        })
    }
}

/// The stored fields among the properties.
#[derive(Default)]
struct Meta {
    id: Option<i64>,
    version: Option<i64>,
    updated_at: Option<jiff::Timestamp>,
}

/// The properties as the item sees them: without the stored fields and the feature's kind,
/// with the geometry after the last of them.
struct ItemFields<'m, 'de, A, T> {
    map: A,
    meta: &'m mut Meta,
    geometry: Option<&'de RawValue>,
    /// The geometry, once its key was handed out and its value is next.
    pending: Option<&'de RawValue>,
    kind: PhantomData<T>,
}

impl<'de, A: MapAccess<'de>, T: Item> Deserializer<'de> for ItemFields<'_, 'de, A, T> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>, T: Item> MapAccess<'de> for ItemFields<'_, 'de, A, T> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.map.next_key::<Key<'de>>()? {
            match key.0.as_ref() {
                "id" => self.meta.id = Some(self.map.next_value()?),
                "version" => self.meta.version = Some(self.map.next_value()?),
                "updated_at" => self.meta.updated_at = Some(self.map.next_value()?),
                "kind_of_item" => {
                    self.map.next_value::<IgnoredAny>()?;
                }
                field => {
                    return seed.deserialize(StrDeserializer::new(field)).map(Some);
                }
            }
        }
        match self.geometry.take() {
            Some(geometry) => {
                self.pending = Some(geometry);
                seed.deserialize(BorrowedStrDeserializer::new(T::GEOMETRY_FIELD))
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(geometry) => {
                let mut de = serde_json::Deserializer::from_str(geometry.get());
                seed.deserialize(&mut de).map_err(A::Error::custom)
            }
            None => self.map.next_value_seed(seed),
        }
    }
}

/// A property's name, borrowed from the text unless it has escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
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
