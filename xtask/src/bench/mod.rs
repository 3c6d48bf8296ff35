//! `cargo xtask bench`: generation time per stage and peak memory, scaling over a corpus,
//! size and `cargo check` cost of the output, and the runtime overhead of generated clients
//! and servers. Prints a report and writes it to `target/bench/report.{md,json}`.
//!
//! Each spec is generated in a child process (`bench-spec`), so its peak memory is its own.

mod compile;
mod measure;
mod report;
mod runtime;
mod scaling;
mod specs;
mod stages;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use compile::measure_check;
pub use measure::measure_one;
pub use specs::spec_files;

use report::Report;
use specs::BenchSpec;

const USAGE: &str =
    "usage: cargo xtask bench [--corpus DIR] [--compile-spec FILE] [--quick | --compile-only]";

struct Options {
    corpus: Option<PathBuf>,
    compile_spec: Option<PathBuf>,
    quick: bool,
    /// Only the compile cost of the output.
    compile_only: bool,
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    if cfg!(debug_assertions) {
        return crate::rerun_in_release(root, "bench", args);
    }
    let options = match parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let out = root.join("target/bench");
    if let Err(err) = std::fs::create_dir_all(&out) {
        eprintln!("cannot create {}: {err}", out.display());
        return ExitCode::FAILURE;
    }
    let (report, text) = measure_all(root, &options);
    println!("{text}");
    match report::write(&out, &text, &report) {
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
        compile_only: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--corpus" => options.corpus = iter.next().map(PathBuf::from),
            "--compile-spec" => options.compile_spec = iter.next().map(PathBuf::from),
            "--quick" => options.quick = true,
            "--compile-only" => options.compile_only = true,
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

/// Runs every benchmark the options ask for: the report, and its tables as markdown.
fn measure_all(root: &Path, options: &Options) -> (Report, String) {
    let stage_specs = specs::stage_table_specs(root, options.corpus.as_deref());
    let mut report = Report::default();
    let mut text = String::new();
    if !options.compile_only {
        report.stages = stages::rows(root, &stage_specs);
        text = stages::table(&report.stages);
    }

    match (&options.corpus, options.compile_only) {
        (_, true) => {}
        (Some(corpus), false) => {
            let scaling = scaling::measure(root, &corpus.join("set/sample60"));
            text.push_str(&scaling::table(&scaling));
            report.scaling = Some(scaling);
        }
        (None, false) => text.push_str("\n(no corpus: pass --corpus DIR, as built by the corpus fetch script, for large specs and scaling)\n"),
    }

    for spec in compile_specs(options, &stage_specs) {
        match compile::measure(root, &spec) {
            Ok(cost) => report.compile.push(cost),
            Err(message) => eprintln!("compile cost of {}: {message}", spec.label),
        }
    }
    if report.compile.is_empty() {
        text.push_str("\n(compile cost skipped: --quick, or no large spec)\n");
    } else {
        text.push_str(&compile::table(&report.compile));
    }

    if !options.quick && !options.compile_only {
        match runtime::measure(root) {
            Ok(runtime) => {
                text.push_str(&runtime::table(&runtime));
                report.runtime = Some(runtime);
            }
            Err(message) => eprintln!("runtime overhead: {message}"),
        }
    }
    (report, text)
}

/// The specs whose output is compiled: the one asked for, else Stripe's, GitHub's whole and
/// GitHub's `checks` tag alone, of those the corpus has; none with `--quick`.
fn compile_specs(options: &Options, stage_specs: &[BenchSpec]) -> Vec<BenchSpec> {
    if options.quick {
        return Vec::new();
    }
    if let Some(spec) = &options.compile_spec {
        return vec![specs::corpus_spec(spec)];
    }
    let first_of = |label: &str| {
        stage_specs
            .iter()
            .rev()
            .find(|s| s.label == label)
            .and_then(|s| s.input.specs.first())
    };
    let mut chosen: Vec<BenchSpec> = first_of("stripe")
        .map(|p| specs::corpus_spec(p))
        .into_iter()
        .collect();
    if let Some(github) = first_of("github") {
        chosen.push(specs::corpus_spec(github));
        let mut one_tag = specs::corpus_spec(github);
        one_tag.label.push_str(" (tag checks)");
        one_tag.input.module.push_str("_checks");
        one_tag.input.selection.include.tags.push("checks".into());
        chosen.push(one_tag);
    }
    chosen
}
