//! The `cargo check` cost of a generated crate, with models only and with client and server.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::measure;
use super::specs::corpus_spec;
use crate::standalone;

/// Seconds of `cargo check` of the generated crate alone, its dependencies built already.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompileCost {
    pub spec: String,
    pub output_lines: usize,
    pub operations: usize,
    pub models_only: f64,
    pub client_and_server: f64,
}

/// Generates `spec` and checks the crate once per feature set.
pub fn measure(root: &Path, spec: &Path) -> Result<CompileCost, String> {
    let bench_spec = corpus_spec(spec);
    let figures = measure::in_child(root, &bench_spec, false)?;
    let dir = root.join("target/bench/out").join(&bench_spec.input.module);
    standalone::detach(&dir, root)?;
    let target = root.join("target/bench/check-target");
    let check = |features| timed_check(&dir, &target, features, &bench_spec.label);
    Ok(CompileCost {
        models_only: check("--no-default-features")?,
        client_and_server: check("--all-features")?,
        spec: bench_spec.label.clone(),
        output_lines: figures.output_lines,
        operations: figures.operations,
    })
}

/// Seconds of a `cargo check` that compiles the crate in `dir` and nothing else: a first,
/// untimed check builds the dependencies.
fn timed_check(dir: &Path, target: &Path, features: &str, label: &str) -> Result<f64, String> {
    eprintln!("cargo check {features} ({label}): building dependencies");
    cargo_check(dir, target, features)?;
    // Touch the crate so the timed run recompiles it, and only it.
    let lib = dir.join("src/lib.rs");
    let source = std::fs::read(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
    std::fs::write(&lib, source).map_err(|e| format!("{}: {e}", lib.display()))?;
    eprintln!("cargo check {features} ({label}): timed");
    let started = Instant::now();
    cargo_check(dir, target, features)?;
    Ok(started.elapsed().as_secs_f64())
}

fn cargo_check(dir: &Path, target: &Path, features: &str) -> Result<(), String> {
    let output = standalone::check(dir, target, &["--quiet", "--lib", features])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let error = standalone::first_error(&output.stderr).unwrap_or_default();
        Err(format!("cargo check {features} failed: {error}"))
    }
}

pub fn table(cost: &CompileCost) -> String {
    format!(
        "\n## Compile cost of the output ({}: {} lines, {} operations)\n\n| features | cargo check s |\n|---|---|\n| models only | {:.1} |\n| client and server | {:.1} |\n",
        cost.spec, cost.output_lines, cost.operations, cost.models_only, cost.client_and_server,
    )
}
