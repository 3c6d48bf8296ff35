//! A generated crate built on its own: written below this workspace (under `target/`) but not
//! a member of it. `bench` and `corpus` check their output this way.

use std::path::Path;
use std::process::Command;

/// Makes the crate in `dir` a workspace of its own, locked to the dependency versions of the
/// workspace at `root`, so checking it resolves nothing new.
pub fn detach(dir: &Path, root: &Path) -> Result<(), String> {
    let manifest = dir.join("Cargo.toml");
    let mut text =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    if !text.lines().any(|line| line.trim() == "[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text).map_err(|e| format!("{}: {e}", manifest.display()))?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map(drop)
        .map_err(|e| format!("cannot copy Cargo.lock to {}: {e}", dir.display()))
}

/// `cargo check ARGS` of the crate in `dir`, built into `target`.
pub fn check(dir: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = crate::cargo::cargo(dir, &["check"]);
    command
        .args(args)
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    command
}

/// The first error cargo reported on stderr.
pub fn first_error(stderr: &[u8]) -> Option<String> {
    String::from_utf8_lossy(stderr)
        .lines()
        .find(|line| line.starts_with("error"))
        .map(str::to_owned)
}
