//! Readers for the shapes JSON-LD compaction lets a value take, each remembering the shape it
//! was read in so that writing it back gives the same JSON.
//!
//! OB 3.0 §"Serialization" says sets MUST be arrays in the JSON binding, but the JSON-LD binding
//! MAY compact single values, and real credentials mix both (`"type": "AchievementSubject"`,
//! `"proof": {…}`). An IRI may stand for an embedded node (`"issuer": "https://…"`), and a text
//! may be a language map. We accept all of these and never normalize on output.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// A value written either alone or as an array (JSON-LD compaction of a one-element set).
#[derive(Debug, Clone, PartialEq)]
pub enum OneOrMany<T> {
    /// A single value, written without brackets.
    One(T),
    /// An array (possibly of one element, or empty).
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whichever shape they were written in.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The first value, if any.
    pub fn first(&self) -> Option<&T> {
        self.as_slice().first()
    }

    /// How many values there are.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// Whether there is no value (an empty array).
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl OneOrMany<String> {
    /// Whether one of the strings equals `needle`.
    pub fn contains_str(&self, needle: &str) -> bool {
        self.iter().any(|s| s == needle)
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(one) => one.serialize(serializer),
            OneOrMany::Many(many) => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

struct OneOrManyVisitor<T>(PhantomData<T>);

/// Forwards a scalar to `T` (so `OneOrMany<String>` reads `"x"` and `OneOrMany<bool>` reads `true`).
macro_rules! forward_scalar {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            T::deserialize(v.into_deserializer()).map(OneOrMany::One)
        }
    )*};
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
    type Value = OneOrMany<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a single value or an array of values")
    }

    forward_scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str, visit_string: String);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok(OneOrMany::Many(values))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(OneOrMany::One)
    }
}

/// A node given either by its IRI or embedded as an object (`ProfileRef`, `IRI | Image`, …).
#[derive(Debug, Clone, PartialEq)]
pub enum IdOr<T> {
    /// Only the IRI of the node.
    Iri(String),
    /// The node itself.
    Object(T),
}

impl<T> IdOr<T> {
    /// The embedded object, if the node was embedded.
    pub fn object(&self) -> Option<&T> {
        match self {
            IdOr::Iri(_) => None,
            IdOr::Object(object) => Some(object),
        }
    }

    /// The IRI, if the node was given only by its IRI.
    pub fn iri(&self) -> Option<&str> {
        match self {
            IdOr::Iri(iri) => Some(iri),
            IdOr::Object(_) => None,
        }
    }
}

impl<T: Serialize> Serialize for IdOr<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IdOr::Iri(iri) => serializer.serialize_str(iri),
            IdOr::Object(object) => object.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for IdOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(IdOrVisitor(PhantomData))
    }
}

struct IdOrVisitor<T>(PhantomData<T>);

/// `ob3::Profile` → `Profile`, `Credential<x::Y>` → `Credential`: the name a user knows.
fn short_type_name<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    let base = full.split('<').next().unwrap_or(full);
    base.rsplit("::").next().unwrap_or(base)
}

/// Rejects the JSON kinds a visitor does not accept with "expected {what}, found {kind}": the
/// defect and what would fit, in the words of the JSON text rather than serde's.
macro_rules! reject_other_kinds {
    ($what:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected {}, found boolean", $what)))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected {}, found number", $what)))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected {}, found number", $what)))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected {}, found number", $what)))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected {}, found null", $what)))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            Err(de::Error::custom(format_args!(
                "expected {}, found array",
                $what
            )))
        }
    };
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for IdOrVisitor<T> {
    type Value = IdOr<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an IRI or a {} object", short_type_name::<T>())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(IdOr::Iri(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(IdOr::Iri(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(IdOr::Object)
    }

    reject_other_kinds!(format_args!(
        "an IRI or a {} object",
        short_type_name::<T>()
    ));
}

/// A human-readable text: a plain string or a language map (`{"en": "…", "fr": "…"}`, OB 3.0
/// schemas' `propertyNames` `^[a-z]{2}(-[A-Z]{2})?$`), or a JSON-LD value object
/// (`{"@value": "…", "@language": "en"}`, seen in OB 2.0).
#[derive(Debug, Clone, PartialEq)]
pub enum LangString {
    /// A plain string.
    Plain(String),
    /// A language map or value object, kept as written.
    Map(Map<String, Value>),
}

impl LangString {
    /// The text to show: the plain string, else `@value`, else the `en*` entry, else the first
    /// string entry.
    pub fn best(&self) -> Option<&str> {
        match self {
            LangString::Plain(text) => Some(text),
            LangString::Map(map) => map
                .get("@value")
                .and_then(Value::as_str)
                .or_else(|| {
                    map.iter()
                        .find(|(lang, _)| lang.starts_with("en"))
                        .and_then(|(_, text)| text.as_str())
                })
                .or_else(|| map.values().find_map(Value::as_str)),
        }
    }
}

impl Serialize for LangString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            LangString::Plain(text) => serializer.serialize_str(text),
            LangString::Map(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for LangString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LangStringVisitor;

        impl<'de> Visitor<'de> for LangStringVisitor {
            type Value = LangString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a language map")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(LangString::Plain(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(LangString::Plain(v))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Map::deserialize(de::value::MapAccessDeserializer::new(map)).map(LangString::Map)
            }

            reject_other_kinds!("a string or a language map");
        }

        deserializer.deserialize_any(LangStringVisitor)
    }
}

/// Declares a spec enumeration that keeps unknown and `ext:` values: the listed variants plus
/// `Other(String)`, written back as the exact string read.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($variant:ident => $text:literal),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $(
                #[doc = concat!("`", $text, "`")]
                $variant,
            )*
            /// An `ext:` extension value or a value this version does not list, as written.
            Other(String),
        }

        impl $name {
            /// The value as written in JSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                match text.as_str() {
                    $($text => $name::$variant,)*
                    _ => $name::Other(text),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                match value {
                    $name::Other(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use spec_enum;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_or_many_keeps_its_shape() {
        let one: OneOrMany<String> = serde_json::from_value(json!("Profile")).unwrap();
        assert_eq!(one, OneOrMany::One("Profile".into()));
        assert_eq!(serde_json::to_value(&one).unwrap(), json!("Profile"));
        let many: OneOrMany<String> = serde_json::from_value(json!(["Profile"])).unwrap();
        assert_eq!(serde_json::to_value(&many).unwrap(), json!(["Profile"]));
        assert!(many.contains_str("Profile"));
    }

    #[test]
    fn id_or_names_the_expected_shape() {
        let err = serde_json::from_value::<IdOr<Map<String, Value>>>(json!(5)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "expected an IRI or a Map object, found number"
        );
        let iri: IdOr<Map<String, Value>> = serde_json::from_value(json!("https://a")).unwrap();
        assert_eq!(iri.iri(), Some("https://a"));
    }

    #[test]
    fn lang_string_prefers_english() {
        let text: LangString =
            serde_json::from_value(json!({"fr": "Bonjour", "en-US": "Hello"})).unwrap();
        assert_eq!(text.best(), Some("Hello"));
        let value_object: LangString =
            serde_json::from_value(json!({"@value": "Hallo", "@language": "de"})).unwrap();
        assert_eq!(value_object.best(), Some("Hallo"));
    }
}
