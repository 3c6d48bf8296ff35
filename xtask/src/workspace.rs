//! Where the workspace is, decided when xtask runs rather than when it is built: checkouts
//! that share a target directory share one xtask binary, and each must work on its own tree.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The variable cargo sets to this crate's directory for `cargo run` (so for `cargo xtask`).
const MANIFEST_DIR: &str = "CARGO_MANIFEST_DIR";

/// The workspace root: the parent of `CARGO_MANIFEST_DIR` when cargo set it, else the
/// workspace cargo finds from the current directory.
pub fn root() -> Result<PathBuf, String> {
    let (root, found_by) = match std::env::var_os(MANIFEST_DIR).filter(|d| !d.is_empty()) {
        Some(dir) => (
            from_manifest_dir(&dir)?,
            format!("{MANIFEST_DIR}={}", Path::new(&dir).display()),
        ),
        None => (located()?, "cargo locate-project".to_owned()),
    };
    if looks_like_root(&root) {
        Ok(root)
    } else {
        Err(format!(
            "{} (from {found_by}) is not the workspace: it has neither specs/ nor a Cargo.toml \
             with [workspace]; run xtask as `cargo xtask` inside the workspace",
            root.display()
        ))
    }
}

/// Makes a child xtask work on `root` as well.
pub fn pass_on(command: &mut Command, root: &Path) {
    command.env(MANIFEST_DIR, root.join("xtask"));
}

fn from_manifest_dir(dir: &OsString) -> Result<PathBuf, String> {
    let dir = std::path::absolute(dir).map_err(|e| format!("{MANIFEST_DIR}: {e}"))?;
    dir.parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("{MANIFEST_DIR}={} has no parent directory", dir.display()))
}

/// The directory of the workspace manifest cargo finds from the current directory.
fn located() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|e| format!("no current directory: {e}"))?;
    let output = crate::cargo::cargo(
        &here,
        &["locate-project", "--workspace", "--message-format", "plain"],
    )
    .output()
    .map_err(|e| format!("{MANIFEST_DIR} is not set and cargo cannot run: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{MANIFEST_DIR} is not set and cargo finds no workspace from {}: {}",
            here.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let manifest = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("cargo locate-project printed {}", manifest.display()))
}

fn looks_like_root(dir: &Path) -> bool {
    let declares_workspace = std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|text| text.lines().any(|line| line.trim() == "[workspace]"));
    dir.join("specs").is_dir() || declares_workspace
}
