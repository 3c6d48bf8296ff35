//! Values made from schemas, for the wire check: the smallest value a schema accepts, with
//! every required property, enum, `const`, bound, length and known `format` respected. A
//! `pattern` takes the schema's example, or a best-effort guess that is reported as such.
//!
//! It reads schemas as JSON (the typed document serialized back), so every keyword is read
//! the same way whichever `openapiv3` variant carries it.

mod admits;
mod pattern;

use std::collections::HashMap;
use std::rc::Rc;

use openapiv3::OpenAPI;
use serde_json::{Map, Value};

use crate::normalize::RefTargets;
use crate::pointer;

/// Nesting beyond this yields no value (only a cycle of required properties gets there).
const MAX_DEPTH: usize = 24;

/// Makes values from the schemas of one document.
pub(super) struct Sampler<'d> {
    document: &'d OpenAPI,
    targets: &'d RefTargets,
    /// Each `$ref` followed so far, as JSON.
    schemas: HashMap<String, Option<Rc<Value>>>,
    /// The references being sampled, innermost last: a cycle ends there.
    trail: Vec<String>,
    /// Whether a value guessed at a `pattern`, or at a `oneOf` whose alternatives all accept
    /// it, since [`Sampler::value`] began.
    guessed: bool,
    /// The keyword of properties the value leaves out: `readOnly` in a request,
    /// `writeOnly` in a response.
    left_out: &'static str,
}

impl<'d> Sampler<'d> {
    pub(super) fn new(document: &'d OpenAPI, targets: &'d RefTargets) -> Self {
        Sampler {
            document,
            targets,
            schemas: HashMap::new(),
            trail: Vec::new(),
            guessed: false,
            left_out: "readOnly",
        }
    }

    /// [`Sampler::value`] for a response body: read-only properties are in, write-only out.
    pub(super) fn response_value(&mut self, schema: &Value) -> (Value, bool) {
        self.left_out = "writeOnly";
        let made = self.value(schema);
        self.left_out = "readOnly";
        made
    }

    /// A value `schema` accepts (`null` when none can be made), and whether it guesses at a
    /// `pattern`.
    pub(super) fn value(&mut self, schema: &Value) -> (Value, bool) {
        self.guessed = false;
        self.trail.clear();
        let value = self.sample(schema, 0).unwrap_or(Value::Null);
        (value, self.guessed)
    }

    /// The schema a `$ref` points at, as JSON.
    pub(super) fn lookup(&mut self, reference: &str) -> Option<Rc<Value>> {
        if let Some(found) = self.schemas.get(reference) {
            return found.clone();
        }
        let found = pointer::from_reference(reference)
            .and_then(|pointer| self.find(&pointer))
            .map(Rc::new);
        self.schemas.insert(reference.to_owned(), found.clone());
        found
    }

    fn find(&self, pointer: &str) -> Option<Value> {
        if let Some(key) = pointer::component_key(pointer, "schemas") {
            let schema = self.document.components.as_ref()?.schemas.get(&key)?;
            return serde_json::to_value(schema).ok();
        }
        self.targets.decode::<Value>(pointer)?.ok()
    }

    fn sample(&mut self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let object = match schema {
            Value::Object(object) => object,
            Value::Bool(true) => return Some(Value::String("wire".into())),
            _ => return None,
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            return self.sample_reference(reference, depth);
        }
        if let Some(value) = fixed(object) {
            return Some(value);
        }
        if object.contains_key("allOf") {
            let merged = self.merge_all_of(object, depth)?;
            return self.sample(&Value::Object(merged), depth + 1);
        }
        if object.contains_key("oneOf") || object.contains_key("anyOf") {
            return self.alternative(object, depth);
        }
        Some(match kind(object) {
            "string" => self.string(object),
            "integer" => integer(object),
            "number" => number(object),
            "boolean" => Value::Bool(true),
            "null" => Value::Null,
            "array" => self.array(object, depth)?,
            "object" => Value::Object(self.object(object, depth)?),
            _ => Value::String("wire".into()),
        })
    }

    fn sample_reference(&mut self, reference: &str, depth: usize) -> Option<Value> {
        if self.trail.iter().any(|r| r == reference) {
            return None;
        }
        let target = self.lookup(reference)?;
        self.trail.push(reference.to_owned());
        let value = self.sample(&target, depth + 1);
        self.trail.pop();
        value
    }

    fn string(&mut self, object: &Map<String, Value>) -> Value {
        let example = object.get("example").and_then(Value::as_str);
        if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
            self.guessed = true;
            let guess = example
                .map(str::to_owned)
                .or_else(|| pattern::sample(pattern));
            return Value::String(guess.unwrap_or_else(|| "wire".into()));
        }
        let format = object.get("format").and_then(Value::as_str).unwrap_or("");
        if let Some(text) = formatted(format) {
            return Value::String(text.into());
        }
        let text = match (format, example) {
            ("", _) | (_, None) => "wire".to_owned(),
            (_, Some(example)) => example.to_owned(),
        };
        let (min, max) = (count(object, "minLength"), count(object, "maxLength"));
        Value::String(fit_length(text, min, max))
    }

    fn array(&mut self, object: &Map<String, Value>, depth: usize) -> Option<Value> {
        let min = count(object, "minItems").unwrap_or(0);
        let max = count(object, "maxItems").unwrap_or(usize::MAX);
        // One item even when none is required, so the items' encoding is exercised.
        let wanted = min.max(1).min(max);
        let item = match object.get("items") {
            Some(items) => self.sample(items, depth + 1),
            None => Some(Value::String("wire".into())),
        };
        let Some(item) = item else {
            return (min == 0).then(|| Value::Array(Vec::new()));
        };
        let unique = object.get("uniqueItems") == Some(&Value::Bool(true));
        let listed = match object.get("items") {
            Some(items) if unique && wanted > 1 => self.listed(items),
            _ => Vec::new(),
        };
        let items = (0..wanted)
            .map(|index| match listed.get(index) {
                Some(value) => value.clone(),
                None if unique => vary(&item, index),
                None => item.clone(),
            })
            .collect();
        Some(Value::Array(items))
    }

    /// The values an `enum` of the schema (through its reference) lists.
    fn listed(&mut self, schema: &Value) -> Vec<Value> {
        let followed = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.lookup(reference),
            None => Some(Rc::new(schema.clone())),
        };
        followed
            .and_then(|s| s.get("enum").and_then(Value::as_array).cloned())
            .unwrap_or_default()
    }

    /// The required properties (but those the direction leaves out: read-only ones in a
    /// request, write-only ones in a response), enough
    /// others for `minProperties`, and a discriminator's value for the schema at hand.
    fn object(&mut self, object: &Map<String, Value>, depth: usize) -> Option<Map<String, Value>> {
        let empty = Map::new();
        let properties = object
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let extra = object.get("additionalProperties").filter(|a| a.is_object());
        let mut out = Map::new();
        for name in strings(object.get("required")) {
            match properties.get(name) {
                Some(schema) if self.left_out(schema) => {}
                Some(schema) => {
                    out.insert(name.to_owned(), self.sample(schema, depth + 1)?);
                }
                None => {
                    let value = match extra {
                        Some(extra) => self.sample(extra, depth + 1)?,
                        None => Value::String("wire".into()),
                    };
                    out.insert(name.to_owned(), value);
                }
            }
        }
        let min = count(object, "minProperties").unwrap_or(0);
        for (name, schema) in properties {
            if out.len() >= min {
                break;
            }
            if !out.contains_key(name) && !self.left_out(schema) {
                if let Some(value) = self.sample(schema, depth + 1) {
                    out.insert(name.clone(), value);
                }
            }
        }
        while out.len() < min {
            let value = match extra {
                Some(extra) => self.sample(extra, depth + 1)?,
                None => Value::String("wire".into()),
            };
            out.insert(format!("wire{}", out.len()), value);
        }
        if let Some(property) = discriminator_property(object) {
            let reference = self.trail.last().cloned().unwrap_or_default();
            if let Some(tag) = tag_for(object.get("discriminator"), &reference) {
                out.insert(property.to_owned(), Value::String(tag));
            }
        }
        Some(out)
    }

    fn left_out(&mut self, schema: &Value) -> bool {
        let followed = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.lookup(reference),
            None => Some(Rc::new(schema.clone())),
        };
        followed.is_some_and(|s| s.get(self.left_out) == Some(&Value::Bool(true)))
    }

    /// `allOf` (and the keywords beside it) as one schema: properties of several parts become
    /// an `allOf` of their schemas, required lists are joined, other keywords go to the first
    /// part that has them.
    fn merge_all_of(
        &mut self,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Option<Map<String, Value>> {
        let mut merged = object.clone();
        let parts = merged.remove("allOf");
        for part in parts.iter().flat_map(|p| p.as_array()).flatten() {
            let part = self.flatten(part, depth + 1)?;
            merge_into(&mut merged, part);
        }
        Some(merged)
    }

    /// A part of an `allOf`, its references followed and its own `allOf` merged.
    fn flatten(&mut self, part: &Value, depth: usize) -> Option<Map<String, Value>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut object = part.as_object()?.clone();
        if let Some(reference) = object
            .remove("$ref")
            .and_then(|r| r.as_str().map(str::to_owned))
        {
            let target = self.lookup(&reference)?;
            let target = self.flatten(&target, depth + 1)?;
            merge_into(&mut object, target);
        }
        if object.contains_key("allOf") {
            return self.merge_all_of(&object, depth);
        }
        Some(object)
    }

    /// A value of one alternative (not a `null` one), with the properties beside the union
    /// and the discriminator's value for that alternative. For `oneOf`, the
    /// first alternative whose value no other alternative may accept: Prism refuses a value
    /// that matches two (PeerTube's `id` is an integer, a UUID or any other string).
    fn alternative(&mut self, object: &Map<String, Value>, depth: usize) -> Option<Value> {
        let mut rest = object.clone();
        let exclusive = rest.contains_key("oneOf");
        let alternatives = rest
            .remove("oneOf")
            .or_else(|| rest.remove("anyOf"))
            .unwrap_or_default();
        let list = alternatives.as_array().cloned().unwrap_or_default();
        let mut first = None;
        for (index, chosen) in list.iter().enumerate() {
            if self.is_null_only(chosen) {
                continue;
            }
            let Some(value) = self.completed(chosen, &rest, depth) else {
                continue;
            };
            let others = list.iter().enumerate().filter(|(other, _)| *other != index);
            let mut accepting = others.filter(|(_, other)| self.admits(other, &value, depth + 1));
            if !exclusive || accepting.next().is_none() {
                return Some(value);
            }
            first.get_or_insert(value);
        }
        // No value found that only one alternative accepts: the first is a guess.
        self.guessed |= exclusive && first.is_some();
        first
    }

    /// A value of `chosen` with the properties `rest` (the schema around the union) adds.
    fn completed(
        &mut self,
        chosen: &Value,
        rest: &Map<String, Value>,
        depth: usize,
    ) -> Option<Value> {
        let mut value = self.sample(chosen, depth + 1)?;
        let shared = ["properties", "required", "minProperties"]
            .iter()
            .any(|key| rest.contains_key(*key));
        if let (true, Value::Object(own)) = (shared, &mut value) {
            for (key, shared_value) in self.object(rest, depth)? {
                own.entry(key).or_insert(shared_value);
            }
        }
        if let (Some(property), Value::Object(own)) = (discriminator_property(rest), &mut value) {
            let reference = chosen.get("$ref").and_then(Value::as_str).unwrap_or("");
            if let Some(tag) = tag_for(rest.get("discriminator"), reference) {
                own.insert(property.to_owned(), Value::String(tag));
            }
        }
        Some(value)
    }

    fn is_null_only(&mut self, schema: &Value) -> bool {
        let followed = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => self.lookup(reference),
            None => Some(Rc::new(schema.clone())),
        };
        followed.is_some_and(|s| {
            let only_null = s
                .get("enum")
                .and_then(Value::as_array)
                .is_some_and(|listed| listed.iter().all(Value::is_null));
            only_null || s.get("type").and_then(Value::as_str) == Some("null")
        })
    }
}

/// The one value an `enum` or `const` leaves: the first listed that is not `null`.
fn fixed(object: &Map<String, Value>) -> Option<Value> {
    if let Some(value) = object.get("const") {
        return Some(value.clone());
    }
    let listed = object.get("enum")?.as_array()?;
    // An empty string would leave a path segment empty.
    listed
        .iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .or(listed.first())
        .cloned()
}

/// The schema's `type`, or the kind its keywords imply.
fn kind(object: &Map<String, Value>) -> &str {
    match object.get("type") {
        Some(Value::String(kind)) => kind,
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or("null"),
        _ => {
            let has = |keys: &[&str]| keys.iter().any(|k| object.contains_key(*k));
            if has(&[
                "properties",
                "additionalProperties",
                "required",
                "minProperties",
            ]) {
                "object"
            } else if has(&["items", "minItems", "maxItems"]) {
                "array"
            } else if has(&["minimum", "maximum", "multipleOf"]) {
                "number"
            } else if has(&["format", "pattern", "minLength", "maxLength"]) {
                "string"
            } else {
                "any"
            }
        }
    }
}

/// A valid text for a string `format` this sampler knows.
fn formatted(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2024-05-06T07:08:09Z",
        "date" => "2024-05-06",
        "time" => "07:08:09Z",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" | "idn-email" => "wire@example.com",
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" | "uri-template" => {
            "https://example.com/wire"
        }
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "d2lyZQ==",
        "duration" => "P1D",
        "json-pointer" => "/wire",
        "int32" | "int64" | "integer" => "1",
        "number" | "decimal" | "double" | "float" => "1.5",
        _ => return None,
    })
}

/// `text` padded with `x` to `min` characters and cut to `max`.
fn fit_length(mut text: String, min: Option<usize>, max: Option<usize>) -> String {
    let length = text.chars().count();
    if let Some(min) = min.filter(|min| length < *min) {
        text.extend(std::iter::repeat_n('x', min - length));
    }
    if let Some(max) = max {
        text = text.chars().take(max).collect();
    }
    text
}

fn integer(object: &Map<String, Value>) -> Value {
    let number = bounded(object, true);
    Value::from(number as i64)
}

fn number(object: &Map<String, Value>) -> Value {
    let number = bounded(object, false);
    serde_json::Number::from_f64(number).map_or(Value::from(1), Value::Number)
}

/// 1 when the bounds allow it, else the value nearest to it they allow, a multiple of
/// `multipleOf`.
fn bounded(object: &Map<String, Value>, whole: bool) -> f64 {
    let read = |key: &str| object.get(key).and_then(Value::as_f64);
    let exclusive = |key: &str| object.get(key) == Some(&Value::Bool(true));
    let step = if whole { 1.0 } else { 0.5 };
    let low = read("minimum").map(|m| {
        if exclusive("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    });
    let high = read("maximum").map(|m| {
        if exclusive("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    });
    let mut value = 1.0_f64;
    if let Some(low) = low.filter(|low| value < *low) {
        value = low;
    }
    if let Some(high) = high.filter(|high| value > *high) {
        value = match low {
            Some(low) if low <= high => (low + high) / 2.0,
            _ => high,
        };
    }
    if whole {
        value = value.ceil();
    }
    match read("multipleOf").filter(|m| *m > 0.0) {
        Some(step) => {
            let multiple = (value / step).ceil() * step;
            match high {
                Some(high) if multiple > high => (value / step).floor() * step,
                _ => multiple,
            }
        }
        None => value,
    }
}

/// The `index`th distinct variation of an item, for `uniqueItems`, keeping the formats this
/// sampler writes valid.
fn vary(item: &Value, index: usize) -> Value {
    match item {
        _ if index == 0 => item.clone(),
        Value::String(text) if text.contains('@') => Value::String(format!("{index}{text}")),
        Value::String(text) if text.starts_with("https://") => {
            Value::String(format!("{text}/{index}"))
        }
        Value::String(text) if formatted("uuid") == Some(text.as_str()) => {
            Value::String(format!("{}{:x}", &text[..text.len() - 1], index % 16))
        }
        Value::String(text) => Value::String(format!("{text}{index}")),
        Value::Number(n) => n
            .as_i64()
            .map_or_else(|| item.clone(), |n| Value::from(n + index as i64)),
        _ => item.clone(),
    }
}

fn count(object: &Map<String, Value>, key: &str) -> Option<usize> {
    object.get(key).and_then(Value::as_u64).map(|n| n as usize)
}

fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// Joins one part of an `allOf` into the merged schema.
fn merge_into(merged: &mut Map<String, Value>, part: Map<String, Value>) {
    for (key, value) in part {
        match (key.as_str(), merged.get_mut(&key)) {
            ("properties", Some(Value::Object(properties))) => {
                for (name, schema) in value.as_object().into_iter().flatten() {
                    match properties.get_mut(name) {
                        Some(existing) => {
                            let both = vec![existing.take(), schema.clone()];
                            *existing = Value::Object(Map::from_iter([(
                                "allOf".to_owned(),
                                Value::Array(both),
                            )]));
                        }
                        None => {
                            properties.insert(name.clone(), schema.clone());
                        }
                    }
                }
            }
            ("required", Some(Value::Array(required))) => {
                for name in value.as_array().into_iter().flatten() {
                    if !required.contains(name) {
                        required.push(name.clone());
                    }
                }
            }
            (_, Some(_)) => {}
            (_, None) => {
                merged.insert(key, value);
            }
        }
    }
}

fn discriminator_property(object: &Map<String, Value>) -> Option<&str> {
    object.get("discriminator")?.get("propertyName")?.as_str()
}

/// The discriminator value of the schema at `reference`: the `mapping` key that names it, else
/// the schema's name.
fn tag_for(discriminator: Option<&Value>, reference: &str) -> Option<String> {
    let mapping = discriminator
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object);
    let name = reference.rsplit('/').next().filter(|n| !n.is_empty())?;
    let mapped = mapping.into_iter().flatten().find(|(_, target)| {
        target
            .as_str()
            .is_some_and(|t| t == reference || t == name || t.ends_with(&format!("/{name}")))
    });
    Some(mapped.map_or_else(|| name.to_owned(), |(key, _)| key.clone()))
}
