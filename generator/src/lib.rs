//! An OpenAPI 3.0/3.1 code generator: vendor specs in, a typed Rust crate out.
//!
//! The pipeline runs one stage per module, with plain data between stages:
//! [`load`] -> [`normalize`] -> [`resolve`] (into [`ir`]) -> [`emit`] -> [`format`] -> [`output`].
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
pub mod naming;
pub mod normalize;
pub mod output;
pub mod pointer;
pub mod resolve;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use diag::{Diagnostic, Sink};

/// One API to generate: its module name and the spec files (fragments) that make it.
#[derive(Debug, Clone)]
pub struct ApiInput {
    pub module: String,
    pub specs: Vec<PathBuf>,
}

/// The outcome of building the IR of one API: the model, or every problem found.
#[derive(Debug)]
pub struct Built {
    pub api: Option<ir::Api>,
    pub diagnostics: Vec<Diagnostic>,
    /// How long each stage took (zero for stages that did not run).
    pub times: StageTimes,
}

/// Wall time of the stages that build the IR.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Reading, parsing, merging fragments and bundling external `$ref`s.
    pub load: Duration,
    pub normalize: Duration,
    pub resolve: Duration,
}

/// Stack for the stages: resolving follows `$ref` chains and nesting recursively, and real
/// specs nest deeply.
const STAGE_STACK: usize = 512 << 20;

/// Runs load, normalize and resolve for one API. Paths are shown relative to `base`.
pub fn build_api(input: &ApiInput, base: &Path) -> Built {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(STAGE_STACK)
            .spawn_scoped(scope, || build_api_here(input, base));
        match worker.map(|handle| handle.join()) {
            Ok(Ok(built)) => built,
            // Without a thread, or if it died: run here, or report the failure as such.
            Err(_) => build_api_here(input, base),
            Ok(Err(_)) => Built {
                api: None,
                diagnostics: vec![Diagnostic {
                    severity: diag::Severity::Error,
                    code: diag::Code::Internal,
                    message:
                        "the generator failed on this spec (a bug; please report it with the spec)"
                            .into(),
                    location: input
                        .specs
                        .first()
                        .map(|s| diag::file_only(&relative(s, base))),
                    hint: None,
                }],
                times: StageTimes::default(),
            },
        }
    })
}

fn build_api_here(input: &ApiInput, base: &Path) -> Built {
    let mut sink = Sink::default();
    let mut times = StageTimes::default();
    let failed = |sink: Sink, times: StageTimes| Built {
        api: None,
        diagnostics: sink.into_diagnostics(),
        times,
    };

    let started = Instant::now();
    let loaded = load_all(input, base, &mut sink);
    times.load = started.elapsed();
    let Some(mut loaded) = loaded else {
        return failed(sink, times);
    };

    let started = Instant::now();
    // Decoding consumes the JSON tree; a document that fails is read again to say where.
    let reload = || load_all(input, base, &mut Sink::default());
    let normalized = normalize::normalize(&mut loaded, &mut sink, reload);
    times.normalize = started.elapsed();
    let Some(document) = normalized else {
        return failed(sink, times);
    };

    let started = Instant::now();
    let spec_files = loaded
        .sources
        .iter()
        .map(|s| display_path(&s.path))
        .collect();
    let api = resolve::resolve(&input.module, spec_files, &loaded, &document, &mut sink);
    times.resolve = started.elapsed();
    Built {
        api,
        diagnostics: sink.into_diagnostics(),
        times,
    }
}

/// Reads, merges and bundles the files of one API. `None` when errors were reported.
fn load_all(input: &ApiInput, base: &Path, sink: &mut Sink) -> Option<load::Loaded> {
    let mut fragments = Vec::new();
    for spec in &input.specs {
        match load::read_fragment(spec) {
            Ok(mut fragment) => {
                // Shown relative to the workspace; read from where it is.
                fragment.source.path = relative(spec, base);
                fragments.push(fragment);
            }
            Err(mut diagnostic) => {
                if let Some(location) = &mut diagnostic.location {
                    location.file = relative(&location.file, base);
                }
                sink.push(diagnostic);
            }
        }
    }
    if sink.has_errors() {
        return None;
    }
    let mut loaded = load::merge(fragments, sink).filter(|_| !sink.has_errors())?;
    load::bundle_external_refs(&mut loaded, base, sink);
    (!sink.has_errors()).then_some(loaded)
}

fn relative(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// A path with `/` separators, so output is the same on every platform.
pub fn display_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
