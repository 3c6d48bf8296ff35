//! Generating one API and measuring it, in a process of its own (`xtask bench-spec`), so its
//! peak memory is its own.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use generator::ir::Api;
use generator::output::{self, Tree};
use generator::render::{self, CrateOptions, RenderTimes};
use generator::ApiInput;

use super::report::{Figures, HeapPeaks, SpecRow, Stages};
use super::specs::{file_size, BenchSpec};
use crate::heap;

/// Runs the spec `runs` times, each in a fresh process, and keeps the median run (by total
/// time); then once more with heap counting (which slows allocation) for the memory figures.
pub fn spec_row(root: &Path, spec: &BenchSpec, runs: usize) -> Result<SpecRow, String> {
    let mut timed = Vec::new();
    for _ in 0..runs.max(1) {
        timed.push(in_child(root, spec, false)?);
    }
    timed.sort_by(|a, b| a.total_ms().total_cmp(&b.total_ms()));
    let mut figures = timed.swap_remove(timed.len() / 2);
    figures.peak_heap_bytes = in_child(root, spec, true)?.peak_heap_bytes;
    Ok(SpecRow {
        label: spec.label.clone(),
        figures,
    })
}

/// Generates the spec in a child `xtask bench-spec` on the same workspace.
pub fn in_child(root: &Path, spec: &BenchSpec, count_heap: bool) -> Result<Figures, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find xtask: {e}"))?;
    let mut command = Command::new(exe);
    crate::workspace::pass_on(&mut command, root);
    let output = command
        .current_dir(root)
        .arg("bench-spec")
        .args(count_heap.then_some("--heap"))
        .args(
            spec.input
                .selection
                .include
                .tags
                .iter()
                .flat_map(|tag| ["--tag", tag]),
        )
        .arg(&spec.input.module)
        .arg(&spec.base)
        .args(&spec.input.specs)
        .output()
        .map_err(|e| format!("cannot run xtask: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "generation failed: {}",
            stderr.lines().next().unwrap_or("")
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.trim()).map_err(|e| format!("unreadable measurement: {e}"))
}

/// `xtask bench-spec [--heap] [--tag T]... MODULE BASE SPEC...`: generates one API (the
/// operations of the tags given, or all) into `target/bench/out/MODULE` and prints its
/// figures as one JSON line; `--heap` counts heap use too.
pub fn measure_one(mut args: &[String], root: &Path) -> ExitCode {
    let mut count_heap = false;
    let mut selection = generator::select::Selection::default();
    loop {
        match args {
            [flag, rest @ ..] if flag == "--heap" => (count_heap, args) = (true, rest),
            [flag, tag, rest @ ..] if flag == "--tag" => {
                selection.include.tags.push(tag.clone());
                args = rest;
            }
            _ => break,
        }
    }
    let [module, base, specs @ ..] = args else {
        eprintln!("usage: xtask bench-spec [--heap] [--tag T]... MODULE BASE SPEC...");
        return ExitCode::from(2);
    };
    if count_heap {
        heap::enable();
    }
    let input = ApiInput::new(module.clone(), specs.iter().map(PathBuf::from).collect())
        .with_selection(selection);
    let out = root.join("target/bench/out").join(module);
    print_json_line(measure(&input, Path::new(base), &out, count_heap))
}

/// What a measuring child process prints: its figures as one JSON line, or why it has none.
pub fn print_json_line<T: serde::Serialize>(figures: Result<T, String>) -> ExitCode {
    match figures.and_then(|figures| serde_json::to_string(&figures).map_err(|e| e.to_string())) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn measure(input: &ApiInput, base: &Path, out: &Path, count_heap: bool) -> Result<Figures, String> {
    heap::reset_peak();
    // As `generate` builds: without the wire check's calls, which it does not emit.
    let options = generator::BuildOptions {
        skip_wire_calls: true,
        ..Default::default()
    };
    let built = generator::build_api_with(input, base, options);
    let build_peak = heap::peak();
    let Some(api) = built.api else {
        let first = built.diagnostics.iter().find(|d| d.is_error());
        return Err(first.map_or("no API built".into(), |d| d.to_string()));
    };
    let options = CrateOptions {
        crate_name: "bench-output".into(),
        command: "cargo xtask bench".into(),
        sources_label: input.module.clone(),
        ..Default::default()
    };
    heap::reset_peak();
    let (tree, render) = render::render_crate_timed(std::slice::from_ref(&api), &options)?;
    let render_peak = heap::peak();
    let started = Instant::now();
    let _ = std::fs::remove_dir_all(out);
    output::write(&tree, out).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    let write = started.elapsed();

    let (output_lines, output_bytes) = rust_size(&tree);
    let operation_lines = operation_lines(&tree, &input.module);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (emit, format) = split_render(&render);
    Ok(Figures {
        module: input.module.clone(),
        input_bytes: input.specs.iter().map(|p| file_size(p)).sum(),
        ms: Stages {
            load: ms(built.times.load),
            normalize: ms(built.times.normalize),
            resolve: ms(built.times.resolve),
            emit,
            format,
            write: ms(write),
        },
        emit_cpu_ms: ms(render.emit),
        format_cpu_ms: ms(render.format),
        threads: render.threads,
        peak_heap_bytes: count_heap.then_some(HeapPeaks {
            load_to_resolve: build_peak,
            emit_and_format: render_peak,
            all: build_peak.max(render_peak),
        }),
        peak_rss_bytes: heap::peak_rss(),
        warnings: built.diagnostics.len(),
        operations: api.operations.len(),
        types: api.types.len(),
        types_sharing_a_schema: types_sharing_a_schema(&api),
        output_lines,
        output_bytes,
        operation_lines,
    })
}

/// Milliseconds of emitting and of formatting. They run together on several threads, so
/// their wall time is split in proportion to the CPU time each took.
fn split_render(render: &RenderTimes) -> (f64, f64) {
    let cpu = (render.emit + render.format).as_secs_f64().max(1e-9);
    let emit_share = render.emit.as_secs_f64() / cpu;
    let wall = render.wall.as_secs_f64() * 1e3;
    (wall * emit_share, wall * (1.0 - emit_share))
}

/// Lines of the code per operation: the client, server and webhooks modules, and the
/// `Validate` impls of the types (what the issue of lean output counts).
fn operation_lines(tree: &Tree, module: &str) -> usize {
    let prefix = format!("src/{module}/");
    let mut lines = 0;
    for (path, text) in &tree.files {
        let Some(file) = path.strip_prefix(&prefix) else {
            continue;
        };
        if ["client", "server", "webhooks"]
            .iter()
            .any(|m| file.starts_with(m))
        {
            lines += text.lines().count();
        } else if file.starts_with("types") {
            lines += validate_lines(text);
        }
    }
    lines
}

/// Lines of the top-level `impl rt::Validate for` blocks of a types file.
fn validate_lines(text: &str) -> usize {
    let mut inside = false;
    let mut lines = 0;
    for line in text.lines() {
        inside |= line.starts_with("impl rt::Validate for ");
        if inside {
            lines += 1;
            inside = line != "}";
        }
    }
    lines
}

/// Lines and bytes of the Rust files of the crate.
fn rust_size(tree: &Tree) -> (usize, usize) {
    let rust = tree
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| text);
    rust.fold((0, 0), |(lines, bytes), text| {
        (lines + text.lines().count(), bytes + text.len())
    })
}

/// Types beyond the first made from one schema.
fn types_sharing_a_schema(api: &Api) -> usize {
    let mut origins: Vec<&str> = api.types.iter().map(|t| t.origin.as_str()).collect();
    let all = origins.len();
    origins.sort_unstable();
    origins.dedup();
    all - origins.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn validation_lines_are_those_of_the_validate_impls() {
        let text = "pub struct A {}\nimpl rt::Validate for A {\n    fn check(&self) {\n    }\n}\nimpl A {\n}\nimpl rt::Validate for B {\n    fn check(&self) {}\n}\n";
        assert_eq!(super::validate_lines(text), 7);
    }
}
