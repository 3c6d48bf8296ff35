//! What the fake server's methods share: building an answer from candidates, and the 500 for
//! one that cannot be built. Copied beside the fake's `main.rs` as `support.rs`.

// A crate whose answers are all raw bytes (EC2's XML) builds no JSON answer.
#![allow(dead_code)]

use crate::api_crate::runtime::Validate;

/// The first candidate (JSON text) that decodes into `T` and keeps its rules.
pub fn answer<T: serde::de::DeserializeOwned + Validate>(candidates: &[&str]) -> Result<T, String> {
    let mut why = Vec::new();
    for candidate in candidates {
        match serde_json::from_str::<T>(candidate) {
            Ok(value) => match value.validate() {
                Ok(()) => return Ok(value),
                Err(broken) => why.push(format!("{candidate}: {broken}")),
            },
            Err(err) => why.push(format!("{candidate}: {err}")),
        }
    }
    Err(why.join("; "))
}

/// A 500 for an answer the fake could not build, reported on stderr.
pub fn broken(operation: &str, why: &str) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    eprintln!("fake-broken {operation}: {why}");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        why.to_owned(),
    )
        .into_response()
}
