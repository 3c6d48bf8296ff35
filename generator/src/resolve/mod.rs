//! Resolve stage: follow every `$ref`, decide every Rust name, and build the IR.

mod cycles;
mod events;
mod examples;
mod hooks;
mod operations;
mod refusals;
mod routes;
mod sample;
mod schema;
mod wire;

pub use refusals::refused_by;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use serde_json::Value;

use crate::diag::{Code, Repair, Severity, Sink};
use crate::ir::{Api, Example, SchemeKind, SecurityScheme, Server, TypeDef, TypeKind, TypeRef};
use crate::load::Sources;
use crate::naming::{self, Namespace};
use crate::normalize::{Normalized, RefTargets};
use crate::pointer;
use crate::select::{self, Selection, Selector};

/// Builds the IR of one API from its decoded document. `None` when errors were reported.
pub fn resolve(
    module: &str,
    normalized: &Normalized,
    selection: &Selection,
    wire_calls: bool,
    sink: &mut Sink,
) -> Option<Api> {
    let document = &normalized.document;
    let mut resolver = Resolver::new(normalized, sink);
    resolver.resolve_components();
    let servers = resolver.servers();
    let mut security_schemes = resolver.security_schemes();
    let mut selector = Selector::new(selection);
    let mut operations = resolver.operations(&mut security_schemes, &mut selector);
    let mut hooks = resolver.hooks(&normalized.hooks, &operations, &mut selector);
    resolver.report_unselected(&selector);
    if resolver.sink.has_errors() {
        return None;
    }
    let mut types: Vec<TypeDef> = resolver.types.into_iter().flatten().collect();
    let hook_operations = hooks.iter_mut().map(|hook| &mut hook.operation);
    dealias_parameters(operations.iter_mut().chain(hook_operations), &types);
    for origin in cycles::box_cycles(&mut types) {
        normalized.sources.report(
            resolver.sink,
            Severity::Error,
            Code::CircularRef,
            &origin,
            "this schema is defined only through itself (no object, list or map in between)",
            Some("give the cycle some structure, or point one reference at a real schema".into()),
        );
    }
    if resolver.sink.has_errors() {
        return None;
    }
    see_through_aliases(&mut types);
    let mut examples = resolver.examples;
    if !selector.takes_all() {
        let reaching = operations.iter().chain(hooks.iter().map(|h| &h.operation));
        types = select::prune_types(types, &reaching.collect::<Vec<_>>());
        let kept: BTreeSet<&str> = types.iter().map(|t| t.name.as_str()).collect();
        examples.retain(|e| select::names_kept(&e.ty, &kept));
    }
    let rejection_bodies = refusals::resolve_refusals(&mut operations, &types);
    let (examples, untestable) = examples::finish(module, &types, examples);
    report_untestable(&untestable, &normalized.sources, resolver.sink);
    let wire_calls = if wire_calls {
        wire::calls(document, &normalized.ref_targets, &operations)
    } else {
        Vec::new()
    };
    Some(Api {
        module: module.to_owned(),
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: docs(document.info.description.as_deref()),
        spec_files: normalized.sources.display_paths(),
        servers,
        security_schemes,
        types,
        operations,
        rejection_bodies,
        hooks,
        examples,
        wire_calls,
    })
}

/// Parameters typed by an alias (`$ref` to an array or string component) take the aliased
/// type, so list parameters are encoded and decoded as lists.
fn dealias_parameters<'o>(
    operations: impl Iterator<Item = &'o mut crate::ir::Operation>,
    types: &[TypeDef],
) {
    for parameter in operations.flat_map(|op| op.parameters.iter_mut()) {
        for _ in 0..types.len() {
            let target = parameter.ty.direct_name().and_then(|name| {
                types
                    .iter()
                    .find(|t| t.name == name)
                    .and_then(|t| match &t.kind {
                        crate::ir::TypeKind::Alias(target) => Some(target.clone()),
                        _ => None,
                    })
            });
            match target {
                Some(target) => parameter.ty = target,
                None => break,
            }
        }
    }
}

/// Examples whose `format: byte` strings are not base64: a vendor's mistake the generated
/// type cannot hold, reported where it stands and not tested.
fn report_untestable(untestable: &[examples::Untestable], sources: &Sources, sink: &mut Sink) {
    for example in untestable {
        let pointer = example.origin.split_once('#').map_or("", |(_, p)| p);
        let place = if example.path.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", example.path)
        };
        sources.report(
            sink,
            Severity::Warning,
            Code::Unsupported,
            pointer,
            format!("this example's `format: byte` value{place} is not base64; it is not tested"),
            Some("write the bytes as base64, or drop `format: byte`".into()),
        );
    }
}

/// Records, on every field whose type names an alias, what the alias stands for, so its rules
/// are checked on the value (and `null` is allowed where the alias allows it).
fn see_through_aliases(types: &mut [TypeDef]) {
    let aliases: BTreeMap<String, TypeRef> = types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Alias(target) => Some((t.name.clone(), target.clone())),
            _ => None,
        })
        .collect();
    for def in types.iter_mut() {
        let TypeKind::Struct(s) = &mut def.kind else {
            continue;
        };
        for field in &mut s.fields {
            let declared = field.ty.non_null();
            let seen = see_through(declared, &aliases, aliases.len());
            field.seen_through = (seen != *declared).then_some(seen);
        }
    }
}

/// `ty` with every alias replaced by its target; `depth` bounds a chain of aliases.
fn see_through(ty: &TypeRef, aliases: &BTreeMap<String, TypeRef>, depth: usize) -> TypeRef {
    match ty {
        TypeRef::Named(name) if depth > 0 => match aliases.get(name) {
            Some(target) => see_through(target, aliases, depth - 1),
            None => ty.clone(),
        },
        TypeRef::Nullable(inner) if depth > 0 => {
            TypeRef::Nullable(Box::new(see_through(inner, aliases, depth)))
        }
        TypeRef::List(item) if depth > 0 => {
            TypeRef::List(Box::new(see_through(item, aliases, depth)))
        }
        other => other.clone(),
    }
}

/// A namespace in which `names` are taken already.
fn reserved(names: &[&str]) -> Namespace {
    let mut namespace = Namespace::default();
    for name in names {
        namespace.claim(name);
    }
    namespace
}

/// Trimmed documentation text, `None` when there is none.
fn docs(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

struct Resolver<'a> {
    sources: &'a Sources,
    document: &'a OpenAPI,
    ref_targets: &'a RefTargets,
    sink: &'a mut Sink,
    type_names: Namespace,
    /// Type definitions in claim order; a slot is reserved before its fields are resolved so a
    /// parent precedes the types nested in it.
    types: Vec<Option<TypeDef>>,
    /// Schema pointer -> its resolved type, so a schema reached twice yields one type.
    resolved: HashMap<String, TypeRef>,
    /// Digest of an inline schema's text -> its type, so a schema a document repeats inline
    /// (the same error object in every operation, say) becomes one type, not one per copy.
    by_content: HashMap<(u64, u64), TypeRef>,
    /// `components.schemas` key -> Rust type name.
    component_names: IndexMap<String, String>,
    /// Pointers whose resolution is under way (to report `$ref` cycles).
    in_progress: Vec<String>,
    /// Names claimed for a schema whose type is not built yet: name -> schema pointer. The
    /// schema (or the single schema it stands for, deeper down) takes the name when built.
    pending_names: HashMap<String, String>,
    /// Schema pointers already reported, so one problem is reported once.
    reported: BTreeSet<String>,
    /// Methods of the generated `Credentials`: `new` and a setter per credential slot.
    credential_methods: Namespace,
    /// Prefixes of the inline type names of operations and hooks.
    type_prefixes: Namespace,
    examples: Vec<Example>,
}

impl<'a> Resolver<'a> {
    fn new(normalized: &'a Normalized, sink: &'a mut Sink) -> Self {
        Resolver {
            sources: &normalized.sources,
            document: &normalized.document,
            ref_targets: &normalized.ref_targets,
            sink,
            type_names: Namespace::default(),
            types: Vec::new(),
            resolved: HashMap::new(),
            by_content: HashMap::new(),
            component_names: IndexMap::new(),
            in_progress: Vec::new(),
            pending_names: HashMap::new(),
            reported: BTreeSet::new(),
            credential_methods: reserved(&["new"]),
            type_prefixes: Namespace::default(),
            examples: Vec::new(),
        }
    }

    fn report(
        &mut self,
        severity: Severity,
        code: Code,
        pointer: &str,
        message: String,
        hint: Option<&str>,
    ) {
        if severity == Severity::Warning || self.reported.insert(format!("{}{pointer}", code.id()))
        {
            self.sources.report(
                self.sink,
                severity,
                code,
                pointer,
                message,
                hint.map(str::to_owned),
            );
        }
    }

    /// Claims a type name; a clash is resolved by numbering and reported as a warning.
    fn claim_type_name(&mut self, wanted: &str, pointer: &str) -> String {
        if let Some(owner) = self.pending_names.get(wanted) {
            if pointer::is_within(owner, pointer) {
                self.pending_names.remove(wanted);
                return wanted.to_owned();
            }
        }
        let (name, renamed) = self.type_names.claim(wanted);
        if renamed {
            self.report(
                Severity::Warning,
                Code::NameCollision,
                pointer,
                format!("the Rust name `{wanted}` is already taken; this schema is named `{name}`"),
                Some("give one of the schemas a distinct name or an `x-speakeasy-name-override`"),
            );
        }
        name
    }

    fn reserve_slot(&mut self) -> usize {
        self.types.push(None);
        self.types.len() - 1
    }

    /// Names every component schema first, so references resolve to stable names whatever
    /// order they are reached in; then builds each one.
    fn resolve_components(&mut self) {
        let document = self.document;
        let Some(components) = &document.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let pointer = pointer::child("/components/schemas", key);
            let wanted = match schema {
                ReferenceOr::Item(schema) => {
                    name_override(&schema.schema_data.extensions).unwrap_or(key)
                }
                ReferenceOr::Reference { .. } => key,
            };
            let name = self.claim_type_name(&naming::type_name(wanted), &pointer);
            self.pending_names.insert(name.clone(), pointer);
            self.component_names.insert(key.clone(), name);
        }
        for (key, schema) in &components.schemas {
            let pointer = pointer::child("/components/schemas", key);
            let name = self.component_names[key].clone();
            self.resolve_component(schema, &pointer, &name);
        }
    }

    fn servers(&mut self) -> Vec<Server> {
        let mut names = Namespace::default();
        // The client's `Server::Custom(url)` variant.
        names.claim("Custom");
        let single = self.document.servers.len() == 1;
        let document = self.document;
        for (index, server) in document.servers.iter().enumerate() {
            if !is_absolute(&server.url) {
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    &pointer::child(&pointer::item("/servers", index), "url"),
                    format!(
                        "server URL `{}` is relative; it is left out of `Server`",
                        server.url
                    ),
                    Some("pass the full base URL with `Server::Custom(url)`"),
                );
            }
        }
        self.document
            .servers
            .iter()
            .filter(|server| is_absolute(&server.url))
            .map(|server| {
                let wanted = match (&server.description, single) {
                    (Some(description), _) => naming::type_name(description),
                    (None, true) => "Default".to_owned(),
                    (None, false) => naming::type_name(host_label(&server.url)),
                };
                Server {
                    name: names.claim(&wanted).0,
                    url: with_variable_defaults(&server.url, server.variables.as_ref()),
                    description: docs(server.description.as_deref()),
                }
            })
            .collect()
    }

    fn security_schemes(&mut self) -> Vec<SecurityScheme> {
        let document = self.document;
        let Some(components) = &document.components else {
            return Vec::new();
        };
        let mut names = Namespace::default();
        let mut schemes = Vec::new();
        for (key, scheme) in &components.security_schemes {
            let pointer = pointer::child("/components/securitySchemes", key);
            let ReferenceOr::Item(scheme) = scheme else {
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    &pointer,
                    "a security scheme given as a `$ref` is skipped".into(),
                    Some("define the scheme inline under components/securitySchemes"),
                );
                continue;
            };
            let (kind, description) = scheme_kind(scheme);
            // An API key's slot is named after what it is sent as (`PUBLIC-API-KEY`), which
            // says more than scheme keys like `sec0`.
            let wanted = match &kind {
                SchemeKind::ApiKey { param, .. } => naming::snake_name(param),
                _ => naming::snake_name(key),
            };
            let name = names.claim(&wanted).0;
            schemes.push(SecurityScheme {
                key: key.clone(),
                setter: self.credential_methods.claim(&naming::setter_name(&name)).0,
                name,
                kind,
                docs: docs(description),
            });
        }
        schemes
    }

    /// Reports a repaired defect at `pointer`, once however often it is reached.
    fn repair(&mut self, pointer: &str, repair: Repair) {
        if self
            .reported
            .insert(format!("{}{pointer}", Code::Repaired.id()))
        {
            self.sources.repair(self.sink, pointer, repair);
        }
    }

    /// The pointer of the `kind` component that a `$ref` (at `at`) to `pointer` can only mean,
    /// when `pointer` is `/components/<other kind>/<name>`, which is not there, and `kind` has a
    /// `<name>` (`#/components/schemas/NotFound` where a response belongs); the repair is
    /// reported.
    fn component_meant(
        &mut self,
        reference: &str,
        pointer: &str,
        kind: &str,
        at: &str,
    ) -> Option<String> {
        let segments: Vec<String> = pointer::segments(pointer).collect();
        let [components, other, name] = segments.as_slice() else {
            return None;
        };
        let entries = self.document.components.as_ref()?;
        let present = match kind {
            "schemas" => entries.schemas.contains_key(name),
            "parameters" => entries.parameters.contains_key(name),
            "responses" => entries.responses.contains_key(name),
            "requestBodies" => entries.request_bodies.contains_key(name),
            "headers" => entries.headers.contains_key(name),
            _ => false,
        };
        if components != "components" || other == kind || !present {
            return None;
        }
        let meant = pointer::from_segments(&["components", kind, name]);
        self.repair(
            at,
            Repair {
                code: Code::DanglingRef,
                message: format!("`$ref: {reference}` points at no {kind} entry"),
                assumed: format!("`#{meant}`, the {kind} entry of that name"),
            },
        );
        Some(meant)
    }

    fn report_dangling(&mut self, reference: &str, at: &str) {
        self.report(
            Severity::Error,
            Code::DanglingRef,
            at,
            format!("`$ref: {reference}` points at nothing"),
            Some("define the target or correct the reference"),
        );
    }

    /// Looks up the schema a `$ref` points at. Reports dangling and external references.
    fn lookup(&mut self, reference: &str, at: &str) -> Option<(String, ReferenceOr<Schema>)> {
        let Some(pointer) = pointer::from_reference(reference) else {
            self.report(
                Severity::Error,
                Code::ExternalRef,
                at,
                format!("`$ref: {reference}` points into another file, which is not supported"),
                Some("bundle the document into one file first (for example with `redocly bundle`)"),
            );
            return None;
        };
        if let Some(name) = pointer::component_key(&pointer, "schemas") {
            let schemas = self.document.components.as_ref().map(|c| &c.schemas);
            return match schemas.and_then(|s| s.get(&name)) {
                Some(schema) => Some((pointer, schema.clone())),
                None => {
                    self.report_dangling(reference, at);
                    None
                }
            };
        }
        match self.ref_targets.decode::<ReferenceOr<Schema>>(&pointer) {
            Some(Ok(schema)) => Some((pointer.to_owned(), schema)),
            Some(Err(err)) => {
                self.report(
                    Severity::Error,
                    Code::InvalidDocument,
                    &pointer,
                    format!("`$ref: {reference}` does not point at a schema: {err}"),
                    None,
                );
                None
            }
            None => {
                let Some(meant) = self.component_meant(reference, &pointer, "schemas", at) else {
                    self.report_dangling(reference, at);
                    return None;
                };
                let name = pointer::last_segment(&meant);
                let schemas = self.document.components.as_ref().map(|c| &c.schemas);
                let schema = schemas.and_then(|s| s.get(&name))?.clone();
                Some((meant, schema))
            }
        }
    }
}

fn scheme_kind(scheme: &openapiv3::SecurityScheme) -> (SchemeKind, Option<&str>) {
    use crate::ir::ParamLocation;
    use openapiv3::{APIKeyLocation, SecurityScheme as S};
    match scheme {
        S::APIKey {
            location,
            name,
            description,
            ..
        } => {
            let location = match location {
                APIKeyLocation::Query => ParamLocation::Query,
                APIKeyLocation::Header => ParamLocation::Header,
                APIKeyLocation::Cookie => ParamLocation::Cookie,
            };
            (
                SchemeKind::ApiKey {
                    location,
                    param: name.clone(),
                },
                description.as_deref(),
            )
        }
        S::HTTP {
            scheme,
            bearer_format,
            description,
            ..
        } => {
            let kind = match scheme.to_ascii_lowercase().as_str() {
                "bearer" => SchemeKind::Bearer {
                    format: bearer_format.clone(),
                },
                "basic" => SchemeKind::Basic,
                _ => SchemeKind::Http {
                    scheme: scheme.clone(),
                },
            };
            (kind, description.as_deref())
        }
        S::OAuth2 { description, .. } => (SchemeKind::OAuth2, description.as_deref()),
        S::OpenIDConnect {
            open_id_connect_url,
            description,
            ..
        } => (
            SchemeKind::OpenIdConnect {
                url: open_id_connect_url.clone(),
            },
            description.as_deref(),
        ),
    }
}

/// `x-speakeasy-name-override`, the vendor's preferred name for a schema.
fn name_override(extensions: &IndexMap<String, Value>) -> Option<&str> {
    extensions
        .get("x-speakeasy-name-override")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn is_absolute(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A server URL with each `{variable}` replaced by its default.
fn with_variable_defaults(
    url: &str,
    variables: Option<&IndexMap<String, openapiv3::ServerVariable>>,
) -> String {
    let mut url = url.to_owned();
    for (name, variable) in variables.into_iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// `https://api-sandbox.example.com/v1` -> `api-sandbox`.
fn host_label(url: &str) -> &str {
    let rest = url.split("://").nth(1).unwrap_or(url);
    rest.split(['.', '/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or("server")
}
