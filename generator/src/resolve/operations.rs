//! Operations: names, parameters, bodies, responses and security requirements.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{
    Example as SpecExample, Header, MediaType, Operation as SpecOperation,
    Parameter as SpecParameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr,
    RequestBody, Response as SpecResponse, StatusCode,
};
use serde_json::Value;

use super::{docs, reserved, Resolver};
use crate::diag::{Code, Repair, Severity};
use crate::ir::{
    Body, BodyChoice, Constraints, Example, FormProperty, FormStyle, Media, Operation,
    OperationNames, ParamLocation, Parameter, Response, ResponseHeader, SecurityScheme, Status,
    TypeDef, TypeKind, TypeRef,
};
use crate::naming::{self, Namespace};
use crate::normalize::RefTarget;
use crate::pointer;
use crate::select::{Candidate, Selector};

/// Headers that frame an HTTP message: the HTTP client writes them from the body it sends,
/// and a value given beside them (a declared `Content-Length`) would corrupt the exchange.
const FRAMING_HEADERS: &[&str] = &["content-length", "transfer-encoding", "connection", "host"];

/// Where an operation stands in the document.
pub(super) struct Site<'s> {
    pub(super) path: &'s str,
    /// Lower-case HTTP method, as the document spells it.
    pub(super) method: &'s str,
    pub(super) item: &'s PathItem,
    pub(super) item_pointer: &'s str,
    pub(super) pointer: String,
}

/// What is shared by the operations of one API while they are resolved.
struct Operations {
    names: OperationNamer,
    /// (route key, method) of every operation the server routes so far.
    routes: Vec<(String, String)>,
}

/// The namespaces of an API's operation names: the client's methods and the items of the
/// client and server modules.
struct OperationNamer {
    methods: Namespace,
    client: Namespace,
    server: Namespace,
}

impl OperationNamer {
    fn new() -> Self {
        OperationNamer {
            // Methods the generated client has besides the operations.
            methods: reserved(&["new", "builder"]),
            // What the client and server modules define besides the operations' items.
            client: reserved(&["rt", "Server", "Client", "ClientBuilder"]),
            server: reserved(&["rt", "Api", "router", "Operation", "RejectionBody"]),
        }
    }

    /// The client and server items of the operation with method `name` and type `prefix`.
    /// Their suffixes keep them apart already; claiming them makes that a guarantee.
    fn items(&mut self, name: &str, prefix: &str) -> OperationNames {
        let mut client = |suffix: &str| self.client.claim(&naming::nested(prefix, suffix)).0;
        let (error, success, options) = (client("Error"), client("Response"), client("Options"));
        let client_body = client("Body");
        let server = &mut self.server;
        OperationNames {
            error,
            success,
            options,
            input: server.claim(&naming::nested(prefix, "Input")).0,
            response: server.claim(&naming::nested(prefix, "Response")).0,
            reader: server.claim(&naming::nested_snake(name, "input")).0,
            handler: server.claim(&naming::nested_snake(name, "handler")).0,
            // Type prefixes are unique already, and variants have a namespace of their own.
            operation: prefix.to_owned(),
            client_body,
            server_body: server.claim(&naming::nested(prefix, "Body")).0,
            events: claim_in_both(&mut self.client, server, &naming::nested(prefix, "Event")),
        }
    }
}

/// The first of `wanted` and its numbered forms that both namespaces have free, claimed in
/// both: one name for an item the client and the server modules each define.
fn claim_in_both(first: &mut Namespace, second: &mut Namespace, wanted: &str) -> String {
    let mut candidate = wanted.to_owned();
    let mut n = 1;
    while first.contains(&candidate) || second.contains(&candidate) {
        n += 1;
        candidate = format!("{wanted}{n}");
    }
    first.claim(&candidate);
    second.claim(&candidate);
    candidate
}

impl Resolver<'_> {
    /// The operations `selector` selects.
    pub(super) fn operations(
        &mut self,
        schemes: &mut Vec<SecurityScheme>,
        selector: &mut Selector<'_>,
    ) -> Vec<Operation> {
        let document = self.document;
        let mut state = Operations {
            names: OperationNamer::new(),
            routes: Vec::new(),
        };
        let mut operations = Vec::new();
        for (path, item) in document.paths.iter() {
            let item_pointer = pointer::child("/paths", path);
            let Some(item) = self.path_item(item, &item_pointer) else {
                continue;
            };
            for (method, operation) in item.iter() {
                let candidate = Candidate::of(operation, path);
                if !selector.selects(&candidate) {
                    continue;
                }
                let site = Site {
                    path,
                    method,
                    item: &item,
                    item_pointer: &item_pointer,
                    pointer: pointer::child(&item_pointer, method),
                };
                operations.extend(self.operation(&site, operation, &mut state, schemes));
            }
        }
        operations
    }

    /// An error for each selector that selects no operation, listing the spec's tags.
    pub(super) fn report_unselected(&mut self, selector: &Selector<'_>) {
        let unmatched = selector.unmatched();
        if unmatched.is_empty() {
            return;
        }
        let mut tags: Vec<&str> = Vec::new();
        let items = self
            .document
            .paths
            .iter()
            .filter_map(|(_, item)| item.as_item());
        for operation in items.flat_map(|item| item.iter().map(|(_, op)| op)) {
            for tag in &operation.tags {
                if !tags.contains(&tag.as_str()) {
                    tags.push(tag);
                }
            }
        }
        let hint = match tags.len() {
            0 => "the spec tags no operation; select by operation or path prefix".to_owned(),
            n if n <= 20 => format!("the spec's tags: {}", tags.join(", ")),
            n => format!(
                "the spec's tags include {} (and {} more)",
                tags[..20].join(", "),
                n - 20
            ),
        };
        let (names, verb) = match unmatched.as_slice() {
            [one] => (one.clone(), "names"),
            [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "name"),
            [] => return,
        };
        self.report(
            Severity::Error,
            Code::Manifest,
            "/paths",
            format!("the selection's {names} {verb} no operation of the spec"),
            Some(&hint),
        );
    }

    /// A path item, followed through a `$ref` (split-file layouts:
    /// `paths: {/pets: {$ref: paths/pets.yaml}}`); `None` (with a warning) when that leads
    /// nowhere.
    pub(super) fn path_item<'d>(
        &mut self,
        item: &'d ReferenceOr<PathItem>,
        pointer: &str,
    ) -> Option<Cow<'d, PathItem>> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some(Cow::Borrowed(item)),
            ReferenceOr::Reference { reference } => reference,
        };
        let found = pointer::from_reference(reference)
            .and_then(|p| self.ref_targets.decode::<PathItem>(&p));
        match found {
            Some(Ok(item)) => Some(Cow::Owned(item)),
            _ => {
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    pointer,
                    format!("the path item `$ref: {reference}` does not lead to a path item; it is skipped"),
                    None,
                );
                None
            }
        }
    }

    /// One operation; `None` (with a warning) when its path template and its path parameters
    /// do not match.
    fn operation(
        &mut self,
        site: &Site<'_>,
        operation: &SpecOperation,
        state: &mut Operations,
        schemes: &mut Vec<SecurityScheme>,
    ) -> Option<Operation> {
        let pointer = site.pointer.as_str();
        let (name, type_prefix) = self.operation_name(site, operation, &mut state.names);
        let mut notes = Vec::new();
        let mut parameters = self.operation_parameters(site, operation, &type_prefix, &mut notes);
        if let Some(problem) = path_template_problem(site.path, &parameters) {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                pointer,
                format!("{problem}; the operation is skipped"),
                Some("make the path template and the `in: path` parameters name the same things"),
            );
            return None;
        }
        let (body, responses) = self.body_and_responses(operation, pointer, &type_prefix);
        let mut security = self.operation_security(operation, schemes, pointer, &mut notes);
        credential_parameters(
            &mut parameters,
            &mut security,
            schemes,
            &mut self.credential_methods,
        );
        let route = self.route(
            (site.path, site.method, pointer),
            &mut parameters,
            &mut state.routes,
        );
        let names = state.names.items(&name, &type_prefix);
        let responses = self.keyed_once(responses, &names.events, pointer);
        Some(Operation {
            route: route.route,
            route_match: route.route_match,
            // Decided once every type is known (`refusals`).
            refusals: Vec::new(),
            names,
            name,
            operation_id: operation.operation_id.clone(),
            method: site.method.to_ascii_uppercase(),
            path: site.path.to_owned(),
            summary: docs(operation.summary.as_deref()),
            description: docs(operation.description.as_deref()),
            deprecated: operation.deprecated,
            parameters,
            body,
            responses,
            security,
            notes,
        })
    }

    /// Names the events enum of the first response whose events are keyed by name; a later
    /// one's events are text, with a warning, as one enum serves one stream.
    pub(super) fn keyed_once(
        &mut self,
        mut responses: Vec<Response>,
        name: &str,
        at: &str,
    ) -> Vec<Response> {
        let mut named = false;
        for response in &mut responses {
            let Some(keyed) = response.keyed.as_mut() else {
                continue;
            };
            if !named {
                keyed.name = name.to_owned();
                named = true;
                continue;
            }
            response.keyed = None;
            let status = &response.variant;
            self.report(
                Severity::Warning,
                Code::Unsupported,
                &pointer::child(at, "responses"),
                format!("the events of a second stream keyed by name ({status}) are read as text"),
                Some("key the events of one successful response only"),
            );
        }
        responses
    }

    /// The operation's method name (a clash is numbered and reported) and the prefix of its
    /// inline type names.
    fn operation_name(
        &mut self,
        site: &Site<'_>,
        operation: &SpecOperation,
        names: &mut OperationNamer,
    ) -> (String, String) {
        let raw = operation
            .operation_id
            .clone()
            .unwrap_or_else(|| derived_operation_name(site.method, site.path));
        let wanted = naming::snake_name(&raw);
        let (name, renamed) = names.methods.claim(&wanted);
        if renamed {
            self.report(
                Severity::Warning,
                Code::NameCollision,
                &site.pointer,
                format!(
                    "operation name `{wanted}` is already used; this operation is named `{name}`"
                ),
                Some("give every operation a distinct operationId"),
            );
        }
        let type_prefix = self.type_prefix(&name);
        (name, type_prefix)
    }

    /// The prefix of the inline type names of the operation (or hook) with method `name`.
    pub(super) fn type_prefix(&mut self, name: &str) -> String {
        // `getItem2` and `get_item_2` differ as methods but not as type prefixes.
        self.type_prefixes
            .claim(naming::type_name(name).trim_end_matches('_'))
            .0
    }

    /// The operation's request body and documented responses (the operation at `pointer`,
    /// its inline types named after `prefix`).
    pub(super) fn body_and_responses(
        &mut self,
        operation: &SpecOperation,
        pointer: &str,
        prefix: &str,
    ) -> (Option<Body>, Vec<Response>) {
        let body = operation
            .request_body
            .as_ref()
            .and_then(|b| self.request_body(b, &pointer::child(pointer, "requestBody"), prefix));
        let responses = self.responses(
            &operation.responses,
            &pointer::child(pointer, "responses"),
            prefix,
        );
        (body, responses)
    }

    /// The path item's parameters, then the operation's own; an own parameter replaces a path
    /// item's one of the same name and location. A name of the path template that no `in: path`
    /// parameter declares is repaired into a required string parameter (noted in `notes`).
    pub(super) fn operation_parameters(
        &mut self,
        site: &Site<'_>,
        operation: &SpecOperation,
        prefix: &str,
        notes: &mut Vec<String>,
    ) -> Vec<Parameter> {
        let path_level = site.item.parameters.iter().enumerate().map(|(i, p)| {
            (
                p,
                pointer::item(&pointer::child(site.item_pointer, "parameters"), i),
            )
        });
        let own = operation.parameters.iter().enumerate().map(|(i, p)| {
            (
                p,
                pointer::item(&pointer::child(&site.pointer, "parameters"), i),
            )
        });
        let mut names = Namespace::default();
        // Names the generated methods use for their own arguments.
        for reserved in [
            "body",
            "options",
            "request",
            "response",
            "credentials",
            "content_type",
        ] {
            names.claim(reserved);
        }
        let mut parameters: Vec<Parameter> = Vec::new();
        for (parameter, at) in path_level.chain(own) {
            if let Some(parameter) = self.parameter(parameter, &at, prefix, &mut names) {
                parameters
                    .retain(|p| !(p.wire == parameter.wire && p.location == parameter.location));
                parameters.push(parameter);
            }
        }
        self.repair_path_parameters(site, &mut parameters, &mut names, notes);
        parameters
    }

    /// Reports a repair of the operation at `site`'s document.
    fn repair_at(&mut self, site: &Site<'_>, message: String, assumed: String) {
        let repair = Repair {
            code: Code::InvalidDocument,
            message,
            assumed,
        };
        self.sources.repair(self.sink, &site.pointer, repair);
    }

    /// Repairs the path parameters of an operation whose template names what no `in: path`
    /// parameter declares: a declared one that only spells the name differently (`userId` for
    /// `{user_id}`) is the template's; once none is left over, each name still undeclared is a
    /// required string. With a declared one left over, which is meant is unclear: nothing is
    /// repaired, and the operation is skipped.
    fn repair_path_parameters(
        &mut self,
        site: &Site<'_>,
        parameters: &mut Vec<Parameter>,
        names: &mut Namespace,
        notes: &mut Vec<String>,
    ) {
        let mut undeclared = undeclared_path_names(site.path, parameters);
        let template = template_names(site.path).unwrap_or_default();
        let strays: Vec<usize> = (0..parameters.len())
            .filter(|&i| {
                parameters[i].location == ParamLocation::Path
                    && !template.contains(&parameters[i].wire.as_str())
            })
            .collect();
        let mut renames = Vec::new();
        for index in strays.iter().copied() {
            let spelling = naming::snake_name(&parameters[index].wire);
            let mut same = undeclared
                .iter()
                .filter(|name| naming::snake_name(name) == spelling);
            if let (Some(&name), None) = (same.next(), same.next()) {
                undeclared.retain(|other| *other != name);
                renames.push((index, name));
            }
        }
        if renames.len() < strays.len() {
            return;
        }
        for (index, name) in renames {
            let parameter = &mut parameters[index];
            let message = format!(
                "path parameter `{}` does not appear in the path, which names `{{{name}}}`",
                parameter.wire
            );
            let assumed = format!("`{}` is the path's `{{{name}}}`", parameter.wire);
            parameter.wire = name.to_owned();
            self.repair_at(site, message, assumed);
        }
        for wire in undeclared {
            let message =
                format!("the path names `{{{wire}}}` but no `in: path` parameter declares it");
            self.repair_at(
                site,
                message,
                format!("`{wire}` is a required string path parameter"),
            );
            notes.push(format!(
                "The spec does not declare the path parameter `{wire}`; it is taken as a \
                 required string."
            ));
            parameters.push(undeclared_path_parameter(wire, names));
        }
    }
    /// The operation's own security requirements, or else the document's.
    fn operation_security(
        &mut self,
        operation: &SpecOperation,
        schemes: &[SecurityScheme],
        at: &str,
        notes: &mut Vec<String>,
    ) -> Vec<Vec<String>> {
        let (requirements, at) = match (&operation.security, &self.document.security) {
            (Some(own), _) => (own.as_slice(), pointer::child(at, "security")),
            (None, Some(document)) => (document.as_slice(), "/security".to_owned()),
            (None, None) => (&[][..], String::new()),
        };
        self.security(requirements, schemes, &at, notes)
    }

    fn parameter(
        &mut self,
        parameter: &ReferenceOr<SpecParameter>,
        at: &str,
        prefix: &str,
        names: &mut Namespace,
    ) -> Option<Parameter> {
        let (parameter, at) = match parameter {
            ReferenceOr::Item(p) => (p.clone(), at.to_owned()),
            ReferenceOr::Reference { reference } => {
                self.component::<SpecParameter>(reference, at, "parameters")?
            }
        };
        let location = match &parameter {
            SpecParameter::Query { .. } => ParamLocation::Query,
            SpecParameter::Header { .. } => ParamLocation::Header,
            SpecParameter::Path { .. } => ParamLocation::Path,
            SpecParameter::Cookie { .. } => ParamLocation::Cookie,
        };
        let data = parameter.parameter_data_ref();
        if data.name.trim().is_empty() {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                &at,
                "a parameter without a name cannot be sent; it is skipped".into(),
                Some("name the parameter, or remove it"),
            );
            return None;
        }
        let framing = matches!(&parameter, SpecParameter::Header { .. })
            && FRAMING_HEADERS.contains(&data.name.to_ascii_lowercase().as_str());
        if framing {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                &at,
                format!(
                    "the header `{}` frames the message; the HTTP client sets it, so the parameter is skipped",
                    data.name
                ),
                None,
            );
            return None;
        }
        let hint = naming::nested(prefix, &naming::type_name(&data.name));
        let (ty, rules, default) = self.parameter_type(&data.format, &at, &hint)?;
        let schema_at = match &data.format {
            ParameterSchemaOrContent::Schema(_) => Some(pointer::child(&at, "schema")),
            ParameterSchemaOrContent::Content(_) => None,
        };
        self.push_examples(&at, schema_at, &ty, data.example.as_ref(), &data.examples);
        let explode = data.explode.unwrap_or(matches!(
            location,
            ParamLocation::Query | ParamLocation::Cookie
        ));
        Some(Parameter {
            name: names.claim(&naming::snake_name(&data.name)).0,
            wire: data.name.clone(),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            default,
            docs: docs(data.description.as_deref()),
            explode,
            constraints: rules,
            route_name: None,
        })
    }

    /// A parameter's type, its rules and its default, from its schema or its content's.
    fn parameter_type(
        &mut self,
        format: &ParameterSchemaOrContent,
        at: &str,
        hint: &str,
    ) -> Option<(TypeRef, Constraints, Option<Value>)> {
        Some(match format {
            ParameterSchemaOrContent::Schema(schema) => {
                let schema_at = pointer::child(at, "schema");
                let listed = as_list(schema);
                let ty = self.resolve_ref_or(listed.as_ref().unwrap_or(schema), &schema_at, hint);
                let item = schema.as_item();
                // A parameter typed by a named alias has the alias's rules.
                let followed = match schema {
                    ReferenceOr::Reference { reference } => self.component_schema(reference),
                    ReferenceOr::Item(item) => Some(item),
                };
                (
                    ty,
                    followed.map(|s| self.constraints(s)).unwrap_or_default(),
                    item.and_then(|s| s.schema_data.default.clone()),
                )
            }
            ParameterSchemaOrContent::Content(content) => {
                let (media_type, media) = content.iter().next()?;
                let schema_at = format!(
                    "{at}/content/{}/schema",
                    pointer::escape_segment(media_type)
                );
                let ty = media
                    .schema
                    .as_ref()
                    .map_or(TypeRef::Json, |s| self.resolve_ref_or(s, &schema_at, hint));
                (ty, Constraints::default(), None)
            }
        })
    }

    /// What `pointer` holds: a component of the typed document when it names one, else a node
    /// `$ref`s reach elsewhere.
    fn component_at<T: Component>(&self, pointer: &str, kind: &str) -> Option<RefTarget<T>> {
        match typed_component::<T>(self.document, pointer, kind) {
            Some(ReferenceOr::Item(item)) => Some(RefTarget::Item(Ok(item.clone()))),
            Some(ReferenceOr::Reference { reference }) => {
                Some(RefTarget::Reference(reference.clone()))
            }
            None => self.ref_targets.follow(pointer),
        }
    }

    /// Follows a `$ref` to `#/components/<kind>/<name>`; returns the item and its pointer.
    fn component<T: Component>(
        &mut self,
        reference: &str,
        at: &str,
        kind: &str,
    ) -> Option<(T, String)> {
        // Usually `#/components/<kind>/<name>`, but any local place holding one will do.
        let pointer = pointer::from_reference(reference).filter(|p| p.starts_with('/'));
        let Some(pointer) = pointer.as_deref() else {
            let code = if reference.starts_with('#') {
                Code::DanglingRef
            } else {
                Code::ExternalRef
            };
            self.report(
                Severity::Error,
                code,
                at,
                format!("`$ref: {reference}` must point into this document (a {kind} entry)"),
                Some("bundle external files and point at the component"),
            );
            return None;
        };
        self.component_from(reference, pointer, at, kind)
    }

    /// [`Self::component`], once the reference is read as `pointer`.
    fn component_from<T: Component>(
        &mut self,
        reference: &str,
        pointer: &str,
        at: &str,
        kind: &str,
    ) -> Option<(T, String)> {
        let next = match self.component_at::<T>(pointer, kind) {
            Some(RefTarget::Reference(next)) => next,
            Some(RefTarget::Item(Ok(item))) => return Some((item, pointer.to_owned())),
            Some(RefTarget::Item(Err(err))) => {
                self.report(
                    Severity::Error,
                    Code::InvalidDocument,
                    pointer,
                    format!("not a valid {kind} entry: {err}"),
                    None,
                );
                return None;
            }
            None => {
                let ref_at = pointer::child(at, "$ref");
                return match self.component_meant(reference, pointer, kind, &ref_at) {
                    Some(meant) => self.component_from(reference, &meant, at, kind),
                    None => {
                        self.report_dangling(reference, at);
                        None
                    }
                };
            }
        };
        if self.in_progress.iter().any(|p| p == pointer) {
            self.report(
                Severity::Error,
                Code::CircularRef,
                at,
                format!("`$ref: {reference}` leads back to itself"),
                None,
            );
            return None;
        }
        self.in_progress.push(pointer.to_owned());
        let found = self.component(&next, pointer, kind);
        self.in_progress.pop();
        found
    }

    fn request_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        at: &str,
        prefix: &str,
    ) -> Option<Body> {
        let (body, at) = match body {
            ReferenceOr::Item(b) => (b.clone(), at.to_owned()),
            ReferenceOr::Reference { reference } => {
                self.component::<RequestBody>(reference, at, "requestBodies")?
            }
        };
        let (content_type, chosen, media_at, documented) = self.pick_media(&body.content, &at)?;
        let hint = naming::nested(prefix, "Request");
        let (ty, media) = self.body_media(&content_type, &chosen, &media_at, &hint);
        let mut variants = Namespace::default();
        let first = BodyChoice {
            variant: variants.claim(&media_variant(&content_type)).0,
            content_type: content_type.clone(),
            ty: ty.clone(),
            media: media.clone(),
        };
        let mut choices = vec![first];
        let mut ranges = Vec::new();
        for (other, media_type) in body.content.iter().filter(|(key, _)| **key != documented) {
            // A range names no media type a client could send.
            if other.contains('*') {
                ranges.push(format!("`{other}`"));
                continue;
            }
            let variant = variants.claim(&media_variant(other)).0;
            let other_at = pointer::child(&pointer::child(&at, "content"), other);
            let other_hint = naming::nested(&hint, &variant);
            let (ty, media) = self.body_media(other, media_type, &other_at, &other_hint);
            let content_type = other.clone();
            choices.push(BodyChoice {
                content_type,
                variant,
                ty,
                media,
            });
        }
        if choices.len() == 1 {
            choices.clear();
        }
        let mut docs = docs(body.description.as_deref());
        if !ranges.is_empty() {
            let note = format!(
                "Also documented as {}, which is no media type to send.",
                ranges.join(", ")
            );
            docs = Some(docs.map_or_else(|| note.clone(), |d| format!("{d}\n\n{note}")));
        }
        Some(Body {
            content_type,
            ty,
            media,
            choices,
            required: body.required,
            docs,
        })
    }

    /// A body's type and media in one media type.
    fn body_media(
        &mut self,
        content_type: &str,
        media: &MediaType,
        media_at: &str,
        hint: &str,
    ) -> (Option<TypeRef>, Media) {
        if is_form(content_type) {
            self.form_body(media, media_at, hint)
        } else if crate::media::essence(content_type) == "multipart/form-data" {
            self.multipart_body(media, media_at, hint)
        } else {
            let ty = self.media_type(media, media_at, content_type, hint);
            (ty, self.media_kind(content_type, media_at, false))
        }
    }

    /// A form body: typed when its schema is an object, whose properties are the form's
    /// names; else its bytes, written by the caller, with a warning.
    fn form_body(
        &mut self,
        media: &MediaType,
        media_at: &str,
        hint: &str,
    ) -> (Option<TypeRef>, Media) {
        let properties = self.form_properties(media, media_at);
        let ty = self.schema_type(media, media_at, hint);
        if self.is_object(&ty) {
            return (Some(ty), Media::Form(properties));
        }
        self.report(
            Severity::Warning,
            Code::Unsupported,
            media_at,
            "a form body whose schema is no object has no names to write: the caller writes its bytes".into(),
            Some("describe the form's fields as the properties of an object schema"),
        );
        (None, Media::Bytes)
    }

    /// Whether a type is a struct or a map (through aliases), which a form body can be.
    fn is_object(&self, ty: &TypeRef) -> bool {
        match ty.non_null() {
            TypeRef::Map(_) => true,
            other => self.struct_named(other).is_some(),
        }
    }

    /// The struct a type names, seen through aliases.
    fn struct_named(&self, ty: &TypeRef) -> Option<&TypeDef> {
        let def = self.type_def(ty.direct_name()?)?;
        matches!(def.kind, TypeKind::Struct(_)).then_some(def)
    }

    /// A `multipart/form-data` body: typed when its schema is an object with properties,
    /// whose fields are the parts; else its bytes, written by the caller, with a warning.
    fn multipart_body(
        &mut self,
        media: &MediaType,
        media_at: &str,
        hint: &str,
    ) -> (Option<TypeRef>, Media) {
        let ty = self.schema_type(media, media_at, hint);
        for (property, encoding) in &media.encoding {
            if encoding.content_type.is_some() || !encoding.headers.is_empty() {
                let at = pointer::child(&pointer::child(media_at, "encoding"), property);
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    &at,
                    "a part's own `contentType` and `headers` are not written: scalars go as text, objects as JSON, files as `application/octet-stream` unless the file says otherwise".into(),
                    Some("set the file's content type on its `FilePart`"),
                );
            }
        }
        let parts_of = self.struct_named(&ty).map(|def| def.name.clone());
        if let Some(parts_of) = parts_of {
            return (Some(ty), Media::Multipart { parts_of });
        }
        self.report(
            Severity::Warning,
            Code::Unsupported,
            media_at,
            "a multipart body whose schema is no object of properties has no parts to type: the caller writes its bytes".into(),
            Some("describe the parts as the properties of an object schema"),
        );
        (None, Media::Bytes)
    }

    fn responses(
        &mut self,
        responses: &openapiv3::Responses,
        at: &str,
        prefix: &str,
    ) -> Vec<Response> {
        let listed = responses.responses.iter().map(|(code, r)| {
            let status = match code {
                StatusCode::Code(c) => Status::Code(*c),
                StatusCode::Range(r) => Status::Range(*r as u8),
            };
            (status, code.to_string(), r)
        });
        let default = responses
            .default
            .iter()
            .map(|r| (Status::Default, "default".to_owned(), r));
        // The server's response enum has an `Undocumented` variant besides the statuses.
        let mut variants = Namespace::default();
        variants.claim("Undocumented");
        let mut out = Vec::new();
        for (status, key, response) in listed.chain(default) {
            let response_at = pointer::child(at, &key);
            let (response, response_at) = match response {
                ReferenceOr::Item(r) => (r.clone(), response_at),
                ReferenceOr::Reference { reference } => {
                    match self.component::<SpecResponse>(reference, &response_at, "responses") {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            let variant = variants.claim(&status_variant(&status)).0;
            let hint = naming::nested(prefix, &response_type_suffix(&status));
            out.push(self.response(status, variant, &response, &response_at, &hint));
        }
        out.sort_by(|a, b| a.status.cmp(&b.status));
        out
    }

    /// One documented response; `hint` names the inline types of its body and headers.
    fn response(
        &mut self,
        status: Status,
        variant: String,
        response: &SpecResponse,
        at: &str,
        hint: &str,
    ) -> Response {
        let bodiless = match status {
            Status::Code(code @ (100..=199 | 204 | 205 | 304)) => Some(code),
            _ => None,
        };
        let picked = if response.content.is_empty() {
            None
        } else if let Some(code) = bodiless {
            self.report(
                Severity::Warning,
                Code::Suspect,
                &pointer::child(at, "content"),
                format!("HTTP gives a {code} response no body: its content is left out"),
                Some("document the body under a status that carries one, such as 200"),
            );
            None
        } else {
            self.pick_media(&response.content, at)
        };
        let mut keyed = None;
        let (content_type, ty, media_range, schema, kind) = match picked {
            Some((content_type, media, media_at, documented)) => {
                let kind = self.media_kind(&content_type, &media_at, status.is_success());
                if kind == Media::Events {
                    keyed = self.keyed_events(media.schema.as_ref(), &media_at, hint);
                }
                let ty = if kind != Media::Events {
                    self.media_type(&media, &media_at, &content_type, hint)
                } else if keyed.is_none() {
                    self.event_data_type(&media, &media_at, hint)
                } else {
                    None
                };
                let schema = (ty.is_some() && media.schema.is_some() && kind != Media::Events)
                    .then(|| self.place(&pointer::child(&media_at, "schema")));
                (Some(content_type), ty, Some(documented), schema, Some(kind))
            }
            None => (None, None, None, None, None),
        };
        let headers = self.response_headers(&response.headers, at, hint);
        Response {
            status,
            variant,
            docs: docs(Some(&response.description)),
            content_type,
            media_range,
            ty,
            media: kind,
            schema,
            headers,
            keyed,
        }
    }

    fn response_headers(
        &mut self,
        headers: &indexmap::IndexMap<String, ReferenceOr<Header>>,
        at: &str,
        prefix: &str,
    ) -> Vec<ResponseHeader> {
        let mut names = Namespace::default();
        let mut out = Vec::new();
        for (wire, header) in headers {
            let header_at = pointer::child(&pointer::child(at, "headers"), wire);
            let (header, header_at) = match header {
                ReferenceOr::Item(h) => (h.clone(), header_at),
                ReferenceOr::Reference { reference } => {
                    match self.component::<Header>(reference, &header_at, "headers") {
                        Some(found) => found,
                        None => continue,
                    }
                }
            };
            let hint = naming::nested(prefix, &naming::type_name(wire));
            let ty = match &header.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    self.resolve_ref_or(schema, &pointer::child(&header_at, "schema"), &hint)
                }
                ParameterSchemaOrContent::Content(_) => TypeRef::String,
            };
            out.push(ResponseHeader {
                name: names.claim(&naming::snake_name(wire)).0,
                wire: wire.clone(),
                ty,
                required: header.required,
                docs: docs(header.description.as_deref()),
            });
        }
        out
    }

    /// Chooses the JSON media type when there is one, else the first. A range of JSON
    /// (`*/*`) is labelled `application/json` on the wire.
    fn pick_media(
        &mut self,
        content: &indexmap::IndexMap<String, MediaType>,
        at: &str,
    ) -> Option<(String, MediaType, String, String)> {
        let chosen = content
            .iter()
            .find(|(ct, _)| is_json(ct))
            .or_else(|| content.iter().next())?;
        let media_at = pointer::child(&pointer::child(at, "content"), chosen.0);
        let label = if chosen.0.contains('*') && is_json(chosen.0) {
            "application/json".to_owned()
        } else {
            chosen.0.clone()
        };
        Some((label, chosen.1.clone(), media_at, chosen.0.clone()))
    }

    /// The type of a JSON body; `None` (raw bytes) for other content types.
    fn media_type(
        &mut self,
        media: &MediaType,
        at: &str,
        content_type: &str,
        hint: &str,
    ) -> Option<TypeRef> {
        if !is_json(content_type) {
            return None;
        }
        Some(self.schema_type(media, at, hint))
    }

    /// The type of a media type's schema (any JSON value without one); its examples recorded.
    fn schema_type(&mut self, media: &MediaType, at: &str, hint: &str) -> TypeRef {
        let ty = media.schema.as_ref().map_or(TypeRef::Json, |s| {
            self.resolve_ref_or(s, &pointer::child(at, "schema"), hint)
        });
        let schema_at = media.schema.as_ref().map(|_| pointer::child(at, "schema"));
        self.push_examples(at, schema_at, &ty, media.example.as_ref(), &media.examples);
        ty
    }

    /// The type of each event's data in an event stream, `None` for text. The schema
    /// describes either each event's data (as vendors write it) or, as OpenAPI 3.2's
    /// `itemSchema` does, the event itself: an object of `data` and some of `event`, `id` and
    /// `retry`, whose `data` is then the type. The media type's examples are streams, not
    /// data: they are not recorded.
    fn event_data_type(&mut self, media: &MediaType, at: &str, hint: &str) -> Option<TypeRef> {
        let schema = media.schema.as_ref()?;
        let ty = self.resolve_ref_or(schema, &pointer::child(at, "schema"), hint);
        let data = self.event_object_data(&ty).unwrap_or(ty);
        match data.non_null() {
            TypeRef::String | TypeRef::Binary | TypeRef::Bytes => None,
            _ => Some(data),
        }
    }

    /// The type of `data` when `ty` is an event object (its fields `data` and some of
    /// `event`, `id`, `retry`).
    pub(super) fn event_object_data(&self, ty: &TypeRef) -> Option<TypeRef> {
        let TypeKind::Struct(fields) = &self.struct_named(ty.non_null())?.kind else {
            return None;
        };
        let event_fields = ["data", "event", "id", "retry"];
        if !fields
            .fields
            .iter()
            .all(|f| event_fields.contains(&f.wire.as_str()))
        {
            return None;
        }
        let data = fields.fields.iter().find(|f| f.wire == "data")?;
        Some(data.ty.clone())
    }

    /// How a body of `content_type` other than a form carries its value. XML is bytes, with a
    /// warning at `media_at`. Only a successful response streams events (`events`); elsewhere
    /// they are text.
    fn media_kind(&mut self, content_type: &str, media_at: &str, events: bool) -> Media {
        let essence = crate::media::essence(content_type);
        if is_json(content_type) {
            return Media::Json;
        }
        if essence == "text/event-stream" && events {
            return Media::Events;
        }
        if essence.ends_with("/xml") || essence.ends_with("+xml") {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                media_at,
                format!("`{essence}` is neither written nor read: the body is its bytes"),
                Some("the caller writes and reads the XML; a JSON media type, when documented, is typed"),
            );
            return Media::Bytes;
        }
        if crate::media::is_binary(&essence) {
            Media::Stream
        } else if essence.starts_with("text/") {
            Media::Text
        } else {
            // Multipart other than form data: its boundary is in its content type, so the
            // caller writes both.
            Media::Bytes
        }
    }

    /// The form properties whose `encoding` is not the default (`form`, exploded).
    fn form_properties(&mut self, media: &MediaType, at: &str) -> Vec<FormProperty> {
        let mut properties = Vec::new();
        for (wire, encoding) in &media.encoding {
            let encoding_at = pointer::child(&pointer::child(at, "encoding"), wire);
            if let Some(content_type) = &encoding.content_type {
                if !content_type.starts_with("text/plain") {
                    self.report(
                        Severity::Warning,
                        Code::Unsupported,
                        &pointer::child(&encoding_at, "contentType"),
                        format!("the property is written as form text, not as `{content_type}`"),
                        Some("encode the value into the form yourself if the server needs it"),
                    );
                }
            }
            let style = match encoding.style {
                None | Some(QueryStyle::Form) => FormStyle::Form {
                    explode: encoding.explode,
                },
                // Exploded, a delimited list repeats its name as `form` does.
                Some(QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited)
                    if encoding.explode =>
                {
                    FormStyle::Form { explode: true }
                }
                Some(QueryStyle::SpaceDelimited) => FormStyle::SpaceDelimited,
                Some(QueryStyle::PipeDelimited) => FormStyle::PipeDelimited,
                Some(QueryStyle::DeepObject) => FormStyle::DeepObject,
            };
            if style != (FormStyle::Form { explode: true }) {
                let wire = wire.clone();
                properties.push(FormProperty { wire, style });
            }
        }
        properties
    }

    /// The `example` and every entry of `examples` (following `$ref`s into
    /// `components/examples`) of a parameter or media type at `at`.
    fn push_examples(
        &mut self,
        at: &str,
        schema_at: Option<String>,
        ty: &TypeRef,
        example: Option<&Value>,
        examples: &IndexMap<String, ReferenceOr<SpecExample>>,
    ) {
        if let Some(example) = example {
            self.push_example(
                pointer::child(at, "example"),
                schema_at.clone(),
                ty.clone(),
                example,
            );
        }
        for (name, example) in examples {
            let entry_at = pointer::child(&pointer::child(at, "examples"), name);
            let (example, example_at) = match example {
                ReferenceOr::Item(example) => (example.clone(), entry_at),
                // An example is documentation: one that cannot be found is not an error.
                ReferenceOr::Reference { reference } => {
                    let Some(example_at) = pointer::from_reference(reference) else {
                        continue;
                    };
                    match self.component_at::<SpecExample>(&example_at, "examples") {
                        Some(RefTarget::Item(Ok(example))) => (example, example_at),
                        _ => continue,
                    }
                }
            };
            if let Some(value) = &example.value {
                let value_at = pointer::child(&example_at, "value");
                self.push_example(value_at, schema_at.clone(), ty.clone(), value);
            }
        }
    }

    /// `pointer` in the file that holds it: `file#pointer`.
    fn place(&self, pointer: &str) -> String {
        let file = crate::display_path(&self.sources.source_of(pointer).path);
        format!("{file}#{pointer}")
    }

    /// Records an example at `pointer`, of type `ty`, whose schema is at `schema_at`.
    pub(super) fn push_example(
        &mut self,
        pointer: String,
        schema_at: Option<String>,
        ty: TypeRef,
        value: &Value,
    ) {
        if let Some((found, declared)) = kind_mismatch(value, &ty) {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                &pointer,
                format!("this example is {found} where its schema declares {declared}; it is not tested"),
                Some("correct the example (a JSON value written as a string, perhaps)"),
            );
            return;
        }
        self.examples.push(Example {
            origin: self.place(&pointer),
            // Named once the examples are all known, in `examples::finish`.
            test_name: String::new(),
            schema: schema_at.as_deref().map(|at| self.place(at)),
            ty,
            value: value.clone(),
            expected: Value::Null,
        });
    }

    /// The alternatives of `requirements` (at `at`). A scheme that components/securitySchemes
    /// does not declare is dropped (noted in `notes`), and so is an alternative left with none.
    fn security(
        &mut self,
        requirements: &[openapiv3::SecurityRequirement],
        schemes: &[SecurityScheme],
        at: &str,
        notes: &mut Vec<String>,
    ) -> Vec<Vec<String>> {
        let mut alternatives = Vec::new();
        for (index, requirement) in requirements.iter().enumerate() {
            let mut keys = Vec::new();
            for key in requirement.keys() {
                if schemes.iter().any(|s| &s.key == key) {
                    keys.push(key.clone());
                    continue;
                }
                let key_at = pointer::child(&pointer::item(at, index), key);
                // The document's requirements hold for many operations: said once.
                if self
                    .reported
                    .insert(format!("{}{key_at}", Code::Repaired.id()))
                {
                    self.sources.repair(
                        self.sink,
                        &key_at,
                        Repair {
                            code: Code::DanglingRef,
                            message: format!("security requirement names `{key}`, which is not in components/securitySchemes"),
                            assumed: format!("`{key}` is not required, so no credential is sent for it"),
                        },
                    );
                }
                let note = format!(
                    "The spec names the undeclared security scheme `{key}`, which is not sent."
                );
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
            if !keys.is_empty() || requirement.is_empty() {
                alternatives.push(keys);
            }
        }
        // `security: [{}]` (an empty alternative) means authentication is optional.
        if alternatives.iter().any(Vec::is_empty) {
            alternatives.retain(|a| !a.is_empty());
            alternatives.push(Vec::new());
        }
        alternatives
    }
}

/// The variant of a response in the operation's response enums: `Status201`, `Status4xx`,
/// `Default`.
fn status_variant(status: &Status) -> String {
    match status {
        Status::Code(code) => format!("Status{code}"),
        Status::Range(digit) => format!("Status{digit}xx"),
        Status::Default => "Default".to_owned(),
    }
}

/// What the name of a response's inline body type ends with (`Response200`, `Error4xx`).
fn response_type_suffix(status: &Status) -> String {
    match status {
        Status::Code(code) if status.is_success() => format!("Response{code}"),
        Status::Code(code) => format!("Error{code}"),
        Status::Range(2) => "Response2xx".to_owned(),
        Status::Range(digit) => format!("Error{digit}xx"),
        Status::Default => "ResponseDefault".to_owned(),
    }
}

/// The parameter names of a path template, in order.
fn template_names(path: &str) -> Result<Vec<&str>, String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            return Err(format!("the path has an unclosed `{{` in `{path}`"));
        };
        names.push(&rest[open + 1..close]);
        rest = &rest[close + 1..];
    }
    Ok(names)
}

/// The names of the path template that no `in: path` parameter declares, each once.
fn undeclared_path_names<'p>(path: &'p str, parameters: &[Parameter]) -> Vec<&'p str> {
    let mut names: Vec<&str> = template_names(path)
        .unwrap_or_default()
        .into_iter()
        .filter(|name| {
            !name.is_empty()
                && !parameters
                    .iter()
                    .any(|p| p.location == ParamLocation::Path && p.wire == *name)
        })
        .collect();
    let mut seen = Vec::new();
    names.retain(|name| {
        let first = !seen.contains(name);
        seen.push(*name);
        first
    });
    names
}

/// The parameter a path template's undeclared `{wire}` is taken as: a required string.
fn undeclared_path_parameter(wire: &str, names: &mut Namespace) -> Parameter {
    Parameter {
        name: names.claim(&naming::snake_name(wire)).0,
        wire: wire.to_owned(),
        location: ParamLocation::Path,
        required: true,
        ty: TypeRef::String,
        default: None,
        docs: None,
        explode: false,
        constraints: Constraints::default(),
        route_name: None,
    }
}

/// A template name without a path parameter, or a path parameter not in the template.
fn path_template_problem(path: &str, parameters: &[Parameter]) -> Option<String> {
    let in_template = match template_names(path) {
        Ok(names) => names,
        Err(problem) => return Some(problem),
    };
    if let Some(name) = in_template.iter().find(|name| {
        !parameters
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire == **name)
    }) {
        return Some(format!(
            "the path names `{{{name}}}` but no `in: path` parameter declares it"
        ));
    }
    parameters
        .iter()
        .find(|p| p.location == ParamLocation::Path && !in_template.contains(&p.wire.as_str()))
        .map(|p| format!("path parameter `{}` does not appear in the path", p.wire))
}

/// An `Authorization` header declared as a parameter (often with a placeholder default such as
/// `bearer YOUR_API_KEY`) is a credential: it becomes a bearer security scheme the operation
/// requires, and the placeholder is never sent.
fn credential_parameters(
    parameters: &mut Vec<Parameter>,
    security: &mut Vec<Vec<String>>,
    schemes: &mut Vec<SecurityScheme>,
    credential_methods: &mut Namespace,
) {
    let Some(index) = parameters.iter().position(|p| {
        p.location == ParamLocation::Header && p.wire.eq_ignore_ascii_case("authorization")
    }) else {
        return;
    };
    let parameter = parameters.remove(index);
    // A scheme of the operation already fills `Authorization`: the parameter is that credential.
    let uses_authorization = security.iter().flatten().any(|key| {
        schemes.iter().any(|s| {
            &s.key == key
                && match &s.kind {
                    crate::ir::SchemeKind::ApiKey { location, param } => {
                        *location == ParamLocation::Header
                            && param.eq_ignore_ascii_case("authorization")
                    }
                    _ => true,
                }
        })
    });
    if uses_authorization {
        return;
    }
    let key = parameter.wire.clone();
    if !schemes.iter().any(|s| s.key == key) {
        let mut name = naming::snake_name(&key);
        while schemes.iter().any(|s| s.name == name) {
            name.push_str("_header");
        }
        schemes.push(SecurityScheme {
            key: key.clone(),
            setter: credential_methods.claim(&naming::setter_name(&name)).0,
            name,
            kind: crate::ir::SchemeKind::Bearer { format: None },
            docs: parameter.docs.clone(),
        });
    }
    if security.is_empty() {
        security.push(Vec::new());
    }
    for alternative in security.iter_mut() {
        if !alternative.contains(&key) {
            alternative.push(key.clone());
        }
    }
    if !parameter.required {
        security.push(Vec::new());
    }
}

/// A JSON body, or one of any type (which JSON serves).
/// A body enum's variant for a media type: `Json`, `Form`, `Multipart`, else its subtype's
/// words (`MergePatchJson`, `OctetStream`), `text/` ones prefixed (`TextPlain`).
fn media_variant(content_type: &str) -> String {
    let essence = crate::media::essence(content_type);
    match essence.as_str() {
        "application/json" => return "Json".into(),
        "application/x-www-form-urlencoded" => return "Form".into(),
        "multipart/form-data" => return "Multipart".into(),
        _ => {}
    }
    let (kind, subtype) = essence.split_once('/').unwrap_or(("", &essence));
    let words = match kind {
        "application" | "" => subtype.to_owned(),
        _ => format!("{kind} {subtype}"),
    };
    naming::type_name(&words.replace(['+', '.'], " "))
}

fn is_form(content_type: &str) -> bool {
    crate::media::essence(content_type) == "application/x-www-form-urlencoded"
}

fn is_json(content_type: &str) -> bool {
    let essence = crate::media::essence(content_type);
    crate::media::is_json(&essence) || essence == "*/*"
}

/// A stable name for an operation without `operationId`: method and path words,
/// `GET /users/{id}/keys` -> `get_users_id_keys`.
pub(super) fn derived_operation_name(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// An entry of `components` that operations refer to.
pub(super) trait Component: Clone + serde::de::DeserializeOwned {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for SpecParameter {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for SpecResponse {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

impl Component for SpecExample {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.examples
    }
}

impl Component for Header {
    fn entries(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.headers
    }
}

/// The entry at `/components/<kind>/<name>` of the typed document, if `pointer` is one.
fn typed_component<'d, T: Component>(
    document: &'d openapiv3::OpenAPI,
    pointer: &str,
    kind: &str,
) -> Option<&'d ReferenceOr<T>> {
    let name = pointer::component_key(pointer, kind)?;
    T::entries(document.components.as_ref()?).get(&name)
}

/// The JSON kind of an example and the one its schema's `type` declares, when they differ:
/// an example the spec itself contradicts.
fn kind_mismatch(value: &Value, ty: &TypeRef) -> Option<(&'static str, &'static str)> {
    let declared = match ty {
        TypeRef::Nullable(_) if value.is_null() => return None,
        TypeRef::Nullable(inner) => return kind_mismatch(value, inner),
        TypeRef::Map(_) => "an object",
        TypeRef::List(_) => "an array",
        TypeRef::String | TypeRef::Bytes | TypeRef::Binary => "a string",
        TypeRef::Bool => "a boolean",
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 => "a number",
        _ => return None,
    };
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    (found != declared).then_some((found, declared))
}

/// A parameter schema of `items` without `type`: a list, as the parameter's style writes
/// (PeerTube's `uuids`); only a body carries the other values JSON Schema would allow.
fn as_list(schema: &ReferenceOr<openapiv3::Schema>) -> Option<ReferenceOr<openapiv3::Schema>> {
    let ReferenceOr::Item(item) = schema else {
        return None;
    };
    let openapiv3::SchemaKind::Any(any) = &item.schema_kind else {
        return None;
    };
    let bare_items = any.typ.is_none() && any.items.is_some() && any.properties.is_empty();
    bare_items.then(|| {
        let mut listed = item.clone();
        if let openapiv3::SchemaKind::Any(any) = &mut listed.schema_kind {
            any.typ = Some("array".into());
        }
        ReferenceOr::Item(listed)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_items_are_named_from_method_and_prefix() {
        let mut namer = OperationNamer::new();
        let names = namer.items("move_", "Move");
        assert_eq!(
            names,
            OperationNames {
                options: "MoveOptions".into(),
                success: "MoveResponse".into(),
                error: "MoveError".into(),
                input: "MoveInput".into(),
                response: "MoveResponse".into(),
                reader: "move_input".into(),
                handler: "move_handler".into(),
                operation: "Move".into(),
                client_body: "MoveBody".into(),
                server_body: "MoveBody".into(),
                events: "MoveEvent".into(),
            }
        );
    }

    #[test]
    fn status_variants() {
        assert_eq!(status_variant(&Status::Code(201)), "Status201");
        assert_eq!(status_variant(&Status::Range(4)), "Status4xx");
        assert_eq!(status_variant(&Status::Default), "Default");
    }
}
