//! The runtime overhead of generated clients and servers against hand-written ones, and what
//! streamed bodies cost: the `client_overhead`, `server_overhead` and `streaming` benchmarks
//! of `codegen-tests`.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runtime {
    pub client: Overhead,
    pub server: Overhead,
    pub streaming: Streaming,
}

/// What the `streaming` benchmark writes: the peak memory of a 1 GiB download and upload,
/// and server-sent events per second, generated against hand-written.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Streaming {
    pub benchmark: String,
    pub download_peak_rss_mib: f64,
    pub upload_peak_rss_mib: f64,
    /// A 1 GiB file part of a multipart upload, which the server keeps in a temporary file.
    pub multipart_peak_rss_mib: f64,
    pub generated_events_per_s: f64,
    pub hand_written_events_per_s: f64,
    pub ratio: f64,
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

/// Runs the three benchmarks and reads back what they wrote.
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
            "--bench",
            "streaming",
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
        streaming: read(root, "streaming")?,
    })
}

fn read<T: serde::de::DeserializeOwned>(root: &Path, name: &str) -> Result<T, String> {
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
    let s = &runtime.streaming;
    let _ = write!(
        out,
        "\n## Streamed bodies on 127.0.0.1 (whole process: client and server)\n\n| measure | generated | hand-written | target |\n|---|---|---|---|\n| peak RSS, 1 GiB download | {:.1} MiB | | < 64 MiB |\n| peak RSS, 1 GiB upload | {:.1} MiB | | < 64 MiB |\n| peak RSS, 1 GiB multipart file part | {:.1} MiB | | < 64 MiB |\n| server-sent events per second | {:.0} | {:.0} (axum `Sse`, reqwest) | ratio {:.3} >= 0.90 |\n",
        s.download_peak_rss_mib,
        s.upload_peak_rss_mib,
        s.multipart_peak_rss_mib,
        s.generated_events_per_s,
        s.hand_written_events_per_s,
        s.ratio,
    );
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
