//! Event streams keyed by event name: a `text/event-stream` schema that is a `oneOf` (or
//! `anyOf`) of event objects, each naming its event (`event` fixed by `const` or a one-value
//! `enum`, or by the discriminator's mapping), gives each name's data a type of its own.

use openapiv3::{ObjectType, ReferenceOr, Schema, SchemaKind, Type};

use super::Resolver;
use crate::ir::{KeyedEvent, KeyedEvents, TypeRef};
use crate::naming::{self, Namespace};
use crate::pointer;

/// The fields an event object may have.
const EVENT_FIELDS: [&str; 4] = ["data", "event", "id", "retry"];

/// One alternative of the union: its event name and where its data's type comes from.
struct Named {
    event: String,
    data: Data,
}

enum Data {
    /// An inline event object's `data` schema (none: any text), and where the object stands.
    Inline(Option<ReferenceOr<Box<Schema>>>, String),
    /// A referenced event object (its `$ref`, and where that stands), whose struct has the
    /// data's type.
    Component(String, String),
}

impl Resolver<'_> {
    /// Each named event's variant and data type (the enum's name is the operation's, set
    /// later); `None` when the schema keys no events by name, and then its type is the
    /// events' data as usual.
    pub(super) fn keyed_events(
        &mut self,
        schema: Option<&ReferenceOr<Schema>>,
        at: &str,
        hint: &str,
    ) -> Option<KeyedEvents> {
        let named = self.named_events(schema?, &pointer::child(at, "schema"))?;
        let mut variants = Namespace::default();
        // The variant of events the spec does not name.
        variants.claim("Other");
        let events = named
            .into_iter()
            .map(|Named { event, data }| {
                let variant = variants.claim(&naming::type_name(&event)).0;
                let hint = naming::nested(hint, &variant);
                let ty = self.event_data(data, &hint).filter(|ty| {
                    !matches!(
                        ty.non_null(),
                        TypeRef::String | TypeRef::Binary | TypeRef::Bytes
                    )
                });
                KeyedEvent { event, variant, ty }
            })
            .collect();
        Some(KeyedEvents {
            name: String::new(),
            events,
        })
    }

    /// The type of a named event's data; `None` for any text.
    fn event_data(&mut self, data: Data, hint: &str) -> Option<TypeRef> {
        match data {
            Data::Inline(schema, at) => {
                let data_at = pointer::child(&pointer::child(&at, "properties"), "data");
                schema.map(|schema| self.resolve_ref_or(&schema, &data_at, hint))
            }
            Data::Component(reference, at) => {
                let object = self.resolve_ref(&reference, &at);
                self.event_object_data(&object)
            }
        }
    }

    /// The union's alternatives as named events, when every one is an event object with a
    /// name of its own.
    fn named_events(&self, schema: &ReferenceOr<Schema>, at: &str) -> Option<Vec<Named>> {
        let (union, union_at) = self.schema_behind(schema, at)?;
        let (alternatives, key) = match &union.schema_kind {
            SchemaKind::OneOf { one_of } => (one_of, "oneOf"),
            SchemaKind::AnyOf { any_of } => (any_of, "anyOf"),
            _ => return None,
        };
        let discriminator = union.schema_data.discriminator.as_ref();
        let mapping = discriminator
            .filter(|d| d.property_name == "event")
            .map(|d| &d.mapping);
        let mut named: Vec<Named> = Vec::new();
        for (index, alternative) in alternatives.iter().enumerate() {
            let alternative_at = pointer::item(&pointer::child(&union_at, key), index);
            let mapped = match (alternative, mapping) {
                (ReferenceOr::Reference { reference }, Some(mapping)) => mapping
                    .iter()
                    .find(|(_, target)| *target == reference)
                    .map(|(event, _)| event.clone()),
                _ => None,
            };
            let (object, object_at) = self.schema_behind(alternative, &alternative_at)?;
            let SchemaKind::Type(Type::Object(object)) = object.schema_kind else {
                return None;
            };
            if !object
                .properties
                .keys()
                .all(|k| EVENT_FIELDS.contains(&k.as_str()))
            {
                return None;
            }
            let event = fixed_event(&object).or(mapped)?;
            if named.iter().any(|n| n.event == event) {
                return None;
            }
            let data = match alternative {
                ReferenceOr::Reference { reference } => {
                    Data::Component(reference.clone(), pointer::child(&alternative_at, "$ref"))
                }
                ReferenceOr::Item(_) => {
                    Data::Inline(object.properties.get("data").cloned(), object_at)
                }
            };
            named.push(Named { event, data });
        }
        (!named.is_empty()).then_some(named)
    }

    /// The schema `schema` is, or the component schema it points at (through other
    /// references), and where that stands. Quiet: a reference it cannot follow is reported
    /// where the schema is resolved.
    fn schema_behind(&self, schema: &ReferenceOr<Schema>, at: &str) -> Option<(Schema, String)> {
        let (mut current, mut at) = (schema, at.to_owned());
        // A chain of references longer than this is a loop.
        for _ in 0..16 {
            match current {
                ReferenceOr::Item(schema) => return Some((schema.clone(), at)),
                ReferenceOr::Reference { reference } => {
                    let target = pointer::from_reference(reference)?;
                    let name = pointer::component_key(&target, "schemas")?;
                    let schemas = &self.document.components.as_ref()?.schemas;
                    current = schemas.get(&name)?;
                    at = target;
                }
            }
        }
        None
    }
}

/// The one value an event object's `event` property may take (`const`, or an `enum` of one).
fn fixed_event(object: &ObjectType) -> Option<String> {
    let ReferenceOr::Item(event) = object.properties.get("event")? else {
        return None;
    };
    let SchemaKind::Type(Type::String(string)) = &event.schema_kind else {
        return None;
    };
    match string.enumeration.as_slice() {
        [Some(name)] => Some(name.clone()),
        _ => None,
    }
}
