//! What both overhead benchmarks need: HTTP/1.1 message framing and the median.

use std::time::Duration;

/// End of the first complete message (head, then content-length bytes of body) in `buffer`.
pub fn message_end(buffer: &[u8]) -> Option<usize> {
    let head_end = buffer.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buffer[..head_end]).ok()?;
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    (buffer.len() >= head_end + length).then_some(head_end + length)
}

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Writes a benchmark's figures to `target/bench/<name>.json`.
pub fn write_result(name: &str, generated: Duration, hand_written: Duration) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let result = serde_json::json!({
        "benchmark": name,
        "generated_us": generated.as_secs_f64() * 1e6,
        "hand_written_us": hand_written.as_secs_f64() * 1e6,
        "ratio": generated.as_secs_f64() / hand_written.as_secs_f64(),
    });
    std::fs::write(dir.join(format!("{name}.json")), format!("{result}\n")).expect("written");
}
