//! Per-API client module: servers, credentials, and one async method per operation. The
//! plumbing lives in `runtime::client`; what is emitted here is the per-operation data.

use proc_macro2::TokenStream;
use quote::quote;

use super::bodies;
use super::docs::doc_attrs;
use super::keyed;
use super::responses::{body_type, is_streamed, variant_declaration};
use super::tokens::{ident, type_tokens};
use crate::ir::{Api, Media, Operation, ParamLocation, Parameter, Response, Status, TypeRef};

/// The client module's head: its servers, the client with the first run of operations'
/// methods, and their types.
pub fn emit_client_head(api: &Api, first: &[Operation]) -> TokenStream {
    let server = emit_server(api);
    let client = emit_client(api, first);
    let operations = first.iter().map(emit_operation_types);
    quote! {
        #![doc = " The async client of this API."]
        use crate::runtime::client as rt;

        #server
        #client
        #(#operations)*
    }
}

/// A later run of operations: an `impl Client` block of its own, so no part holds every
/// method of a large API, and the operations' types.
pub fn emit_client_operations(operations: &[Operation]) -> TokenStream {
    let methods = operations.iter().map(emit_method);
    let types = operations.iter().map(emit_operation_types);
    quote! {
        impl Client {
            #(#methods)*
        }
        #(#types)*
    }
}

fn emit_server(api: &Api) -> TokenStream {
    let variants = api.servers.iter().map(|s| {
        let name = ident(&s.name);
        let docs = doc_attrs(Some(&match &s.description {
            Some(d) => format!("`{}`: {d}", s.url),
            None => format!("`{}`", s.url),
        }));
        quote!(#docs #name,)
    });
    let urls = api.servers.iter().map(|s| {
        let name = ident(&s.name);
        let url = &s.url;
        quote!(Self::#name => #url,)
    });
    quote! {
        /// Where the API is served: the servers its description lists, or any base URL.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Server {
            #(#variants)*
            /// Another base URL (a proxy, a sandbox, a local fake).
            Custom(String),
        }

        impl Server {
            pub fn url(&self) -> &str {
                match self {
                    #(#urls)*
                    Self::Custom(url) => url,
                }
            }
        }
    }
}

/// The client, with the methods of the first run of operations.
fn emit_client(api: &Api, operations: &[Operation]) -> TokenStream {
    let methods = operations.iter().map(emit_method);
    let title = format!(" Client of {}.", api.title);
    let documents_redirects = api
        .operations
        .iter()
        .flat_map(|op| &op.responses)
        .any(|r| matches!(r.status, Status::Code(300..=399) | Status::Range(3)));
    let redirects = documents_redirects.then(|| {
        quote!(
            const DOCUMENTS_REDIRECTS: bool = true;
        )
    });
    quote! {
        #[doc = #title]
        #[derive(Clone, Debug)]
        pub struct Client {
            core: rt::Core,
            credentials: super::Credentials,
        }

        /// Configures a [`Client`]: credentials, timeout, user agent, retries, headers.
        pub type ClientBuilder = rt::Builder<Client>;

        impl rt::ApiClient for Client {
            type Credentials = super::Credentials;
            #redirects

            fn from_parts(core: rt::Core, credentials: super::Credentials) -> Self {
                Client { core, credentials }
            }
        }

        impl Client {
            /// A client for `server` with the given credentials and default settings.
            pub fn new(server: Server, credentials: super::Credentials) -> Result<Self, rt::BuildError> {
                Self::builder(server).credentials(credentials).build()
            }

            pub fn builder(server: Server) -> ClientBuilder {
                rt::Builder::new(server.url())
            }

            #(#methods)*
        }
    }
}

/// Parameters passed as method arguments: required ones without a spec default.
pub(super) fn is_argument(p: &Parameter) -> bool {
    p.required && !has_header_default(p)
}

/// A required header with a spec default is sent automatically (the client can override it).
fn has_header_default(p: &Parameter) -> bool {
    p.location == ParamLocation::Header && p.default.is_some()
}

/// Parameters in the operation's options struct: optional ones.
pub(super) fn is_option(p: &Parameter) -> bool {
    !p.required
}

fn success_type(op: &Operation) -> TokenStream {
    let successes: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    match successes.as_slice() {
        [] => quote!(()),
        [one] => body_type(one).unwrap_or_else(|| quote!(())),
        _ => {
            let name = ident(&op.names.success);
            quote!(#name)
        }
    }
}

fn emit_method(op: &Operation) -> TokenStream {
    let name = ident(&op.name);
    let docs = method_docs(op);
    let error = ident(&op.names.error);
    let success = success_type(op);
    let args = method_arguments(op);
    let path = path_expression(op);
    let method = ident(&op.method);
    let mut setup: Vec<TokenStream> = op
        .parameters
        .iter()
        .filter(|p| p.location != ParamLocation::Path)
        .map(parameter_statement)
        .collect();
    let alternatives = op.security.iter().map(|all| quote!(&[#(#all),*]));
    setup.extend(accept_statement(op));
    setup
        .push(quote!(request.authorize(&self.credentials, super::SCHEMES, &[#(#alternatives),*]);));
    setup.extend(op.body.as_ref().map(|body| body_statement(op, body)));
    let arms = response_arms(op, &error);
    let fallback = (!op.responses.iter().any(|r| r.status == Status::Default))
        .then(|| quote!(_ => Err(response.unexpected()),));
    // With only a `default` response the match has one arm that binds the status.
    let only_default = (!op.responses.is_empty()
        && op.responses.iter().all(|r| r.status == Status::Default))
    .then(|| quote!(#[allow(clippy::match_single_binding)]));
    let read = if arms.is_empty() {
        quote!(Err(response.unexpected()))
    } else {
        quote! {
            match response.status {
                #(#arms)*
                #fallback
            }
        }
    };
    let head = quote! {
        let mut request = rt::Request::new(reqwest::Method::#method, #path);
        #(#setup)*
    };
    let generics = op
        .body
        .as_ref()
        .filter(|body| body.required && bodies::client_enum_borrows(body))
        .map(|_| quote!(<'body>));
    if op.responses.iter().any(is_streamed) {
        let send = send_statement(op);
        return quote! {
            #docs
            #only_default
            pub async fn #name #generics (&self, #(#args),*) -> Result<#success, rt::Error<#error>> {
                #head
                #send
                #read
            }
        };
    }
    // A response read whole: the shared sender does the waiting.
    quote! {
        #docs
        #only_default
        pub fn #name #generics (&self, #(#args),*) -> rt::Call<'_, #success, #error> {
            #head
            let read = |response: rt::Response| #read;
            self.core.call(request, read)
        }
    }
}

/// Sends the request of an operation with a streamed response and binds `response`, read
/// whole when its status is not one of those: a streamed one returns before its body is read.
fn send_statement(op: &Operation) -> TokenStream {
    let streamed: Vec<&Response> = op.responses.iter().filter(|r| is_streamed(r)).collect();
    let success_enum = success_enum(op);
    let arms = streamed
        .iter()
        .map(|r| streamed_arm(r, success_enum.as_ref()));
    quote! {
        let response = self.core.send_streamed(request).await?;
        let response = match response.status {
            #(#arms)*
            _ => response.read().await?,
        };
    }
}

/// Asks for the media types (or ranges) the operation's responses document, as documented,
/// so a server that negotiates sends what the client decodes. A client-wide `Accept` wins.
fn accept_statement(op: &Operation) -> Option<TokenStream> {
    let mut media: Vec<&str> = Vec::new();
    for content_type in op
        .responses
        .iter()
        .filter_map(|r| r.media_range.as_deref().or(r.content_type.as_deref()))
    {
        if !media.contains(&content_type) {
            media.push(content_type);
        }
    }
    let accept = media.join(", ");
    (!accept.is_empty()).then(|| quote!(request.default_header("accept", #accept);))
}

/// The method's arguments: required parameters, the body, and the options struct.
fn method_arguments(op: &Operation) -> Vec<TokenStream> {
    let mut args = Vec::new();
    for p in op.parameters.iter().filter(|p| is_argument(p)) {
        let arg = ident(&p.name);
        let ty = argument_type(&p.ty);
        args.push(quote!(#arg: #ty));
    }
    if let Some(body) = &op.body {
        if !body.choices.is_empty() {
            // `impl Into<..>` cannot elide the lifetime of a method that is not `async`.
            args.push(if body.required {
                let ty = bodies::client_enum_type(op, body, &quote!('body));
                quote!(body: impl Into<#ty>)
            } else {
                let ty = bodies::client_enum_type(op, body, &quote!('_));
                quote!(body: Option<#ty>)
            });
        } else {
            let (ty, _) = bodies::client_argument(body.ty.as_ref(), &body.media, &quote!());
            if is_raw_multipart(body) {
                // The boundary is part of the content type, so the caller supplies both.
                args.push(quote!(content_type: &str));
            }
            args.push(if body.required {
                quote!(body: #ty)
            } else {
                quote!(body: Option<#ty>)
            });
        }
    }
    if op.parameters.iter().any(is_option) {
        let options = ident(&op.names.options);
        args.push(quote!(options: &#options));
    }
    args
}

/// Puts the body into the request, if the caller gave one.
fn body_statement(op: &Operation, body: &crate::ir::Body) -> TokenStream {
    let send = if body.choices.is_empty() {
        bodies::send_expression(&body.content_type, &body.media)
    } else {
        bodies::client_send_choice(op, body)
    };
    match (body.required, body.choices.is_empty()) {
        (true, true) => quote!(#send;),
        (true, false) => quote!(let body = body.into(); #send;),
        (false, _) => quote!(if let Some(body) = body { #send; }),
    }
}

pub(super) fn is_raw_multipart(body: &crate::ir::Body) -> bool {
    bodies::is_raw_multipart(&body.content_type, &body.media)
}

fn method_docs(op: &Operation) -> TokenStream {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(summary);
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref() != Some(description.as_str()) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(description);
        }
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("`{} {}`", op.method, op.path));
    if op.deprecated {
        text.push_str("\n\nDeprecated.");
    }
    for note in &op.notes {
        text.push_str("\n\n");
        text.push_str(note);
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.choices.is_empty()) {
        let name = &op.names.client_body;
        text.push_str(&format!(
            "\n\nThe body is sent in the media type its [`{name}`] variant names; a value of the first variant's type converts to it, and goes as `{}`.",
            body.content_type,
        ));
    }
    doc_attrs(Some(&text))
}

/// Whether an argument of this type is passed by value: small copyable scalars are.
pub(super) fn by_value(ty: &TypeRef) -> bool {
    matches!(
        ty.non_null(),
        TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F64
            | TypeRef::Uuid
            | TypeRef::Date
            | TypeRef::DateTime
    )
}

/// Arguments borrow (`&str`, `&[T]`, `&T`) except small copyable scalars.
fn argument_type(ty: &TypeRef) -> TokenStream {
    match ty.non_null() {
        TypeRef::String => quote!(&str),
        scalar if by_value(scalar) => type_tokens(scalar, &TokenStream::new()),
        TypeRef::List(item) => {
            let item = type_tokens(item, &quote!(super::types::));
            quote!(&[#item])
        }
        other => {
            let ty = type_tokens(other, &quote!(super::types::));
            quote!(&#ty)
        }
    }
}

/// The path with each `{param}` replaced by its percent-encoded value.
fn path_expression(op: &Operation) -> TokenStream {
    let mut pieces = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        let literal = &rest[..open];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let wire = &rest[open + 1..close];
        match op
            .parameters
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire == wire)
        {
            Some(p) => {
                let arg = ident(&p.name);
                pieces.push(quote!(&rt::path_segment(&#arg)));
            }
            None => {
                let raw = &rest[open..=close];
                pieces.push(quote!(#raw));
            }
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(quote!(#rest));
    }
    match pieces.as_slice() {
        [] => quote!(String::new()),
        [one] => quote!(String::from(#one)),
        _ => quote!([#(#pieces),*].concat()),
    }
}

fn parameter_statement(p: &Parameter) -> TokenStream {
    let wire = &p.wire;
    let arg = ident(&p.name);
    let is_list = matches!(p.ty.non_null(), TypeRef::List(_));
    let explode = p.explode;
    let put = |value: TokenStream| match (p.location, is_list) {
        (ParamLocation::Query, true) => quote!(request.query_list(#wire, #value, #explode);),
        (ParamLocation::Query, false) => quote!(request.query(#wire, #value);),
        (ParamLocation::Cookie, _) => quote!(request.cookie(#wire, #value);),
        (_, true) => {
            quote!(request.header(#wire, &#value.iter().map(crate::runtime::ToParam::to_param).collect::<Vec<_>>().join(","));)
        }
        (_, false) => quote!(request.header(#wire, #value);),
    };
    if is_option(p) && !is_list {
        return match p.location {
            ParamLocation::Query => quote!(request.query_if(#wire, &options.#arg);),
            ParamLocation::Cookie => quote!(request.cookie_if(#wire, &options.#arg);),
            _ => quote!(request.header_if(#wire, &options.#arg);),
        };
    }
    if is_option(p) {
        let statement = put(quote!(value));
        quote!(if let Some(value) = &options.#arg { #statement })
    } else if let Some(default) = p.default.as_ref().filter(|_| has_header_default(p)) {
        let default = default
            .as_str()
            .map_or_else(|| default.to_string(), str::to_owned);
        quote!(request.default_header(#wire, #default);)
    } else if is_list {
        put(quote!(#arg))
    } else {
        put(quote!(&#arg))
    }
}

/// The success enum, when there are several successes; one is the result itself.
fn success_enum(op: &Operation) -> Option<proc_macro2::Ident> {
    let successes = op.responses.iter().filter(|r| r.status.is_success());
    (successes.count() > 1).then(|| ident(&op.names.success))
}

/// The arms of the responses read whole (a streamed one has returned before).
fn response_arms(op: &Operation, error: &proc_macro2::Ident) -> Vec<TokenStream> {
    let success_enum = success_enum(op);
    op.responses
        .iter()
        .filter(|r| !is_streamed(r))
        .map(|r| {
            if r.status.is_success() {
                success_arm(r, success_enum.as_ref())
            } else {
                error_arm(r, error)
            }
        })
        .collect()
}

fn status_pattern(status: &Status) -> TokenStream {
    match status {
        Status::Code(code) => quote!(#code),
        Status::Range(digit) => {
            let low = u16::from(*digit) * 100;
            let high = low + 99;
            quote!(#low..=#high)
        }
        Status::Default => quote!(status),
    }
}

/// A streamed success's arm, which returns from the method before the body is read.
fn streamed_arm(r: &Response, success_enum: Option<&proc_macro2::Ident>) -> TokenStream {
    let pattern = status_pattern(&r.status);
    let value = match &r.media {
        Some(Media::Events) if r.keyed.is_some() => {
            let name = r.keyed.as_ref().map(|k| ident(&k.name));
            quote!(response.into_events(#name::read))
        }
        Some(Media::Events) if r.ty.is_some() => {
            quote!(response.into_events(rt::read_json_data))
        }
        Some(Media::Events) => quote!(response.into_events(rt::read_text_data)),
        _ => quote!(response.into_bytes()),
    };
    let variant = ident(&r.variant);
    let value = match (success_enum, matches!(r.status, Status::Code(_))) {
        (None, _) => value,
        (Some(success_enum), true) => quote!(#success_enum::#variant(#value)),
        (Some(success_enum), false) => {
            quote!(#success_enum::#variant(response.status, #value))
        }
    };
    quote!(#pattern => return Ok(#value),)
}

/// A success's arm, its body read whole.
fn success_arm(r: &Response, success_enum: Option<&proc_macro2::Ident>) -> TokenStream {
    let pattern = status_pattern(&r.status);
    let decode = match &r.media {
        Some(Media::Json | Media::Form(_)) => quote!(response.decode()),
        Some(Media::Text) => quote!(response.text()),
        // Responses are never read as multipart: their bytes. Binary and event successes
        // are streamed: `streamed_arm` returns them before this match.
        Some(Media::Bytes | Media::Multipart { .. } | Media::Stream | Media::Events) => {
            quote!(Ok(response.body))
        }
        None => quote!(Ok(())),
    };
    let Some(success_enum) = success_enum else {
        return quote!(#pattern => #decode,);
    };
    let variant = ident(&r.variant);
    let status_arg = !matches!(r.status, Status::Code(_));
    match (r.media.is_some(), status_arg) {
        (false, false) => quote!(#pattern => Ok(#success_enum::#variant),),
        (false, true) => quote!(#pattern => Ok(#success_enum::#variant(response.status)),),
        (true, false) => quote!(#pattern => #decode.map(#success_enum::#variant),),
        (true, true) => quote! {
            #pattern => {
                let response_status = response.status;
                #decode.map(|body| #success_enum::#variant(response_status, body))
            }
        },
    }
}

fn error_arm(r: &Response, error: &proc_macro2::Ident) -> TokenStream {
    let pattern = status_pattern(&r.status);
    let variant = ident(&r.variant);
    // `default` binds the status in its pattern.
    let status =
        (!matches!(r.status, Status::Default)).then(|| quote!(let status = response.status;));
    let status_arg = !matches!(r.status, Status::Code(_));
    let read = match &r.media {
        Some(Media::Json | Media::Form(_)) => quote!(error),
        Some(Media::Text) => quote!(text_error),
        Some(Media::Bytes | Media::Multipart { .. } | Media::Stream) => quote!(bytes_error),
        Some(Media::Events) => quote!(text_error),
        None if status_arg => {
            return quote!(#pattern => { #status Err(rt::Error::Api(#error::#variant(status))) });
        }
        None => return quote!(#pattern => Err(rt::Error::Api(#error::#variant)),),
    };
    if status_arg {
        quote!(#pattern => { #status Err(response.#read(|body| #error::#variant(status, body))) })
    } else {
        quote!(#pattern => Err(response.#read(#error::#variant)),)
    }
}

/// The per-operation types: documented errors, several successes, optional parameters.
fn emit_operation_types(op: &Operation) -> TokenStream {
    let body_enum = bodies::client_enum(op);
    let events_enum = keyed::client_enum(op);
    let error = ident(&op.names.error);
    let variants = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(variant_declaration);
    let error_doc = format!(" Documented error responses of [`Client::{}`].", op.name);
    let successes: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    let success_enum = (successes.len() > 1).then(|| {
        let name = ident(&op.names.success);
        let variants = successes.iter().copied().map(variant_declaration);
        let doc = format!(
            " Documented successful responses of [`Client::{}`].",
            op.name
        );
        // A stream is read once: it can be neither copied nor compared.
        let derives = if successes.iter().any(|r| is_streamed(r)) {
            quote!(#[derive(Debug)])
        } else {
            quote!(#[derive(Clone, Debug, PartialEq)])
        };
        // Responses differ in size by nature; boxing the big ones would burden every match.
        quote! {
            #[doc = #doc]
            #derives
            #[allow(clippy::large_enum_variant)]
            pub enum #name { #(#variants)* }
        }
    });
    let options = op
        .parameters
        .iter()
        .any(is_option)
        .then(|| emit_options(op));
    quote! {
        #[doc = #error_doc]
        #[derive(Clone, Debug, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #error { #(#variants)* }
        #success_enum
        #options
        #body_enum
        #events_enum
    }
}

fn emit_options(op: &Operation) -> TokenStream {
    let name = ident(&op.names.options);
    let fields = op.parameters.iter().filter(|p| is_option(p)).map(|p| {
        let field = ident(&p.name);
        let ty = type_tokens(p.ty.non_null(), &quote!(super::types::));
        let docs = doc_attrs(p.docs.as_deref());
        quote!(#docs pub #field: Option<#ty>,)
    });
    let doc = format!(
        " Optional parameters of [`Client::{}`]; unset ones are not sent.",
        op.name
    );
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name { #(#fields)* }
    }
}
