//! Structs decode from JSON objects only. serde's derive also accepts a struct's fields as an
//! array in order, so a body that is not an object at all would decode into garbage.

use serde::de::{Deserializer, Visitor};

/// A deserializer that asks for a map where a struct is wanted, and passes every other
/// request on as it is.
pub struct ObjectOnly<D>(pub D);

macro_rules! pass_on {
    ($($method:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(visitor)
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectOnly<D> {
    type Error = D::Error;

    pass_on! {
        deserialize_any, deserialize_bool, deserialize_i8, deserialize_i16, deserialize_i32,
        deserialize_i64, deserialize_i128, deserialize_u8, deserialize_u16, deserialize_u32,
        deserialize_u64, deserialize_u128, deserialize_f32, deserialize_f64, deserialize_char,
        deserialize_str, deserialize_string, deserialize_bytes, deserialize_byte_buf,
        deserialize_option, deserialize_unit, deserialize_seq, deserialize_map,
        deserialize_identifier, deserialize_ignored_any,
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// `Serialize` and `Deserialize` of a generated struct whose derive is `remote = "Self"`:
/// serializing as derived, deserializing from an object only.
#[allow(unused_macros)]
macro_rules! object_only {
    ($name:ident) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $name::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $name::deserialize($crate::runtime::ObjectOnly(deserializer))
            }
        }
    };
}
pub(crate) use object_only;

/// `deserialize_with` of an optional field that may be `null`: serde calls it only for a
/// member that is there, so a `null` member becomes `Some(null)`, and an absent one stays
/// `None` through `default`. Without it serde reads both as `None`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(remote = "Self")]
    struct Customer {
        #[serde(default)]
        name: Option<String>,
        id: i64,
    }
    object_only!(Customer);

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::present"
        )]
        assignee: Option<Option<String>>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::present"
        )]
        extra: Option<serde_json::Value>,
    }

    #[test]
    fn a_null_member_is_kept_apart_from_an_absent_one() {
        let cases = [
            (r#"{}"#, Patch::default()),
            (
                r#"{"assignee":null,"extra":null}"#,
                Patch {
                    assignee: Some(None),
                    extra: Some(serde_json::Value::Null),
                },
            ),
            (
                r#"{"assignee":"octocat"}"#,
                Patch {
                    assignee: Some(Some("octocat".into())),
                    extra: None,
                },
            ),
        ];
        for (json, patch) in cases {
            let decoded: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(decoded, patch, "{json}");
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
    }

    #[test]
    fn a_struct_decodes_from_an_object_and_not_from_an_array() {
        let decoded: Customer = serde_json::from_str(r#"{"id": 3}"#).unwrap();
        assert_eq!(decoded, Customer { name: None, id: 3 });
        let err = serde_json::from_str::<Customer>(r#"[null, 3]"#).unwrap_err();
        assert!(err.to_string().contains("invalid type: sequence"), "{err}");
        assert!(serde_json::from_value::<Customer>(serde_json::json!(["a", 1])).is_err());
        assert_eq!(
            serde_json::to_string(&decoded).unwrap(),
            r#"{"name":null,"id":3}"#
        );
    }
}
