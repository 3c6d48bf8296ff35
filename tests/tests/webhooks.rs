//! The generated receivers of webhooks and callbacks (fixture `webhooks`) on 127.0.0.1: a
//! request reaches the `Webhooks` implementation typed, wherever its route is mounted, and one
//! that breaks the spec is refused as the API's own server refuses it.

use std::sync::{Arc, Mutex};

use codegen_tests::serve;
use codegen_tests::webhooks::{types, webhooks as hooks};
use serde_json::{json, Value};

/// What the receiver was handed, in order.
#[derive(Debug, PartialEq)]
enum Seen {
    Adopted(hooks::PetAdoptedInput),
    Stock(hooks::InventoryPostInput),
    Cleared,
    Event(hooks::SubscribeOnEventInput),
    Status(hooks::StatusChangeInput),
}

#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Receiver {
    fn push(&self, seen: Seen) {
        self.seen.lock().expect("not poisoned").push(seen);
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.seen.lock().expect("not poisoned"))
    }
}

impl hooks::Webhooks for Receiver {
    async fn pet_adopted(&self, input: hooks::PetAdoptedInput) -> hooks::PetAdoptedResponse {
        self.push(Seen::Adopted(input));
        hooks::PetAdoptedResponse::Status200(types::PetAdoptedResponse200::new(true))
    }

    async fn inventory_post(
        &self,
        input: hooks::InventoryPostInput,
    ) -> hooks::InventoryPostResponse {
        self.push(Seen::Stock(input));
        hooks::InventoryPostResponse::Status204
    }

    async fn inventory_delete(
        &self,
        _input: hooks::InventoryDeleteInput,
    ) -> hooks::InventoryDeleteResponse {
        self.push(Seen::Cleared);
        hooks::InventoryDeleteResponse::Status204
    }

    async fn subscribe_on_event(
        &self,
        input: hooks::SubscribeOnEventInput,
    ) -> hooks::SubscribeOnEventResponse {
        let deleted = input.body.kind == types::SubscribeOnEventRequestKind::Deleted;
        self.push(Seen::Event(input));
        if deleted {
            hooks::SubscribeOnEventResponse::Status410
        } else {
            hooks::SubscribeOnEventResponse::Status204
        }
    }

    async fn status_change(&self, input: hooks::StatusChangeInput) -> hooks::StatusChangeResponse {
        self.push(Seen::Status(input));
        hooks::StatusChangeResponse::Status202
    }
}

/// Sends a request; returns the status and the JSON body (`null` when there is none).
async fn send(
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new()
        .request(method, url)
        .body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("read");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn a_webhook_arrives_typed_under_the_path_the_router_is_nested_at() {
    let receiver = Receiver::default();
    let app = axum::Router::new().nest("/hooks", hooks::router(receiver.clone()));
    let base = serve(app).await;
    let delivery = "0b989ba4-242f-11e5-81e1-c7b6966d2516";
    let (status, body) = send(
        reqwest::Method::POST,
        &format!("{base}/hooks/pet_adopted"),
        &[JSON, ("x-delivery", delivery)],
        r#"{"id": 7, "name": "Rex", "tag": null, "unknown": 1}"#,
    )
    .await;
    assert_eq!((status, body), (200, json!({"received": true})));
    let expected = hooks::PetAdoptedInput {
        x_delivery: Some(delivery.parse().expect("a UUID")),
        body: types::Pet {
            tag: Some(None),
            ..types::Pet::new(7, "Rex".into())
        },
    };
    assert_eq!(receiver.take(), [Seen::Adopted(expected)]);
    // Both methods of one webhook share its route.
    let url = format!("{base}/hooks/inventory");
    let (status, _) = send(reqwest::Method::DELETE, &url, &[], "").await;
    assert_eq!(status, 204);
    let (status, _) = send(reqwest::Method::POST, &url, &[JSON], r#"{"count": 3}"#).await;
    assert_eq!(status, 204);
    let stock = hooks::InventoryPostInput {
        body: Some(types::InventoryPostRequest { count: Some(3) }),
    };
    assert_eq!(receiver.take(), [Seen::Cleared, Seen::Stock(stock)]);
}

#[tokio::test]
async fn a_body_that_breaks_the_schema_is_refused_before_the_receiver_runs() {
    let receiver = Receiver::default();
    let base = serve(hooks::router(receiver.clone())).await;
    let url = format!("{base}/pet_adopted");
    let post = |headers: &'static [(&'static str, &'static str)], body: &'static str| {
        send(reqwest::Method::POST, &url, headers, body)
    };
    let (status, body) = post(&[JSON], r#"{"id": 0, "name": ""}"#).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (422, &json!("validation_failed"))
    );
    let broken: Vec<(&str, &str)> = body["error"]["violations"]
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| (v["path"].as_str().unwrap(), v["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(broken, [("id", "minimum"), ("name", "minLength")]);
    let (status, body) = post(&[JSON], r#"{"id": "seven", "name": "Rex"}"#).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("invalid_body"))
    );
    let (status, body) = post(&[("content-type", "text/plain")], r#"{"id": 1}"#).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (415, &json!("unsupported_media_type"))
    );
    let (status, body) = post(&[JSON], "").await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("missing_body"))
    );
    let (status, body) = post(
        &[JSON, ("x-delivery", "not-a-uuid")],
        r#"{"id": 1, "name": "Rex"}"#,
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("invalid_parameter"))
    );
    assert_eq!(receiver.take(), []);
}

#[tokio::test]
async fn a_callback_is_served_wherever_its_route_is_mounted_and_checks_its_headers() {
    let receiver = Receiver::default();
    let routes = hooks::Routes::new(receiver.clone());
    let app = axum::Router::new()
        .route("/pets/events", routes.subscribe_on_event)
        .route("/pets/events/status", routes.status_change);
    let base = serve(app).await;
    let url = format!("{base}/pets/events");
    let event = r#"{"kind": "deleted", "pet": {"id": 2, "name": "Tom"}}"#;
    let signed = [JSON, ("x-signature", "sha256=0123")];
    let (status, _) = send(reqwest::Method::POST, &url, &signed, event).await;
    assert_eq!(status, 410);
    let (status, body) = send(reqwest::Method::POST, &url, &[JSON], event).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (400, &json!("missing_parameter"))
    );
    let short = [JSON, ("x-signature", "short")];
    let (status, body) = send(reqwest::Method::POST, &url, &short, event).await;
    assert_eq!(
        (status, &body["error"]["violations"][0]["path"]),
        (422, &json!("X-Signature"))
    );
    let (status, _) = send(reqwest::Method::GET, &url, &signed, "").await;
    assert_eq!(status, 405);
    let status_url = format!("{base}/pets/events/status");
    let text = [("content-type", "text/plain")];
    let (status, _) = send(reqwest::Method::POST, &status_url, &text, "paused").await;
    assert_eq!(status, 202);
    let tom = types::Pet::new(2, "Tom".into());
    let event = hooks::SubscribeOnEventInput {
        x_signature: "sha256=0123".into(),
        body: types::SubscribeOnEventRequest::new(types::SubscribeOnEventRequestKind::Deleted, tom),
    };
    let paused = hooks::StatusChangeInput {
        body: Some("paused".to_owned()),
    };
    assert_eq!(receiver.take(), [Seen::Event(event), Seen::Status(paused)]);
}
