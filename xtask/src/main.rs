//! `cargo xtask`: repository tasks. `codegen` regenerates `generated/` from `specs/`; `bench`
//! runs the benchmarks; `conformance` checks the generated servers with schemathesis; `corpus`
//! generates and compiles a directory of real-world specs; the other commands are the
//! generator's own (`generate`, `import`).

mod conformance;
mod corpus;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        Some("bench") => bench(&root),
        Some("conformance") => conformance::run(&root),
        Some("corpus") => corpus::run(&args[1..], &root),
        _ => generator::cli::run(&args, &root),
    }
}

/// Runs every benchmark in release mode; each prints its table and writes JSON under
/// `target/bench/`.
fn bench(root: &Path) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args([
            "bench",
            "--package",
            "codegen-tests",
            "--bench",
            "client_overhead",
        ])
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("cannot run cargo: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's directory.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
