//! Per-API axum server stubs: a trait with one async method per operation, typed inputs and
//! responses, and a router that runs the checks (credentials, parameters, body, validation)
//! before the implementation sees a request.

use proc_macro2::TokenStream;
use quote::quote;

use super::bodies;
use super::docs::doc_attrs;
use super::keyed;
use super::refusals::{emit_refused, emit_rejection_items, emit_rejection_method, refusal_docs};
use super::responses::{body_type, is_streamed, variant_declaration};
use super::tokens::{ident, type_tokens};
use crate::ir::{Api, Body, Media, Operation, ParamLocation, Parameter, Status, TypeRef};

/// The server module's head: the `Api` trait and the router.
pub fn emit_server_head(api: &Api) -> TokenStream {
    let methods = api.operations.iter().map(emit_trait_method);
    let rejection_method = emit_rejection_method(api);
    let router = emit_router(api);
    let rejection_items = emit_rejection_items(api);
    let doc = format!(
        " Serves {}: implement [`Api`], then `router(implementation)`.",
        api.title
    );
    quote! {
        #![doc = #doc]
        use crate::runtime::server as rt;

        /// One async method per operation. Inputs arrive checked; outputs are the documented
        /// responses (or an explicit `Undocumented` one).
        pub trait Api: Send + Sync + 'static {
            #(#methods)*
            #rejection_method
        }

        #router
        #rejection_items
    }
}

/// A run of operations: each one's input and response types and its handler.
pub fn emit_server_operations(operations: &[Operation]) -> TokenStream {
    let operations = operations.iter().map(|op| emit_operation(op, &quote!(Api)));
    quote!(#(#operations)*)
}

fn emit_trait_method(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let input = ident(&op.names.input);
    let output = ident(&op.names.response);
    let mut text = op
        .summary
        .clone()
        .or_else(|| op.description.clone())
        .unwrap_or_default();
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", op.method, op.path));
    let docs = doc_attrs(Some(&text));
    // Our own markdown, with links: not escaped as spec text is.
    let refusals = refusal_docs(op);
    quote! {
        #docs
        #(#[doc = #refusals])*
        fn #name(&self, input: #input) -> impl std::future::Future<Output = #output> + Send;
    }
}

/// The operations of one route, by method.
type Methods<'a> = Vec<(&'a str, Vec<&'a Operation>)>;

fn emit_router(api: &Api) -> TokenStream {
    // Routes in the order of their first operation, and each route's methods likewise.
    let mut paths: Vec<(&str, Methods)> = Vec::new();
    for op in &api.operations {
        let Some(route) = op.route.as_deref() else {
            continue;
        };
        let index = match paths.iter().position(|(path, _)| *path == route) {
            Some(index) => index,
            None => {
                paths.push((route, Vec::new()));
                paths.len() - 1
            }
        };
        let methods = &mut paths[index].1;
        match methods.iter_mut().find(|(method, _)| *method == op.method) {
            Some((_, ops)) => ops.push(op),
            None => methods.push((&op.method, vec![op])),
        }
    }
    let routes = paths.iter().map(|(path, methods)| {
        let methods = methods.iter().enumerate().map(|(i, (method, ops))| {
            // axum's routing functions are named after the method.
            let method = ident(&method.to_ascii_lowercase());
            let handler = method_handler(ops);
            if i == 0 {
                quote!(axum::routing::#method(#handler))
            } else {
                quote!(.#method(#handler))
            }
        });
        quote!(.route(#path, #(#methods)*))
    });
    quote! {
        /// An `axum::Router` serving `api`. It composes with other routers and tower layers;
        /// bodies are limited by axum's `DefaultBodyLimit` (2 MiB unless a layer changes it).
        pub fn router<A: Api>(api: A) -> axum::Router {
            axum::Router::new()
                #(#routes)*
                .with_state(std::sync::Arc::new(api))
        }
    }
}

/// The handler of one route and method: the operation's own, or, when templates decide, one
/// that tries them in turn (see [`specificity`]), then the operation the route decides alone
/// (at most one has the route as its key), else answers 404.
fn method_handler(ops: &[&Operation]) -> TokenStream {
    if let [op] = ops {
        if op.route_match.is_none() {
            let handler = ident(&op.names.handler);
            return quote!(#handler::<A>);
        }
    }
    let call = |op: &Operation| {
        let handler = ident(&op.names.handler);
        quote!(#handler::<A>(state, Ok(incoming)).await)
    };
    let mut matched: Vec<(&str, &Operation)> = ops
        .iter()
        .filter_map(|op| Some((op.route_match.as_deref()?, *op)))
        .collect();
    matched.sort_by_key(|(template, _)| specificity(template));
    let tries = matched.iter().map(|(template, op)| {
        let call = call(op);
        quote!(if incoming.fits(#template) { #call } else)
    });
    let fallback = match ops.iter().find(|op| op.route_match.is_none()) {
        Some(op) => call(op),
        None => quote!(rt::not_found()),
    };
    quote! {
        |state: axum::extract::State<std::sync::Arc<A>>, mut incoming: rt::Incoming| async move {
            #(#tries)* { #fallback }
        }
    }
}

/// The order in which a route's templates are tried: exact ones first (no parameter beyond
/// the route's whole-segment captures, such as `/v1/:batchGet` or `/t/{p0}?full=true`), then
/// the ones that require more text first (`{p0.0}.tar.gz` before `{p0.0}.{p0.1}`, a query with
/// more keys before one with fewer); a tie keeps the spec's order.
fn specificity(template: &str) -> (bool, std::cmp::Reverse<usize>) {
    let (path, query) = template.split_once('?').unwrap_or((template, ""));
    let whole = |segment: &str| {
        segment.starts_with('{') && segment.ends_with('}') && segment.matches('{').count() == 1
    };
    let parameters = path
        .split('/')
        .filter(|segment| !whole(segment))
        .chain([query])
        .map(|part| part.matches('{').count())
        .sum::<usize>();
    let mut text = 0;
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => text += 1,
            _ => {}
        }
    }
    (parameters > 0, std::cmp::Reverse(text))
}

/// An operation's input and response types, and its handler, which calls the method of the
/// `service` trait (`Api`, or `Webhooks` for the hooks an API sends).
pub(super) fn emit_operation(op: &Operation, service: &TokenStream) -> TokenStream {
    let input = emit_input(op);
    let response = emit_response(op);
    // An operation the router cannot serve keeps its types and trait method, not a handler.
    let handler = op.route.is_some().then(|| emit_handler(op, service));
    let body = bodies::server_enum(op);
    let events = keyed::server_enum(op);
    quote! { #input #body #response #events #handler }
}

fn param_type(p: &Parameter) -> TokenStream {
    let ty = type_tokens(p.ty.non_null(), &quote!(super::types::));
    if p.required {
        ty
    } else {
        quote!(Option<#ty>)
    }
}

fn request_body_type(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref()?;
    let ty = if body.choices.is_empty() {
        bodies::server_type(body.ty.as_ref(), &body.media)
    } else {
        let name = ident(&op.names.server_body);
        quote!(#name)
    };
    Some(if body.required {
        ty
    } else {
        quote!(Option<#ty>)
    })
}

fn emit_input(op: &Operation) -> TokenStream {
    let name = ident(&op.names.input);
    let credentials = (!op.security.is_empty()).then(|| {
        quote! {
            /// The credentials the caller presented (the first alternative it satisfied).
            pub credentials: super::Credentials,
        }
    });
    let params = op.parameters.iter().map(|p| {
        let field = ident(&p.name);
        let ty = param_type(p);
        let docs = doc_attrs(p.docs.as_deref());
        quote!(#docs pub #field: #ty,)
    });
    let body = request_body_type(op).map(|ty| {
        let docs = doc_attrs(op.body.as_ref().and_then(|b| b.docs.as_deref()));
        quote!(#docs pub body: #ty,)
    });
    let doc = format!(" The checked inputs of `{} {}`.", op.method, op.path);
    // A streamed body is read once: it can be neither copied nor compared.
    let streamed =
        |b: &Body| b.media == Media::Stream || b.choices.iter().any(|c| c.media == Media::Stream);
    let derives = if op.body.as_ref().is_some_and(streamed) {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    quote! {
        #[doc = #doc]
        #derives
        pub struct #name {
            #credentials
            #(#params)*
            #body
        }
    }
}

fn emit_response(op: &Operation) -> TokenStream {
    let name = ident(&op.names.response);
    let variants = op.responses.iter().map(variant_declaration);
    let arms = op.responses.iter().map(|r| {
        let variant = ident(&r.variant);
        let code = match &r.status {
            Status::Code(code) => quote!(#code),
            _ => quote!(status),
        };
        let content_type = r.content_type.as_deref().unwrap_or_default();
        let send = match &r.media {
            Some(Media::Json | Media::Form(_)) if content_type != "application/json" => {
                quote!(rt::json_as(#code, #content_type, &body))
            }
            Some(Media::Json | Media::Form(_)) => quote!(rt::json(#code, &body)),
            Some(Media::Text) => quote!(rt::raw(#code, #content_type, body.into_bytes())),
            Some(Media::Bytes | Media::Multipart { .. }) => {
                quote!(rt::raw(#code, #content_type, body))
            }
            Some(Media::Stream) if is_streamed(r) => {
                quote!(rt::stream(#code, #content_type, body))
            }
            Some(Media::Stream) => quote!(rt::raw(#code, #content_type, body)),
            Some(Media::Events) if r.keyed.is_some() => {
                let name = r.keyed.as_ref().map(|k| ident(&k.name));
                quote!(body.into_response(#code, #name::write))
            }
            Some(Media::Events) if r.ty.is_some() => {
                quote!(body.into_response(#code, rt::write_json_data))
            }
            Some(Media::Events) => quote!(body.into_response(#code, rt::write_text_data)),
            None => quote!(rt::empty(#code)),
        };
        match (body_type(r).is_some(), matches!(r.status, Status::Code(_))) {
            (true, true) => quote!(Self::#variant(body) => #send,),
            (true, false) => quote!(Self::#variant(status, body) => #send,),
            (false, true) => quote!(Self::#variant => #send,),
            (false, false) => quote!(Self::#variant(status) => #send,),
        }
    });
    let doc = format!(" The documented responses of `{} {}`.", op.method, op.path);
    quote! {
        #[doc = #doc]
        #[derive(Debug)]
        // Built once per request and moved straight into a response: boxing the large
        // variants would only make implementations noisier.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A response the description does not document, sent as is: the explicit way out.
            Undocumented(axum::response::Response),
        }

        impl axum::response::IntoResponse for #name {
            fn into_response(self) -> axum::response::Response {
                match self {
                    #(#arms)*
                    Self::Undocumented(response) => response,
                }
            }
        }
    }
}

fn emit_handler(op: &Operation, service: &TokenStream) -> TokenStream {
    let handler = ident(&op.names.handler);
    let method = ident(&op.name);
    let reader = ident(&op.names.reader);
    let refused = emit_refused(op);
    // A multipart body is read as it arrives, so its reader waits.
    let reads_parts = op.body.as_ref().is_some_and(bodies::reads_parts);
    let read_input = emit_input_reader(op, reads_parts);
    let state = quote!(axum::extract::State(api): axum::extract::State<std::sync::Arc<A>>);
    if reads_parts {
        return quote! {
            #read_input
            pub(super) async fn #handler<A: #service>(
                #state,
                incoming: Result<rt::Incoming, rt::Rejection>,
            ) -> axum::response::Response {
                use axum::response::IntoResponse as _;
                let input = match incoming {
                    Ok(incoming) => #reader(&incoming).await,
                    Err(rejection) => Err(rejection),
                };
                match input {
                    Ok(input) => api.#method(input).await.into_response(),
                    Err(rejection) => #refused,
                }
            }
        };
    }
    // Not `async`: the runtime's shared future waits for the implementation.
    quote! {
        #read_input
        pub(super) fn #handler<A: #service>(
            #state,
            incoming: Result<rt::Incoming, rt::Rejection>,
        ) -> rt::Served {
            use axum::response::IntoResponse as _;
            match incoming.and_then(|incoming| #reader(&incoming)) {
                Ok(input) => rt::serve(api, input, |api, input| Box::pin(api.#method(input))),
                Err(rejection) => rt::answer(#refused),
            }
        }
    }
}

/// The function that reads and checks an operation's input from the request.
fn emit_input_reader(op: &Operation, reads_parts: bool) -> TokenStream {
    let input = ident(&op.names.input);
    let reader = ident(&op.names.reader);
    let alternatives = op.security.iter().map(|all| quote!(&[#(#all),*]));
    let credentials = (!op.security.is_empty())
        .then(|| quote!(credentials: incoming.authorize(super::SCHEMES, &[#(#alternatives),*])?,));
    let params = op.parameters.iter().map(|p| {
        let field = ident(&p.name);
        let read = read_parameter(p);
        quote!(#field: #read,)
    });
    let body = op.body.as_ref().map(|body| read_body(op, body));
    let parameter_checks = parameter_checks(op);
    let checks = (!parameter_checks.is_empty()).then(|| {
        quote! {
            let mut violations = crate::runtime::Checker::default();
            {
                let checker = &mut violations;
                #(#parameter_checks)*
            }
            rt::reject_violations(violations)?;
        }
    });
    let uses_incoming = credentials.is_some() || !op.parameters.is_empty() || body.is_some();
    let incoming = if uses_incoming {
        quote!(incoming)
    } else {
        quote!(_incoming)
    };
    let asyncness = reads_parts.then(|| quote!(async));
    // Credentials are checked first: an anonymous caller learns nothing about parameters.
    let fields = quote!(#input { #credentials #(#params)* #body });
    let read = match checks {
        Some(checks) => quote!(let input = #fields; #checks Ok(input)),
        None => quote!(Ok(#fields)),
    };
    quote! {
        #asyncness fn #reader(#incoming: &rt::Incoming) -> Result<#input, rt::Rejection> {
            #read
        }
    }
}

/// The input's `body` field: decoded, and rejected when required but missing.
fn read_body(op: &Operation, body: &Body) -> TokenStream {
    let required = body.required;
    let read = if body.choices.is_empty() {
        bodies::server_read(&body.media, required)
    } else {
        bodies::server_read_choice(op, body)
    };
    if required {
        let missing = quote!(rt::Rejection::new(
            400,
            "missing_body",
            "the request needs a body"
        ));
        quote!(body: #read.ok_or_else(|| #missing)?,)
    } else {
        quote!(body: #read,)
    }
}

/// The schema rules of the parameters (lengths, bounds, patterns, listed enum values).
fn parameter_checks(op: &Operation) -> Vec<TokenStream> {
    op.parameters
        .iter()
        .filter(|p| !negotiates(p))
        .filter_map(|p| {
            let rules =
                super::validate::rule_checks(&p.constraints, p.ty.non_null(), &quote!(value));
            let nested = p.ty.contains_named();
            if rules.is_empty() && !nested {
                return None;
            }
            let field = ident(&p.name);
            let wire = &p.wire;
            if rules.is_empty() {
                return Some(quote!(checker.field(#wire, &input.#field);));
            }
            let rules = if p.required {
                quote!({ let value = &input.#field; #rules })
            } else {
                quote!(if let Some(value) = &input.#field { #rules })
            };
            let nested =
                nested.then(|| quote!(crate::runtime::Validate::check(&input.#field, checker);));
            Some(quote! {
                checker.enter_field(#wire);
                #rules
                #nested
                checker.leave();
            })
        })
        .collect()
}

/// An `Accept` or `Content-Type` header parameter: HTTP's own negotiation, which OpenAPI says
/// to ignore as a parameter. A server reads it but holds it to no rule, as clients send
/// `*/*` and charsets the spec does not list.
fn negotiates(p: &Parameter) -> bool {
    p.location == ParamLocation::Header
        && (p.wire.eq_ignore_ascii_case("accept") || p.wire.eq_ignore_ascii_case("content-type"))
}

fn read_parameter(p: &Parameter) -> TokenStream {
    let wire = &p.wire;
    let list = matches!(p.ty.non_null(), TypeRef::List(_));
    let explode = p.explode;
    match (p.location, p.required, list) {
        (ParamLocation::Path, _, _) => {
            let name = p.route_name.as_deref().unwrap_or(wire);
            quote!(incoming.path(#name, #wire)?)
        }
        (ParamLocation::Query, true, true) => {
            quote!(incoming.required_query_list(#wire, #explode)?)
        }
        (ParamLocation::Query, false, true) => quote!(incoming.query_list(#wire, #explode)?),
        (ParamLocation::Query, true, false) => quote!(incoming.required_query(#wire)?),
        (ParamLocation::Query, false, false) => quote!(incoming.query(#wire)?),
        (ParamLocation::Cookie, true, _) => quote!(incoming.required_cookie(#wire)?),
        (ParamLocation::Cookie, false, _) => quote!(incoming.cookie(#wire)?),
        (_, true, _) => quote!(incoming.required_header(#wire)?),
        (_, false, _) => quote!(incoming.header(#wire)?),
    }
}
