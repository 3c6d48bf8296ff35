//! Examples from the spec, with the JSON each one should serialize back to.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::ir::{Example, TypeDef, TypeKind, TypeRef};
use crate::naming;

/// Names each example's test and works out the JSON it should round-trip to, once the types
/// are final.
pub(super) fn finish(module: &str, types: &[TypeDef], examples: Vec<Example>) -> Vec<Example> {
    let by_name: HashMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    examples
        .into_iter()
        .enumerate()
        .map(|(index, mut example)| {
            example.test_name = naming::example_test_name(module, index + 1);
            example.expected = project(&example.value, &example.ty, &by_name, 0);
            example
        })
        .collect()
}

/// What a value looks like after a trip through its generated type: undeclared properties
/// are dropped (unless the type keeps extra properties) and optional `null`s are omitted.
fn project(value: &Value, ty: &TypeRef, types: &HashMap<&str, &TypeDef>, depth: usize) -> Value {
    if depth > 64 {
        return value.clone();
    }
    match (ty, value) {
        (TypeRef::Nullable(_), Value::Null) => Value::Null,
        // `100` decoded as a float encodes as `100.0`.
        (TypeRef::F32 | TypeRef::F64, Value::Number(n)) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| value.clone(), Value::Number),
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
                        Some(field) if v.is_null() && !field.required => {}
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
            _ => value.clone(),
        },
        _ => value.clone(),
    }
}
