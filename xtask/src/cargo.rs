//! How xtask runs cargo.

use std::path::Path;
use std::process::Command;

/// `cargo ARGS` run in `dir`, through the cargo that runs xtask when there is one (`CARGO`),
/// so a toolchain picked by rustup or a wrapper is kept.
pub fn cargo(dir: &Path, args: &[&str]) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(program);
    command.current_dir(dir).args(args);
    command
}
