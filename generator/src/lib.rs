//! An OpenAPI 3.0/3.1 code generator: vendor specs in, a typed Rust crate out.
//!
//! [`pipeline`] runs the stages, one per module, with plain data between them; each takes
//! exactly what the one before made:
//! - [`load`]: read the spec files, merge an API's fragments, bring in `$ref`ed files
//!   ([`load::Loaded`]);
//! - [`normalize`]: check the version, lower 3.1 onto the 3.0 model, decode into `openapiv3`
//!   ([`normalize::Normalized`]);
//! - [`resolve`]: follow every `$ref` and decide every Rust name ([`ir::Api`]);
//! - [`emit`] describes each file of the crate in parts ([`emit::Part`]), which [`render`]
//!   emits and formats ([`mod@format`]) on a few threads into the crate's files
//!   ([`output::Tree`]);
//! - [`output`]: write the files, or check them against the files on disk.
// A diagnostic is large, but it is built only on the error path, once per problem.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod diag;
pub mod dump;
pub mod emit;
pub mod format;
pub mod import;
pub mod ir;
pub mod load;
mod locate;
pub mod manifest;
// The runtime's own text, so the generator and generated crates agree on it.
#[path = "../runtime/base64.rs"]
mod base64;
#[path = "../runtime/media.rs"]
mod media;
pub mod naming;
pub mod normalize;
pub mod output;
#[path = "../runtime/percent.rs"]
mod percent;
pub mod pipeline;
pub mod pointer;
pub mod render;
pub mod resolve;
pub mod select;

use std::path::Path;

pub use pipeline::{build_api, build_api_with, ApiInput, BuildOptions, Built, StageTimes};

/// A path with `/` separators, so output is the same on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
