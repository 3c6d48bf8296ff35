//! Webhooks and callbacks: requests the API sends to its users, resolved as operations seen
//! from the receiving side. Their parameters, bodies and responses are typed by the code that
//! types an operation's; what differs is naming, and what a receiver cannot read.

use std::borrow::Cow;

use indexmap::IndexMap;
use openapiv3::{Operation as SpecOperation, PathItem, ReferenceOr};
use serde_json::Value;

use super::operations::{derived_operation_name, Site};
use super::{docs, reserved, Resolver};
use crate::diag::{Code, Severity};
use crate::ir::{Hook, HookOrigin, Operation, OperationNames, ParamLocation, Parameter};
use crate::naming::{self, Namespace};
use crate::normalize::{decode_callback_paths, CallbackPaths, Hooks};
use crate::pointer;
use crate::select::{Candidate, Selector};

/// The namespaces of the `webhooks` module.
struct HookNamer {
    /// Methods of the `Webhooks` trait.
    methods: Namespace,
    /// Items of the module.
    items: Namespace,
    /// Fields of `Routes`, one per path item; also the default routes.
    fields: Namespace,
}

impl HookNamer {
    fn new() -> Self {
        HookNamer {
            methods: Namespace::default(),
            // What the module defines besides the hooks' items.
            items: reserved(&["rt", "Webhooks", "Routes", "router"]),
            fields: Namespace::default(),
        }
    }

    /// The module's items for the hook with method `name` and type `prefix`. A hook has no
    /// client: its client names are never emitted, so they claim nothing.
    fn items(&mut self, name: &str, prefix: &str) -> OperationNames {
        let items = &mut self.items;
        OperationNames {
            options: naming::nested(prefix, "Options"),
            success: naming::nested(prefix, "Response"),
            error: naming::nested(prefix, "Error"),
            input: items.claim(&naming::nested(prefix, "Input")).0,
            response: items.claim(&naming::nested(prefix, "Response")).0,
            reader: items.claim(&naming::nested_snake(name, "input")).0,
            handler: items.claim(&naming::nested_snake(name, "handler")).0,
            operation: prefix.to_owned(),
            client_body: naming::nested(prefix, "Body"),
            server_body: items.claim(&naming::nested(prefix, "Body")).0,
            events: items.claim(&naming::nested(prefix, "Event")).0,
        }
    }
}

/// A path item of hooks: a webhook, or one runtime expression of a callback.
struct HookItem<'a> {
    origin: HookOrigin,
    /// What names its operations that have no `operationId`.
    base: &'a str,
    /// The webhook's name or the callback's runtime expression.
    path: &'a str,
    item: &'a PathItem,
    pointer: &'a str,
}

/// A callback, once however many operations it is the callback of.
struct CallbackGroup {
    name: String,
    base: String,
    /// Where its path items are written.
    pointer: String,
    paths: CallbackPaths,
    operations: Vec<String>,
}

impl Resolver<'_> {
    /// Every webhook, then every callback, in document order. `operations` are the API's,
    /// which name the callbacks.
    /// The webhooks `selector` selects (by tag or operationId: a webhook has no path), and
    /// the callbacks of the selected operations.
    pub(super) fn hooks(
        &mut self,
        hooks: &Hooks,
        operations: &[Operation],
        selector: &mut Selector<'_>,
    ) -> Vec<Hook> {
        let mut namer = HookNamer::new();
        let mut out = Vec::new();
        for webhook in &hooks.webhooks {
            let Some(item) = self.path_item(&webhook.item, &webhook.pointer) else {
                continue;
            };
            // One without operations is warned of below.
            let mut selected = item.iter().next().is_none();
            for (_, operation) in item.iter() {
                let candidate = Candidate::of(operation, "");
                selected |= selector.selects(&candidate);
            }
            if !selected {
                continue;
            }
            let origin = HookOrigin::Webhook {
                name: webhook.name.clone(),
            };
            let site = HookItem {
                origin,
                base: &webhook.name,
                path: &webhook.name,
                item: &item,
                pointer: &webhook.pointer,
            };
            self.hook_item(&site, &mut namer, &mut out);
        }
        for group in self.callback_groups(hooks, operations, selector.takes_all()) {
            for (index, (expression, item)) in group.paths.iter().enumerate() {
                let at = pointer::child(&group.pointer, expression);
                let Some(item) = self.path_item(item, &at) else {
                    continue;
                };
                // A callback rarely has a second URL; each one is a path item of its own.
                let base = match index {
                    0 => Cow::Borrowed(group.base.as_str()),
                    _ => Cow::Owned(format!("{} {}", group.base, index + 1)),
                };
                let origin = HookOrigin::Callback {
                    name: group.name.clone(),
                    expression: expression.clone(),
                    operations: group.operations.clone(),
                };
                let site = HookItem {
                    origin,
                    base: &base,
                    path: expression,
                    item: &item,
                    pointer: &at,
                };
                self.hook_item(&site, &mut namer, &mut out);
            }
        }
        out
    }

    /// The callbacks of the operations, each once: one that several operations reach through
    /// a `$ref` is named after its component and lists them all.
    /// Under a selection (`!all`), only the callbacks of the selected operations.
    fn callback_groups(
        &mut self,
        hooks: &Hooks,
        operations: &[Operation],
        all: bool,
    ) -> Vec<CallbackGroup> {
        let mut groups: IndexMap<String, CallbackGroup> = IndexMap::new();
        for (operation_at, callbacks) in &hooks.callbacks {
            if !all && parent(operation_at, operations).is_none() {
                continue;
            }
            let parent = parent_name(operation_at, operations);
            for callback in callbacks {
                let (pointer, paths) = match &callback.paths {
                    ReferenceOr::Item(paths) => (callback.pointer.clone(), paths.clone()),
                    ReferenceOr::Reference { reference } => {
                        match self.referenced_callback(reference, &callback.pointer) {
                            Some(found) => found,
                            None => continue,
                        }
                    }
                };
                if let Some(group) = groups.get_mut(&pointer) {
                    if !group.operations.contains(&parent) {
                        group.operations.push(parent.clone());
                    }
                    continue;
                }
                let (name, base) = match pointer::component_key(&pointer, "callbacks") {
                    Some(key) => (key.clone(), key),
                    None => (callback.name.clone(), format!("{parent} {}", callback.name)),
                };
                let group = CallbackGroup {
                    name,
                    base,
                    pointer: pointer.clone(),
                    paths,
                    operations: vec![parent.clone()],
                };
                groups.insert(pointer, group);
            }
        }
        groups.into_values().collect()
    }

    /// The callback a `$ref` (at `at`) leads to, through any chain of references, and where it
    /// is written; `None` (with a warning) when it leads nowhere.
    fn referenced_callback(
        &mut self,
        reference: &str,
        at: &str,
    ) -> Option<(String, CallbackPaths)> {
        let mut reference = reference.to_owned();
        let mut visited = Vec::new();
        loop {
            let target = pointer::from_reference(&reference);
            let circular = target.as_ref().is_some_and(|p| visited.contains(p));
            let node = target
                .as_deref()
                .filter(|_| !circular)
                .and_then(|p| self.ref_targets.decode::<Value>(p))
                .and_then(Result::ok);
            let (Some(target), Some(node)) = (target, node) else {
                let problem = if circular {
                    "leads back to itself"
                } else {
                    "does not lead to a callback in this document"
                };
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    at,
                    format!("the callback `$ref: {reference}` {problem}; it is not generated"),
                    Some("point the reference at an entry of components/callbacks"),
                );
                return None;
            };
            match node.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    reference = next.to_owned();
                    visited.push(target);
                }
                None => {
                    let mut skipped = Vec::new();
                    let paths = decode_callback_paths(&node, &target, &mut skipped);
                    for skipped in skipped {
                        let message = skipped.message;
                        self.report(
                            Severity::Warning,
                            Code::Unsupported,
                            &skipped.pointer,
                            message,
                            None,
                        );
                    }
                    return paths.map(|paths| (target, paths));
                }
            }
        }
    }

    /// The operations of one path item of hooks, with one field of `Routes` between them.
    fn hook_item(&mut self, site: &HookItem<'_>, namer: &mut HookNamer, out: &mut Vec<Hook>) {
        let count = site.item.iter().count();
        if count == 0 {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                site.pointer,
                "this webhook or callback has no operation; nothing is generated".into(),
                None,
            );
            return;
        }
        let field = namer.fields.claim(&naming::snake_name(site.base)).0;
        let route = format!("/{field}");
        for (method, operation) in site.item.iter() {
            let at = Site {
                path: "",
                method,
                item: site.item,
                item_pointer: site.pointer,
                pointer: pointer::child(site.pointer, method),
            };
            let wanted = match (&operation.operation_id, count) {
                (Some(id), _) => Cow::Borrowed(id.as_str()),
                (None, 1) => Cow::Borrowed(site.base),
                (None, _) => Cow::Owned(format!("{} {method}", site.base)),
            };
            let operation = self.hook_operation(&at, operation, &wanted, site, &route, namer);
            out.push(Hook {
                origin: site.origin.clone(),
                routes_field: field.clone(),
                operation,
            });
        }
    }

    /// One operation of a hook, typed as the API's operations are; `wanted` names it, and the
    /// default router mounts it at `route`.
    fn hook_operation(
        &mut self,
        at: &Site<'_>,
        operation: &SpecOperation,
        wanted: &str,
        site: &HookItem<'_>,
        route: &str,
        namer: &mut HookNamer,
    ) -> Operation {
        let (name, renamed) = namer.methods.claim(&naming::snake_name(wanted));
        if renamed {
            self.report(
                Severity::Warning,
                Code::NameCollision,
                &at.pointer,
                format!(
                    "the webhook method `{}` is already used; this one is named `{name}`",
                    naming::snake_name(wanted)
                ),
                Some("give every webhook and callback operation a distinct operationId"),
            );
        }
        let prefix = self.type_prefix(&name);
        let mut notes = Vec::new();
        let mut parameters = self.operation_parameters(at, operation, &prefix, &mut notes);
        self.drop_path_parameters(&at.pointer, &mut parameters);
        let (body, responses) = self.body_and_responses(operation, &at.pointer, &prefix);
        if operation.security.is_some() {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                &pointer::child(&at.pointer, "security"),
                "the receiver does not check a webhook's or callback's security requirement".into(),
                Some("verify the sender (a signature, a secret) in a layer around the route"),
            );
        }
        let names = namer.items(&name, &prefix);
        let responses = self.keyed_once(responses, &names.events, &at.pointer);
        Operation {
            names,
            name,
            operation_id: operation.operation_id.clone(),
            method: at.method.to_ascii_uppercase(),
            path: site.path.to_owned(),
            summary: docs(operation.summary.as_deref()),
            description: docs(operation.description.as_deref()),
            deprecated: operation.deprecated,
            parameters,
            body,
            responses,
            security: Vec::new(),
            notes,
            route: Some(route.to_owned()),
            route_match: None,
            // The sender documents its own errors: a receiver refuses in the runtime's terms.
            refusals: Vec::new(),
        }
    }

    /// A receiver's path is the user's choice, so a path parameter has nowhere to come from.
    fn drop_path_parameters(&mut self, at: &str, parameters: &mut Vec<Parameter>) {
        for parameter in parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
        {
            let message = format!(
                "path parameter `{}` of a webhook or callback is not read: the receiver's path is the user's choice",
                parameter.wire
            );
            self.report(Severity::Warning, Code::Unsupported, at, message, None);
        }
        parameters.retain(|p| p.location != ParamLocation::Path);
    }
}

/// The Rust name of the operation at `at` (`/paths/<path>/<method>`); for one that is not
/// generated, the name derived from its method and path.
fn parent_name(at: &str, operations: &[Operation]) -> String {
    let segments: Vec<String> = pointer::segments(at).collect();
    let [_, path, method] = segments.as_slice() else {
        return naming::snake_name(at);
    };
    parent(at, operations).map_or_else(
        || naming::snake_name(&derived_operation_name(method, path)),
        |op| op.name.clone(),
    )
}

/// The operation at `at` (`/paths/{path}/{method}`), among those resolved.
fn parent<'o>(at: &str, operations: &'o [Operation]) -> Option<&'o Operation> {
    let segments: Vec<String> = pointer::segments(at).collect();
    let [_, path, method] = segments.as_slice() else {
        return None;
    };
    operations
        .iter()
        .find(|op| op.path == *path && op.method.eq_ignore_ascii_case(method))
}
