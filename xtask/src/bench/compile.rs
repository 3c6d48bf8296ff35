//! The `cargo check` cost of generated crates: seconds and the compiler's peak memory, with
//! models only and with client and server, for the whole API and for one tag of it.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::measure;
use super::specs::BenchSpec;
use crate::standalone;

/// One `cargo check` of the generated crate alone, its dependencies built already.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub seconds: f64,
    /// The largest resident memory of a process cargo ran: the compiler's, checking the
    /// crate. `None` where the system does not say.
    pub peak_rss_mb: Option<f64>,
}

/// The check cost of one generated crate.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompileCost {
    pub spec: String,
    pub output_lines: usize,
    pub operations: usize,
    pub models_only: Check,
    pub client_and_server: Check,
}

/// Generates `spec` and checks the crate once per feature set.
pub fn measure(root: &Path, spec: &BenchSpec) -> Result<CompileCost, String> {
    let figures = measure::in_child(root, spec, false)?;
    let dir = root.join("target/bench/out").join(&spec.input.module);
    standalone::detach(&dir, root)?;
    let target = root.join("target/bench/check-target");
    let check = |features| timed_check(root, &dir, &target, features, &spec.label);
    Ok(CompileCost {
        // `regex` stays: a crate whose specs have `pattern` rules refuses to build without it.
        models_only: check("--no-default-features --features regex")?,
        client_and_server: check("--all-features")?,
        spec: spec.label.clone(),
        output_lines: figures.output_lines,
        operations: figures.operations,
    })
}

/// A `cargo check` that compiles the crate in `dir` from scratch and nothing else: a first,
/// untimed check builds the dependencies, then the crate's own artifacts (incremental ones
/// too) are removed, and a process of its own runs the timed check so its peak memory is
/// the check's alone.
fn timed_check(
    root: &Path,
    dir: &Path,
    target: &Path,
    features: &str,
    label: &str,
) -> Result<Check, String> {
    eprintln!("cargo check {features} ({label}): building dependencies");
    cargo_check(dir, target, features)?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
    let mut command = std::process::Command::new(exe);
    crate::workspace::pass_on(&mut command, root);
    eprintln!("cargo check {features} ({label}): timed");
    let output = command
        .arg("check-cost")
        .arg(dir)
        .arg(target)
        .arg(features)
        .output()
        .map_err(|e| format!("cannot run xtask: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(stderr.lines().next().unwrap_or("check failed").to_owned());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.trim()).map_err(|e| format!("unreadable check cost: {e}"))
}

/// `xtask check-cost DIR TARGET FEATURES`: cleans the crate in `DIR`, checks it, and prints
/// the seconds and the peak memory as one JSON line.
pub fn measure_check(args: &[String]) -> ExitCode {
    let [dir, target, features] = args else {
        eprintln!("usage: xtask check-cost DIR TARGET FEATURES");
        return ExitCode::from(2);
    };
    let (dir, target) = (Path::new(dir), Path::new(target));
    measure::print_json_line(clean_crate(dir, target).and_then(|()| {
        let started = Instant::now();
        cargo_check(dir, target, features)?;
        Ok(Check {
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_mb: children_peak_rss_mb(),
        })
    }))
}

/// Removes what cargo keeps of the crate itself, so the next check starts from nothing.
fn clean_crate(dir: &Path, target: &Path) -> Result<(), String> {
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let name = manifest
        .lines()
        .find_map(|line| line.strip_prefix("name = "))
        .map(|name| name.trim_matches('"').to_owned())
        .ok_or("the crate's manifest names no package")?;
    let status = crate::cargo::cargo(dir, &["clean", "--quiet", "-p", &name])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("cargo clean -p {name} failed"))
}

fn cargo_check(dir: &Path, target: &Path, features: &str) -> Result<(), String> {
    let mut args = vec!["--quiet", "--lib"];
    args.extend(features.split_whitespace());
    let output = standalone::check(dir, target, &args)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let error = standalone::first_error(&output.stderr).unwrap_or_default();
        Err(format!("cargo check {features} failed: {error}"))
    }
}

/// The peak resident memory of the largest process this one has waited for, in MB.
#[cfg(target_os = "linux")]
fn children_peak_rss_mb() -> Option<f64> {
    /// `struct rusage` of Linux: two `timeval`s, then `ru_maxrss` (KB) and 13 more longs.
    #[repr(C)]
    struct Usage {
        times: [i64; 4],
        max_rss_kb: i64,
        rest: [i64; 13],
    }
    extern "C" {
        fn getrusage(who: i32, usage: *mut Usage) -> i32;
    }
    const RUSAGE_CHILDREN: i32 = -1;
    let mut usage = Usage {
        times: [0; 4],
        max_rss_kb: 0,
        rest: [0; 13],
    };
    // SAFETY: `Usage` has the layout of the C struct on Linux, and lives across the call.
    let status = unsafe { getrusage(RUSAGE_CHILDREN, &mut usage) };
    (status == 0).then(|| usage.max_rss_kb as f64 / 1024.0)
}

#[cfg(not(target_os = "linux"))]
fn children_peak_rss_mb() -> Option<f64> {
    None
}

pub fn table(costs: &[CompileCost]) -> String {
    let mut out = String::from(
        "\n## Compile cost of the output (`cargo check`, the crate alone, from scratch)\n\n| spec | lines | ops | models only s | models only peak MB | client and server s | client and server peak MB |\n|---|---|---|---|---|---|---|\n",
    );
    let mb = |check: &Check| {
        check
            .peak_rss_mb
            .map_or("-".into(), |mb| format!("{mb:.0}"))
    };
    for cost in costs {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} | {} | {:.1} | {} |\n",
            cost.spec,
            cost.output_lines,
            cost.operations,
            cost.models_only.seconds,
            mb(&cost.models_only),
            cost.client_and_server.seconds,
            mb(&cost.client_and_server),
        ));
    }
    out
}
