//! Webhooks and callbacks: the requests an API sends to its users. The 3.0 model has no
//! `webhooks` and takes no `$ref` for a callback, so both are taken out of the document before
//! it is decoded and decoded here, one entry at a time: an entry that does not decode is
//! skipped with a warning at its place, and holds up nothing else.

use indexmap::IndexMap;
use openapiv3::{PathItem, ReferenceOr};
use serde::Deserialize as _;
use serde_json::{Map, Value};

use super::RefTargets;
use crate::diag::{Code, Severity, Sink};
use crate::load::Sources;
use crate::pointer;

/// A callback's path items, by runtime expression (`{$request.body#/callbackUrl}`).
pub type CallbackPaths = IndexMap<String, ReferenceOr<PathItem>>;

/// What the API sends to its users, taken out of the document.
#[derive(Debug, Default)]
pub struct Hooks {
    /// `webhooks` (3.1), else the `x-webhooks` that 3.0 documents (GitHub's) use, in order.
    pub webhooks: Vec<Webhook>,
    /// The callbacks of the operations of `paths`, by the operation's pointer under `paths`
    /// (also when its path item is a `$ref`).
    pub callbacks: IndexMap<String, Vec<Callback>>,
}

#[derive(Debug)]
pub struct Webhook {
    pub name: String,
    pub pointer: String,
    pub item: ReferenceOr<PathItem>,
}

#[derive(Debug)]
pub struct Callback {
    pub name: String,
    /// Where it is written: under the operation, or under the path item a `$ref` reaches.
    pub pointer: String,
    pub paths: ReferenceOr<CallbackPaths>,
}

/// A part of a webhook or callback left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub pointer: String,
    pub message: String,
}

/// HTTP methods a path item holds operations under.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Takes webhooks and callbacks out of `document` (and out of the path items `targets` holds
/// for `paths` entries that are `$ref`s), reporting each part left out.
pub(super) fn take(
    document: &mut Value,
    targets: &mut RefTargets,
    sources: &Sources,
    sink: &mut Sink,
) -> Hooks {
    let mut skipped = Vec::new();
    let webhooks = take_webhooks(document, &mut skipped);
    // Reached through `$ref`s only, which resolving follows in `targets`.
    if let Some(Value::Object(components)) = document.get_mut("components") {
        components.remove("callbacks");
    }
    let callbacks = take_operation_callbacks(document, targets, &mut skipped);
    report(&skipped, sources, sink);
    Hooks {
        webhooks,
        callbacks,
    }
}

/// Reports each part left out as a warning at its place.
fn report(skipped: &[Skipped], sources: &Sources, sink: &mut Sink) {
    for skipped in skipped {
        sources.report(
            sink,
            Severity::Warning,
            Code::Unsupported,
            &skipped.pointer,
            skipped.message.clone(),
            None,
        );
    }
}

fn take_webhooks(document: &mut Value, skipped: &mut Vec<Skipped>) -> Vec<Webhook> {
    let Value::Object(root) = document else {
        return Vec::new();
    };
    let extension = root.remove("x-webhooks");
    let (key, entries) = match (root.remove("webhooks"), extension) {
        (Some(entries), _) => ("webhooks", entries),
        (None, Some(entries)) => ("x-webhooks", entries),
        (None, None) => return Vec::new(),
    };
    let at = pointer::child("", key);
    let Value::Object(entries) = entries else {
        skipped.push(Skipped {
            pointer: at,
            message: format!("`{key}` is not a map of path items; no webhook is generated"),
        });
        return Vec::new();
    };
    entries
        .into_iter()
        .filter_map(|(name, item)| {
            let pointer = pointer::child(&at, &name);
            let item = decode_path_item(item, &pointer, skipped)?;
            Some(Webhook {
                name,
                pointer,
                item,
            })
        })
        .collect()
}

/// The callbacks of every operation of `paths`, taken out of the operations. A path item
/// that is a `$ref` keeps its callbacks where `targets` holds it until every path that
/// reaches it has read them.
fn take_operation_callbacks(
    document: &mut Value,
    targets: &mut RefTargets,
    skipped: &mut Vec<Skipped>,
) -> IndexMap<String, Vec<Callback>> {
    let mut found = IndexMap::new();
    let mut reached = Vec::new();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return found;
    };
    for (path, item) in paths.iter_mut() {
        let item_at = pointer::child("/paths", path);
        let Value::Object(item) = item else { continue };
        let target = item.get("$ref").and_then(Value::as_str);
        let Some(target) = target.and_then(pointer::from_reference) else {
            read_callbacks(item, &item_at, &item_at, &mut found, skipped);
            strip_callbacks(item);
            continue;
        };
        if let Some(Value::Object(held)) = targets.tree.pointer(&target) {
            read_callbacks(held, &target, &item_at, &mut found, skipped);
            reached.push(target);
        }
    }
    for target in reached {
        if let Some(Value::Object(held)) = targets.tree.pointer_mut(&target) {
            strip_callbacks(held);
        }
    }
    found
}

/// Reads the callbacks of the operations of the path item written at `written_at`, each kept
/// under its operation's pointer below `listed_at`.
fn read_callbacks(
    item: &Map<String, Value>,
    written_at: &str,
    listed_at: &str,
    found: &mut IndexMap<String, Vec<Callback>>,
    skipped: &mut Vec<Skipped>,
) {
    for &method in METHODS {
        let Some(callbacks) = item.get(method).and_then(|op| op.get("callbacks")) else {
            continue;
        };
        let at = pointer::child(&pointer::child(written_at, method), "callbacks");
        let decoded = decode_callbacks(callbacks, &at, skipped);
        if !decoded.is_empty() {
            found.insert(pointer::child(listed_at, method), decoded);
        }
    }
}

/// Removes the callbacks of the path item's operations.
fn strip_callbacks(item: &mut Map<String, Value>) {
    for &method in METHODS {
        if let Some(Value::Object(operation)) = item.get_mut(method) {
            operation.remove("callbacks");
        }
    }
}

/// An operation's `callbacks` map (at `at`), each callback a `$ref` or its path items.
fn decode_callbacks(callbacks: &Value, at: &str, skipped: &mut Vec<Skipped>) -> Vec<Callback> {
    let Value::Object(callbacks) = callbacks else {
        skipped.push(not_a_map(at, "callbacks"));
        return Vec::new();
    };
    callbacks
        .iter()
        .filter_map(|(name, callback)| {
            let pointer = pointer::child(at, name);
            let paths = match callback.get("$ref") {
                Some(Value::String(reference)) => ReferenceOr::Reference {
                    reference: reference.clone(),
                },
                _ => ReferenceOr::Item(decode_callback_paths(callback, &pointer, skipped)?),
            };
            Some(Callback {
                name: name.clone(),
                pointer,
                paths,
            })
        })
        .collect()
}

/// A callback's path items, by runtime expression; `None` when it is not a map.
pub fn decode_callback_paths(
    callback: &Value,
    at: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<CallbackPaths> {
    let Value::Object(expressions) = callback else {
        skipped.push(not_a_map(at, "this callback"));
        return None;
    };
    let paths = expressions
        .iter()
        .filter(|(expression, _)| !expression.starts_with("x-"))
        .filter_map(|(expression, item)| {
            let pointer = pointer::child(at, expression);
            let item = decode_path_item(item.clone(), &pointer, skipped)?;
            Some((expression.clone(), item))
        })
        .collect();
    Some(paths)
}

/// A path item of a webhook or callback (or a `$ref` to one). Callbacks of its operations,
/// requests answering a request the API sends, are left out.
fn decode_path_item(
    mut item: Value,
    at: &str,
    skipped: &mut Vec<Skipped>,
) -> Option<ReferenceOr<PathItem>> {
    if let Value::Object(operations) = &mut item {
        for &method in METHODS {
            let Some(Value::Object(operation)) = operations.get_mut(method) else {
                continue;
            };
            if operation.remove("callbacks").is_some() {
                skipped.push(Skipped {
                    pointer: pointer::child(&pointer::child(at, method), "callbacks"),
                    message: "callbacks of a webhook or of a callback are not generated".into(),
                });
            }
        }
    }
    match ReferenceOr::<PathItem>::deserialize(&item) {
        Ok(item) => Some(item),
        Err(err) => {
            skipped.push(Skipped {
                pointer: at.to_owned(),
                message: format!("not a valid path item ({err}); it is not generated"),
            });
            None
        }
    }
}

fn not_a_map(at: &str, what: &str) -> Skipped {
    Skipped {
        pointer: at.to_owned(),
        message: format!("{what} is not a map; it is not generated"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn callbacks_are_read_inline_as_references_and_through_a_referenced_path_item() {
        let callback = json!({"{$request.body#/url}": {"post": {"responses": {}}}});
        let mut document = json!({"paths": {
            "/a": {"post": {"responses": {}, "callbacks": {
                "inline": callback, "shared": {"$ref": "#/components/callbacks/C"}}}},
            "/b": {"$ref": "#/components/pathItems/B"},
            "/c": {"$ref": "#/components/pathItems/B"}}});
        let held = json!({"components": {"pathItems": {"B": {"get": {
            "responses": {}, "callbacks": {"onB": callback}}}}}});
        let mut targets = RefTargets { tree: held };
        let mut skipped = Vec::new();
        let found = take_operation_callbacks(&mut document, &mut targets, &mut skipped);
        assert_eq!(skipped, []);
        let names = |at: &str| -> Vec<(String, String)> {
            found[at]
                .iter()
                .map(|c| (c.name.clone(), c.pointer.clone()))
                .collect()
        };
        assert_eq!(
            names("/paths/~1a/post"),
            [
                ("inline".into(), "/paths/~1a/post/callbacks/inline".into()),
                ("shared".into(), "/paths/~1a/post/callbacks/shared".into()),
            ]
        );
        let through = [(
            "onB".to_owned(),
            "/components/pathItems/B/get/callbacks/onB".to_owned(),
        )];
        assert_eq!(names("/paths/~1b/get"), through);
        assert_eq!(names("/paths/~1c/get"), through);
        assert!(matches!(
            found["/paths/~1a/post"][1].paths,
            ReferenceOr::Reference { .. }
        ));
        // Taken out, so that the 3.0 model decodes what is left.
        assert_eq!(document["paths"]["/a"]["post"], json!({"responses": {}}));
        assert_eq!(
            targets.tree["components"]["pathItems"]["B"]["get"],
            json!({"responses": {}})
        );
    }

    #[test]
    fn webhooks_come_from_webhooks_before_the_extension() {
        let item = json!({"post": {"responses": {}}});
        let mut document = json!({"webhooks": {"a": item}, "x-webhooks": {"b": item}});
        let mut skipped = Vec::new();
        let webhooks = take_webhooks(&mut document, &mut skipped);
        let names: Vec<(&str, &str)> = webhooks
            .iter()
            .map(|w| (w.name.as_str(), w.pointer.as_str()))
            .collect();
        assert_eq!(names, [("a", "/webhooks/a")]);
        assert_eq!(document, json!({}));
        let mut document = json!({"x-webhooks": {"b": item}});
        assert_eq!(
            take_webhooks(&mut document, &mut skipped)[0].pointer,
            "/x-webhooks/b"
        );
        assert_eq!(skipped, []);
    }

    #[test]
    fn what_cannot_be_generated_is_skipped_at_its_place() {
        let mut document = json!({"webhooks": {
            "bad": {"post": {"responses": 5}},
            "nested": {"post": {"responses": {}, "callbacks": {"x": {}}}},
            "ok": {"$ref": "#/components/pathItems/Ok"}}});
        let mut skipped = Vec::new();
        let webhooks = take_webhooks(&mut document, &mut skipped);
        let names: Vec<&str> = webhooks.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["nested", "ok"]);
        let places: Vec<&str> = skipped.iter().map(|s| s.pointer.as_str()).collect();
        assert_eq!(places, ["/webhooks/bad", "/webhooks/nested/post/callbacks"]);
        let mut skipped = Vec::new();
        assert!(decode_callback_paths(&json!([]), "/c", &mut skipped).is_none());
        assert_eq!(skipped[0].pointer, "/c");
    }
}
