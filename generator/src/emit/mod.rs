//! Emit stage: IR to token streams, one file at a time. Never sees `openapiv3`, never builds
//! code from strings.

mod auth;
mod client;
mod docs;
mod examples;
mod responses;
mod runtime;
mod server;
mod tokens;
mod types;
mod validate;

use proc_macro2::TokenStream;
use quote::quote;

pub use client::{client_module_parts, emit_client_module};
pub use docs::rustdoc_lines;
pub use runtime::{cargo_toml, needs_regex, RUNTIME_FILES};
pub use server::{emit_server_module, server_module_parts};

use crate::ir::Api;
use tokens::ident;

/// A piece of a file: it emits its tokens when called, on whichever thread formats it. A file's
/// pieces are formatted apart and joined in order; only the first carries inner attributes.
pub type Part<'a> = Box<dyn FnOnce() -> TokenStream + Send + 'a>;

/// Operations or types per [`Part`]: small enough to spread a large file over every core and
/// to keep one syntax tree at a time in memory, large enough to keep the overhead low.
pub const ITEMS_PER_PART: usize = 32;

/// A Rust source file to format and write, relative to the crate root.
pub struct RustFile<'a> {
    pub path: String,
    /// Spec files it comes from (named in its header).
    pub sources: Vec<String>,
    pub parts: Vec<Part<'a>>,
}

/// One part made of tokens already built (for the small files).
fn whole<'a>(tokens: impl FnOnce() -> TokenStream + Send + 'a) -> Vec<Part<'a>> {
    vec![Box::new(tokens)]
}

/// Joins the parts of a file into one token stream.
pub fn join_parts(parts: Vec<Part<'_>>) -> TokenStream {
    parts.into_iter().map(|part| part()).collect()
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
pub fn emit_crate<'a>(apis: &'a [Api], crate_name: &'a str, manifest: &str) -> Vec<RustFile<'a>> {
    let all_sources: Vec<String> = vec![manifest.to_owned()];
    let mut files = vec![RustFile {
        path: "src/lib.rs".into(),
        sources: all_sources.clone(),
        parts: whole(move || emit_lib(apis)),
    }];
    for api in apis {
        files.push(RustFile {
            path: format!("src/{}/mod.rs", api.module),
            sources: api.spec_files.clone(),
            parts: whole(move || emit_api_module(api)),
        });
        if has_client(api) {
            files.push(RustFile {
                path: format!("src/{}/client.rs", api.module),
                sources: api.spec_files.clone(),
                parts: client::client_module_parts(api),
            });
            files.push(RustFile {
                path: format!("src/{}/server.rs", api.module),
                sources: api.spec_files.clone(),
                parts: server::server_module_parts(api),
            });
        }
        files.push(RustFile {
            path: format!("src/{}/types.rs", api.module),
            sources: api.spec_files.clone(),
            parts: types_module_parts(api),
        });
    }
    files.push(RustFile {
        path: "tests/examples.rs".into(),
        sources: all_sources,
        parts: whole(move || examples::emit_examples(apis, crate_name)),
    });
    files
}

fn emit_lib(apis: &[Api]) -> TokenStream {
    let regex_guard = needs_regex(apis).then(|| {
        quote! {
            #[cfg(not(feature = "regex"))]
            compile_error!("the specs have `pattern` rules, which need the `regex` feature (on by default)");
        }
    });
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

        #regex_guard
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
    join_parts(types_module_parts(api))
}

/// The `types` module in parts: its doc, then the types in runs of [`ITEMS_PER_PART`].
pub fn types_module_parts(api: &Api) -> Vec<Part<'_>> {
    let doc = format!(" Schemas of {} as Rust types.", api.title);
    // Types used as parameters get a JSON parameter impl too.
    let parameter_types: std::sync::Arc<std::collections::BTreeSet<&str>> = std::sync::Arc::new(
        api.operations
            .iter()
            .flat_map(|op| &op.parameters)
            .filter_map(|p| match p.ty.non_null() {
                crate::ir::TypeRef::List(item) => item.direct_name(),
                other => other.direct_name(),
            })
            .collect(),
    );
    let mut parts: Vec<Part<'_>> = vec![Box::new(move || quote!(#![doc = #doc]))];
    for chunk in api.types.chunks(ITEMS_PER_PART) {
        let parameter_types = parameter_types.clone();
        parts.push(Box::new(move || {
            let defs = chunk.iter().map(|def| {
                let code = types::emit_type(def);
                let param = parameter_types
                    .contains(def.name.as_str())
                    .then(|| types::emit_json_param(def));
                quote!(#code #param)
            });
            quote!(#(#defs)*)
        }));
    }
    parts
}
