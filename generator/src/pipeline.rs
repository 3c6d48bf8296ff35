//! The driver: each API goes through load -> normalize -> resolve, each stage taking exactly
//! what the one before made; then every API's IR is rendered into one crate (emit and format,
//! in `render`), which the last stage writes or checks (`output`). The caller reports the
//! warnings between rendering and finishing.

use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::diag::{self, Diagnostic, Sink};
use crate::output::{self, Drift, Tree};
use crate::render::{self, CrateOptions};
use crate::select::Selection;
use crate::{ir, load, normalize, resolve};

/// One API to generate: its module name and the spec files (fragments) that make it.
#[derive(Debug, Clone)]
pub struct ApiInput {
    pub module: String,
    pub specs: Vec<PathBuf>,
    /// The operations to generate (all by default).
    pub selection: Selection,
}

impl ApiInput {
    /// Every operation of the API made of `specs`.
    pub fn new(module: impl Into<String>, specs: Vec<PathBuf>) -> Self {
        ApiInput {
            module: module.into(),
            specs,
            selection: Selection::default(),
        }
    }

    pub fn with_selection(mut self, selection: Selection) -> Self {
        self.selection = selection;
        self
    }
}

/// How the stages that build the IR treat a spec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Refuse the defects the stages otherwise repair with a warning (a `$ref` to a Swagger 2.0
    /// place, an undeclared security scheme, an undeclared path parameter): each is an error.
    pub strict: bool,
    /// Leave out the wire check's calls (`Api::wire_calls`), which only the wire tests and
    /// the example-backed fake server use: for Microsoft Graph they are a fifth of the time.
    pub skip_wire_calls: bool,
}

impl BuildOptions {
    fn repairs(self) -> diag::Repairs {
        if self.strict {
            diag::Repairs::Refuse
        } else {
            diag::Repairs::Warn
        }
    }
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

/// Why a run failed.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the specs; every one of them, in order.
    Specs(Vec<Diagnostic>),
    Internal(String),
}

/// Builds every API and renders the crate. Warnings are returned with the tree; errors in any
/// spec stop the run before rendering.
pub fn render(
    inputs: &[ApiInput],
    base: &Path,
    options: &CrateOptions,
    build: BuildOptions,
) -> Result<(Tree, Vec<Diagnostic>), Failure> {
    let mut apis = Vec::new();
    let mut diagnostics = Vec::new();
    let build = BuildOptions {
        skip_wire_calls: build.skip_wire_calls || !options.wire_tests,
        ..build
    };
    for input in inputs {
        let built = build_api_with(input, base, build);
        diagnostics.extend(built.diagnostics);
        apis.extend(built.api);
    }
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Failure::Specs(diagnostics));
    }
    let tree = render::render_crate(&apis, options).map_err(Failure::Internal)?;
    Ok((tree, diagnostics))
}

/// What the last stage does with a rendered crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    /// Write the files that differ and remove the ones no spec produced.
    Write,
    /// Only compare the crate with the directory.
    Check,
}

/// What the last stage did.
#[derive(Debug)]
pub enum Finished {
    /// How many files were written or removed.
    Written(usize),
    /// How the directory differs from the crate; empty when it is up to date.
    Checked(Vec<Drift>),
}

/// The last stage: write the crate into `out`, or check `out` against it. Run only on a crate
/// every spec rendered, so a failed run leaves `out` untouched.
pub fn finish(tree: &Tree, out: &Path, finish: Finish) -> io::Result<Finished> {
    match finish {
        Finish::Write => output::write(tree, out).map(Finished::Written),
        Finish::Check => output::drift(tree, out).map(Finished::Checked),
    }
}

/// Stack for the stages: resolving follows `$ref` chains and nesting recursively, and real
/// specs nest deeply.
const STAGE_STACK: usize = 512 << 20;

/// Runs load, normalize and resolve for one API, on a thread with a deep stack, repairing what
/// can be repaired. Paths are shown relative to `base`.
pub fn build_api(input: &ApiInput, base: &Path) -> Built {
    build_api_with(input, base, BuildOptions::default())
}

/// [`build_api`], treating the spec as `options` say.
pub fn build_api_with(input: &ApiInput, base: &Path, options: BuildOptions) -> Built {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(STAGE_STACK)
            .spawn_scoped(scope, || run_stages(input, base, options));
        match worker.map(|handle| handle.join()) {
            Ok(Ok(built)) => built,
            // Without a thread, or if it died: run here, or report the failure as such.
            Err(_) => run_stages(input, base, options),
            Ok(Err(_)) => Built {
                api: None,
                diagnostics: vec![crashed(input, base)],
                times: StageTimes::default(),
            },
        }
    })
}

/// Each stage runs only on what the previous one produced, and only if it reported no error.
fn run_stages(input: &ApiInput, base: &Path, options: BuildOptions) -> Built {
    let mut sink = Sink::new(options.repairs());
    let mut times = StageTimes::default();
    let loaded = timed(&mut times.load, || {
        load::load(&input.specs, base, &mut sink)
    });
    let normalized = loaded.and_then(|loaded| {
        timed(&mut times.normalize, || {
            normalize::normalize(loaded, &mut sink)
        })
    });
    let api = normalized.and_then(|normalized| {
        timed(&mut times.resolve, || {
            let wire_calls = !options.skip_wire_calls;
            resolve::resolve(
                &input.module,
                &normalized,
                &input.selection,
                wire_calls,
                &mut sink,
            )
        })
    });
    Built {
        api,
        diagnostics: sink.into_diagnostics(),
        times,
    }
}

fn timed<T>(time: &mut Duration, stage: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let output = stage();
    *time = started.elapsed();
    output
}

/// The diagnostic for a stage that panicked.
fn crashed(input: &ApiInput, base: &Path) -> Diagnostic {
    Diagnostic {
        severity: diag::Severity::Error,
        code: diag::Code::Internal,
        message: "the generator failed on this spec (a bug; please report it with the spec)".into(),
        location: input
            .specs
            .first()
            .map(|s| diag::file_only(&load::relative(s, base))),
        hint: None,
    }
}
