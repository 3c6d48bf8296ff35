//! Per-call overhead of a generated client call against a hand-written reqwest call doing the
//! same request (same headers, same JSON body, same decoding) to the same local server.
//!
//! Run with `cargo xtask bench`. Prints a table and writes `target/bench/client_overhead.json`.

use std::time::Instant;

use generated::flexprice::{
    self, types::CreateUserRequest, types::CreateUserResponse, types::UserType,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod support;

const RESPONSE_BODY: &str = r#"{"id":"u1","email":"a@b.co","roles":["admin"],"type":"service_account","tenant":{"id":"t1","name":"Acme","metadata":{"k":"v"}}}"#;
const CALLS_PER_ROUND: usize = 2000;
const ROUNDS: usize = 11;

/// A minimal keep-alive HTTP/1.1 server that answers every request with the same 201.
fn start_server() -> std::net::SocketAddr {
    let addresses = support::serve_in_background(1, |mut listeners| async move {
        let listener = listeners.remove(0);
        loop {
            let Ok((socket, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(answer_every_request(socket));
        }
    });
    addresses[0]
}

/// Reads requests off one connection and answers each with the same 201.
async fn answer_every_request(mut socket: tokio::net::TcpStream) {
    let response = format!(
        "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{RESPONSE_BODY}",
        RESPONSE_BODY.len()
    );
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request: headers, then content-length bytes of body.
        let request_end = loop {
            if let Some(end) = support::message_end(&buffer) {
                break end;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        buffer.drain(..request_end);
        if socket.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

async fn hand_written(
    http: &reqwest::Client,
    url: &str,
    body: &CreateUserRequest,
) -> CreateUserResponse {
    let response = http
        .post(url)
        .header("x-api-key", "bench-key")
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).expect("encodes"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 201);
    let bytes = response.bytes().await.expect("read");
    serde_json::from_slice(&bytes).expect("decodes")
}

fn main() {
    let address = start_server();
    let base = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut body = CreateUserRequest::new(UserType::ServiceAccount);
    body.roles = Some(vec!["admin".into(), "billing".into()]);

    let generated_client = flexprice::Client::new(
        flexprice::Server::Custom(base.clone()),
        flexprice::Credentials::new("bench-key"),
    )
    .expect("client");
    let http = reqwest::Client::new();
    let url = format!("{base}/users");

    let (generated_times, hand_times) = runtime.block_on(async {
        for _ in 0..500 {
            generated_client.create_user(&body).await.expect("call");
            hand_written(&http, &url, &body).await;
        }
        let mut generated_times = Vec::new();
        let mut hand_times = Vec::new();
        // Interleaved rounds, so drift in machine load hits both sides alike.
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..CALLS_PER_ROUND {
                generated_client.create_user(&body).await.expect("call");
            }
            generated_times.push(start.elapsed() / CALLS_PER_ROUND as u32);
            let start = Instant::now();
            for _ in 0..CALLS_PER_ROUND {
                hand_written(&http, &url, &body).await;
            }
            hand_times.push(start.elapsed() / CALLS_PER_ROUND as u32);
        }
        (generated_times, hand_times)
    });
    let generated = support::median(generated_times);
    let hand = support::median(hand_times);
    let ratio = generated.as_secs_f64() / hand.as_secs_f64();
    println!("client call overhead (Flexprice create_user, {ROUNDS} rounds x {CALLS_PER_ROUND} calls, median per call)");
    println!("| client | per call (us) |");
    println!("|---|---|");
    println!("| generated | {:.1} |", generated.as_secs_f64() * 1e6);
    println!("| hand-written reqwest | {:.1} |", hand.as_secs_f64() * 1e6);
    println!("ratio generated / hand-written: {ratio:.3} (target <= 1.05)");

    support::write_result("client_overhead", generated, hand);
}
