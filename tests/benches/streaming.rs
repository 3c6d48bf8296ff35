//! Streamed bodies through the generated client and server of `tests/fixtures/streams.yaml`:
//! the peak memory of a 1 GiB download and upload, and server-sent events per second against
//! a hand-written axum `Sse` server read by a hand-written reqwest loop.
//!
//! Run with `cargo xtask bench`. Prints a table and writes `target/bench/streaming.json`.

use std::time::{Duration, Instant};

use axum::response::sse::{Event as SseEvent, Sse};
use bytes::Bytes;
use codegen_tests::runtime::server::EventStream;
use codegen_tests::runtime::{ByteStream, Event};
use codegen_tests::streams::{client, server, types, Credentials};

mod support;

const GIB: u64 = 1 << 30;
const CHUNK: usize = 64 * 1024;
const EVENTS: i64 = 100_000;
const ROUNDS: usize = 5;

/// Serves 1 GiB downloads and ticks, and counts uploads, from memory it never grows.
#[derive(Clone)]
struct Files;

/// One chunk, shared by every chunk of every download.
fn chunk() -> Bytes {
    static CHUNK_BYTES: [u8; CHUNK] = [7; CHUNK];
    Bytes::from_static(&CHUNK_BYTES)
}

/// `total` bytes, one shared chunk at a time.
fn bytes_of(total: u64) -> ByteStream {
    let stream = ByteStream::unfold(0u64, move |sent| async move {
        (sent < total).then(|| (Ok(chunk()), sent + CHUNK as u64))
    });
    stream.with_len(total)
}

fn tick(n: i64) -> types::Tick {
    let mut tick = types::Tick::new(n);
    tick.note = Some("a tick of the benchmark".into());
    tick
}

impl server::Api for Files {
    async fn download_file(&self, _: server::DownloadFileInput) -> server::DownloadFileResponse {
        server::DownloadFileResponse::Status200(bytes_of(GIB))
    }

    async fn upload_file(&self, mut input: server::UploadFileInput) -> server::UploadFileResponse {
        let mut size = 0;
        while let Some(Ok(chunk)) = input.body.next_chunk().await {
            size += chunk.len() as i64;
        }
        server::UploadFileResponse::Status201(types::Stored::new(size))
    }

    /// Reads the file part as it comes back from the server's temporary file.
    async fn create_file(&self, input: server::CreateFileInput) -> server::CreateFileResponse {
        let mut stream = match input.body {
            server::CreateFileBody::Multipart(form) => form.file.into_stream(),
            server::CreateFileBody::OctetStream(stream) => stream,
        };
        let mut size = 0;
        while let Some(Ok(chunk)) = stream.next_chunk().await {
            size += chunk.len() as i64;
        }
        server::CreateFileResponse::Status201(types::Stored::new(size))
    }

    async fn stream_feed(&self, _: server::StreamFeedInput) -> server::StreamFeedResponse {
        server::StreamFeedResponse::Status200(EventStream::from_events([]))
    }

    async fn get_report(&self, _: server::GetReportInput) -> server::GetReportResponse {
        server::GetReportResponse::Status202(types::Pending::new(1))
    }

    async fn stream_ticks(&self, input: server::StreamTicksInput) -> server::StreamTicksResponse {
        let count = input.count.unwrap_or(EVENTS);
        let ticks = (1..=count).map(|n| Event::new(tick(n)).id(n.to_string()));
        server::StreamTicksResponse::Status200(EventStream::from_events(ticks))
    }

    async fn tail_log(&self, _: server::TailLogInput) -> server::TailLogResponse {
        server::TailLogResponse::Status200(EventStream::from_events([]))
    }
}

/// The same ticks through axum's own `Sse`, as a hand-written server sends them.
async fn hand_written_ticks(
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, std::convert::Infallible>>> {
    let events = (1..=EVENTS).map(|n| {
        let data = serde_json::to_string(&tick(n)).expect("encodes");
        Ok(SseEvent::default().id(n.to_string()).data(data))
    });
    Sse::new(futures_util::stream::iter(events))
}

/// Reads ticks as a hand-written reqwest client does: chunks, split at blank lines, `data:`
/// decoded.
async fn read_by_hand(http: &reqwest::Client, url: &str) -> i64 {
    let mut response = http.get(url).send().await.expect("sent");
    let (mut pending, mut last) = (Vec::new(), 0);
    while let Some(chunk) = response.chunk().await.expect("a chunk") {
        pending.extend_from_slice(&chunk);
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let frame = std::str::from_utf8(&pending[..end])
                .expect("UTF-8")
                .to_owned();
            pending.drain(..end + 2);
            let data = frame.lines().find_map(|l| l.strip_prefix("data:"));
            if let Some(data) = data {
                last = serde_json::from_str::<types::Tick>(data.trim_start())
                    .expect("a tick")
                    .n;
            }
        }
    }
    last
}

async fn read_generated(client: &client::Client) -> i64 {
    let options = client::StreamTicksOptions::default();
    let mut events = client.stream_ticks(&options).await.expect("a stream");
    let mut last = 0;
    while let Some(event) = events.next_event().await {
        last = event.expect("a tick").data.n;
    }
    last
}

/// The process's peak resident memory since the last reset, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .unwrap_or(f64::NAN);
    kib / 1024.0
}

/// Starts a new peak (Linux: writing 5 to `clear_refs` resets the high-water mark).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let addresses = support::serve_in_background(2, |mut listeners| async move {
        let hand = axum::Router::new().route("/ticks", axum::routing::get(hand_written_ticks));
        let hand_listener = listeners.pop().expect("listener");
        tokio::spawn(async move { axum::serve(hand_listener, hand).await });
        let generated = listeners.pop().expect("listener");
        let limits = codegen_tests::runtime::server::MultipartLimits {
            file: 2 * GIB,
            body: 2 * GIB,
            ..Default::default()
        };
        let router = server::router(Files).layer(axum::Extension(limits));
        let _ = axum::serve(generated, router).await;
    });
    let base = format!("http://{}", addresses[0]);
    let hand_url = format!("http://{}/ticks", addresses[1]);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client =
        client::Client::new(client::Server::Custom(base), Credentials::default()).expect("client");
    let http = reqwest::Client::new();

    let (download_mib, upload_mib, multipart_mib, seconds) = runtime.block_on(async {
        reset_peak_rss();
        let mut download = client.download_file("big.bin").await.expect("a download");
        let mut received = 0u64;
        while let Some(chunk) = download.next_chunk().await {
            received += chunk.expect("a chunk").len() as u64;
        }
        assert_eq!(received, GIB);
        let download_mib = peak_rss_mib();
        reset_peak_rss();
        let stored = client
            .upload_file("big.bin", bytes_of(GIB))
            .await
            .expect("stored");
        assert_eq!(stored.size as u64, GIB);
        let upload_mib = peak_rss_mib();

        assert_eq!(read_generated(&client).await, EVENTS);
        assert_eq!(read_by_hand(&http, &hand_url).await, EVENTS);
        let (mut generated, mut hand) = (Vec::new(), Vec::new());
        // Interleaved rounds, so drift in machine load hits both sides alike.
        for _ in 0..ROUNDS {
            let start = Instant::now();
            read_generated(&client).await;
            generated.push(start.elapsed());
            let start = Instant::now();
            read_by_hand(&http, &hand_url).await;
            hand.push(start.elapsed());
        }
        // Last: the disk's writing-back of the temporary file would slow the events down.
        reset_peak_rss();
        let file =
            codegen_tests::runtime::FilePart::from_stream(bytes_of(GIB)).file_name("big.bin");
        let form = types::CreateFileRequest::new(file);
        let stored = client.create_file(&form).await.expect("stored");
        assert_eq!(stored.size as u64, GIB);
        let multipart_mib = peak_rss_mib();
        (
            download_mib,
            upload_mib,
            multipart_mib,
            (support::median(generated), support::median(hand)),
        )
    });
    report([download_mib, upload_mib, multipart_mib], seconds);
}

fn report(
    [download_mib, upload_mib, multipart_mib]: [f64; 3],
    (generated, hand): (Duration, Duration),
) {
    let per_second = |d: Duration| EVENTS as f64 / d.as_secs_f64();
    let ratio = per_second(generated) / per_second(hand);
    println!("streamed bodies: peak resident memory of the whole process (client and server)");
    println!("| 1 GiB through the generated client | peak RSS (MiB) |");
    println!("|---|---|");
    println!("| download | {download_mib:.1} |");
    println!("| upload | {upload_mib:.1} |");
    println!("| multipart file part (kept in a temporary file) | {multipart_mib:.1} |");
    println!("server-sent events ({EVENTS} ticks, median of {ROUNDS} rounds)");
    println!("| pair | events/s |");
    println!("|---|---|");
    println!(
        "| generated server and client | {:.0} |",
        per_second(generated)
    );
    println!(
        "| axum Sse and hand-written reqwest | {:.0} |",
        per_second(hand)
    );
    println!("ratio generated / hand-written: {ratio:.3} (target >= 0.90); memory target < 64 MiB");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir).expect("bench dir");
    let result = serde_json::json!({
        "benchmark": "streaming",
        "download_peak_rss_mib": download_mib,
        "upload_peak_rss_mib": upload_mib,
        "multipart_peak_rss_mib": multipart_mib,
        "generated_events_per_s": per_second(generated),
        "hand_written_events_per_s": per_second(hand),
        "ratio": ratio,
    });
    std::fs::write(dir.join("streaming.json"), format!("{result}\n")).expect("written");
}
