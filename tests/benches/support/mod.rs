//! What both overhead benchmarks need: loopback listeners served on a thread of their own,
//! HTTP/1.1 message framing and the median.
// Each benchmark uses a part of it.
#![allow(dead_code)]

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

/// Binds `count` loopback listeners and serves them with `serve` on a thread of their own, on a
/// single-threaded runtime, so the measuring thread never competes with the server for it.
pub fn serve_in_background<F, Fut>(count: usize, serve: F) -> Vec<std::net::SocketAddr>
where
    F: FnOnce(Vec<tokio::net::TcpListener>) -> Fut + Send + 'static,
    Fut: std::future::Future,
{
    let listeners: Vec<std::net::TcpListener> = (0..count)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind"))
        .collect();
    let addresses = listeners
        .iter()
        .map(|listener| {
            listener.set_nonblocking(true).expect("nonblocking");
            listener.local_addr().expect("address")
        })
        .collect();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listeners = listeners
                .into_iter()
                .map(|l| tokio::net::TcpListener::from_std(l).expect("listener"))
                .collect();
            serve(listeners).await;
        });
    });
    addresses
}
