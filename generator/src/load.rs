//! Load stage: read spec files (YAML, JSON, or a docs page with a fenced spec block) into
//! document values, merge the fragments that form one API, and bring in the files their
//! `$ref`s name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::diag::{self, Code, Diagnostic, Severity, Sink, Source};
use crate::pointer;

/// Reads, merges and bundles the spec files of one API. Paths are shown relative to `base`.
/// `None` when errors were reported.
pub fn load(specs: &[PathBuf], base: &Path, sink: &mut Sink) -> Option<Loaded> {
    let mut fragments = Vec::new();
    for spec in specs {
        match read_fragment(spec) {
            Ok(mut fragment) => {
                // Shown relative to the workspace; read from where it is.
                fragment.source.path = relative(spec, base);
                fragments.push(fragment);
            }
            Err(mut diagnostic) => {
                if let Some(location) = &mut diagnostic.location {
                    location.file = relative(&location.file, base);
                }
                sink.push(diagnostic);
            }
        }
    }
    if sink.has_errors() {
        return None;
    }
    let mut loaded = merge(fragments, sink).filter(|_| !sink.has_errors())?;
    bundle_external_refs(&mut loaded, base, sink);
    (!sink.has_errors()).then_some(loaded)
}

/// `path` relative to `base` when it is inside it.
pub(crate) fn relative(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// One parsed input file.
#[derive(Debug, Clone)]
pub struct Fragment {
    pub source: Source,
    pub document: Value,
}

/// The merged document of one API, and the files it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub document: Value,
    pub sources: Sources,
}

/// The files of one API and which of them defines each part of its document, so that a
/// problem found at a pointer is reported in the file that holds it.
#[derive(Debug, Clone)]
pub struct Sources {
    files: Vec<Source>,
    /// JSON pointer prefix (a path+method, a component, a mount) -> index into `files`.
    origins: BTreeMap<String, usize>,
}

impl Sources {
    /// Every file, spec files first, in the order read.
    pub fn iter(&self) -> std::slice::Iter<'_, Source> {
        self.files.iter()
    }

    /// The files' paths as shown in diagnostics and in generated headers.
    pub fn display_paths(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|s| crate::display_path(&s.path))
            .collect()
    }

    fn add(&mut self, source: Source) -> usize {
        self.files.push(source);
        self.files.len() - 1
    }

    /// The source file that holds the node at `pointer`.
    pub fn source_of(&self, pointer: &str) -> &Source {
        &self.files[self.index_of(pointer)]
    }

    /// The file whose part (the longest origin prefix) holds `pointer`; else the first.
    fn index_of(&self, pointer: &str) -> usize {
        self.origins
            .range::<str, _>((
                std::ops::Bound::Unbounded,
                std::ops::Bound::Included(pointer),
            ))
            .rev()
            .find(|(prefix, _)| pointer::is_within(prefix, pointer))
            .map_or(0, |(_, &index)| index)
    }

    /// Reports a problem at `pointer` in whichever file defines it.
    pub fn report(
        &self,
        sink: &mut Sink,
        severity: Severity,
        code: Code,
        pointer: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        sink.at(
            severity,
            code,
            self.source_of(pointer),
            pointer,
            message,
            hint,
        );
    }

    /// Reports a repaired defect at `pointer` in whichever file defines it.
    pub fn repair(&self, sink: &mut Sink, pointer: &str, repair: diag::Repair) {
        sink.repair(self.source_of(pointer), pointer, repair);
    }
}

/// Reads and parses one file. A docs page (`.md`, `.mdx`, `.txt`) contributes its fenced
/// `yaml`/`json` block.
pub fn read_fragment(path: &Path) -> Result<Fragment, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|err| Diagnostic {
        severity: Severity::Error,
        code: Code::Io,
        message: format!("cannot read spec file: {err}"),
        location: Some(diag::file_only(path)),
        hint: Some("check the path in specs/manifest.yaml or on the command line".into()),
    })?;
    let is_page = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("md" | "mdx" | "txt")
    );
    let source = if is_page {
        let block = extract_spec_block(&text).ok_or_else(|| no_spec_block(path))?;
        Source::new(path.to_path_buf(), block.body, block.first_line - 1)
    } else {
        Source::new(path.to_path_buf(), text, 0)
    };
    let document = parse(&source)?;
    if !document.is_object() {
        return Err(Diagnostic {
            severity: Severity::Error,
            code: Code::NotAnObject,
            message: format!(
                "the document is {}, not an OpenAPI object",
                kind_of(&document)
            ),
            location: Some(diag::locate_in(&source, "")),
            hint: Some(
                "an OpenAPI document is a mapping with `openapi`, `info` and `paths`".into(),
            ),
        });
    }
    Ok(Fragment { source, document })
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn no_spec_block(path: &Path) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: Code::NoSpecBlock,
        message: "the page holds no fenced ```yaml or ```json block with an OpenAPI document"
            .into(),
        location: Some(diag::file_only(path)),
        hint: Some("pass the spec file itself, or a page whose spec sits in a fenced block".into()),
    }
}

/// Parses YAML or JSON text into a JSON value. Non-string mapping keys (`200:`) become strings.
pub fn parse(source: &Source) -> Result<Value, Diagnostic> {
    let text = source.text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str(text) {
            return Ok(value);
        }
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(yaml) => yaml,
        // serde_yaml stops at 128 levels of nesting and at integers beyond 64 bits; the
        // event-based parser has neither limit.
        Err(err) => match yaml_rust2::YamlLoader::load_from_str(text) {
            Ok(documents) if !documents.is_empty() => {
                return Ok(documents
                    .into_iter()
                    .next()
                    .map_or(Value::Null, loose_yaml_to_json));
            }
            _ => return Err(syntax_error(source, &err)),
        },
    };
    Ok(yaml_to_json(yaml))
}

fn syntax_error(source: &Source, err: &serde_yaml::Error) -> Diagnostic {
    let line_col = err
        .location()
        .map(|l| (l.line() + source.line_offset, l.column()));
    Diagnostic {
        severity: Severity::Error,
        code: Code::Syntax,
        message: format!(
            "not valid YAML or JSON: {}",
            strip_location(&err.to_string())
        ),
        location: Some(diag::Location {
            file: source.path.clone(),
            line_col,
            pointer: String::new(),
        }),
        hint: Some("fix the syntax at the position shown".into()),
    }
}

fn loose_yaml_to_json(yaml: yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml as Y;
    match yaml {
        Y::Real(text) => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::String(text), Value::Number),
        Y::Integer(i) => Value::from(i),
        Y::String(s) => Value::String(s),
        Y::Boolean(b) => Value::Bool(b),
        Y::Array(items) => Value::Array(items.into_iter().map(loose_yaml_to_json).collect()),
        Y::Hash(entries) => Value::Object(
            entries
                .into_iter()
                .map(|(key, value)| {
                    let key = match loose_yaml_to_json(key) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, loose_yaml_to_json(value))
                })
                .collect(),
        ),
        Y::Null | Y::BadValue | Y::Alias(_) => Value::Null,
    }
}

/// serde_yaml appends " at line L column C"; the location is printed separately.
fn strip_location(message: &str) -> &str {
    message
        .find(" at line ")
        .map_or(message, |at| &message[..at])
}

fn yaml_to_json(yaml: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(mut mapping) => {
            if mapping.contains_key("<<") {
                let mut merged = Y::Mapping(mapping);
                // A failed merge-key expansion leaves the mapping as written.
                let _ = merged.apply_merge();
                mapping = match merged {
                    Y::Mapping(m) => m,
                    _ => serde_yaml::Mapping::new(),
                };
            }
            let mut object = Map::new();
            for (key, value) in mapping {
                object.insert(yaml_key(key), yaml_to_json(value));
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn yaml_key(key: serde_yaml::Value) -> String {
    use serde_yaml::Value as Y;
    match key {
        Y::String(s) => s,
        Y::Number(n) => n.to_string(),
        Y::Bool(b) => b.to_string(),
        Y::Null => "null".into(),
        other => serde_json::to_string(&yaml_to_json(other)).unwrap_or_default(),
    }
}

/// A spec found in a docs page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecBlock {
    /// The fence's info string, e.g. `yaml post /users`.
    pub info: String,
    pub body: String,
    /// 1-based line of the first line of `body` in the page.
    pub first_line: usize,
}

/// Finds the first fenced `yaml`/`yml`/`json` block that holds an `openapi` or `swagger` key.
pub fn extract_spec_block(page: &str) -> Option<SpecBlock> {
    let lines: Vec<&str> = page.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_start();
        let fence_len = line.chars().take_while(|&c| c == '`').count();
        if fence_len >= 3 {
            let info = line[fence_len..].trim().to_owned();
            let lang = info
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase();
            let fence = &line[..fence_len];
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim() == fence)
                .unwrap_or(lines.len());
            let body = lines[i + 1..end].join("\n");
            let is_spec = matches!(lang.as_str(), "yaml" | "yml" | "json")
                && (body.contains("openapi") || body.contains("swagger"));
            if is_spec {
                return Some(SpecBlock {
                    info,
                    body: body + "\n",
                    first_line: i + 2,
                });
            }
            i = end + 1;
        } else {
            i += 1;
        }
    }
    None
}

/// Merges the fragments of one API. Identical duplicates are fine; two different definitions of
/// one path+method or one component are errors naming both files.
pub fn merge(fragments: Vec<Fragment>, sink: &mut Sink) -> Option<Loaded> {
    let mut fragments = fragments.into_iter();
    let first = fragments.next()?;
    let mut loaded = Loaded {
        document: first.document,
        sources: Sources {
            files: vec![first.source],
            origins: BTreeMap::new(),
        },
    };
    for fragment in fragments {
        let index = loaded.sources.add(fragment.source);
        merge_one(&mut loaded, index, fragment.document, sink);
    }
    Some(loaded)
}

/// Parts of a document merged entry by entry; each entry is owned by the file that defined it.
const MERGED_PARTS: &[&[&str]] = &[
    &["components", "schemas"],
    &["components", "parameters"],
    &["components", "responses"],
    &["components", "requestBodies"],
    &["components", "headers"],
    &["components", "securitySchemes"],
    &["components", "examples"],
    &["components", "links"],
    &["components", "callbacks"],
    &["components", "pathItems"],
];

fn merge_one(loaded: &mut Loaded, index: usize, document: Value, sink: &mut Sink) {
    let Value::Object(mut incoming) = document else {
        return;
    };
    for key in ["openapi", "security"] {
        if let Some(value) = incoming.get(key) {
            match loaded.document.get(key) {
                Some(existing) if !same_meaning(key, existing, value) => {
                    conflict(loaded, index, &pointer::child("", key), sink)
                }
                Some(_) => {}
                None => set(&mut loaded.document, &[key], value.clone()),
            }
        }
    }
    merge_lists(&mut loaded.document, &mut incoming);
    if let Some(Value::Object(paths)) = incoming.remove("paths") {
        for (path, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, operation) in item {
                let at = ["paths", path.as_str(), method.as_str()];
                merge_entry(loaded, index, &at, operation, sink);
            }
        }
    }
    // A webhook is one path item, owned whole by the file that defines it.
    for key in ["webhooks", "x-webhooks"] {
        if let Some(Value::Object(webhooks)) = incoming.remove(key) {
            for (name, item) in webhooks {
                merge_entry(loaded, index, &[key, &name], item, sink);
            }
        }
    }
    for part in MERGED_PARTS {
        let entries = incoming
            .get_mut(part[0])
            .and_then(|c| c.get_mut(part[1]))
            .map(Value::take);
        let Some(Value::Object(entries)) = entries else {
            continue;
        };
        for (name, definition) in entries {
            merge_entry(loaded, index, &[part[0], part[1], &name], definition, sink);
        }
    }
}

/// Servers and tags are lists: a fragment adds the ones not listed yet.
fn merge_lists(document: &mut Value, incoming: &mut Map<String, Value>) {
    if let Some(Value::Array(servers)) = incoming.remove("servers") {
        for server in servers {
            let list = entry_array(document, "servers");
            if !list.contains(&server) {
                list.push(server);
            }
        }
    }
    if let Some(Value::Array(tags)) = incoming.remove("tags") {
        for tag in tags {
            let list = entry_array(document, "tags");
            if !list.iter().any(|t| t.get("name") == tag.get("name")) {
                list.push(tag);
            }
        }
    }
}

/// Fragments of one API may differ in patch version (3.0.1 and 3.0.3), not in minor version.
fn same_meaning(key: &str, a: &Value, b: &Value) -> bool {
    if key == "openapi" {
        let minor = |v: &Value| {
            v.as_str()
                .map(|s| s.split('.').take(2).collect::<Vec<_>>().join("."))
        };
        return minor(a) == minor(b);
    }
    a == b
}

/// Adds the entry at `path` unless an identical one is there; a different one is a conflict.
fn merge_entry(loaded: &mut Loaded, index: usize, path: &[&str], value: Value, sink: &mut Sink) {
    match get(&loaded.document, path) {
        Some(existing) if *existing == value => {}
        Some(_) => conflict(loaded, index, &pointer::from_segments(path), sink),
        None => {
            set(&mut loaded.document, path, value);
            loaded
                .sources
                .origins
                .insert(pointer::from_segments(path), index);
        }
    }
}

fn conflict(loaded: &Loaded, index: usize, pointer: &str, sink: &mut Sink) {
    let first = loaded.sources.source_of(pointer);
    let second = &loaded.sources.files[index];
    let first_place = diag::locate_in(first, pointer);
    let at = first_place
        .line_col
        .map(|(l, c)| format!("{}:{l}:{c}", first.path.display()))
        .unwrap_or_else(|| first.path.display().to_string());
    sink.at(
        Severity::Error,
        Code::MergeConflict,
        second,
        pointer,
        format!("`#{pointer}` is defined differently here and in {at}"),
        Some(
            "make both fragments agree, or put them in different APIs in specs/manifest.yaml"
                .into(),
        ),
    );
}

fn get<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

fn set(value: &mut Value, path: &[&str], new: Value) {
    let mut cursor = value;
    for key in &path[..path.len() - 1] {
        if !cursor.is_object() {
            *cursor = Value::Object(Map::new());
        }
        cursor = cursor
            .as_object_mut()
            .map(|o| {
                o.entry(key.to_string())
                    .or_insert_with(|| Value::Object(Map::new()))
            })
            .expect("cursor was made an object above");
    }
    if let Value::Object(object) = cursor {
        object.insert(path[path.len() - 1].to_owned(), new);
    }
}

fn entry_array<'a>(document: &'a mut Value, key: &str) -> &'a mut Vec<Value> {
    if !document.get(key).is_some_and(Value::is_array) {
        set(document, &[key], Value::Array(Vec::new()));
    }
    document
        .get_mut(key)
        .and_then(Value::as_array_mut)
        .expect("the array was inserted above")
}

/// Where documents reached through external `$ref`s are mounted in the API's document.
pub(crate) const EXTERNAL_ROOT: &str = "/x-external";

/// Brings every file an external `$ref` (`other.yaml#/components/schemas/X`) names into the
/// document, each under `/x-external/<n>`, and points the references there. Paths are relative
/// to the referring file; local references inside a brought-in file are re-based on its mount.
pub fn bundle_external_refs(loaded: &mut Loaded, base: &Path, sink: &mut Sink) {
    let mut bundle = Bundle::new(&loaded.sources, base);
    while let Some((index, mount)) = bundle.queue.pop() {
        for (at, reference) in refs_of(loaded, index, &mount) {
            let Some(rewritten) = bundle.rewrite(loaded, index, &mount, &at, &reference, sink)
            else {
                continue;
            };
            let holder = loaded.document.pointer_mut(&pointer::child(&at, "$ref"));
            if let Some(Value::String(value)) = holder {
                *value = rewritten;
            }
        }
    }
}

/// The `$ref`s of the file `index`, whose document is mounted at `mount`: (pointer of the
/// object holding one, the reference).
fn refs_of(loaded: &Loaded, index: usize, mount: &str) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    let root = if mount.is_empty() {
        Some(&loaded.document)
    } else {
        loaded.document.pointer(mount)
    };
    if let Some(root) = root {
        collect_refs(root, mount, &mut refs);
    }
    if mount.is_empty() {
        // The spec files share the document: each scans the parts it defines.
        refs.retain(|(at, _)| loaded.sources.index_of(at) == index);
    }
    refs
}

/// Bundling under way: the files mounted so far, and the ones still to scan.
struct Bundle<'b> {
    base: &'b Path,
    /// Canonical path -> mount point; empty for the spec files, whose references are local.
    mounted: BTreeMap<PathBuf, String>,
    mount_names: crate::naming::Namespace,
    /// (index of a source to scan, pointer of its document in the API's document)
    queue: Vec<(usize, String)>,
}

impl<'b> Bundle<'b> {
    fn new(sources: &Sources, base: &'b Path) -> Self {
        Bundle {
            base,
            mounted: sources
                .iter()
                .map(|source| (canonical(&source.disk_path), String::new()))
                .collect(),
            mount_names: crate::naming::Namespace::default(),
            queue: (0..sources.files.len())
                .map(|i| (i, String::new()))
                .collect(),
        }
    }

    /// What `reference`, found at `at` in the file `index` mounted at `mount`, becomes; `None`
    /// when it stays as written, or names a file that cannot be used (reported).
    fn rewrite(
        &mut self,
        loaded: &mut Loaded,
        index: usize,
        mount: &str,
        at: &str,
        reference: &str,
        sink: &mut Sink,
    ) -> Option<String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file.is_empty() {
            return (!mount.is_empty()).then(|| format!("#{mount}{fragment}"));
        }
        let referring = &loaded.sources.files[index].disk_path;
        let target = referring.parent().unwrap_or(Path::new("")).join(file);
        let target_mount = match self.mount_of(loaded, &target) {
            Ok(target_mount) => target_mount,
            Err(diagnostic) => {
                sink.push(unusable_file(diagnostic, loaded, at, reference));
                return None;
            }
        };
        Some(format!("#{target_mount}{fragment}"))
    }

    /// Where the file at `target` is mounted, mounting it (and queueing it to scan) when new.
    fn mount_of(&mut self, loaded: &mut Loaded, target: &Path) -> Result<String, Diagnostic> {
        let key = canonical(target);
        if let Some(existing) = self.mounted.get(&key) {
            return Ok(existing.clone());
        }
        let mut file = read_fragment(target)?;
        // Mounted under the file's name: a whole-file `$ref` names its type.
        let stem = target
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mount_name = self.mount_names.claim(&crate::naming::type_name(&stem)).0;
        let mount = pointer::child(EXTERNAL_ROOT, &mount_name);
        file.source.path = relative(target, self.base);
        file.source.mount = mount.clone();
        let index = loaded.sources.add(file.source);
        loaded.sources.origins.insert(mount.clone(), index);
        set(
            &mut loaded.document,
            &["x-external", &mount_name],
            file.document,
        );
        self.mounted.insert(key, mount.clone());
        self.queue.push((index, mount.clone()));
        Ok(mount)
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Why the file `reference` (at `at`) names cannot be read, said at the reference.
fn unusable_file(
    mut diagnostic: Diagnostic,
    loaded: &Loaded,
    at: &str,
    reference: &str,
) -> Diagnostic {
    diagnostic.message = format!(
        "`$ref: {reference}` names a file that cannot be used: {}",
        diagnostic.message
    );
    diagnostic.hint = Some("the path is relative to the file holding the `$ref`".into());
    diagnostic.location = Some(diag::locate_in(
        loaded.sources.source_of(at),
        &pointer::child(at, "$ref"),
    ));
    diagnostic
}

/// Every `$ref` string below `value`: (pointer of the object holding it, the reference).
fn collect_refs(value: &Value, pointer: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                out.push((pointer.to_owned(), reference.clone()));
            }
            for (key, child) in object {
                if pointer.is_empty() && key == "x-external" {
                    continue;
                }
                collect_refs(child, &pointer::child(pointer, key), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_refs(child, &pointer::item(pointer, index), out);
            }
        }
        _ => {}
    }
}
