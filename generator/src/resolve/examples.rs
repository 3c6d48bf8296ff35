//! Examples from the spec, with the JSON each one should serialize back to.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::ir::{Example, Struct, TypeDef, TypeKind, TypeRef, Union, UnionVariant};
use crate::naming;

type Types<'t> = HashMap<&'t str, &'t TypeDef>;

/// An example its generated type cannot hold: where it stands (`file#pointer`), and the JSON
/// path of a `format: byte` string in it that is not base64.
pub(super) struct Untestable {
    pub origin: String,
    pub path: String,
}

/// Names each example's test and works out the JSON it should round-trip to, once the types
/// are final; sets aside those whose `format: byte` strings are not base64.
pub(super) fn finish(
    module: &str,
    types: &[TypeDef],
    examples: Vec<Example>,
) -> (Vec<Example>, Vec<Untestable>) {
    let by_name: Types = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut untestable = Vec::new();
    let testable = examples
        .into_iter()
        .filter(
            |example| match broken_base64(&example.value, &example.ty, &by_name, 0) {
                Some(path) => {
                    let origin = example.origin.clone();
                    untestable.push(Untestable { origin, path });
                    false
                }
                None => true,
            },
        )
        .enumerate()
        .map(|(index, mut example)| {
            example.test_name = naming::example_test_name(module, index + 1);
            example.expected = project(&example.value, &example.ty, &by_name, 0);
            example
        })
        .collect();
    (testable, untestable)
}

/// Where in `value` a `format: byte` string is not base64, which its type cannot hold: the
/// JSON path of the first, or `None`.
fn broken_base64(value: &Value, ty: &TypeRef, types: &Types, depth: usize) -> Option<String> {
    if depth > 64 {
        return None;
    }
    match (ty, value) {
        (TypeRef::Bytes, Value::String(text)) if crate::base64::decode(text).is_none() => {
            Some(String::new())
        }
        (TypeRef::Nullable(inner), _) => broken_base64(value, inner, types, depth + 1),
        (TypeRef::List(item), Value::Array(items)) => {
            items.iter().enumerate().find_map(|(i, v)| {
                broken_base64(v, item, types, depth + 1).map(|path| format!("[{i}]{path}"))
            })
        }
        (TypeRef::Map(item), Value::Object(entries)) => entries.iter().find_map(|(k, v)| {
            broken_base64(v, item, types, depth + 1).map(|path| format!(".{k}{path}"))
        }),
        (TypeRef::Named(name), _) => match types.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().find_map(|field| {
                let member = value.get(&field.wire)?;
                broken_base64(member, &field.ty, types, depth + 1)
                    .map(|path| format!(".{}{path}", field.wire))
            }),
            Some(TypeKind::Alias(target) | TypeKind::Newtype(target)) => {
                broken_base64(value, target, types, depth + 1)
            }
            _ => None,
        },
        _ => None,
    }
}

/// What a value looks like after a trip through its generated type: undeclared properties
/// are dropped (unless the type keeps extra properties) and optional `null`s are omitted.
fn project(value: &Value, ty: &TypeRef, types: &Types, depth: usize) -> Value {
    if depth > 64 {
        return value.clone();
    }
    match (ty, value) {
        (TypeRef::Nullable(_), Value::Null) => Value::Null,
        // `100` decoded as a float encodes as `100.0`.
        (TypeRef::F64, Value::Number(n)) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
        (TypeRef::DateTime, Value::String(text)) => Value::String(utc_date_time(text)),
        // Base64 is written with the standard alphabet and padding, and read in either.
        (TypeRef::Bytes, Value::String(text)) => crate::base64::decode(text).map_or_else(
            || value.clone(),
            |bytes| Value::String(crate::base64::encode(&bytes)),
        ),
        // RFC 4122: hex digits are written in lower case and read in either.
        (TypeRef::Uuid, Value::String(text)) if is_hyphenated_uuid(text) => {
            Value::String(text.to_ascii_lowercase())
        }
        (TypeRef::Nullable(inner), _) => project(value, inner, types, depth + 1),
        (TypeRef::List(item), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|v| project(v, item, types, depth + 1))
                .collect(),
        ),
        (TypeRef::Map(item), Value::Object(entries)) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), project(v, item, types, depth + 1)))
                .collect(),
        ),
        (TypeRef::Named(name), _) => match types.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => {
                let Value::Object(entries) = value else {
                    return value.clone();
                };
                let mut kept = Map::new();
                for (key, v) in entries {
                    match s.fields.iter().find(|f| &f.wire == key) {
                        // serde reads it as absent, unless the field keeps a `null`.
                        Some(field) if v.is_null() && !field.required && !field.keeps_null() => {}
                        Some(field) => {
                            kept.insert(key.clone(), project(v, &field.ty, types, depth + 1));
                        }
                        None => {
                            if let Some(extra) = &s.additional {
                                kept.insert(key.clone(), project(v, extra, types, depth + 1));
                            }
                        }
                    }
                }
                Value::Object(kept)
            }
            Some(TypeKind::Alias(target) | TypeKind::Newtype(target)) => {
                project(value, target, types, depth + 1)
            }
            Some(TypeKind::Union(union)) => project_union(value, union, types, depth),
            _ => value.clone(),
        },
        _ => value.clone(),
    }
}

/// A date-time as a `chrono::DateTime<Utc>` writes it: in UTC, with as many digits of the
/// second's fraction as it needs (none, 3, 6 or 9). Text that is no date-time is kept.
fn utc_date_time(text: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(text).map_or_else(
        |_| text.to_owned(),
        |at| {
            at.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        },
    )
}

/// Whether `text` is a UUID in its hyphenated form (8-4-4-4-12 hex digits).
fn is_hyphenated_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A union's value through the variant it decodes into; a tagged union writes its tag back.
fn project_union(value: &Value, union: &Union, types: &Types, depth: usize) -> Value {
    let Some(tag) = &union.tag else {
        return untagged_variant(value, union, types, depth).map_or_else(
            || value.clone(),
            |v| project(value, &v.ty, types, depth + 1),
        );
    };
    let Some(tag_value) = value.get(tag).and_then(Value::as_str) else {
        // Read by shape, and written with the chosen variant's tag.
        let Some(variant) = untagged_variant(value, union, types, depth) else {
            return value.clone();
        };
        let mut projected = project(value, &variant.ty, types, depth + 1);
        if let (Value::Object(members), Some(tag_value)) =
            (&mut projected, variant.tag_values.first())
        {
            members.insert(tag.clone(), Value::String(tag_value.clone()));
        }
        return projected;
    };
    let Some(variant) = union
        .variants
        .iter()
        .find(|v| v.tag_values.iter().any(|t| t == tag_value))
    else {
        return value.clone();
    };
    let mut projected = project(value, &variant.ty, types, depth + 1);
    if let Value::Object(members) = &mut projected {
        members.insert(tag.clone(), Value::String(tag_value.to_owned()));
    }
    projected
}

/// The alternative the runtime decodes `value` into: the first that decodes and keeps every
/// member of an object, else the first that decodes.
fn untagged_variant<'u>(
    value: &Value,
    union: &'u Union,
    types: &Types,
    depth: usize,
) -> Option<&'u UnionVariant> {
    let decoding: Vec<&UnionVariant> = union
        .variants
        .iter()
        .filter(|v| decodes(value, &v.ty, types, depth + 1))
        .collect();
    let keeps_all = |v: &&&UnionVariant| match (value, struct_of(&v.ty, types)) {
        (Value::Object(members), Some(s)) => {
            s.additional.is_some()
                || members
                    .iter()
                    .all(|(k, v)| v.is_null() || s.fields.iter().any(|f| &f.wire == k))
        }
        _ => true,
    };
    decoding
        .iter()
        .find(keeps_all)
        .or(decoding.first())
        .copied()
}

fn struct_of<'t>(ty: &TypeRef, types: &'t Types) -> Option<&'t Struct> {
    match types.get(ty.non_null().direct_name()?).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => Some(s),
        Some(TypeKind::Alias(target) | TypeKind::Newtype(target)) => struct_of(target, types),
        _ => None,
    }
}

/// Whether `value` decodes into `ty`, judged by its shape: JSON types, required fields, tags.
fn decodes(value: &Value, ty: &TypeRef, types: &Types, depth: usize) -> bool {
    if depth > 64 {
        return true;
    }
    match (ty, value) {
        (TypeRef::Nullable(_) | TypeRef::Json, Value::Null) | (TypeRef::Json, _) => true,
        (TypeRef::Nullable(inner), _) => decodes(value, inner, types, depth + 1),
        (TypeRef::String | TypeRef::Uuid | TypeRef::DateTime | TypeRef::Date, v) => v.is_string(),
        (TypeRef::Binary, v) => v.is_string(),
        (TypeRef::Bytes, v) => v.as_str().and_then(crate::base64::decode).is_some(),
        (TypeRef::Bool, v) => v.is_boolean(),
        (TypeRef::I32 | TypeRef::I64, v) => v.is_i64() || v.is_u64(),
        (TypeRef::F64, v) => v.is_number(),
        (TypeRef::List(item), Value::Array(items)) => {
            items.iter().all(|v| decodes(v, item, types, depth + 1))
        }
        (TypeRef::Map(item), Value::Object(entries)) => {
            entries.values().all(|v| decodes(v, item, types, depth + 1))
        }
        (TypeRef::Named(name), _) => match types.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => struct_decodes(value, s, types, depth),
            Some(TypeKind::Enum(_)) => value.is_string(),
            Some(TypeKind::Union(u)) => match u.tag.as_ref().and_then(|tag| value.get(tag)) {
                Some(tag) => tag.as_str().is_some_and(|t| {
                    u.variants
                        .iter()
                        .any(|v| v.tag_values.iter().any(|w| w == t))
                }),
                None => u
                    .variants
                    .iter()
                    .any(|v| decodes(value, &v.ty, types, depth + 1)),
            },
            Some(TypeKind::Alias(target) | TypeKind::Newtype(target)) => {
                decodes(value, target, types, depth + 1)
            }
            None => true,
        },
        _ => false,
    }
}

fn struct_decodes(value: &Value, s: &Struct, types: &Types, depth: usize) -> bool {
    let Value::Object(members) = value else {
        return false;
    };
    s.fields.iter().all(|field| match members.get(&field.wire) {
        None => !field.required || field.is_option(),
        Some(Value::Null) if field.is_option() => true,
        Some(member) => decodes(member, &field.ty, types, depth + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Field;
    use serde_json::json;

    fn field(wire: &str, ty: TypeRef, required: bool) -> Field {
        Field {
            name: wire.into(),
            wire: wire.into(),
            docs: None,
            ty,
            required,
            boxed: false,
            secret: false,
            deprecated: false,
            constraints: Default::default(),
            seen_through: None,
        }
    }

    fn nullable(ty: TypeRef) -> TypeRef {
        TypeRef::Nullable(Box::new(ty))
    }

    fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            origin: String::new(),
            docs: None,
            kind,
        }
    }

    fn variant(ty: TypeRef, tags: &[&str]) -> UnionVariant {
        UnionVariant {
            name: String::new(),
            ty,
            tag_values: tags.iter().map(|t| (*t).to_owned()).collect(),
            boxed: false,
        }
    }

    fn union_types(tag: Option<&str>, variants: Vec<UnionVariant>) -> Vec<TypeDef> {
        let small = Struct {
            fields: vec![field("a", TypeRef::String, true)],
            ..Struct::default()
        };
        let large = Struct {
            fields: vec![
                field("a", TypeRef::String, true),
                field("n", TypeRef::F64, false),
            ],
            ..Struct::default()
        };
        let union = Union {
            variants,
            tag: tag.map(str::to_owned),
        };
        vec![
            def("Small", TypeKind::Struct(small)),
            def("Large", TypeKind::Struct(large)),
            def("U", TypeKind::Union(union)),
        ]
    }

    fn projected(types: &[TypeDef], value: Value) -> Value {
        let by_name: Types = types.iter().map(|t| (t.name.as_str(), t)).collect();
        project(&value, &TypeRef::Named("U".into()), &by_name, 0)
    }

    #[test]
    fn an_untagged_union_projects_through_the_alternative_that_keeps_every_member() {
        let named = |n: &str| TypeRef::Named(n.into());
        let types = union_types(
            None,
            vec![
                variant(TypeRef::F64, &[]),
                variant(named("Small"), &[]),
                variant(named("Large"), &[]),
            ],
        );
        // A number is read as the float alternative, and written with a fraction.
        assert_eq!(projected(&types, json!(5)), json!(5.0));
        // `Small` decodes too but would drop `n`; a `null` of an optional field is omitted.
        assert_eq!(
            projected(&types, json!({"a": "x", "n": 2, "z": null})),
            json!({"a": "x", "n": 2.0})
        );
        assert_eq!(
            projected(&types, json!({"a": "x", "q": 1})),
            json!({"a": "x"})
        );
    }

    #[test]
    fn a_null_member_stays_where_the_field_keeps_a_null() {
        let patch = Struct {
            fields: vec![
                field("assignee", nullable(TypeRef::String), false),
                field("label", TypeRef::String, false),
            ],
            ..Struct::default()
        };
        let types = [def("U", TypeKind::Struct(patch))];
        assert_eq!(
            projected(&types, json!({"assignee": null, "label": null})),
            json!({"assignee": null}),
            "a non-nullable field decodes `null` as absent"
        );
    }

    #[test]
    fn a_byte_string_that_is_not_base64_is_found_by_its_path() {
        let holder = Struct {
            fields: vec![field(
                "files",
                TypeRef::List(Box::new(TypeRef::Bytes)),
                false,
            )],
            ..Struct::default()
        };
        let types = [def("U", TypeKind::Struct(holder))];
        let by_name: Types = types.iter().map(|t| (t.name.as_str(), t)).collect();
        let ty = TypeRef::Named("U".into());
        let good = json!({"files": ["d2lyZQ==", "d2lyZQ"]});
        assert_eq!(broken_base64(&good, &ty, &by_name, 0), None);
        let bad = json!({"files": ["d2lyZQ==", "a PDF"]});
        assert_eq!(
            broken_base64(&bad, &ty, &by_name, 0).as_deref(),
            Some(".files[1]")
        );
    }

    #[test]
    fn date_times_project_to_utc_with_the_digits_they_need() {
        let types = Types::new();
        let at = |text: &str| project(&json!(text), &TypeRef::DateTime, &types, 0);
        assert_eq!(
            at("2014-02-27T19:23:06.000Z"),
            json!("2014-02-27T19:23:06Z")
        );
        assert_eq!(
            at("2024-01-01T00:30:00.5+01:00"),
            json!("2023-12-31T23:30:00.500Z")
        );
        assert_eq!(at("not a date"), json!("not a date"));
    }

    #[test]
    fn uuids_project_to_lower_case() {
        let types = Types::new();
        let id = |text: &str| project(&json!(text), &TypeRef::Uuid, &types, 0);
        assert_eq!(
            id("36530F13-59EB-4C15-B5F2-4F92B070A208"),
            json!("36530f13-59eb-4c15-b5f2-4f92b070a208")
        );
        // Not the hyphenated form: kept, for the judge to rule on.
        assert_eq!(id("2C92C0F96A07409D"), json!("2C92C0F96A07409D"));
    }

    #[test]
    fn a_tagged_union_projects_through_its_tagged_variant_and_keeps_the_tag() {
        let named = |n: &str| TypeRef::Named(n.into());
        let types = union_types(
            Some("kind"),
            vec![
                variant(named("Small"), &["small"]),
                variant(named("Large"), &["large"]),
            ],
        );
        assert_eq!(
            projected(&types, json!({"kind": "large", "a": "x", "n": 1, "q": 0})),
            json!({"kind": "large", "a": "x", "n": 1.0})
        );
        // Without its tag, read by shape and written with the tag of the variant chosen.
        assert_eq!(
            projected(&types, json!({"a": "x", "n": 1})),
            json!({"kind": "large", "a": "x", "n": 1.0})
        );
    }
}
