//! Per-API receivers of the requests the API sends (webhooks and callbacks): a `Webhooks`
//! trait with one async method per hook operation, a `Routes` struct with one axum
//! `MethodRouter` per hook path item, to mount where the user's registered URL points, and
//! a `router` that mounts them all at default paths. The hooks' inputs, responses and
//! handlers are emitted as the server's operations are, so a request is checked the same way.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::server::emit_operation;
use super::tokens::ident;
use crate::ir::{Api, Hook, HookOrigin};

/// The module's head: its docs, the `Webhooks` trait, `Routes` and `router`.
pub fn emit_webhooks_head(api: &Api) -> TokenStream {
    let methods = api.hooks.iter().map(emit_trait_method);
    let routes = emit_routes(&api.hooks);
    let title = format!(
        " The requests {} sends to its users: its webhooks and callbacks.",
        api.title
    );
    quote! {
        #![doc = #title]
        #![doc = ""]
        #![doc = " Implement [`Webhooks`], then mount each field of [`Routes`] at the path the URL"]
        #![doc = " you registered (or passed in a request) points at, or nest [`router`], which"]
        #![doc = " mounts each one at `/<field>`. A request is checked before a method runs, as the"]
        #![doc = " API's own server checks one: parameters, body, `validate()` rules, with the same"]
        #![doc = " rejections. Verify the sender (a signature, a shared secret) in a layer."]
        use crate::runtime::server as rt;

        /// One async method per webhook or callback operation. Inputs arrive checked; outputs
        /// are the documented responses (or an explicit `Undocumented` one).
        pub trait Webhooks: Send + Sync + 'static {
            #(#methods)*
        }

        #routes
    }
}

/// A run of hooks: each one's input and response types and its handler.
pub fn emit_webhook_operations(hooks: &[Hook]) -> TokenStream {
    let service = quote!(Webhooks);
    let operations = hooks
        .iter()
        .map(|hook| emit_operation(&hook.operation, &service));
    quote!(#(#operations)*)
}

fn emit_trait_method(hook: &Hook) -> TokenStream {
    let op = &hook.operation;
    let name = ident(&op.name);
    let input = ident(&op.names.input);
    let output = ident(&op.names.response);
    let text = op.summary.as_deref().or(op.description.as_deref());
    let docs = doc_attrs(text);
    let separator = text.map(|_| quote!(#[doc = ""]));
    let origin = format!(" {}.", origin_text(hook));
    let served = format!(
        " Served by [`Routes::{}`]; [`router`] mounts it at `{}`.",
        hook.routes_field,
        op.route.as_deref().unwrap_or_default()
    );
    quote! {
        #docs
        #separator
        #[doc = #origin]
        #[doc = ""]
        #[doc = #served]
        fn #name(&self, input: #input) -> impl std::future::Future<Output = #output> + Send;
    }
}

/// What sends the hook, and how: "Webhook `newPet`: `POST`".
fn origin_text(hook: &Hook) -> String {
    let method = &hook.operation.method;
    match &hook.origin {
        HookOrigin::Webhook { name } => format!("Webhook {}: `{method}`", code(name)),
        HookOrigin::Callback {
            name,
            expression,
            operations,
        } => {
            let operations: Vec<String> = operations.iter().map(|o| code(o)).collect();
            format!(
                "Callback {} of {}: `{method}` {}",
                code(name),
                operations.join(", "),
                code(expression)
            )
        }
    }
}

/// `text` as inline code; a backtick inside would end the span.
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'"))
}

/// The hooks of each `Routes` field, in order.
fn by_field(hooks: &[Hook]) -> Vec<(&str, Vec<&Hook>)> {
    let mut fields: Vec<(&str, Vec<&Hook>)> = Vec::new();
    for hook in hooks {
        match fields
            .iter_mut()
            .find(|(field, _)| *field == hook.routes_field)
        {
            Some((_, hooks)) => hooks.push(hook),
            None => fields.push((&hook.routes_field, vec![hook])),
        }
    }
    fields
}

/// `Routes`, its constructor and `router`.
fn emit_routes(hooks: &[Hook]) -> TokenStream {
    let fields = by_field(hooks);
    let declarations = fields.iter().map(|(field, hooks)| {
        let name = ident(field);
        let route = hooks[0].operation.route.as_deref().unwrap_or_default();
        let methods: Vec<&str> = hooks.iter().map(|h| h.operation.method.as_str()).collect();
        let doc = format!(
            " {} ({}); [`router`] mounts it at `{route}`.",
            origin_name(hooks[0]),
            methods.join(", ")
        );
        quote!(#[doc = #doc] pub #name: axum::routing::MethodRouter,)
    });
    let constructors = fields.iter().map(|(field, hooks)| {
        let name = ident(field);
        let methods = hooks.iter().enumerate().map(|(i, hook)| {
            // axum's routing functions are named after the method.
            let method = ident(&hook.operation.method.to_ascii_lowercase());
            let handler = ident(&hook.operation.names.handler);
            if i == 0 {
                quote!(axum::routing::#method(#handler::<W>))
            } else {
                quote!(.#method(#handler::<W>))
            }
        });
        quote!(#name: #(#methods)*.with_state(hooks.clone()),)
    });
    let mounts = fields.iter().map(|(field, hooks)| {
        let name = ident(field);
        let route = hooks[0].operation.route.as_deref().unwrap_or_default();
        quote!(.route(#route, self.#name))
    });
    quote! {
        /// One axum `MethodRouter` per webhook and callback, serving its methods: mount each at
        /// the path its registered URL points at
        /// (`axum::Router::new().route("/hooks/pets", routes.<field>)`), with the layers it needs.
        pub struct Routes {
            #(#declarations)*
        }

        impl Routes {
            /// The routes of every webhook and callback, each calling `hooks`.
            pub fn new<W: Webhooks>(hooks: W) -> Self {
                let hooks = std::sync::Arc::new(hooks);
                Routes {
                    #(#constructors)*
                }
            }

            /// An `axum::Router` with each route at `/<field>`.
            pub fn into_router(self) -> axum::Router {
                axum::Router::new()
                    #(#mounts)*
            }
        }

        /// An `axum::Router` serving every webhook and callback of `hooks` at `/<field of
        /// [`Routes`]>`: nest it where your URLs point (`Router::nest("/hooks", router(hooks))`).
        /// Bodies are limited by axum's `DefaultBodyLimit` (2 MiB unless a layer changes it).
        pub fn router<W: Webhooks>(hooks: W) -> axum::Router {
            Routes::new(hooks).into_router()
        }
    }
}

/// "Webhook `newPet`" or "Callback `onData` of `subscribe`", for the docs of a route.
fn origin_name(hook: &Hook) -> String {
    match &hook.origin {
        HookOrigin::Webhook { name } => format!("Webhook {}", code(name)),
        HookOrigin::Callback {
            name, expression, ..
        } => format!("Callback {} to {}", code(name), code(expression)),
    }
}
