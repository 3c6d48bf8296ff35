//! The example-backed fake server (`examples/fake_server/`), emitted with the wire check: an
//! implementation of each API's server trait that answers every operation with its first
//! documented success, its body the spec's example or a value made from the schema. Served
//! through the generated router, it is what schemathesis checks the server side against.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::tokens::{ident, type_tokens_with};
use crate::ir::{Api, BodyDefault, Media, Operation, Response, Status, WireAnswer, WireValue};

/// What the fake server adds to a manifest with wire tests.
pub const MANIFEST_ADDITION: &str = r#"
[[example]]
name = "fake_server"
path = "examples/fake_server/main.rs"
required-features = ["server"]
"#;

/// The APIs the fake serves: those with operations, hence a server module.
fn served(apis: &[Api]) -> impl Iterator<Item = &Api> {
    apis.iter().filter(|a| !a.operations.is_empty())
}

/// The helpers the fake's methods share, copied as `examples/fake_server/support.rs`.
pub const SUPPORT: &str = include_str!("../../fake/support.rs");

/// `examples/fake_server/main.rs`: serves one API, named by its module, on a free port of
/// 127.0.0.1 and prints the base URL.
pub fn emit_fake_main(apis: &[Api], crate_name: &str) -> TokenStream {
    let krate = ident(&crate_name.replace('-', "_"));
    let modules = served(apis).map(|api| {
        let module = ident(&api.module);
        quote!(#[rustfmt::skip] pub mod #module;)
    });
    let arms = served(apis).map(|api| {
        let module = ident(&api.module);
        let name = &api.module;
        quote!(#name => apis::#module::router(),)
    });
    quote! {
        //! An example-backed fake of each API, served through the generated router:
        //! `fake_server MODULE` prints `http://127.0.0.1:PORT`, then serves until killed.
        //! An answer that cannot be built is a 500, and a `fake-broken` line on stderr.

        use #krate as api_crate;

        mod apis {
            #(#modules)*
        }

        mod support;

        #[tokio::main(flavor = "current_thread")]
        async fn main() {
            let module = std::env::args().nth(1).unwrap_or_default();
            let router = match module.as_str() {
                #(#arms)*
                other => {
                    eprintln!("no API named {other:?}");
                    std::process::exit(2);
                }
            };
            let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                Ok(listener) => listener,
                Err(err) => {
                    eprintln!("cannot listen: {err}");
                    std::process::exit(1);
                }
            };
            match listener.local_addr() {
                Ok(address) => println!("http://{address}"),
                Err(err) => eprintln!("no local address: {err}"),
            }
            if let Err(err) = axum::serve(listener, router).await {
                eprintln!("serving failed: {err}");
            }
        }
    }
}

/// `examples/fake_server/apis/<module>.rs`: the API's fake and its router.
pub fn emit_fake_api(api: &Api) -> TokenStream {
    let module = ident(&api.module);
    let methods = api.operations.iter().map(|op| {
        let answer = api
            .wire_calls
            .iter()
            .find(|call| call.operation == op.name)
            .and_then(|call| call.answer.as_ref());
        emit_method(op, answer)
    });
    let rejection_body = emit_rejection_body(api);
    let doc = format!(" The example-backed fake of {}.", api.title);
    quote! {
        #![doc = #doc]
        use crate::api_crate::#module as api;

        pub struct Fake;

        impl api::server::Api for Fake {
            #(#methods)*
            #rejection_body
        }

        pub fn router() -> axum::Router {
            api::server::router(Fake)
        }
    }
}

/// Fills each refusal body the router cannot build (a required property no rejection fills)
/// from the spec's example or a made-up value, as an implementation would.
fn emit_rejection_body(api: &Api) -> Option<TokenStream> {
    let mut arms = Vec::new();
    for body in &api.rejection_bodies {
        if body.default != BodyDefault::None {
            continue;
        }
        let value = api
            .wire_calls
            .iter()
            .flat_map(|call| &call.refusal_bodies)
            .find(|(variant, _)| *variant == body.variant)
            .map(|(_, value)| value);
        let Some(value) = value else { continue };
        let variant = ident(&body.variant);
        let ty = type_tokens_with(
            &body.ty,
            &quote!(api::types::),
            &quote!(crate::api_crate::runtime),
        );
        let candidates = candidates(Some(value)).into_iter().map(|v| v.to_string());
        arms.push(quote! {
            api::server::RejectionBody::#variant(slot) => {
                if slot.is_none() {
                    *slot = crate::support::answer::<#ty>(&[#(#candidates),*]).ok();
                }
            }
        });
    }
    if arms.is_empty() {
        return None;
    }
    let rest = (arms.len() < api.rejection_bodies.len()).then(|| quote!(_ => {}));
    Some(quote! {
        fn rejection_body(
            &self,
            _operation: api::server::Operation,
            _rejection: &crate::api_crate::runtime::server::Rejection,
            body: api::server::RejectionBody<'_>,
        ) {
            match body {
                #(#arms)*
                #rest
            }
        }
    })
}

fn emit_method(op: &Operation, answer: Option<&WireAnswer>) -> TokenStream {
    let method = ident(&op.name);
    let input = ident(&op.names.input);
    let output = ident(&op.names.response);
    let response =
        answer.and_then(|a| Some((a, op.responses.iter().find(|r| r.variant == a.variant)?)));
    let body = match response {
        Some((answer, response)) => emit_answer(op, answer, response),
        None => {
            let name = &op.name;
            quote!(api::server::#output::Undocumented(crate::support::broken(#name, "no response is documented")))
        }
    };
    quote! {
        async fn #method(&self, _input: api::server::#input) -> api::server::#output {
            #body
        }
    }
}

/// The documented response, its body decoded from the example or the made-up value.
fn emit_answer(op: &Operation, answer: &WireAnswer, response: &Response) -> TokenStream {
    let output = ident(&op.names.response);
    let variant = ident(&response.variant);
    let status = answer.status;
    let ranged = !matches!(response.status, Status::Code(_));
    let constructor = |body: Option<TokenStream>| match (ranged, body) {
        (false, None) => quote!(api::server::#output::#variant),
        (false, Some(body)) => quote!(api::server::#output::#variant(#body)),
        (true, None) => quote!(api::server::#output::#variant(#status)),
        (true, Some(body)) => quote!(api::server::#output::#variant(#status, #body)),
    };
    let value = answer.body.as_ref();
    let runtime = quote!(crate::api_crate::runtime);
    match (&response.ty, &response.content_type) {
        (Some(ty), _) => {
            let ty = type_tokens_with(ty, &quote!(api::types::), &runtime);
            let candidates = candidates(value).into_iter().map(|v| v.to_string());
            let name = &op.name;
            let built = if response.media == Some(Media::Events) {
                constructor(Some(quote!(#runtime::server::EventStream::from_events([
                    #runtime::Event::new(body)
                ]))))
            } else {
                constructor(Some(quote!(body)))
            };
            quote! {
                match crate::support::answer::<#ty>(&[#(#candidates),*]) {
                    Ok(body) => #built,
                    Err(why) => api::server::#output::Undocumented(crate::support::broken(#name, &why)),
                }
            }
        }
        (None, Some(_)) if response.keyed.is_some() => constructor(Some(keyed_events(response))),
        (None, Some(_)) => {
            let text = candidates(value).first().map(raw_text).unwrap_or_default();
            match &response.media {
                Some(Media::Events) => constructor(Some(quote!(
                    #runtime::server::EventStream::from_events([
                        #runtime::Event::new(#text.to_owned())
                    ])
                ))),
                Some(Media::Stream) if response.status.is_success() => constructor(Some(
                    quote!(#runtime::ByteStream::from(#text.as_bytes().to_vec())),
                )),
                Some(Media::Text) => constructor(Some(quote!(#text.to_owned()))),
                _ => constructor(Some(quote!(#text.as_bytes().to_vec()))),
            }
        }
        (None, None) => constructor(None),
    }
}

/// A keyed stream's answer: one event of its first text-data name, which any text fits, so a
/// judge sees a real event; none when every name's data is typed (no example names an event).
fn keyed_events(response: &Response) -> TokenStream {
    let runtime = quote!(crate::api_crate::runtime);
    let Some(keyed) = response.keyed.as_ref() else {
        return quote!(#runtime::server::EventStream::from_events([]));
    };
    let name = ident(&keyed.name);
    let events = keyed.events.iter().find(|e| e.ty.is_none()).map(|e| {
        let variant = ident(&e.variant);
        quote!(#runtime::Event::new(api::server::#name::#variant("example".to_owned())))
    });
    quote!(#runtime::server::EventStream::from_events([#events]))
}

/// The values to try, the spec's example first.
fn candidates(value: Option<&WireValue>) -> Vec<Value> {
    value
        .map(|v| v.example.iter().chain([&v.synthesized]).cloned().collect())
        .unwrap_or_default()
}

/// A raw body's text: a string example as it is, anything else as JSON.
fn raw_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}
