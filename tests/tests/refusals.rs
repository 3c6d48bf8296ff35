//! Requests the router refuses are answered in the spec's own terms: with the status and body
//! type the operation documents where one fits (`tests/fixtures/refusals.yaml`), through the
//! `rejection_body` method an implementation may override, and as before where nothing fits.

use codegen_tests::refusals::{client, server, types, Credentials};
use codegen_tests::runtime::server::Rejection;
use codegen_tests::serve;
use serde_json::{json, Value};

/// The answers of the handlers; refusals never reach them.
struct Fake;

impl server::Api for Fake {
    async fn list_things(&self, _: server::ListThingsInput) -> server::ListThingsResponse {
        server::ListThingsResponse::Status200(Vec::new())
    }
    async fn create_thing(&self, input: server::CreateThingInput) -> server::CreateThingResponse {
        server::CreateThingResponse::Status201(input.body)
    }
    async fn get_thing(&self, input: server::GetThingInput) -> server::GetThingResponse {
        server::GetThingResponse::Status200(types::Thing::new(input.id.to_string()))
    }
    async fn replace_thing(
        &self,
        input: server::ReplaceThingInput,
    ) -> server::ReplaceThingResponse {
        server::ReplaceThingResponse::Status200(input.body)
    }
    async fn rename_thing(&self, _: server::RenameThingInput) -> server::RenameThingResponse {
        server::RenameThingResponse::Status204
    }
    async fn archive_thing(&self, _: server::ArchiveThingInput) -> server::ArchiveThingResponse {
        server::ArchiveThingResponse::Status204
    }
    async fn ping(&self, _: server::PingInput) -> server::PingResponse {
        server::PingResponse::Status200
    }
}

/// [`Fake`], with its own say in the bodies of refusals.
struct Branded;

impl server::Api for Branded {
    async fn list_things(&self, input: server::ListThingsInput) -> server::ListThingsResponse {
        Fake.list_things(input).await
    }
    async fn create_thing(&self, input: server::CreateThingInput) -> server::CreateThingResponse {
        Fake.create_thing(input).await
    }
    async fn get_thing(&self, input: server::GetThingInput) -> server::GetThingResponse {
        Fake.get_thing(input).await
    }
    async fn replace_thing(
        &self,
        input: server::ReplaceThingInput,
    ) -> server::ReplaceThingResponse {
        Fake.replace_thing(input).await
    }
    async fn rename_thing(&self, input: server::RenameThingInput) -> server::RenameThingResponse {
        Fake.rename_thing(input).await
    }
    async fn archive_thing(
        &self,
        input: server::ArchiveThingInput,
    ) -> server::ArchiveThingResponse {
        Fake.archive_thing(input).await
    }
    async fn ping(&self, input: server::PingInput) -> server::PingResponse {
        Fake.ping(input).await
    }

    fn rejection_body(
        &self,
        operation: server::Operation,
        rejection: &Rejection,
        body: server::RejectionBody<'_>,
    ) {
        use server::RejectionBody as Body;
        match body {
            Body::Problem(Some(problem)) => {
                problem.message = Some(format!("{operation:?}: {}", rejection.message));
            }
            Body::Traced(traced) => {
                *traced = Some(types::Traced {
                    message: rejection.message.clone(),
                    trace_id: format!("trace-{}", rejection.status),
                });
            }
            // The rejection's JSON error instead of the envelope.
            Body::Envelope(envelope) => *envelope = None,
            _ => {}
        }
    }
}

/// What came back: status, content type, the `WWW-Authenticate` challenge and the body.
struct Answer {
    status: u16,
    content_type: String,
    challenge: Option<String>,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|_| panic!("not JSON: {}", self.text))
    }

    fn decode<T: serde::de::DeserializeOwned>(&self) -> T {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not the documented body ({err}): {}", self.text))
    }
}

async fn send(method: &str, url: String, headers: &[(&str, &str)], body: &str) -> Answer {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = reqwest::Client::new()
        .request(method, url)
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("sent");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().expect("text").to_owned())
    };
    let (content_type, challenge) = (header("content-type"), header("www-authenticate"));
    Answer {
        status: response.status().as_u16(),
        content_type: content_type.unwrap_or_default(),
        challenge,
        text: response.text().await.expect("read"),
    }
}

const JSON: (&str, &str) = ("content-type", "application/json");
const KEY: (&str, &str) = ("x-key", "k");

#[tokio::test]
async fn a_documented_400_answers_malformed_and_rule_breaking_requests_with_its_body() {
    let base = serve(server::router(Fake)).await;
    let url = || format!("{base}/things");

    let malformed = send("POST", url(), &[JSON, KEY], r#"{"name": 5}"#).await;
    assert_eq!(
        (malformed.status, malformed.content_type.as_str()),
        (400, "application/json")
    );
    let problem: types::Problem = malformed.decode();
    assert_eq!(problem.code, Some(types::ProblemCode::InvalidInput));
    assert_eq!(problem.status, Some(400));
    assert!(
        problem.message.as_deref().unwrap().starts_with("at `name`"),
        "{problem:?}"
    );

    // A broken rule (422) takes the only documented status that fits, 400, and tells it so.
    let too_long = send("POST", url(), &[JSON, KEY], r#"{"name": "far too long"}"#).await;
    assert_eq!(too_long.status, 400);
    let problem: types::Problem = too_long.decode();
    assert_eq!(problem.status, Some(400));
    assert!(
        problem.message.as_deref().unwrap().contains("name"),
        "{problem:?}"
    );

    let not_json = send("POST", url(), &[("content-type", "text/plain"), KEY], "{}").await;
    assert_eq!(not_json.status, 400);
    assert_eq!(
        not_json.decode::<types::Problem>().code,
        Some(types::ProblemCode::InvalidInput)
    );

    // The documented 401 has no body; it still says how to authenticate.
    let anonymous = send("POST", url(), &[JSON], r#"{"name": "a"}"#).await;
    assert_eq!((anonymous.status, anonymous.text.as_str()), (401, ""));
    assert_eq!(anonymous.challenge.as_deref(), Some("Bearer"));
}

#[tokio::test]
async fn the_generated_client_reads_a_refusal_as_the_documented_error() {
    let base = serve(server::router(Fake)).await;
    let client = client::Client::new(client::Server::Custom(base), Credentials::new("k")).unwrap();
    let refused = client
        .create_thing(&types::Thing::new("far too long".into()))
        .await
        .unwrap_err();
    let codegen_tests::runtime::client::Error::Api(client::CreateThingError::Status400(problem)) =
        refused
    else {
        panic!("not the documented 400: {refused:?}")
    };
    assert_eq!(problem.code, Some(types::ProblemCode::InvalidInput));
}

#[tokio::test]
async fn an_operation_documenting_422_answers_broken_rules_with_it_and_the_rest_with_400() {
    let base = serve(server::router(Fake)).await;
    let broken = send(
        "PUT",
        format!("{base}/things/1"),
        &[JSON],
        r#"{"name": "far too long"}"#,
    )
    .await;
    assert_eq!(broken.status, 422);
    let invalid: types::Invalid = broken.decode();
    assert_eq!(invalid.error_code.as_deref(), Some("validation_failed"));
    assert!(invalid.detail.contains("name"), "{invalid:?}");

    let malformed = send(
        "PUT",
        format!("{base}/things/x"),
        &[JSON],
        r#"{"name": "a"}"#,
    )
    .await;
    assert_eq!(malformed.status, 400);
    let problem: types::Problem = malformed.decode();
    assert!(
        problem.message.as_deref().unwrap().contains("`id`"),
        "{problem:?}"
    );
}

#[tokio::test]
async fn a_4xx_range_answers_with_the_status_refused_and_the_range_body() {
    let base = serve(server::router(Fake)).await;
    let over = send("GET", format!("{base}/things/1?limit=50"), &[], "").await;
    assert_eq!(over.status, 422);
    let envelope: types::Envelope = over.decode();
    assert_eq!(envelope.error.code.as_deref(), Some("validation_failed"));

    let bad_id = send("GET", format!("{base}/things/x"), &[], "").await;
    assert_eq!(bad_id.status, 400);
    assert_eq!(
        bad_id.decode::<types::Envelope>().error.code.as_deref(),
        Some("invalid_parameter")
    );
}

#[tokio::test]
async fn an_operation_documenting_only_default_answers_with_default() {
    let base = serve(server::router(Fake)).await;
    let zero = send("GET", format!("{base}/things?page=0"), &[], "").await;
    assert_eq!(
        (zero.status, zero.content_type.as_str()),
        (422, "application/problem+json")
    );
    let problem: types::Problem = zero.decode();
    assert_eq!(
        (problem.status, problem.code),
        (Some(422), Some(types::ProblemCode::InvalidInput))
    );
}

#[tokio::test]
async fn a_documented_text_body_carries_the_message() {
    let base = serve(server::router(Fake)).await;
    let answer = send("PUT", format!("{base}/things/x/name"), &[], "new name").await;
    assert_eq!(
        (answer.status, answer.content_type.as_str()),
        (400, "text/plain")
    );
    assert!(
        answer.text.starts_with("path parameter `id`"),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn a_body_no_rejection_fills_is_the_json_error_with_the_documented_status() {
    let base = serve(server::router(Fake)).await;
    let answer = send("POST", format!("{base}/things/x/archive"), &[], "").await;
    assert_eq!(answer.status, 400);
    let error = &answer.json()["error"];
    assert_eq!(
        (&error["status"], &error["code"]),
        (&json!(400), &json!("invalid_parameter"))
    );
}

#[tokio::test]
async fn an_operation_documenting_no_error_keeps_the_runtime_statuses_and_error() {
    let base = serve(server::router(Fake)).await;
    let broken = send(
        "POST",
        format!("{base}/ping"),
        &[JSON],
        r#"{"name": "far too long"}"#,
    )
    .await;
    assert_eq!(broken.status, 422);
    let error = &broken.json()["error"];
    assert_eq!(error["code"], "validation_failed");
    assert_eq!(error["violations"][0]["path"], "name");
    let malformed = send("POST", format!("{base}/ping"), &[JSON], "{}").await;
    assert_eq!(
        (malformed.status, &malformed.json()["error"]["code"]),
        (400, &json!("invalid_body"))
    );
}

#[tokio::test]
async fn the_implementation_changes_replaces_or_drops_the_body() {
    let base = serve(server::router(Branded)).await;
    let changed = send(
        "POST",
        format!("{base}/things"),
        &[JSON, KEY],
        r#"{"name": 5}"#,
    )
    .await;
    let problem: types::Problem = changed.decode();
    assert!(
        problem
            .message
            .as_deref()
            .unwrap()
            .starts_with("CreateThing: at `name`"),
        "{problem:?}"
    );
    assert_eq!(
        problem.code,
        Some(types::ProblemCode::InvalidInput),
        "the rest stays"
    );

    let built = send("POST", format!("{base}/things/x/archive"), &[], "").await;
    assert_eq!(built.status, 400);
    assert_eq!(
        built.decode::<types::Traced>().trace_id,
        "trace-400",
        "sees the status sent"
    );

    let dropped = send("GET", format!("{base}/things/1?limit=50"), &[], "").await;
    assert_eq!(
        (dropped.status, &dropped.json()["error"]["code"]),
        (422, &json!("validation_failed"))
    );
}

#[tokio::test]
async fn accept_and_content_type_parameters_are_negotiation_not_rules() {
    let base = serve(server::router(Fake)).await;
    let body = r#"{"name": "ok"}"#;
    for accept in ["*/*", "application/pdf", "text/html, */*;q=0.8"] {
        let answer = send(
            "POST",
            format!("{base}/ping"),
            &[JSON, ("accept", accept)],
            body,
        )
        .await;
        assert_eq!(answer.status, 200, "Accept: {accept}: {}", answer.text);
    }
}

/// An optional body may be left out; sent, it is held to its schema, `null` included.
#[tokio::test]
async fn an_optional_body_is_absent_or_what_its_schema_says() {
    let base = serve(server::router(Fake)).await;
    let url = || format!("{base}/things/7/archive");
    for body in ["", r#"{"reason": "done"}"#] {
        let answer = send("POST", url(), &[JSON], body).await;
        assert_eq!(answer.status, 204, "{body:?}: {}", answer.text);
    }
    for body in ["null", "[1]"] {
        let refused = send("POST", url(), &[JSON], body).await;
        assert_eq!(refused.status, 400, "{body:?}: {}", refused.text);
    }
}
