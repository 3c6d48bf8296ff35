//! Normalize stage: check the OpenAPI version, lower 3.1 constructs onto the 3.0 model, and
//! decode into `openapiv3`; webhooks and callbacks, which that model cannot hold, are decoded
//! apart ([`hooks`]).

mod hooks;

pub use hooks::{decode_callback_paths, CallbackPaths, Hooks, Skipped};

use indexmap::IndexMap;
use openapiv3::ReferenceOr;
use serde::de::DeserializeOwned;
use serde::Deserialize as _;
use serde_json::{Map, Value};

use crate::diag::{Code, Repair, Severity, Sink};
use crate::load::{Loaded, Sources, EXTERNAL_ROOT};
use crate::pointer;

/// One API's document decoded, with all that resolving still needs from the earlier stages.
#[derive(Debug)]
pub struct Normalized {
    pub document: openapiv3::OpenAPI,
    /// The nodes `$ref`s reach that the typed document cannot find.
    pub ref_targets: RefTargets,
    /// The files, to report problems in and to name in generated headers.
    pub sources: Sources,
    /// Webhooks and callbacks, taken out of the document.
    pub hooks: Hooks,
}

/// Checks the version, lowers 3.1 and decodes the document. `None` when errors were reported.
pub fn normalize(loaded: Loaded, sink: &mut Sink) -> Option<Normalized> {
    let Loaded {
        mut document,
        sources,
    } = loaded;
    check_version(&document, &sources, sink)?;
    prepare(&mut document, &sources, sink);
    // Before the hooks are taken out: the targets of their `$ref`s are placed too.
    let mut ref_targets = RefTargets::of(&document);
    let hooks = hooks::take(&mut document, &mut ref_targets, &sources, sink);
    let document = match decode_in_pieces(document) {
        Ok(document) => document,
        Err(stand_in) => {
            report_invalid(&stand_in, &sources, sink);
            return None;
        }
    };
    Some(Normalized {
        document,
        ref_targets,
        sources,
        hooks,
    })
}

/// Reports where `document` (which does not decode) first goes wrong, as decoding it whole
/// says.
fn report_invalid(document: &Value, sources: &Sources, sink: &mut Sink) {
    let parsed: Result<openapiv3::OpenAPI, _> = serde_path_to_error::deserialize(document);
    let (pointer, message) = match parsed {
        Ok(_) => (
            String::new(),
            "the document could not be decoded".to_owned(),
        ),
        Err(err) => {
            let pointer = pointer::from_serde_path(err.path());
            refine_path_item_error(document, &pointer)
                .unwrap_or_else(|| (pointer, err.inner().to_string()))
        }
    };
    sources.report(
        sink,
        Severity::Error,
        Code::InvalidDocument,
        &pointer,
        format!("not a valid OpenAPI document: {message}"),
        Some("compare this node with the OpenAPI specification for its position".into()),
    );
}

/// `paths` has a hand-written deserializer that hides where inside it a problem is; decoding
/// each path item on its own finds the place.
fn refine_path_item_error(document: &Value, pointer: &str) -> Option<(String, String)> {
    if pointer != "/paths" {
        return None;
    }
    let paths = document.get("paths")?.as_object()?;
    paths.iter().find_map(|(path, item)| {
        let result: Result<openapiv3::PathItem, _> = serde_path_to_error::deserialize(item);
        let err = result.err()?;
        let inner = pointer::from_serde_path(err.path());
        Some((
            format!("{}{inner}", pointer::child("/paths", path)),
            err.inner().to_string(),
        ))
    })
}

/// Decodes the document one path item and one component at a time, dropping each piece of the
/// tree once decoded, so the tree and the typed document never both fill memory. (Decoding from
/// an owned tree would too, but serde's untagged enums make that several times slower.) No path
/// tracking either: when a piece fails, the error is the document again with every piece
/// decoded so far replaced by a stand-in that decodes as well, so that decoding it whole with
/// path tracking finds the problem the whole document has first.
fn decode_in_pieces(tree: Value) -> Result<openapiv3::OpenAPI, Value> {
    let Value::Object(mut root) = tree else {
        return Err(tree);
    };
    // The pieces leave empty maps in their places, so they go back where they were.
    let paths = root
        .insert("paths".into(), Value::Object(Map::new()))
        .unwrap_or_default();
    let components = take_typed_components(&mut root);
    let mut root = Value::Object(root);
    let Ok(mut api) = openapiv3::OpenAPI::deserialize(&root) else {
        return Err(reassemble(root, paths, components));
    };
    keep_places_only(&mut root);
    let paths = match decode_paths(paths, &mut api.paths) {
        Ok(stand_ins) => stand_ins,
        Err(paths) => return Err(reassemble(root, paths, components)),
    };
    if let Some(typed) = api.components.as_mut() {
        if let Err(components) = decode_components(components, typed) {
            return Err(reassemble(root, paths, components));
        }
    }
    Ok(api)
}

/// Typed component entries, by kind.
type Pieces = Vec<(&'static str, Map<String, Value>)>;

/// The entries of each typed component kind, taken out of `root`.
fn take_typed_components(root: &mut Map<String, Value>) -> Pieces {
    let mut pieces = Vec::new();
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for &kind in TYPED_COMPONENTS {
            if let Some(Value::Object(entries)) = components.get_mut(kind) {
                pieces.push((kind, std::mem::take(entries)));
            }
        }
    }
    pieces
}

/// Cuts a root that decoded down to what decoding the pieces again needs: the required fields
/// and the places of the pieces, in their order. The rest (examples, mounted external files,
/// ...) decoded already, and would fill memory twice.
fn keep_places_only(root: &mut Value) {
    let Value::Object(root) = root else {
        return;
    };
    root.retain(|key, _| matches!(key.as_str(), "openapi" | "info" | "paths" | "components"));
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components.retain(|kind, _| TYPED_COMPONENTS.contains(&kind.as_str()));
    }
}

/// Puts the pieces back into the places they were taken from.
fn reassemble(root: Value, paths: Value, components: Pieces) -> Value {
    let Value::Object(mut root) = root else {
        return root;
    };
    root.insert("paths".into(), paths);
    if let Some(Value::Object(kinds)) = root.get_mut("components") {
        for (kind, entries) in components {
            kinds.insert(kind.into(), Value::Object(entries));
        }
    }
    Value::Object(root)
}

/// Decodes the path items (keys starting with `/`) and the `x-` extensions of `paths`. Returns
/// `paths` with a stand-in for each item decoded, and as written from a failing item on.
fn decode_paths(paths: Value, into: &mut openapiv3::Paths) -> Result<Value, Value> {
    use openapiv3::PathItem;
    let Value::Object(paths) = paths else {
        return Err(paths);
    };
    // A path item given as a `$ref` stays as written (it is small), as does what is no path
    // item: the search for the failing item decodes every entry as a path item, and these
    // may not decode as one.
    let mut stand_ins = Map::new();
    let mut entries = paths.into_iter();
    while let Some((key, item)) = entries.next() {
        if !key.starts_with('/') {
            if key.starts_with("x-") {
                into.extensions.insert(key.clone(), item.clone());
            }
            stand_ins.insert(key, item);
            continue;
        }
        let Ok(decoded) = ReferenceOr::<PathItem>::deserialize(&item) else {
            stand_ins.insert(key, item);
            stand_ins.extend(entries);
            return Err(Value::Object(stand_ins));
        };
        let stand_in = match decoded {
            ReferenceOr::Item(_) => Value::Object(Map::new()),
            ReferenceOr::Reference { .. } => item,
        };
        into.paths.insert(key.clone(), decoded);
        stand_ins.insert(key, stand_in);
    }
    Ok(Value::Object(stand_ins))
}

/// Decodes each kind of typed component into `into`. On failure, returns the pieces with a
/// stand-in for each entry decoded.
fn decode_components(pieces: Pieces, into: &mut openapiv3::Components) -> Result<(), Pieces> {
    let mut done = Vec::new();
    let mut pieces = pieces.into_iter();
    while let Some((kind, entries)) = pieces.next() {
        if let Err(failed) = decode_kind(kind, entries, into) {
            let mut again: Pieces = done
                .into_iter()
                .map(|kind| (kind, reference_stand_ins(entry_keys(into, kind))))
                .collect();
            again.push((kind, failed));
            again.extend(pieces);
            return Err(again);
        }
        done.push(kind);
    }
    Ok(())
}

/// Decodes the entries of one kind of component into its field of `into`.
fn decode_kind(
    kind: &str,
    entries: Map<String, Value>,
    into: &mut openapiv3::Components,
) -> Result<(), Map<String, Value>> {
    use openapiv3::{Header, Parameter, RequestBody, Response, Schema};
    match kind {
        "schemas" => into.schemas = decode_entries::<Schema>(entries)?,
        "responses" => into.responses = decode_entries::<Response>(entries)?,
        "parameters" => into.parameters = decode_entries::<Parameter>(entries)?,
        "requestBodies" => into.request_bodies = decode_entries::<RequestBody>(entries)?,
        _ => into.headers = decode_entries::<Header>(entries)?,
    }
    Ok(())
}

/// The keys of the entries of `kind` decoded into `components`.
fn entry_keys<'c>(components: &'c openapiv3::Components, kind: &str) -> Vec<&'c String> {
    match kind {
        "schemas" => components.schemas.keys().collect(),
        "responses" => components.responses.keys().collect(),
        "parameters" => components.parameters.keys().collect(),
        "requestBodies" => components.request_bodies.keys().collect(),
        _ => components.headers.keys().collect(),
    }
}

/// Component entries that decode as any kind: references.
fn reference_stand_ins<'k>(keys: impl IntoIterator<Item = &'k String>) -> Map<String, Value> {
    keys.into_iter()
        .map(|key| (key.clone(), serde_json::json!({ "$ref": "#" })))
        .collect()
}

/// Decodes a map of components, dropping each entry's tree once decoded. On failure, returns
/// the map with a stand-in for each entry decoded.
fn decode_entries<T: DeserializeOwned>(
    entries: Map<String, Value>,
) -> Result<IndexMap<String, ReferenceOr<T>>, Map<String, Value>> {
    let mut decoded = IndexMap::with_capacity(entries.len());
    let mut entries = entries.into_iter();
    while let Some((key, entry)) = entries.next() {
        let Ok(value) = ReferenceOr::<T>::deserialize(&entry) else {
            let mut again = reference_stand_ins(decoded.keys());
            again.insert(key, entry);
            again.extend(entries);
            return Err(again);
        };
        decoded.insert(key, value);
    }
    Ok(decoded)
}

/// Rewrites the tree into what the 3.0 model can decode.
fn prepare(document: &mut Value, sources: &Sources, sink: &mut Sink) {
    // First, while every pointer still names the place in the file.
    repair_misplaced_refs(document, sources, sink);
    repair_info(document, sources, sink);
    // 3.0 documents go through the same lowering: it only rewrites what 3.0 cannot say, and
    // tolerates 3.1 habits (boolean schemas, `$ref` siblings) found in documents labelled 3.0.
    lower_document(document);
    if let Value::Object(root) = document {
        root.entry("paths")
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// `None` (with an error reported) unless the document is OpenAPI 3.0 or 3.1.
fn check_version(document: &Value, sources: &Sources, sink: &mut Sink) -> Option<()> {
    if let Some(swagger) = document.get("swagger") {
        let found = swagger
            .as_str()
            .map_or_else(|| swagger.to_string(), str::to_owned);
        sources.report(
            sink,
            Severity::Error,
            Code::UnsupportedVersion,
            "/swagger",
            format!("Swagger {found} is not supported; OpenAPI 3.0.x and 3.1.x are"),
            Some(
                "convert the document to OpenAPI 3 first (for example with swagger2openapi)".into(),
            ),
        );
        return None;
    }
    let version = match document.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => other.to_string(),
        None => {
            sources.report(
                sink,
                Severity::Error,
                Code::UnsupportedVersion,
                "",
                "the document has no `openapi` version field",
                Some("add `openapi: 3.0.3` or `openapi: 3.1.0` at the top".into()),
            );
            return None;
        }
    };
    let supported = ["3.0", "3.1"]
        .iter()
        .any(|line| version == *line || version.starts_with(&format!("{line}.")));
    if supported {
        Some(())
    } else {
        sources.report(
            sink,
            Severity::Error,
            Code::UnsupportedVersion,
            "/openapi",
            format!("OpenAPI version `{version}` is not supported; OpenAPI 3.0.x and 3.1.x are"),
            None,
        );
        None
    }
}

/// The version said of an API whose document does not say one.
const UNSPECIFIED_VERSION: &str = "unspecified";

/// `info` only documents the API, so a document without it, or without its `title` or
/// `version` (a file of schemas, say), is read with stand-ins: the file's name for the title.
fn repair_info(document: &mut Value, sources: &Sources, sink: &mut Sink) {
    let Value::Object(root) = document else {
        return;
    };
    let title = sources
        .iter()
        .next()
        .and_then(|source| source.path.file_stem())
        .map_or_else(
            || "API".to_owned(),
            |stem| stem.to_string_lossy().into_owned(),
        );
    let (info, at) = match root.get_mut("info") {
        Some(Value::Object(info)) => (info, "/info"),
        Some(_) => return,
        None => {
            let message = "the document has no `info`".to_owned();
            let assumed = format!("the title `{title}` and the version `{UNSPECIFIED_VERSION}`");
            sources.repair(sink, "", info_repair(message, assumed));
            root.insert(
                "info".into(),
                serde_json::json!({"title": title, "version": UNSPECIFIED_VERSION}),
            );
            return;
        }
    };
    for (field, value) in [("title", title.as_str()), ("version", UNSPECIFIED_VERSION)] {
        if !info.contains_key(field) {
            let message = format!("`info` has no `{field}`");
            sources.repair(
                sink,
                at,
                info_repair(message, format!("the {field} `{value}`")),
            );
            info.insert(field.into(), Value::String(value.to_owned()));
        }
    }
}

fn info_repair(message: String, assumed: String) -> Repair {
    Repair {
        code: Code::InvalidDocument,
        message,
        assumed,
    }
}

/// The places Swagger 2.0 kept what OpenAPI 3 keeps under `components`, and the kind each
/// became.
const SWAGGER_PLACES: &[(&str, &str)] = &[
    ("definitions", "schemas"),
    ("parameters", "parameters"),
    ("responses", "responses"),
];

/// Every kind of component.
const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
];

/// Points each local `$ref` that leads nowhere but can mean only one place under `components`
/// at that place, with a repair reported at the `$ref`: a Swagger 2.0 place
/// (`#/definitions/Pet` for `#/components/schemas/Pet`), or a component of a misspelt or
/// missing kind (`#/schemas/Pet`, `#/components/schema/Pet`) whose name exactly one kind holds.
/// (A component of the wrong kind is resolving's to repair: it knows the kind wanted.)
fn repair_misplaced_refs(document: &mut Value, sources: &Sources, sink: &mut Sink) {
    let mut references = std::collections::BTreeSet::new();
    collect_local_refs(document, &mut references);
    let targets: IndexMap<String, String> = references
        .into_iter()
        .filter_map(|reference| {
            let target = misplaced_target(document, &reference)?;
            Some((reference, target))
        })
        .collect();
    if targets.is_empty() {
        return;
    }
    // Only now, with something to repair, is every `$ref` placed.
    let mut holders = Vec::new();
    collect_ref_holders(document, "", &targets, &mut holders);
    for holder in holders {
        let at = pointer::child(&holder, "$ref");
        let Some(Value::String(reference)) = document.pointer_mut(&at) else {
            continue;
        };
        let Some(target) = targets.get(reference.as_str()) else {
            continue;
        };
        let message = format!("`$ref: {reference}` points at nothing");
        let assumed = format!("`{target}`, the only place under `components` it can mean");
        *reference = target.clone();
        sources.repair(
            sink,
            &at,
            Repair {
                code: Code::DanglingRef,
                message,
                assumed,
            },
        );
    }
}

/// The reference that `reference` means, when it leads nowhere and exactly one place under
/// `components` (of its file, for a file mounted from an external `$ref`) can be meant.
fn misplaced_target(document: &Value, reference: &str) -> Option<String> {
    let wanted = pointer::from_reference(reference)?;
    if wanted.is_empty() || document.pointer(&wanted).is_some() {
        return None;
    }
    // As written, so the target keeps the reference's own escapes.
    let raw: Vec<&str> = reference.strip_prefix("#/")?.split('/').collect();
    let mount = usize::from(pointer::is_within(EXTERNAL_ROOT, &wanted)) * 2;
    let (kinds, dropped) = match raw.get(mount..)? {
        // An existing kind of component is left to resolving, which knows the kind wanted.
        ["components", place, _, ..] if !COMPONENT_KINDS.contains(place) => (kinds_meant(place), 2),
        [place, _, ..] if *place != "components" => (kinds_meant(place), 1),
        _ => return None,
    };
    let within = raw[..mount]
        .iter()
        .map(|s| format!("/{s}"))
        .collect::<String>();
    let rest = raw[mount + dropped..].join("/");
    let mut found = kinds.into_iter().filter_map(|kind| {
        let target = format!("#{within}/components/{kind}/{rest}");
        let at = pointer::from_reference(&target)?;
        document.pointer(&at).is_some().then_some(target)
    });
    let target = found.next()?;
    found.next().is_none().then_some(target)
}

/// The kinds of component that a reference to `place` can mean: the one a Swagger 2.0 place
/// became, the kind `place` names, or any.
fn kinds_meant(place: &str) -> Vec<&'static str> {
    if let Some((_, kind)) = SWAGGER_PLACES.iter().find(|(old, _)| *old == place) {
        return vec![kind];
    }
    match COMPONENT_KINDS.iter().find(|kind| **kind == place) {
        Some(kind) => vec![kind],
        None => COMPONENT_KINDS.to_vec(),
    }
}

/// The pointers of the objects below `value` whose `$ref` is one of `references`, in document
/// order.
fn collect_ref_holders(
    value: &Value,
    at: &str,
    references: &IndexMap<String, String>,
    out: &mut Vec<String>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if references.contains_key(reference) {
                    out.push(at.to_owned());
                }
            }
            for (key, child) in object {
                collect_ref_holders(child, &pointer::child(at, key), references, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_ref_holders(child, &pointer::item(at, index), references, out);
            }
        }
        _ => {}
    }
}

/// Lowers every schema in a 3.1 document onto what the 3.0 model can hold.
fn lower_document(document: &mut Value) {
    if let Some(components) = document.get_mut("components") {
        for_each_entry(components.get_mut("schemas"), lower_schema);
        for_each_entry(components.get_mut("parameters"), lower_parameter);
        for_each_entry(components.get_mut("headers"), lower_parameter);
        for_each_entry(components.get_mut("requestBodies"), lower_content_holder);
        for_each_entry(components.get_mut("responses"), lower_response);
        for_each_entry(components.get_mut("pathItems"), lower_path_item);
        for_each_entry(components.get_mut("callbacks"), lower_callback);
    }
    for key in ["paths", "webhooks", "x-webhooks"] {
        for_each_entry(document.get_mut(key), lower_path_item);
    }
}

fn lower_path_item(item: &mut Value) {
    let Value::Object(item) = item else { return };
    for (key, value) in item.iter_mut() {
        if key == "parameters" {
            for_each_item(Some(value), lower_parameter);
        } else if let Value::Object(operation) = value {
            for_each_item(operation.get_mut("parameters"), lower_parameter);
            if let Some(body) = operation.get_mut("requestBody") {
                lower_content_holder(body);
            }
            // 3.1 makes `responses` optional.
            operation
                .entry("responses")
                .or_insert_with(|| Value::Object(Map::new()));
            for_each_entry(operation.get_mut("responses"), lower_response);
            for_each_entry(operation.get_mut("callbacks"), lower_callback);
        }
    }
}

/// A callback's path items, by runtime expression (a `$ref` has none).
fn lower_callback(callback: &mut Value) {
    for_each_entry(Some(callback), lower_path_item);
}

fn for_each_entry(value: Option<&mut Value>, mut f: impl FnMut(&mut Value)) {
    if let Some(Value::Object(map)) = value {
        map.values_mut().for_each(&mut f);
    }
}

fn for_each_item(value: Option<&mut Value>, mut f: impl FnMut(&mut Value)) {
    if let Some(Value::Array(items)) = value {
        items.iter_mut().for_each(&mut f);
    }
}

fn lower_parameter(parameter: &mut Value) {
    if let Some(schema) = parameter.get_mut("schema") {
        lower_schema(schema);
    }
    lower_content_holder(parameter);
}

fn lower_response(response: &mut Value) {
    lower_content_holder(response);
    for_each_entry(response.get_mut("headers"), lower_parameter);
}

fn lower_content_holder(holder: &mut Value) {
    for_each_entry(holder.get_mut("content"), |media| {
        if let Some(schema) = media.get_mut("schema") {
            lower_schema(schema);
        }
        for_each_entry(media.get_mut("encoding"), explode_by_default);
    });
}

/// A form property's `explode` defaults to true under the `form` style. The model reads an
/// absent `explode` as false, so the default is written out.
fn explode_by_default(encoding: &mut Value) {
    let Value::Object(encoding) = encoding else {
        return;
    };
    let form_style = encoding.get("style").is_none_or(|s| s == "form");
    if form_style && !encoding.contains_key("explode") {
        encoding.insert("explode".into(), Value::Bool(true));
    }
}

/// Lowers one 3.1 schema (and its subschemas) in place.
pub fn lower_schema(schema: &mut Value) {
    // Boolean schemas: `true` accepts anything, `false` nothing.
    if let Value::Bool(accepts) = schema {
        *schema = if *accepts {
            serde_json::json!({})
        } else {
            serde_json::json!({"not": {}})
        };
        return;
    }
    let Value::Object(object) = schema else {
        return;
    };
    if object.contains_key("$ref") && object.len() > 1 {
        // 3.1 allows siblings next to `$ref`; 3.0's model drops them. Keep them via allOf.
        let reference = object.remove("$ref").unwrap_or(Value::Null);
        let mut wrapper = Map::new();
        wrapper.insert("$ref".into(), reference);
        object.insert("allOf".into(), Value::Array(vec![Value::Object(wrapper)]));
    }
    lower_type_array(object);
    if let Some(value) = object.remove("const") {
        object
            .entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    if let Some(Value::Array(mut examples)) = object.remove("examples") {
        if !examples.is_empty() && !object.contains_key("example") {
            object.insert("example".into(), examples.swap_remove(0));
        }
    }
    for (bound, exclusive) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        if let Some(Value::Number(n)) = object.get(exclusive).cloned() {
            object.insert(bound.into(), Value::Number(n));
            object.insert(exclusive.into(), Value::Bool(true));
        }
    }
    for key in ["oneOf", "anyOf"] {
        lower_null_alternative(object, key);
    }
    for key in ["items", "not", "additionalProperties"] {
        match object.get_mut(key) {
            // `additionalProperties: false` is meaningful as is.
            Some(Value::Bool(_)) if key == "additionalProperties" => {}
            Some(sub) => lower_schema(sub),
            None => {}
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for_each_item(object.get_mut(key), lower_schema);
    }
    for_each_entry(object.get_mut("properties"), lower_schema);
}

/// `type: [string, "null"]` becomes `type: string, nullable: true`; several non-null types become
/// an `anyOf` of one schema per type.
fn lower_type_array(object: &mut Map<String, Value>) {
    let types: Vec<String> = match object.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec!["null".into()],
        _ => return,
    };
    let has_null = types.iter().any(|t| t == "null");
    let rest: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    object.remove("type");
    if has_null {
        object.insert("nullable".into(), Value::Bool(true));
    }
    match rest.as_slice() {
        [] => {}
        [one] => {
            object.insert("type".into(), Value::String((*one).clone()));
        }
        many => {
            let alternatives = many
                .iter()
                .map(|t| {
                    let mut alternative = Map::new();
                    alternative.insert("type".into(), Value::String((*t).clone()));
                    if *t == "array" {
                        if let Some(items) = object.get("items") {
                            alternative.insert("items".into(), items.clone());
                        }
                    }
                    Value::Object(alternative)
                })
                .collect();
            object.insert("anyOf".into(), Value::Array(alternatives));
        }
    }
}

/// `oneOf: [X, {type: "null"}]` becomes `oneOf: [X]` with `nullable: true`.
fn lower_null_alternative(object: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(alternatives)) = object.get_mut(key) else {
        return;
    };
    let before = alternatives.len();
    alternatives.retain(|a| a.get("type").and_then(Value::as_str) != Some("null"));
    if alternatives.len() != before {
        object.insert("nullable".into(), Value::Bool(true));
    }
}

/// Where resolving finds a `$ref` target in the typed document rather than in the JSON tree;
/// also the large maps decoded entry by entry.
const TYPED_COMPONENTS: &[&str] = &[
    "schemas",
    "parameters",
    "responses",
    "requestBodies",
    "headers",
];

/// The nodes that `$ref`s reach outside `#/components/<kind>/<name>` (a property of a schema, a
/// path item, a mounted external file), each at its pointer, as JSON: what each is decoded as
/// depends on the reference that reaches it, and is known when resolving follows it.
#[derive(Debug)]
pub struct RefTargets {
    tree: Value,
}

/// What a reference leads to.
pub enum RefTarget<T> {
    /// Another reference, to follow (`""` when its `$ref` is not a string).
    Reference(String),
    /// The node itself, or why it is not a `T`.
    Item(Result<T, String>),
}

impl RefTargets {
    fn of(document: &Value) -> Self {
        RefTargets {
            tree: thin_to_ref_targets(document),
        }
    }

    /// The node at `pointer` decoded as a `T`; `None` when there is none.
    pub fn decode<T: DeserializeOwned>(&self, pointer: &str) -> Option<Result<T, String>> {
        let node = self.tree.pointer(pointer)?;
        Some(serde_json::from_value(node.clone()).map_err(|err| err.to_string()))
    }

    /// The node at `pointer` as a `T`, or the reference it holds instead.
    pub fn follow<T: DeserializeOwned>(&self, pointer: &str) -> Option<RefTarget<T>> {
        let node = self.tree.pointer(pointer)?;
        Some(match node.get("$ref") {
            Some(next) => RefTarget::Reference(next.as_str().unwrap_or_default().to_owned()),
            None => {
                RefTarget::Item(serde_json::from_value(node.clone()).map_err(|err| err.to_string()))
            }
        })
    }
}

/// The JSON tree cut down to the [`RefTargets`]. The typed document holds everything else, and
/// the whole tree would double the memory.
fn thin_to_ref_targets(document: &Value) -> Value {
    let mut references = std::collections::BTreeSet::new();
    collect_local_refs(document, &mut references);
    let mut thin = Value::Object(Map::new());
    for pointer in references.iter().filter_map(|r| pointer::from_reference(r)) {
        if is_typed_component(&pointer) {
            continue;
        }
        let Some(node) = document.pointer(&pointer) else {
            continue;
        };
        // A target inside one placed already is there whole; placing it again would turn
        // the lists on its way into objects.
        if thin.pointer(&pointer) != Some(node) {
            place(&mut thin, &pointer, node.clone());
        }
    }
    thin
}

fn is_typed_component(pointer: &str) -> bool {
    TYPED_COMPONENTS
        .iter()
        .any(|kind| pointer::component_key(pointer, kind).is_some())
}

fn collect_local_refs(value: &Value, out: &mut std::collections::BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if reference.starts_with('#') && !out.contains(reference) {
                    out.insert(reference.clone());
                }
            }
            object
                .values()
                .for_each(|child| collect_local_refs(child, out));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|child| collect_local_refs(child, out)),
        _ => {}
    }
}

/// Puts `node` at `at` in `tree`, making objects on the way (an array index becomes a
/// key, which `Value::pointer` reads the same).
fn place(tree: &mut Value, at: &str, node: Value) {
    let mut current = tree;
    for key in pointer::segments(at) {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Value::Object(object) = current else {
            return;
        };
        current = object.entry(key).or_insert(Value::Null);
    }
    *current = node;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_form_property_explodes_unless_its_encoding_says_otherwise() {
        let mut body = json!({"content": {"application/x-www-form-urlencoded": {"encoding": {
            "tags": {},
            "ids": {"style": "form"},
            "joined": {"style": "form", "explode": false},
            "deep": {"style": "deepObject"},
            "piped": {"style": "pipeDelimited"}
        }}}});
        lower_content_holder(&mut body);
        let encoding = &body["content"]["application/x-www-form-urlencoded"]["encoding"];
        assert_eq!(encoding["tags"]["explode"], json!(true));
        assert_eq!(encoding["ids"]["explode"], json!(true));
        assert_eq!(encoding["joined"]["explode"], json!(false));
        assert_eq!(encoding["deep"].get("explode"), None);
        assert_eq!(encoding["piped"].get("explode"), None);
    }

    #[test]
    fn lowers_type_arrays_const_examples_and_exclusive_bounds() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "name": {"type": ["string", "null"], "examples": ["a", "b"]},
                "kind": {"const": "fixed"},
                "age": {"type": "integer", "exclusiveMinimum": 0},
                "either": {"type": ["string", "integer"]},
                "link": {"$ref": "#/components/schemas/Link", "description": "The link."}
            }
        });
        lower_schema(&mut schema);
        let p = &schema["properties"];
        assert_eq!(
            p["name"],
            json!({"type": "string", "nullable": true, "example": "a"})
        );
        assert_eq!(p["kind"], json!({"enum": ["fixed"]}));
        assert_eq!(
            p["age"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            p["either"],
            json!({"anyOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            p["link"],
            json!({"allOf": [{"$ref": "#/components/schemas/Link"}], "description": "The link."})
        );
    }

    /// Where decoding the whole document says it goes wrong first.
    fn first_problem(document: &Value) -> (String, String) {
        let err = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(document)
            .expect_err("the document does not decode");
        (
            pointer::from_serde_path(err.path()),
            err.inner().to_string(),
        )
    }

    #[test]
    fn a_failed_decoding_leaves_the_same_first_problem() {
        let ok = json!({"get": {"responses": {"200": {"description": "ok"}}}});
        let documents = [
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {
                "/a": {"$ref": "#/x", "get": 5}, "/ok": ok, "/b": {"get": {"responses": 5}}}}),
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/ok": ok},
                "components": {"responses": {"R": {"description": "r"}},
                    "schemas": {"A": {"type": "object"}, "B": {"type": [1]}}}}),
            json!({"openapi": "3.0.3", "paths": {"/b": {"get": {"responses": 5}}}}),
            json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "x-big": [1, 2],
                "components": {"securitySchemes": {"k": {"type": "http", "scheme": "basic"}},
                    "schemas": {"B": {"type": [1]}}},
                "paths": {"/b": {"get": {"responses": 5}}}}),
        ];
        for document in documents {
            let expected = first_problem(&document);
            let stand_in = decode_in_pieces(document).expect_err("decoding fails");
            assert_eq!(first_problem(&stand_in), expected);
        }
    }

    #[test]
    fn a_reference_target_inside_another_keeps_its_lists() {
        let node = json!({"oneOf": [{"type": "string"}, {"type": "integer"}]});
        let document = json!({"paths": {"/a": {"x": node}}, "components": {"schemas": {
            "A": {"$ref": "#/paths/~1a/x"},
            "B": {"$ref": "#/paths/~1a/x/oneOf/1"}}}});
        let targets = RefTargets::of(&document);
        assert_eq!(targets.decode::<Value>("/paths/~1a/x"), Some(Ok(node)));
        assert_eq!(
            targets.decode::<Value>("/paths/~1a/x/oneOf/1"),
            Some(Ok(json!({"type": "integer"})))
        );
    }

    #[test]
    fn a_misplaced_reference_is_repaired_only_when_one_place_fits() {
        let document = json!({"components": {
            "schemas": {"Pet": {}, "Both": {}, "a%b": {}},
            "responses": {"Both": {}, "Gone": {}}}});
        let target = |reference: &str| misplaced_target(&document, reference);
        assert_eq!(
            target("#/definitions/Pet").as_deref(),
            Some("#/components/schemas/Pet")
        );
        assert_eq!(
            target("#/components/schema/Pet").as_deref(),
            Some("#/components/schemas/Pet")
        );
        assert_eq!(
            target("#/schemas/a%25b").as_deref(),
            Some("#/components/schemas/a%25b")
        );
        assert_eq!(
            target("#/responses/Gone").as_deref(),
            Some("#/components/responses/Gone")
        );
        // Present, ambiguous, of the wrong Swagger 2.0 kind, or not misplaced at all.
        assert_eq!(target("#/components/schemas/Pet"), None);
        assert_eq!(target("#/components/parameters/Pet"), None);
        assert_eq!(target("#/things/Both"), None);
        assert_eq!(target("#/definitions/Gone"), None);
        assert_eq!(target("#/components/schemas/Missing"), None);
        assert_eq!(target("#/Pet"), None);
        assert_eq!(target("other.yaml#/definitions/Pet"), None);
    }

    #[test]
    fn a_null_alternative_makes_the_union_nullable() {
        let mut schema = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]});
        lower_schema(&mut schema);
        assert_eq!(
            schema,
            json!({"oneOf": [{"$ref": "#/components/schemas/A"}], "nullable": true})
        );
    }
}
