//! The wire check's tests (`tests/wire/`), emitted only when asked: for each API, one test per
//! operation that calls it through the generated client against a mock server of its spec.
//! What the tests share is `generator/wire/support.rs`, copied beside them.

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

use super::client::{by_value, is_argument, is_option, is_raw_multipart};
use super::tokens::{ident, type_tokens_with};
use crate::ir::{Api, Media, Operation, WireCall, WireValue};

/// The tests' shared support, copied as `tests/wire/support.rs`.
pub const SUPPORT: &str = include_str!("../../wire/support.rs");

/// What a crate with wire tests adds to its manifest: the test target and its runtime.
pub const MANIFEST_ADDITION: &str = r#"
[[test]]
name = "wire"
path = "tests/wire/main.rs"
required-features = ["client"]

[dev-dependencies]
tokio = { version = "1", default-features = false, features = ["macros", "net", "rt"] }
"#;

/// `tests/wire/main.rs`: the crate under its test name, the support, a module per API.
pub fn emit_wire_main(apis: &[Api], crate_name: &str) -> TokenStream {
    let krate = ident(&crate_name.replace('-', "_"));
    let modules = apis.iter().filter(|a| !a.wire_calls.is_empty()).map(|api| {
        let module = ident(&api.module);
        quote!(#[rustfmt::skip] pub mod #module;)
    });
    quote! {
        //! The wire check: every operation of every API called through the generated client
        //! against a mock server of its spec; each test prints its outcome
        //! (`cargo xtask corpus DIR --wire` runs them).

        use #krate as api_crate;

        #[rustfmt::skip]
        mod support;

        mod apis {
            #(#modules)*
        }
    }
}

/// `tests/wire/apis/<module>.rs`: the API's client for the mock, and a test per operation.
pub fn emit_wire_api(api: &Api) -> TokenStream {
    let module = ident(&api.module);
    let credentials = if api.security_schemes.is_empty() {
        quote!(api::Credentials::default())
    } else {
        let each = api
            .security_schemes
            .iter()
            .map(|_| quote!(crate::support::CREDENTIAL));
        quote!(api::Credentials::new(#(#each),*))
    };
    let operations: HashMap<&str, &Operation> = api
        .operations
        .iter()
        .map(|op| (op.name.as_str(), op))
        .collect();
    let tests = api.wire_calls.iter().filter_map(|call| {
        let op = operations.get(call.operation.as_str())?;
        Some(emit_test(&api.module, op, call))
    });
    let doc = format!(" Wire checks of {}.", api.title);
    quote! {
        #![doc = #doc]
        use crate::api_crate::#module as api;
        use crate::support::{Check, Outcome};

        fn client(check: &Check) -> api::Client {
            check.client(api::Client::builder(api::Server::Custom(check.base_url())).credentials(#credentials))
        }

        #(#tests)*
    }
}

fn emit_test(module: &str, op: &Operation, call: &WireCall) -> TokenStream {
    let name = ident(&call.test_name);
    let method = ident(&op.name);
    let operation = &op.name;
    let path = &op.path;
    let arguments = arguments_json(call).to_string();
    let args = call_arguments(op, call);
    quote! {
        #[tokio::test]
        async fn #name() {
            let mut check = Check::new(#module, #operation, #path, #arguments);
            while let Some(values) = check.attempt() {
                let client = client(&check);
                let sent: Result<_, Outcome> = async {
                    Ok(client.#method(#(#args),*).await)
                }
                .await;
                check.record(&values, sent);
            }
            check.finish();
        }
    }
}

/// The method's arguments, in the client's order: required parameters, the body, the options.
fn call_arguments(op: &Operation, call: &WireCall) -> Vec<TokenStream> {
    let types = quote!(api::types::);
    let values = || op.parameters.iter().zip(&call.parameters);
    let mut args: Vec<TokenStream> = values()
        .filter(|(p, _)| is_argument(p))
        .map(|(p, value)| {
            let ty = type_tokens_with(p.ty.non_null(), &types, &quote!(crate::api_crate::runtime));
            let key = key(value.as_ref());
            if by_value(&p.ty) {
                quote!(values.get::<#ty>(#key)?)
            } else {
                quote!(&values.get::<#ty>(#key)?)
            }
        })
        .collect();
    if let Some(body) = &op.body {
        let key = key(call.body.as_ref());
        let content_type = &body.content_type;
        if is_raw_multipart(body) {
            args.push(quote!(&values.content_type(#content_type)));
        }
        let value = match &body.ty {
            Some(ty) => {
                let ty = type_tokens_with(ty, &types, &quote!(crate::api_crate::runtime));
                quote!(&values.get::<#ty>(#key)?)
            }
            None if body.media == Media::Text => {
                quote!(&*String::from_utf8_lossy(&values.raw(#key, #content_type)?))
            }
            None if body.media == Media::Stream => {
                quote!(crate::api_crate::runtime::ByteStream::from(values.raw(#key, #content_type)?))
            }
            None => quote!(values.raw(#key, #content_type)?),
        };
        args.push(if body.required {
            value
        } else {
            quote!(Some(#value))
        });
    }
    if op.parameters.iter().any(is_option) {
        let options = ident(&op.names.options);
        let fields = values().filter(|(p, _)| is_option(p)).map(|(p, value)| {
            let field = ident(&p.name);
            match value {
                Some(value) => {
                    let key = &value.key;
                    quote!(#field: Some(values.get(#key)?))
                }
                None => quote!(#field: None),
            }
        });
        args.push(quote!(&api::client::#options { #(#fields),* }));
    }
    args
}

/// The key of an argument's value; an empty key (no value) fails the test as such.
fn key(value: Option<&WireValue>) -> &str {
    value.map_or("", |v| v.key.as_str())
}

/// The call's values, as the support reads them.
fn arguments_json(call: &WireCall) -> Value {
    let mut arguments = Map::new();
    for value in call.parameters.iter().flatten().chain(&call.body) {
        arguments.insert(
            value.key.clone(),
            json!({
                "example": value.example,
                "synthesized": value.synthesized,
                "guessed": value.guessed,
            }),
        );
    }
    Value::Object(arguments)
}
