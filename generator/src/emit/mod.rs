//! Emit stage: IR to token streams, one file at a time. Never sees `openapiv3`, never builds
//! code from strings.

mod auth;
mod client;
mod docs;
mod examples;
mod responses;
mod runtime;
mod runtime_client;
mod runtime_server;
mod server;
mod types;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

pub use client::emit_client_module;
pub use docs::rustdoc_lines;
pub use runtime::{emit_runtime, Needs};
pub use server::emit_server_module;

use crate::ir::{Api, TypeKind};
use types::ident;

/// A Rust source file to format and write, relative to the crate root.
pub struct RustFile {
    pub path: String,
    /// Spec files it comes from (named in its header).
    pub sources: Vec<String>,
    pub tokens: TokenStream,
}

/// What the crate as a whole needs from the runtime.
pub fn needs(apis: &[Api]) -> Needs {
    let has_pattern = |c: &crate::ir::Constraints| {
        c.pattern.is_some() || c.items.as_ref().is_some_and(|i| i.pattern.is_some())
    };
    // Servers check parameters too.
    let parameter_patterns = apis
        .iter()
        .flat_map(|a| &a.operations)
        .flat_map(|o| &o.parameters)
        .any(|p| has_pattern(&p.constraints));
    let patterns = parameter_patterns
        || apis.iter().flat_map(|a| &a.types).any(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| has_pattern(&f.constraints)),
            _ => false,
        });
    let enums = apis
        .iter()
        .flat_map(|a| &a.types)
        .any(|t| matches!(t.kind, TypeKind::Enum(_)));
    Needs { patterns, enums }
}

/// Items at the root of an API's module, beside `types` and `client`: its credentials.
pub fn emit_api_items(api: &Api) -> TokenStream {
    if has_client(api) {
        auth::emit_credentials(&api.security_schemes)
    } else {
        TokenStream::new()
    }
}

/// An API without operations has types only.
pub fn has_client(api: &Api) -> bool {
    !api.operations.is_empty()
}

/// Every Rust file of a generated crate named `crate_name`.
pub fn emit_crate(apis: &[Api], crate_name: &str, manifest: &str) -> Vec<RustFile> {
    let all_sources: Vec<String> = vec![manifest.to_owned()];
    let mut files = vec![
        RustFile {
            path: "src/lib.rs".into(),
            sources: all_sources.clone(),
            tokens: emit_lib(apis),
        },
        RustFile {
            path: "src/runtime.rs".into(),
            sources: all_sources.clone(),
            tokens: runtime::emit_runtime(needs(apis)),
        },
    ];
    for api in apis {
        files.push(RustFile {
            path: format!("src/{}/mod.rs", api.module),
            sources: api.spec_files.clone(),
            tokens: emit_api_module(api),
        });
        if has_client(api) {
            files.push(RustFile {
                path: format!("src/{}/client.rs", api.module),
                sources: api.spec_files.clone(),
                tokens: client::emit_client_module(api),
            });
            files.push(RustFile {
                path: format!("src/{}/server.rs", api.module),
                sources: api.spec_files.clone(),
                tokens: server::emit_server_module(api),
            });
        }
        files.push(RustFile {
            path: format!("src/{}/types.rs", api.module),
            sources: api.spec_files.clone(),
            tokens: emit_types_module(api),
        });
    }
    files.push(RustFile {
        path: "tests/examples.rs".into(),
        sources: all_sources,
        tokens: examples::emit_examples(apis, crate_name),
    });
    files
}

fn emit_lib(apis: &[Api]) -> TokenStream {
    let modules = apis.iter().map(|api| {
        let module = ident(&api.module);
        let doc = format!(" {} (version {}).", api.title, api.version);
        quote! {
            #[doc = #doc]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    quote! {
        //! Typed models for the vendored APIs, generated from their OpenAPI documents.
        //!
        //! Each API is a module; its `types` submodule holds one Rust type per schema. Every type
        //! implements [`runtime::Validate`], which checks the schema's rules.
        #![forbid(unsafe_code)]

        #[rustfmt::skip]
        pub mod runtime;
        #(#modules)*
    }
}

fn emit_api_module(api: &Api) -> TokenStream {
    let title = format!(" {} (version {})", api.title, api.version);
    let description = api.description.as_deref().map(|text| {
        let lines = rustdoc_lines(text);
        quote!(#![doc = ""] #(#![doc = #lines])*)
    });
    let servers = api.servers.iter().map(|s| {
        let line = match &s.description {
            Some(d) => format!(
                " - `{}`: {}",
                s.url,
                rustdoc_lines(d)
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            None => format!(" - `{}`", s.url),
        };
        quote!(#![doc = #line])
    });
    let client = has_client(api).then(|| {
        quote! {
            #[cfg(feature = "client")]
            pub mod client;
            #[cfg(feature = "client")]
            pub use client::{Client, ClientBuilder, Server};
            #[cfg(feature = "server")]
            pub mod server;
        }
    });
    let credentials = emit_api_items(api);
    let servers_heading =
        (!api.servers.is_empty()).then(|| quote!(#![doc = ""] #![doc = " Servers:"] #![doc = ""]));
    quote! {
        #![doc = #title]
        #description
        #servers_heading
        #(#servers)*

        pub mod types;
        #client
        #credentials
    }
}

pub fn emit_types_module(api: &Api) -> TokenStream {
    let doc = format!(" Schemas of {} as Rust types.", api.title);
    let parameter_types: std::collections::BTreeSet<&str> = api
        .operations
        .iter()
        .flat_map(|op| &op.parameters)
        .filter_map(|p| match p.ty.non_null() {
            crate::ir::TypeRef::List(item) => item.direct_name(),
            other => other.direct_name(),
        })
        .collect();
    let defs = api.types.iter().map(|def| {
        let code = types::emit_type(def);
        let param = parameter_types
            .contains(def.name.as_str())
            .then(|| types::emit_json_param(def));
        quote!(#code #param)
    });
    quote! {
        #![doc = #doc]
        #(#defs)*
    }
}
