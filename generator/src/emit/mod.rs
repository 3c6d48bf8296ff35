//! Emit stage: IR to token streams, one file at a time. Never sees `openapiv3`, never builds
//! code from strings.

mod auth;
mod bodies;
mod client;
mod docs;
mod examples;
mod fake;
mod html;
mod keyed;
mod refusals;
mod responses;
mod runtime;
mod server;
mod tokens;
mod types;
mod validate;
mod webhooks;
mod wire;

use std::sync::Arc;

use proc_macro2::TokenStream;
use quote::quote;

pub use docs::rustdoc_lines;
pub use fake::{MANIFEST_ADDITION as FAKE_MANIFEST, SUPPORT as FAKE_SUPPORT};
pub use runtime::{cargo_toml, needs_regex, RUNTIME_FILES};
pub use wire::{MANIFEST_ADDITION as WIRE_MANIFEST, SUPPORT as WIRE_SUPPORT};

use crate::ir::{Api, Hook, Operation, TypeDef};
use tokens::ident;

/// A piece of a file, as data: what to emit, not yet emitted. The render stage emits and
/// formats each on whichever thread is free; a file's pieces are joined in order, and only the
/// first carries inner attributes.
#[derive(Debug, Clone)]
pub enum Part<'a> {
    Lib(&'a [Api]),
    ApiModule(&'a Api),
    /// The `types` module's doc.
    TypesHead(&'a Api),
    /// A large module's index of its files (`part_001` ...), each re-exported; with
    /// `parent`, the module first sees its parent's items, so its files' `super::` paths
    /// (`super::types`) mean what they mean in the module itself.
    FilesIndex {
        files: usize,
        parent: bool,
    },
    /// The head of one file of a large module (`what` names the module in its doc): it sees
    /// the module's items and the other files'.
    FileHead {
        number: usize,
        what: &'static str,
    },
    Types {
        types: &'a [TypeDef],
        uses: Arc<types::TypeUses<'a>>,
    },
    /// The client module's head: its servers, the client and the first run of operations.
    ClientHead {
        api: &'a Api,
        first: &'a [Operation],
    },
    ClientOperations(&'a [Operation]),
    /// The server module's head: the `Api` trait and the router.
    ServerHead(&'a Api),
    ServerOperations(&'a [Operation]),
    /// The webhooks module's head: the `Webhooks` trait, `Routes` and `router`.
    WebhooksHead(&'a Api),
    WebhookOperations(&'a [Hook]),
    Examples {
        apis: &'a [Api],
        crate_name: &'a str,
    },
    /// The wire check's test binary: the crate, the support, a module per API.
    WireMain {
        apis: &'a [Api],
        crate_name: &'a str,
    },
    /// The wire check's tests of one API.
    WireApi(&'a Api),
    /// The example-backed fake server's binary: a module per API, then `main`.
    FakeMain {
        apis: &'a [Api],
        crate_name: &'a str,
    },
    /// The fake of one API.
    FakeApi(&'a Api),
}

impl Part<'_> {
    pub fn emit(&self) -> TokenStream {
        match self {
            Part::Lib(apis) => emit_lib(apis),
            Part::ApiModule(api) => emit_api_module(api),
            Part::TypesHead(api) => types::emit_types_head(api),
            Part::FilesIndex { files, parent } => emit_files_index(*files, *parent),
            Part::FileHead { number, what } => emit_file_head(*number, what),
            Part::Types { types, uses } => types::emit_types(types, uses),
            Part::ClientHead { api, first } => client::emit_client_head(api, first),
            Part::ClientOperations(operations) => client::emit_client_operations(operations),
            Part::ServerHead(api) => server::emit_server_head(api),
            Part::ServerOperations(operations) => server::emit_server_operations(operations),
            Part::WebhooksHead(api) => webhooks::emit_webhooks_head(api),
            Part::WebhookOperations(hooks) => webhooks::emit_webhook_operations(hooks),
            Part::Examples { apis, crate_name } => examples::emit_examples(apis, crate_name),
            Part::WireMain { apis, crate_name } => wire::emit_wire_main(apis, crate_name),
            Part::WireApi(api) => wire::emit_wire_api(api),
            Part::FakeMain { apis, crate_name } => fake::emit_fake_main(apis, crate_name),
            Part::FakeApi(api) => fake::emit_fake_api(api),
        }
    }
}

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

/// Emits the parts of a file, one after the other.
pub fn emit_parts(parts: &[Part<'_>]) -> TokenStream {
    parts.iter().map(Part::emit).collect()
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

/// Every Rust file of a generated crate named `crate_name`; with `wire`, the wire check's
/// tests too.
pub fn emit_crate<'a>(
    apis: &'a [Api],
    crate_name: &'a str,
    manifest: &str,
    wire: bool,
) -> Vec<RustFile<'a>> {
    let all_sources: Vec<String> = vec![manifest.to_owned()];
    let mut files = vec![RustFile {
        path: "src/lib.rs".into(),
        sources: all_sources.clone(),
        parts: vec![Part::Lib(apis)],
    }];
    for api in apis {
        let file = |name: &str, parts| RustFile {
            path: format!("src/{}/{name}", api.module),
            sources: api.spec_files.clone(),
            parts,
        };
        files.push(file("mod.rs", vec![Part::ApiModule(api)]));
        if has_client(api) && api.operations.len() > OPERATIONS_PER_FILE {
            let client_head = Part::ClientHead { api, first: &[] };
            let operations = &api.operations;
            let client = operation_files(
                operations,
                ("client", "Client operations"),
                client_head,
                Part::ClientOperations,
            );
            let server_head = Part::ServerHead(api);
            let server = operation_files(
                operations,
                ("server", "Server operations"),
                server_head,
                Part::ServerOperations,
            );
            files.extend(
                client
                    .into_iter()
                    .chain(server)
                    .map(|(name, parts)| file(&name, parts)),
            );
        } else if has_client(api) {
            files.push(file("client.rs", client_parts(api)));
            files.push(file("server.rs", server_parts(api)));
        }
        if api.hooks.len() > OPERATIONS_PER_FILE {
            let head = Part::WebhooksHead(api);
            let hooks = operation_files(
                &api.hooks,
                ("webhooks", "Webhooks and callbacks"),
                head,
                Part::WebhookOperations,
            );
            files.extend(hooks.into_iter().map(|(name, parts)| file(&name, parts)));
        } else if !api.hooks.is_empty() {
            files.push(file("webhooks.rs", webhooks_parts(api)));
        }
        files.extend(
            types_files(api)
                .into_iter()
                .map(|(name, parts)| file(&name, parts)),
        );
    }
    files.push(RustFile {
        path: "tests/examples.rs".into(),
        sources: all_sources.clone(),
        parts: vec![Part::Examples { apis, crate_name }],
    });
    if wire {
        files.extend(wire_files(apis, crate_name, all_sources));
    }
    files
}

/// The wire check's test files: `tests/wire/main.rs` and one module per API that has calls.
fn wire_files<'a>(
    apis: &'a [Api],
    crate_name: &'a str,
    sources: Vec<String>,
) -> impl Iterator<Item = RustFile<'a>> {
    let main = RustFile {
        path: "tests/wire/main.rs".into(),
        sources,
        parts: vec![Part::WireMain { apis, crate_name }],
    };
    let fake_main = RustFile {
        path: "examples/fake_server/main.rs".into(),
        sources: main.sources.clone(),
        parts: vec![Part::FakeMain { apis, crate_name }],
    };
    let modules = apis
        .iter()
        .filter(|api| !api.wire_calls.is_empty())
        .map(|api| RustFile {
            path: format!("tests/wire/apis/{}.rs", api.module),
            sources: api.spec_files.clone(),
            parts: vec![Part::WireApi(api)],
        });
    let fakes = apis
        .iter()
        .filter(|api| !api.operations.is_empty())
        .map(|api| RustFile {
            path: format!("examples/fake_server/apis/{}.rs", api.module),
            sources: api.spec_files.clone(),
            parts: vec![Part::FakeApi(api)],
        });
    [main, fake_main].into_iter().chain(modules).chain(fakes)
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
        // rustdoc's auto-trait analysis of large, deeply nested schemas (Stripe's) needs more
        // than the default depth.
        #![recursion_limit = "256"]

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
    let webhooks = (!api.hooks.is_empty()).then(|| {
        quote! {
            #[cfg(feature = "server")]
            pub mod webhooks;
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
        #webhooks
        #credentials
    }
}

/// The `types` module.
pub fn emit_types_module(api: &Api) -> TokenStream {
    emit_parts(&types_parts(api))
}

/// The `client` module.
pub fn emit_client_module(api: &Api) -> TokenStream {
    emit_parts(&client_parts(api))
}

/// The `server` module.
pub fn emit_server_module(api: &Api) -> TokenStream {
    emit_parts(&server_parts(api))
}

/// The `webhooks` module.
pub fn emit_webhooks_module(api: &Api) -> TokenStream {
    emit_parts(&webhooks_parts(api))
}

/// The `types` module in parts: its doc, then the types in runs of [`ITEMS_PER_PART`].
/// Types per file of a `types` module: one that holds more is a directory of files of this
/// many, so an editor and the compiler's incremental work see bounded files.
pub const TYPES_PER_FILE: usize = 512;

/// The `types` module's files (paths relative to the API's directory) and their parts: one
/// `types.rs`, or beyond [`TYPES_PER_FILE`] a `types/mod.rs` index and `types/part_NNN.rs`.
fn types_files(api: &Api) -> Vec<(String, Vec<Part<'_>>)> {
    if api.types.len() <= TYPES_PER_FILE {
        return vec![("types.rs".into(), types_parts(api))];
    }
    let uses = Arc::new(types::TypeUses::of(api));
    let chunks: Vec<&[TypeDef]> = api.types.chunks(TYPES_PER_FILE).collect();
    let index = Part::FilesIndex {
        files: chunks.len(),
        parent: false,
    };
    let mut files = vec![("types/mod.rs".to_owned(), vec![Part::TypesHead(api), index])];
    for (number, chunk) in chunks.into_iter().enumerate() {
        let head = std::iter::once(Part::FileHead {
            number: number + 1,
            what: "Types",
        });
        let parts = head.chain(type_runs(chunk, &uses)).collect();
        files.push((format!("types/{}.rs", file_module(number + 1)), parts));
    }
    files
}

/// Operations per file of a `client` or `server` module: one that serves more is a directory
/// of files of this many.
pub const OPERATIONS_PER_FILE: usize = 256;

/// The `client`, `server` or `webhooks` module's files beyond [`OPERATIONS_PER_FILE`]: a
/// `{name}/mod.rs` with the head, and `{name}/part_NNN.rs` (each doc saying `what` it holds)
/// with the operations in runs of [`ITEMS_PER_PART`].
fn operation_files<'a, T>(
    items: &'a [T],
    (name, what): (&'static str, &'static str),
    head: Part<'a>,
    run: fn(&'a [T]) -> Part<'a>,
) -> Vec<(String, Vec<Part<'a>>)> {
    let chunks: Vec<&[T]> = items.chunks(OPERATIONS_PER_FILE).collect();
    let index = Part::FilesIndex {
        files: chunks.len(),
        parent: true,
    };
    let mut files = vec![(format!("{name}/mod.rs"), vec![head, index])];
    for (number, chunk) in chunks.into_iter().enumerate() {
        let head = std::iter::once(Part::FileHead {
            number: number + 1,
            what,
        });
        let parts = head.chain(chunk.chunks(ITEMS_PER_PART).map(run)).collect();
        files.push((format!("{name}/{}.rs", file_module(number + 1)), parts));
    }
    files
}

/// The module of the `number`th file of a large module.
pub fn file_module(number: usize) -> String {
    format!("part_{number:03}")
}

/// A large module's files, each one's items re-exported so every item keeps its path.
fn emit_files_index(files: usize, parent: bool) -> TokenStream {
    let parent = parent.then(|| {
        quote! {
            #[allow(unused_imports)]
            use super::*;
        }
    });
    let modules = (1..=files).map(|number| {
        let module = ident(&file_module(number));
        quote!(mod #module; pub use #module::*;)
    });
    quote!(#parent #(#modules)*)
}

/// One file of a large module: its items name the module's and the other files' items
/// unqualified.
fn emit_file_head(number: usize, what: &str) -> TokenStream {
    let doc = format!(" {what}, file {number}.");
    quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use super::*;
    }
}

/// The `types` module as one file.
fn types_parts(api: &Api) -> Vec<Part<'_>> {
    let uses = Arc::new(types::TypeUses::of(api));
    let runs = type_runs(&api.types, &uses);
    std::iter::once(Part::TypesHead(api)).chain(runs).collect()
}

/// Types in parts of [`ITEMS_PER_PART`].
fn type_runs<'a>(types: &'a [TypeDef], uses: &Arc<types::TypeUses<'a>>) -> Vec<Part<'a>> {
    types
        .chunks(ITEMS_PER_PART)
        .map(|types| Part::Types {
            types,
            uses: uses.clone(),
        })
        .collect()
}

/// The client module in parts: the head with the first run of operations, then the other runs
/// of [`ITEMS_PER_PART`] operations, each with its methods and types.
fn client_parts(api: &Api) -> Vec<Part<'_>> {
    let mut runs = api.operations.chunks(ITEMS_PER_PART);
    let first = runs.next().unwrap_or_default();
    std::iter::once(Part::ClientHead { api, first })
        .chain(runs.map(Part::ClientOperations))
        .collect()
}

/// The server module in parts: the `Api` trait and the router, then each operation's types
/// and handler in runs of [`ITEMS_PER_PART`].
fn server_parts(api: &Api) -> Vec<Part<'_>> {
    let runs = api.operations.chunks(ITEMS_PER_PART);
    std::iter::once(Part::ServerHead(api))
        .chain(runs.map(Part::ServerOperations))
        .collect()
}

/// The webhooks module in parts: the trait, `Routes` and `router`, then each hook's types and
/// handler in runs of [`ITEMS_PER_PART`].
fn webhooks_parts(api: &Api) -> Vec<Part<'_>> {
    let runs = api.hooks.chunks(ITEMS_PER_PART);
    std::iter::once(Part::WebhooksHead(api))
        .chain(runs.map(Part::WebhookOperations))
        .collect()
}

/// The API's operations, then the operations of its webhooks and callbacks.
pub fn all_operations(api: &Api) -> impl Iterator<Item = &Operation> {
    api.operations
        .iter()
        .chain(api.hooks.iter().map(|hook| &hook.operation))
}
