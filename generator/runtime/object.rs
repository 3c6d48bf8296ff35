//! Reading a generated struct from an object member by member, and writing it back. Each
//! struct's `Deserialize` and `Serialize` are short impls over these helpers: serde's derive
//! writes about four times as much code per struct (a field enum with three visitors, a
//! visitor of the struct sent as an array, which an object never is, a `?` per member), and
//! compiling that was most of a large API's build.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A member's name as read: borrowed from the input when the input allows it.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(name)))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(name)))
    }

    fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Key<'de>, E> {
        // A name that is not UTF-8 names no declared member.
        Ok(Key(String::from_utf8_lossy(name).into_owned().into()))
    }
}

/// Reads a declared member's value into its slot; a member sent twice is an error, as with
/// serde's derive.
pub fn member<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads a member whose field is an `Option` (`null` being `None`) straight into the field; a
/// member sent twice with a value is an error.
pub fn optional_member<'de, A, T>(
    map: &mut A,
    field: &mut Option<T>,
    name: &'static str,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    if field.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *field = map.next_value()?;
    Ok(())
}

/// Skips the value of a member the struct does not declare.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// Skips every member of an object whose struct declares none.
pub fn skip_members<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    while map.next_key::<IgnoredAny>()?.is_some() {
        skip(map)?;
    }
    Ok(())
}

/// Keeps a member the struct does not declare among its additional properties.
pub fn additional<'de, A, T>(
    map: &mut A,
    properties: &mut BTreeMap<String, T>,
    key: Key<'de>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    let value = map.next_value()?;
    properties.insert(key.0.into_owned(), value);
    Ok(())
}

/// The value of a required member, or serde's `missing field` error.
pub fn required<T, E: de::Error>(slot: Option<T>, name: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| E::missing_field(name))
}

/// Writes a generated struct as an object, member by member. The first error stops the
/// writing and is what [`ObjectWriter::end`] returns, so the generated code has no `?` per
/// member (resolving `?` for each was much of the compiler's time on a struct's code).
pub struct ObjectWriter<M: SerializeMap> {
    state: Result<M, M::Error>,
}

/// `Serialize` of a generated struct: an object of its members.
pub fn write_object<S: Serializer>(serializer: S) -> ObjectWriter<S::SerializeMap> {
    ObjectWriter {
        state: serializer.serialize_map(None),
    }
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// Writes a member.
    pub fn entry<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Ok(object) = &mut self.state {
            if let Err(error) = object.serialize_entry(name, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes an optional member when it is there.
    pub fn entry_if<T: Serialize>(&mut self, name: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.entry(name, value);
        }
    }

    /// Writes the additional properties beside the declared members.
    pub fn entries<T: Serialize>(&mut self, properties: &BTreeMap<String, T>) {
        for (name, value) in properties {
            self.entry(name, value);
        }
    }

    /// Closes the object, or returns the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.state.and_then(SerializeMap::end)
    }
}

/// A generated struct, read from the members of an object.
pub trait Members: Sized {
    /// The struct's name, for errors: `expected struct Pet`.
    const NAME: &'static str;

    /// Reads every member of `map`.
    fn read<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize` of a generated struct: from an object only, never from an array, which
/// serde's derive also accepts (a body that is not an object would decode into garbage).
pub fn read_object<'de, D: Deserializer<'de>, T: Members>(input: D) -> Result<T, D::Error> {
    input.deserialize_map(MembersVisitor(std::marker::PhantomData))
}

struct MembersVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Members> Visitor<'de> for MembersVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::read(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape the generator emits: a required member, an optional one, an optional one
    /// that keeps `null`, and additional properties.
    #[derive(Debug, PartialEq)]
    struct Customer {
        id: i64,
        name: Option<String>,
        assignee: Option<Option<String>>,
        additional_properties: BTreeMap<String, i64>,
    }

    impl Serialize for Customer {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = write_object(serializer);
            object.entry("id", &self.id);
            object.entry_if("name", &self.name);
            object.entry_if("assignee", &self.assignee);
            object.entries(&self.additional_properties);
            object.end()
        }
    }

    impl<'de> Deserialize<'de> for Customer {
        fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
            read_object(input)
        }
    }

    impl Members for Customer {
        const NAME: &'static str = "Customer";

        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut id, mut name, mut assignee) = (None, None, None);
            let mut additional_properties = BTreeMap::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => member(&mut map, &mut id, "id"),
                    "name" => optional_member(&mut map, &mut name, "name"),
                    "assignee" => member(&mut map, &mut assignee, "assignee"),
                    _ => additional(&mut map, &mut additional_properties, key),
                }?;
            }
            Ok(Customer {
                id: required(id, "id")?,
                name,
                assignee,
                additional_properties,
            })
        }
    }

    fn customer(id: i64) -> Customer {
        Customer {
            id,
            name: None,
            assignee: None,
            additional_properties: BTreeMap::new(),
        }
    }

    #[test]
    fn members_are_read_by_name_and_a_null_is_kept_apart_from_an_absence() {
        let cases = [
            (r#"{"id":1}"#, customer(1)),
            (r#"{"id":1,"name":null}"#, customer(1)),
            (
                r#"{"assignee":null,"id":2}"#,
                Customer {
                    assignee: Some(None),
                    ..customer(2)
                },
            ),
            (
                r#"{"name":"Ada","assignee":"octocat","id":3,"rank":7}"#,
                Customer {
                    name: Some("Ada".into()),
                    assignee: Some(Some("octocat".into())),
                    additional_properties: BTreeMap::from([("rank".to_owned(), 7)]),
                    ..customer(3)
                },
            ),
        ];
        for (json, expected) in cases {
            assert_eq!(
                serde_json::from_str::<Customer>(json).unwrap(),
                expected,
                "{json}"
            );
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                serde_json::from_value::<Customer>(value).unwrap(),
                expected,
                "{json}"
            );
        }
        let escaped = serde_json::from_str::<Customer>(r#"{"\u0069d":4}"#).unwrap();
        assert_eq!(escaped, customer(4));
    }

    #[test]
    fn a_struct_decodes_from_an_object_only_with_serde_messages() {
        let error = |json: &str| {
            serde_json::from_str::<Customer>(json)
                .unwrap_err()
                .to_string()
        };
        assert!(error("[1]").starts_with("invalid type: sequence, expected struct Customer"));
        assert!(error(r#"{"name":"a"}"#).starts_with("missing field `id`"));
        assert!(error(r#"{"id":1,"id":2}"#).starts_with("duplicate field `id`"));
        assert!(error(r#"{"id":"1"}"#).starts_with("invalid type: string \"1\", expected i64"));
        assert!(error(r#"{"id":1,"rank":"high"}"#).starts_with("invalid type: string"));
    }

    #[cfg(any(feature = "client", feature = "server"))]
    #[test]
    fn an_error_names_the_member_at_fault() {
        let mut path = serde_json::Deserializer::from_str(r#"{"id":1,"name":7}"#);
        let at = serde_path_to_error::deserialize::<_, Customer>(&mut path).unwrap_err();
        assert_eq!(at.path().to_string(), "name");
    }

    /// A struct of optional fields only, read into its default as generated.
    #[derive(Debug, Default, PartialEq)]
    struct Patch {
        note: Option<String>,
        assignee: Option<Option<String>>,
    }

    impl<'de> Deserialize<'de> for Patch {
        fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
            read_object(input)
        }
    }

    impl Members for Patch {
        const NAME: &'static str = "Patch";

        fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut value = Self::default();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "note" => optional_member(&mut map, &mut value.note, "note"),
                    "assignee" => member(&mut map, &mut value.assignee, "assignee"),
                    _ => skip(&mut map),
                }?;
            }
            Ok(value)
        }
    }

    #[test]
    fn optional_members_are_read_into_the_default() {
        let read = |json: &str| serde_json::from_str::<Patch>(json);
        assert_eq!(read("{}").unwrap(), Patch::default());
        let patch = read(r#"{"note":null,"assignee":null,"x":1}"#).unwrap();
        assert_eq!(
            patch,
            Patch {
                note: None,
                assignee: Some(None)
            }
        );
        let patch = read(r#"{"note":"n","assignee":"a"}"#).unwrap();
        assert_eq!(patch.note.as_deref(), Some("n"));
        assert_eq!(patch.assignee, Some(Some("a".into())));
        let twice = read(r#"{"note":"n","note":"m"}"#).unwrap_err().to_string();
        assert!(twice.starts_with("duplicate field `note`"), "{twice}");
        assert!(read("[]").is_err());
    }

    #[test]
    fn members_it_does_not_declare_are_skipped_whole() {
        #[derive(Debug, PartialEq)]
        struct Empty;
        impl<'de> Deserialize<'de> for Empty {
            fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
                read_object(input)
            }
        }
        impl Members for Empty {
            const NAME: &'static str = "Empty";
            fn read<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                skip_members(&mut map)?;
                Ok(Empty)
            }
        }
        let json = r#"{"a":{"b":[1,{"c":null}]},"d":"e"}"#;
        assert_eq!(serde_json::from_str::<Empty>(json).unwrap(), Empty);
        assert!(serde_json::from_str::<Empty>("3").is_err());
    }
}
