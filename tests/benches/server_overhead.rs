//! Per-request overhead of a generated axum handler against a hand-written axum handler doing
//! the same work: check the API key, decode and validate the JSON body, answer 201 with JSON.
//! One raw keep-alive HTTP/1.1 connection drives each server on 127.0.0.1, so the client adds
//! as little as possible to what is measured.
//!
//! Run with `cargo xtask bench`. Prints a table and writes `target/bench/server_overhead.json`.

use std::net::SocketAddr;
use std::time::Instant;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use generated::flexprice::server::{self, CreateUserInput};
use generated::flexprice::types::{
    CreateUserRequest, CreateUserResponse, TenantResponse, UserType,
};
use generated::runtime::Validate as _;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod support;

const REQUEST_BODY: &str =
    r#"{"type":"service_account","roles":["admin","billing"],"email":"ops@example.com"}"#;
const REQUESTS_PER_ROUND: usize = 4000;
const ROUNDS: usize = 11;

fn created_user() -> CreateUserResponse {
    CreateUserResponse {
        id: Some("u1".into()),
        email: Some("ops@example.com".into()),
        roles: Some(vec!["admin".into(), "billing".into()]),
        type_: Some(UserType::ServiceAccount),
        tenant: Some(TenantResponse {
            id: Some("t1".into()),
            name: Some("Acme".into()),
            ..TenantResponse::default()
        }),
        ..CreateUserResponse::default()
    }
}

struct Generated;

impl server::Api for Generated {
    async fn create_user(&self, input: CreateUserInput) -> server::CreateUserResponse {
        std::hint::black_box(&input.body);
        server::CreateUserResponse::Status201(created_user())
    }
}

/// What a developer would write by hand with axum's extractors.
async fn hand_written(headers: HeaderMap, body: axum::Json<CreateUserRequest>) -> Response {
    if headers.get("x-api-key").is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if body.validate().is_err() {
        return StatusCode::UNPROCESSABLE_ENTITY.into_response();
    }
    std::hint::black_box(&body.0);
    (StatusCode::CREATED, axum::Json(created_user())).into_response()
}

/// Serves both routers from one thread of their own; returns (generated, hand-written).
fn start_servers() -> (SocketAddr, SocketAddr) {
    let addresses = support::serve_in_background(2, |listeners| async move {
        let [generated, hand] = <[_; 2]>::try_from(listeners).expect("two listeners");
        let hand_router = axum::Router::new().route("/users", axum::routing::post(hand_written));
        tokio::spawn(async move { axum::serve(hand, hand_router).await });
        axum::serve(generated, server::router(Generated)).await
    });
    (addresses[0], addresses[1])
}

/// One keep-alive connection that sends the same request again and again.
struct Connection {
    socket: TcpStream,
    request: Vec<u8>,
    buffer: Vec<u8>,
}

impl Connection {
    async fn open(address: SocketAddr) -> Connection {
        let socket = TcpStream::connect(address).await.expect("connect");
        socket.set_nodelay(true).expect("nodelay");
        let request = format!(
            "POST /users HTTP/1.1\r\nhost: {address}\r\nx-api-key: bench-key\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{REQUEST_BODY}",
            REQUEST_BODY.len()
        );
        Connection {
            socket,
            request: request.into_bytes(),
            buffer: Vec::with_capacity(4096),
        }
    }

    async fn round_trip(&mut self) {
        self.socket.write_all(&self.request).await.expect("sent");
        let mut chunk = [0u8; 4096];
        let end = loop {
            if let Some(end) = support::message_end(&self.buffer) {
                break end;
            }
            let read = self.socket.read(&mut chunk).await.expect("read");
            assert!(read > 0, "the server closed the connection");
            self.buffer.extend_from_slice(&chunk[..read]);
        };
        assert!(
            self.buffer.starts_with(b"HTTP/1.1 201"),
            "unexpected response: {}",
            String::from_utf8_lossy(&self.buffer[..end])
        );
        self.buffer.drain(..end);
    }
}

fn main() {
    let (generated_address, hand_address) = start_servers();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (generated_times, hand_times) = runtime.block_on(async {
        let mut generated = Connection::open(generated_address).await;
        let mut hand = Connection::open(hand_address).await;
        for _ in 0..1000 {
            generated.round_trip().await;
            hand.round_trip().await;
        }
        let mut generated_times = Vec::new();
        let mut hand_times = Vec::new();
        // Interleaved rounds, so drift in machine load hits both sides alike.
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..REQUESTS_PER_ROUND {
                generated.round_trip().await;
            }
            generated_times.push(start.elapsed() / REQUESTS_PER_ROUND as u32);
            let start = Instant::now();
            for _ in 0..REQUESTS_PER_ROUND {
                hand.round_trip().await;
            }
            hand_times.push(start.elapsed() / REQUESTS_PER_ROUND as u32);
        }
        (generated_times, hand_times)
    });
    let generated = support::median(generated_times);
    let hand = support::median(hand_times);
    println!("server handler overhead (Flexprice create_user, {ROUNDS} rounds x {REQUESTS_PER_ROUND} requests, median per request)");
    println!("| server | per request (us) |");
    println!("|---|---|");
    println!("| generated | {:.1} |", generated.as_secs_f64() * 1e6);
    println!("| hand-written axum | {:.1} |", hand.as_secs_f64() * 1e6);
    println!(
        "ratio generated / hand-written: {:.3} (target <= 1.05)",
        generated.as_secs_f64() / hand.as_secs_f64()
    );
    support::write_result("server_overhead", generated, hand);
}
