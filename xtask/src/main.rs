//! `cargo xtask`: repository tasks. `codegen` regenerates `generated/` from `specs/`; `bench`
//! measures generation and the generated code; `conformance` checks the generated servers
//! with schemathesis; `corpus` generates and compiles a directory of real-world specs; `wire`
//! calls every vendored operation through the generated clients against Prism; the
//! other commands are the generator's own (`generate`, `import`).

mod bench;
mod cargo;
mod conformance;
mod corpus;
mod heap;
mod standalone;
mod workspace;

use std::path::Path;
use std::process::ExitCode;

// Counts heap use, so `bench` can report peak memory per stage.
#[global_allocator]
static HEAP: heap::Counting = heap::Counting;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = match workspace::root() {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(generator::cli::EXIT_USAGE);
        }
    };
    match args.first().map(String::as_str) {
        Some("bench") => bench::run(&args[1..], &root),
        Some("bench-spec") => bench::measure_one(&args[1..], &root),
        Some("check-cost") => bench::measure_check(&args[1..]),
        Some("conformance") => conformance::run(&root),
        Some("corpus") => corpus::run(&args[1..], &root),
        Some("wire") => corpus::vendored::run(&root),
        _ => generator::cli::run(&args, &root),
    }
}

/// Runs `xtask COMMAND ARGS` again from an optimized build: timings are only worth
/// reporting from one. The manifest path keeps the rerun on this workspace: cargo points the
/// child's `CARGO_MANIFEST_DIR` at `root/xtask`.
fn rerun_in_release(root: &Path, command: &str, args: &[String]) -> ExitCode {
    let status = cargo::cargo(root, &["run", "--quiet", "--release", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .args(["--package", "xtask", "--", command])
        .args(args)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
