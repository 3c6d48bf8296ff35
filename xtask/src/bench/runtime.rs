//! The runtime overhead of generated clients and servers against hand-written ones: the
//! `client_overhead` and `server_overhead` benchmarks of `codegen-tests`.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    pub client: Overhead,
    pub server: Overhead,
}

/// What one overhead benchmark writes to `target/bench/NAME.json`: median microseconds per
/// call.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overhead {
    pub benchmark: String,
    pub generated_us: f64,
    pub hand_written_us: f64,
    pub ratio: f64,
}

/// Runs both benchmarks and reads back what they wrote.
pub fn measure(root: &Path) -> Result<Runtime, String> {
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
    Ok(Runtime {
        client: read(root, "client_overhead")?,
        server: read(root, "server_overhead")?,
    })
}

fn read(root: &Path, name: &str) -> Result<Overhead, String> {
    let path = root.join("target/bench").join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn table(runtime: &Runtime) -> String {
    let mut out = String::from(
        "\n## Runtime overhead on 127.0.0.1 (median per call, same run)\n\n| side | generated us | hand-written us | ratio |\n|---|---|---|---|\n",
    );
    for (side, r) in [("client", &runtime.client), ("server", &runtime.server)] {
        let _ = writeln!(
            out,
            "| {side} | {:.1} | {:.1} | {:.3} |",
            r.generated_us, r.hand_written_us, r.ratio,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_the_overhead_benchmarks_write() {
        // The line `tests/benches/support` writes.
        let line = r#"{"benchmark":"client_overhead","generated_us":67.7,"hand_written_us":66.9,"ratio":1.011}"#;
        let overhead: Overhead = serde_json::from_str(line).unwrap();
        assert_eq!(overhead.benchmark, "client_overhead");
        assert_eq!(overhead.ratio, 1.011);
        let misspelt = line.replace("ratio", "ratoi");
        assert!(serde_json::from_str::<Overhead>(&misspelt).is_err());
    }
}
