//! Credentials: one slot per security scheme, shared by an API's client and server.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::ident;
use crate::ir::{ParamLocation, SchemeKind, SecurityScheme};

fn placement(scheme: &SecurityScheme) -> TokenStream {
    match &scheme.kind {
        SchemeKind::ApiKey { location, param } => match location {
            ParamLocation::Query => quote!(crate::runtime::Placement::Query(#param)),
            ParamLocation::Cookie => quote!(crate::runtime::Placement::Cookie(#param)),
            _ => quote!(crate::runtime::Placement::Header(#param)),
        },
        SchemeKind::Bearer { .. } | SchemeKind::OAuth2 | SchemeKind::OpenIdConnect { .. } => {
            quote!(crate::runtime::Placement::Bearer)
        }
        SchemeKind::Basic => quote!(crate::runtime::Placement::Basic),
        SchemeKind::Http { scheme } => quote!(crate::runtime::Placement::Scheme(#scheme)),
    }
}

fn scheme_summary(scheme: &SecurityScheme) -> String {
    match &scheme.kind {
        SchemeKind::ApiKey { location, param } => {
            let place = match location {
                ParamLocation::Query => "query parameter",
                ParamLocation::Cookie => "cookie",
                _ => "header",
            };
            format!("API key `{}`, sent in the `{param}` {place}.", scheme.key)
        }
        SchemeKind::Bearer { .. } => format!(
            "`{}`: a token sent as `Authorization: Bearer <token>`.",
            scheme.key
        ),
        SchemeKind::OAuth2 | SchemeKind::OpenIdConnect { .. } => {
            format!(
                "`{}`: an OAuth access token, sent as a bearer token.",
                scheme.key
            )
        }
        SchemeKind::Basic => format!(
            "`{}`: `user:password`, sent as HTTP basic authentication.",
            scheme.key
        ),
        SchemeKind::Http { scheme: name } => format!(
            "`{}`: sent as `Authorization: {name} <credential>`.",
            scheme.key
        ),
    }
}

/// The API's `Credentials` (one slot per scheme) and its `SCHEMES` table, shared by the client
/// and the server; emitted into the API's `mod.rs`.
pub fn emit_credentials(schemes: &[SecurityScheme]) -> TokenStream {
    let fields = schemes.iter().map(|s| {
        let name = ident(&s.name);
        let docs = doc_attrs(Some(&scheme_summary(s)));
        quote!(#docs pub #name: Option<crate::runtime::Secret>,)
    });
    let constructor = emit_constructor(schemes);
    let setters = schemes.iter().map(emit_setter);
    let credential_set = emit_credential_set(schemes);
    let table = schemes.iter().map(|s| {
        let key = &s.key;
        let placement = placement(s);
        quote!((#key, #placement),)
    });
    quote! {
        /// One credential slot per security scheme of the API; each is redacted in `Debug`.
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct Credentials {
            #(#fields)*
        }

        impl Credentials {
            #constructor
            #(#setters)*
        }

        #credential_set

        /// How each security scheme presents its credential.
        #[allow(dead_code)]
        pub(crate) const SCHEMES: &[(&str, crate::runtime::Placement)] = &[#(#table)*];
    }
}

/// `Credentials::new`, taking every credential; none without schemes (`Default` is that).
fn emit_constructor(schemes: &[SecurityScheme]) -> Option<TokenStream> {
    if schemes.is_empty() {
        return None;
    }
    let args = schemes.iter().map(|s| {
        let name = ident(&s.name);
        quote!(#name: impl Into<crate::runtime::Secret>)
    });
    let inits = schemes.iter().map(|s| {
        let name = ident(&s.name);
        quote!(#name: Some(#name.into()))
    });
    Some(quote! {
        /// Every credential this API knows, one per security scheme.
        pub fn new(#(#args),*) -> Self {
            Self { #(#inits),* }
        }
    })
}

fn emit_setter(scheme: &SecurityScheme) -> TokenStream {
    let name = ident(&scheme.name);
    let setter = ident(&scheme.setter);
    let doc = format!(" Sets the credential of {}", scheme_summary(scheme));
    quote! {
        #[doc = #doc]
        pub fn #setter(mut self, value: impl Into<crate::runtime::Secret>) -> Self {
            self.#name = Some(value.into());
            self
        }
    }
}

/// `CredentialSet`: the runtime reads and fills the slots by scheme key.
fn emit_credential_set(schemes: &[SecurityScheme]) -> TokenStream {
    let lookups = schemes.iter().map(|s| {
        let name = ident(&s.name);
        let key = &s.key;
        quote!(#key => self.#name.as_ref(),)
    });
    let by_key: Vec<TokenStream> = schemes
        .iter()
        .map(|s| {
            let name = ident(&s.name);
            let key = &s.key;
            quote!(if scheme == #key { self.#name = Some(value); })
        })
        .collect();
    // An `if` chain: a one-arm `match` would trip clippy's `single_match`.
    let set_body = match by_key.split_last() {
        None => TokenStream::new(),
        Some((last, rest)) => quote!(#(#rest else)* #last),
    };
    let (get_arg, set_value, get_body) = if schemes.is_empty() {
        (quote!(_scheme), quote!(_value), quote!(None))
    } else {
        (
            quote!(scheme),
            quote!(value),
            quote!(match scheme { #(#lookups)* _ => None }),
        )
    };
    quote! {
        impl crate::runtime::CredentialSet for Credentials {
            fn get(&self, #get_arg: &str) -> Option<&crate::runtime::Secret> {
                #get_body
            }

            fn set(&mut self, #get_arg: &str, #set_value: crate::runtime::Secret) {
                #set_body
            }
        }
    }
}
