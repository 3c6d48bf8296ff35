//! Whether a schema may accept a value, read loosely: a value sent as text (a path, query or
//! header parameter) is a number or a boolean as well as a string, and a keyword this check
//! does not know accepts. A `oneOf` needs a value that exactly one alternative accepts, so an
//! alternative that "may accept" is counted against the value.

use serde_json::{Map, Value};

use super::{count, Sampler, MAX_DEPTH};

impl Sampler<'_> {
    /// Whether `schema` may accept `value`; `false` only when it surely refuses it.
    pub(super) fn admits(&mut self, schema: &Value, value: &Value, depth: usize) -> bool {
        let object = match schema {
            Value::Object(object) => object,
            Value::Bool(accepts) => return *accepts,
            _ => return true,
        };
        if depth > MAX_DEPTH {
            return true;
        }
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return match self.lookup(reference) {
                Some(target) => self.admits(&target, value, depth + 1),
                None => true,
            };
        }
        if let Some(listed) = listed_values(object) {
            return listed.iter().any(|v| same_text(v, value));
        }
        if let Some(Value::Array(parts)) = object.get("allOf") {
            if !parts.iter().all(|p| self.admits(p, value, depth + 1)) {
                return false;
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = object.get(key) {
                if !alternatives
                    .iter()
                    .any(|a| self.admits(a, value, depth + 1))
                {
                    return false;
                }
            }
        }
        if value.is_null() {
            return object.get("nullable") == Some(&Value::Bool(true)) || of_kind(object, "null");
        }
        match value {
            Value::Object(members) => self.admits_object(object, members, depth),
            Value::String(text) => admits_text(object, text),
            Value::Number(_) | Value::Bool(_) => admits_text(object, &value.to_string()),
            Value::Array(_) => of_kind(object, "array") || declares_no_type(object),
            Value::Null => true,
        }
    }

    fn admits_object(
        &mut self,
        object: &Map<String, Value>,
        members: &Map<String, Value>,
        depth: usize,
    ) -> bool {
        if !of_kind(object, "object") && !declares_no_type(object) {
            return false;
        }
        let required = object.get("required").and_then(Value::as_array);
        if required.is_some_and(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .any(|n| !members.contains_key(n))
        }) {
            return false;
        }
        let empty = Map::new();
        let properties = object
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
        members
            .iter()
            .all(|(name, member)| match properties.get(name) {
                Some(schema) => self.admits(schema, member, depth + 1),
                None => !closed,
            })
    }
}

/// The values an `enum` or `const` allows, if it lists them.
fn listed_values(object: &Map<String, Value>) -> Option<Vec<Value>> {
    if let Some(value) = object.get("const") {
        return Some(vec![value.clone()]);
    }
    object.get("enum")?.as_array().cloned()
}

/// Equal as JSON, or as the text a parameter carries.
fn same_text(listed: &Value, value: &Value) -> bool {
    listed == value || text_of(listed).is_some_and(|t| Some(t) == text_of(value))
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(_) | Value::Bool(_) => Some(value.to_string()),
        _ => None,
    }
}

fn declares_no_type(object: &Map<String, Value>) -> bool {
    !object.contains_key("type")
}

/// Whether the schema's `type` names `kind` (or, for `number`, `integer`).
fn of_kind(object: &Map<String, Value>, kind: &str) -> bool {
    let named = |t: &str| t == kind || (kind == "integer" && t == "number");
    match object.get("type") {
        Some(Value::String(t)) => named(t),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(named),
        _ => false,
    }
}

/// A scalar, as the text a parameter would carry, against the schema's type and rules.
fn admits_text(object: &Map<String, Value>, text: &str) -> bool {
    let typed = |kind| of_kind(object, kind);
    let as_string = typed("string") || declares_no_type(object);
    let as_integer = typed("integer") && text.parse::<i64>().is_ok();
    let as_number = typed("number") && text.parse::<f64>().is_ok();
    let as_bool = typed("boolean") && matches!(text, "true" | "false");
    if as_integer || as_number || as_bool {
        return true;
    }
    as_string && admits_string(object, text)
}

fn admits_string(object: &Map<String, Value>, text: &str) -> bool {
    let length = text.chars().count();
    if count(object, "minLength").is_some_and(|min| length < min) {
        return false;
    }
    if count(object, "maxLength").is_some_and(|max| length > max) {
        return false;
    }
    match object.get("format").and_then(Value::as_str) {
        Some("uuid") => is_uuid(text),
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        Some("email") => text.contains('@'),
        _ => true,
    }
}

fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    lengths == [8, 4, 4, 4, 12]
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}
