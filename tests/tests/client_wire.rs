//! The generated clients against a real HTTP server on 127.0.0.1 (wiremock): what goes on the
//! wire, and how every documented and undocumented answer comes back.

use std::time::Duration;

use generated::runtime::client::{Error, RetryPolicy};
use generated::{alloy_connectivity, alloy_embedded, flexprice, yuno};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Makes `server` answer requests to `at` with `response`.
async fn answer_at(server: &MockServer, at: &str, response: ResponseTemplate) {
    Mock::given(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

/// Answers requests to `at` with `status` and a JSON body.
async fn answer_json(server: &MockServer, at: &str, status: u16, body: Value) {
    answer_at(
        server,
        at,
        ResponseTemplate::new(status).set_body_json(body),
    )
    .await;
}

async fn server_answering(status: u16, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// A server that answers every request with `status` and no body.
async fn server_with_status(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    requests.remove(0)
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn body_json(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("the body is JSON")
}

fn flexprice_client(server: &MockServer) -> flexprice::Client {
    flexprice::Client::new(
        flexprice::Server::Custom(server.uri()),
        flexprice::Credentials::new("fp-key"),
    )
    .unwrap()
}

/// The error of creating a plain user against `server`.
async fn failed_create_user(server: &MockServer) -> Error<flexprice::client::CreateUserError> {
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    flexprice_client(server)
        .create_user(&request)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn flexprice_create_user_sends_key_and_body_and_decodes_201() {
    let server = server_answering(
        201,
        json!({"id": "u1", "password": "s3cret", "type": "service_account", "tenant": {"metadata": {"k": "v"}}}),
    )
    .await;
    let mut request =
        flexprice::types::CreateUserRequest::new(flexprice::types::UserType::ServiceAccount);
    request.roles = Some(vec!["admin".into()]);
    let created = flexprice_client(&server)
        .create_user(&request)
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some("u1"));
    assert_eq!(created.tenant.unwrap().metadata.unwrap()["k"], "v");
    assert!(!format!("{:?}", created.password).is_empty());

    let sent = only_request(&server).await;
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(sent.url.path(), "/users");
    assert_eq!(header(&sent, "x-api-key"), Some("fp-key"));
    assert_eq!(header(&sent, "content-type"), Some("application/json"));
    assert_eq!(header(&sent, "accept"), Some("application/json"));
    assert_eq!(header(&sent, "authorization"), None);
    assert_eq!(
        body_json(&sent),
        json!({"type": "service_account", "roles": ["admin"]})
    );
}

#[tokio::test]
async fn the_accepted_media_types_are_the_documented_ones_unless_the_client_says() {
    let server = server_answering(201, json!({"id": "u1"})).await;
    let client = flexprice::Client::builder(flexprice::Server::Custom(server.uri()))
        .credentials(flexprice::Credentials::new("k"))
        .default_header("accept", "application/vnd.test+json")
        .build()
        .unwrap();
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    client.create_user(&request).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "accept"), Some("application/vnd.test+json"));
}

#[tokio::test]
async fn flexprice_errors_are_chosen_by_status_not_by_body_shape() {
    for status in [400u16, 500] {
        let server = server_answering(
            status,
            json!({"code": "validation_error", "message": "bad"}),
        )
        .await;
        let err = failed_create_user(&server).await;
        match (status, err) {
            (400, Error::Api(flexprice::client::CreateUserError::Status400(e)))
            | (500, Error::Api(flexprice::client::CreateUserError::Status500(e))) => {
                assert_eq!(
                    e.code,
                    Some(flexprice::types::ErrorResponseCode::ValidationError)
                );
            }
            (_, other) => panic!("status {status} gave {other:?}"),
        }
    }
}

#[tokio::test]
async fn flexprice_servers_are_a_typed_choice() {
    assert_eq!(
        flexprice::Server::UsRegion.url(),
        "https://us.api.flexprice.io/v1"
    );
    assert_eq!(
        flexprice::Server::IndiaRegion.url(),
        "https://api.cloud.flexprice.io/v1"
    );
    let client = flexprice::Client::new(
        flexprice::Server::UsRegion,
        flexprice::Credentials::new("secret-key"),
    )
    .unwrap();
    let debug = format!("{client:?}");
    assert!(!debug.contains("secret-key"), "{debug}");
}

#[tokio::test]
async fn yuno_sends_both_keys_and_needs_both() {
    let server = server_answering(
        201,
        json!({"id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "email": "a@b.co"}),
    )
    .await;
    let client = yuno::Client::new(
        yuno::Server::Custom(server.uri()),
        yuno::Credentials::new("pub", "priv"),
    )
    .unwrap();
    let mut body = yuno::types::CreateUserRequest::new("a@b.co".into(), "Ada".into(), "L".into());
    body.account_permissions = Some(vec![
        yuno::types::CreateUserRequestAccountPermissionsItem::new(
            "7d444840-9dc0-11d1-b245-5ffdce74fad2".parse().unwrap(),
            "r1".into(),
        ),
    ]);
    let created = client.create_user(&body).await.unwrap();
    assert_eq!(
        created.id.unwrap().to_string(),
        "7d444840-9dc0-11d1-b245-5ffdce74fad2"
    );
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/organizations/users");
    assert_eq!(header(&sent, "public-api-key"), Some("pub"));
    assert_eq!(header(&sent, "private-secret-key"), Some("priv"));
    assert_eq!(
        body_json(&sent),
        json!({"email": "a@b.co", "first_name": "Ada", "last_name": "L",
               "account_permissions": [{"account_id": "7d444840-9dc0-11d1-b245-5ffdce74fad2", "role_id": "r1"}]})
    );

    // One key alone does not satisfy an AND requirement: nothing is sent.
    let server = server_answering(201, json!({})).await;
    let half = yuno::Credentials::default().with_public_api_key("pub");
    let client = yuno::Client::new(yuno::Server::Custom(server.uri()), half).unwrap();
    let err = client.create_user(&body).await.unwrap_err();
    assert!(
        matches!(&err, Error::MissingCredentials { needed } if needed == "sec0 and sec1"),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn alloy_client(server: &MockServer) -> alloy_embedded::ClientBuilder {
    alloy_embedded::Client::builder(alloy_embedded::Server::Custom(server.uri()))
        .credentials(alloy_embedded::Credentials::new("alloy-key"))
}

fn alloy(server: &MockServer) -> alloy_embedded::Client {
    alloy_client(server).build().unwrap()
}

#[tokio::test]
async fn alloy_embedded_sends_the_version_header_and_the_key_never_the_placeholder() {
    let server = server_answering(200, json!({"userId": "xyz"})).await;
    let body = alloy_embedded::types::CreateAUserRequest::new("ada@example.com".into());
    let created = alloy(&server).create_a_user(Some(&body)).await.unwrap();
    assert_eq!(created.user_id.as_deref(), Some("xyz"));
    let sent = only_request(&server).await;
    assert_eq!((sent.method.as_str(), sent.url.path()), ("POST", "/users/"));
    assert_eq!(header(&sent, "authorization"), Some("Bearer alloy-key"));
    assert_eq!(header(&sent, "x-api-version"), Some("2025-09"));
    assert_eq!(body_json(&sent), json!({"username": "ada@example.com"}));

    // The version can be pinned for the whole client.
    let server = server_answering(200, json!({})).await;
    let client = alloy_client(&server)
        .default_header("x-api-version", "2024-06")
        .build()
        .unwrap();
    client.create_a_user(None).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "x-api-version"), Some("2024-06"));
    assert!(sent.body.is_empty());

    // Without a key the call fails before anything is sent.
    let server = server_answering(200, json!({})).await;
    let client = alloy_embedded::Client::builder(alloy_embedded::Server::Custom(server.uri()))
        .build()
        .unwrap();
    assert!(matches!(
        client.create_a_user(None).await,
        Err(Error::MissingCredentials { .. })
    ));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn alloy_embedded_batch_decodes_every_documented_status() {
    let users = alloy_embedded::types::BatchCreateUsersRequest::new(vec![
        alloy_embedded::types::BatchCreateUsersRequestUsersItem {
            username: Some("a".into()),
            full_name: None,
        },
    ]);
    let server = server_answering(
        200,
        json!({"message": "success", "invalidUsers": [{"fullName": "Missing Username"}]}),
    )
    .await;
    let ok = alloy(&server)
        .batch_create_users(Some(&users))
        .await
        .unwrap();
    assert_eq!(ok.message.as_deref(), Some("success"));
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/users/batch");
    assert_eq!(body_json(&sent), json!({"users": [{"username": "a"}]}));

    let server = server_answering(400, json!({"message": "No valid users provided"})).await;
    let err = alloy(&server)
        .batch_create_users(Some(&users))
        .await
        .unwrap_err();
    let Error::Api(alloy_embedded::client::BatchCreateUsersError::Status400(e)) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message.as_deref(), Some("No valid users provided"));

    let server = server_answering(401, json!({})).await;
    let err = alloy(&server)
        .batch_create_users(Some(&users))
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::Api(alloy_embedded::client::BatchCreateUsersError::Status401(_))
    ));
}

#[tokio::test]
async fn alloy_connectivity_uses_its_bearer_scheme() {
    let server = server_answering(200, json!({"userId": "675987329f2bda83f0dff233"})).await;
    let client = alloy_connectivity::Client::new(
        alloy_connectivity::Server::Custom(server.uri()),
        alloy_connectivity::Credentials::new("tok"),
    )
    .unwrap();
    let body = alloy_connectivity::types::CreateAUserRequest {
        username: "u".into(),
        full_name: Some("F".into()),
    };
    let created = client.create_a_user(&body).await.unwrap();
    assert_eq!(created.user_id.as_deref(), Some("675987329f2bda83f0dff233"));
    let sent = only_request(&server).await;
    assert_eq!((sent.method.as_str(), sent.url.path()), ("POST", "/users"));
    assert_eq!(header(&sent, "authorization"), Some("Bearer tok"));
    assert_eq!(header(&sent, "x-api-version"), Some("2025-09"));
    assert_eq!(body_json(&sent), json!({"username": "u", "fullName": "F"}));

    let server = server_answering(401, json!({})).await;
    let client = alloy_connectivity::Client::new(
        alloy_connectivity::Server::Custom(server.uri()),
        alloy_connectivity::Credentials::new("tok"),
    )
    .unwrap();
    let err = client.create_a_user(&body).await.unwrap_err();
    assert!(matches!(
        err,
        Error::Api(alloy_connectivity::client::CreateAUserError::Status401(_))
    ));
}

#[tokio::test]
async fn an_undocumented_status_keeps_status_headers_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(418)
                .insert_header("x-why", "teapot")
                .set_body_string("short and stout"),
        )
        .mount(&server)
        .await;
    let err = failed_create_user(&server).await;
    assert_eq!(err.to_string(), "undocumented status 418: short and stout");
    let Error::UnexpectedStatus {
        status,
        headers,
        body,
    } = err
    else {
        panic!()
    };
    assert_eq!(
        (status, headers["x-why"].to_str().unwrap(), body.as_slice()),
        (418, "teapot", &b"short and stout"[..])
    );
}

#[tokio::test]
async fn a_malformed_body_reports_the_raw_body_and_the_path() {
    let server = server_answering(
        201,
        json!({"tenant": {"billing_details": {"address": {"address_city": 7}}}}),
    )
    .await;
    let err = failed_create_user(&server).await;
    let Error::Decode {
        status, path, body, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*status, path.as_str()),
        (201, "tenant.billing_details.address.address_city")
    );
    assert!(String::from_utf8_lossy(body).contains("address_city"));
    assert!(
        err.to_string()
            .contains("at `tenant.billing_details.address.address_city`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = flexprice::Client::builder(flexprice::Server::Custom(server.uri()))
        .credentials(flexprice::Credentials::new("k"))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    let err = client.create_user(&request).await.unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

fn retrying(server: &MockServer, retry_post: bool) -> flexprice::Client {
    flexprice::Client::builder(flexprice::Server::Custom(server.uri()))
        .credentials(flexprice::Credentials::new("k"))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            retry_non_idempotent: retry_post,
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_retry_succeeds_after_a_503_honouring_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/users"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    answer_json(&server, "/users", 201, json!({"id": "u2"})).await;
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    let created = retrying(&server, true).create_user(&request).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("u2"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry resends the same body"
    );
}

/// Creates a user against a server that always answers `status`: the status the call fails
/// with, and how many requests the server saw.
async fn create_user_attempts(status: u16, retry_post: bool) -> (Option<u16>, usize) {
    let server = server_with_status(status).await;
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    let err = retrying(&server, retry_post)
        .create_user(&request)
        .await
        .unwrap_err();
    let seen = server.received_requests().await.unwrap().len();
    (err.status(), seen)
}

#[tokio::test]
async fn retries_give_up_and_post_is_not_retried_unless_asked() {
    assert_eq!(
        create_user_attempts(429, true).await,
        (Some(429), 3),
        "one attempt and two retries"
    );
    assert_eq!(
        create_user_attempts(503, false).await,
        (Some(503), 1),
        "POST is not retried by default"
    );
}

#[tokio::test]
async fn an_observer_sees_the_last_response_of_each_call() {
    let server = MockServer::start().await;
    Mock::given(path("/users"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/users"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-seen", "yes")
                .set_body_json(json!({"id": "u3"})),
        )
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    let client = flexprice::Client::builder(flexprice::Server::Custom(server.uri()))
        .credentials(flexprice::Credentials::new("k"))
        .retry(RetryPolicy {
            max_retries: 1,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(50),
            retry_non_idempotent: true,
        })
        .on_response(move |response| {
            let header = response.headers.get("x-seen").cloned();
            record
                .lock()
                .unwrap()
                .push((response.status, header, response.body.clone()));
        })
        .build()
        .unwrap();
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    client.create_user(&request).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "a retried attempt is not observed: {seen:?}");
    let (status, header, body) = &seen[0];
    assert_eq!(*status, 201);
    assert_eq!(header.as_ref().and_then(|h| h.to_str().ok()), Some("yes"));
    assert_eq!(
        serde_json::from_slice::<Value>(body).unwrap(),
        json!({"id": "u3"})
    );
}

mod params {
    use super::{answer_at, answer_json, header, only_request, server_answering};
    use codegen_tests::params::client::{
        Client, GetItemTagError, GetItemTagOptions, GetItemTagResponse, Server,
    };
    use codegen_tests::params::types::{GetItemTagSort, NotePatch, Tag};
    use codegen_tests::params::Credentials;
    use codegen_tests::runtime::client::Error;
    use serde_json::json;
    use wiremock::{MockServer, ResponseTemplate};

    #[tokio::test]
    async fn path_query_and_header_parameters_follow_their_style() {
        let server = server_answering(200, json!({"name": "blue"})).await;
        let client = Client::new(
            Server::Custom(server.uri()),
            Credentials::default().with_api_key("q-key"),
        )
        .unwrap();
        let options = GetItemTagOptions {
            fields: Some(vec!["a".into(), "b c".into()]),
            sort: Some(GetItemTagSort::Desc),
            limit: None,
            x_trace: Some("t-1".into()),
        };
        let tag = client
            .get_item_tag(42, "a b/c", &["x".into(), "y&z".into()], &options)
            .await
            .unwrap();
        assert_eq!(tag, GetItemTagResponse::Status200(Tag::new("blue".into())));
        let sent = only_request(&server).await;
        assert_eq!(sent.url.path(), "/items/42/tags/a%20b%2Fc");
        assert_eq!(
            sent.url.query(),
            Some("ids=x&ids=y%26z&fields=a%2Cb+c&sort=desc&api_key=q-key")
        );
        assert_eq!(header(&sent, "x-trace"), Some("t-1"));
        assert_eq!(Server::Production.url(), "https://api.example.com/v2");
    }

    /// A documented redirect is the answer, not a hop: the client hands it back typed.
    #[tokio::test]
    async fn a_documented_redirect_is_returned_not_followed() {
        let server = MockServer::start().await;
        let moved = ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:9/gone");
        answer_at(&server, "/archives/a.zip", moved).await;
        let client = Client::new(Server::Custom(server.uri()), Credentials::default()).unwrap();
        let answer = client.get_archive("a.zip").await;
        assert!(
            matches!(
                answer,
                Err(Error::Api(
                    codegen_tests::params::client::GetArchiveError::Status302
                ))
            ),
            "{answer:?}"
        );
    }

    /// A body of any JSON that is empty, or text in another content type, still decodes.
    #[tokio::test]
    async fn empty_and_text_bodies_decode_into_a_type_that_takes_them() {
        let server = MockServer::start().await;
        answer_at(&server, "/files/empty.json", ResponseTemplate::new(200)).await;
        let text = ResponseTemplate::new(200).set_body_raw("plain words", "text/plain");
        answer_at(&server, "/files/text.json", text).await;
        let broken = ResponseTemplate::new(200).set_body_raw("plain words", "application/json");
        answer_at(&server, "/files/broken.json", broken).await;
        let client = Client::new(Server::Custom(server.uri()), Credentials::default()).unwrap();
        assert_eq!(client.get_file("empty").await.unwrap(), json!(null));
        let asked = server.received_requests().await.unwrap_or_default();
        let accept = asked.last().and_then(|r| r.headers.get("accept"));
        assert_eq!(
            accept.map(|v| v.to_str().unwrap()),
            Some("*/*"),
            "Accept asks for the range the spec documents"
        );
        assert_eq!(client.get_file("text").await.unwrap(), json!("plain words"));
        assert!(
            matches!(client.get_file("broken").await, Err(Error::Decode { .. })),
            "text labelled JSON is still a decode error"
        );
    }

    #[tokio::test]
    async fn alternatives_basic_auth_ranges_and_default_responses() {
        let server = MockServer::start().await;
        answer_json(&server, "/items/1/tags/t", 202, json!({"eta_seconds": 3})).await;
        answer_at(&server, "/items/2/tags/t", ResponseTemplate::new(404)).await;
        answer_json(
            &server,
            "/items/3/tags/t",
            409,
            json!({"detail": "conflict"}),
        )
        .await;
        answer_json(
            &server,
            "/items/4/tags/t",
            502,
            json!({"detail": "upstream"}),
        )
        .await;
        let client = Client::new(
            Server::Custom(server.uri()),
            Credentials::default().with_basic("ada:pw"),
        )
        .unwrap();
        let options = GetItemTagOptions::default();
        let accepted = client.get_item_tag(1, "t", &[], &options).await.unwrap();
        assert!(
            matches!(accepted, GetItemTagResponse::Status202(ref b) if b.eta_seconds == Some(3))
        );
        let sent = server.received_requests().await.unwrap().remove(0);
        assert_eq!(header(&sent, "authorization"), Some("Basic YWRhOnB3"));
        assert_eq!(sent.url.query(), None);
        assert!(matches!(
            client.get_item_tag(2, "t", &[], &options).await,
            Err(Error::Api(GetItemTagError::Status404))
        ));
        let err = client
            .get_item_tag(3, "t", &[], &options)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Api(GetItemTagError::Status4xx(409, ref p)) if p.detail.as_deref() == Some("conflict"))
        );
        let err = client
            .get_item_tag(4, "t", &[], &options)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Api(GetItemTagError::Default(502, _))));
    }

    #[tokio::test]
    async fn anonymous_operations_empty_bodies_raw_bodies_and_cookies() {
        let server = MockServer::start().await;
        answer_at(&server, "/health", ResponseTemplate::new(204)).await;
        answer_at(
            &server,
            "/notes",
            ResponseTemplate::new(200).set_body_string("stored: hi"),
        )
        .await;
        let client = Client::new(
            Server::Custom(server.uri()),
            Credentials::default().with_session("sess-1"),
        )
        .unwrap();
        client.health().await.unwrap();
        let note = client.put_note("hi").await.unwrap();
        assert_eq!(note, "stored: hi");
        let requests = server.received_requests().await.unwrap();
        assert_eq!(header(&requests[0], "cookie"), None);
        assert_eq!(
            (requests[1].method.as_str(), header(&requests[1], "cookie")),
            ("PUT", Some("session=sess-1"))
        );
        assert_eq!(header(&requests[1], "content-type"), Some("text/plain"));
        assert_eq!(requests[1].body, b"hi");
    }

    #[tokio::test]
    async fn a_text_answer_that_is_not_utf8_is_a_decode_error_keeping_the_bytes() {
        let server = MockServer::start().await;
        let latin1 = ResponseTemplate::new(200).set_body_raw(vec![0x67, 0xfc, 0x65], "text/plain");
        answer_at(&server, "/notes", latin1).await;
        let credentials = Credentials::default().with_session("s");
        let client = Client::new(Server::Custom(server.uri()), credentials).unwrap();
        let err = client.put_note("hi").await.unwrap_err();
        let Error::Decode { body, message, .. } = err else {
            panic!("not a decode error: {err:?}");
        };
        assert_eq!(body, [0x67, 0xfc, 0x65]);
        assert!(message.contains("not UTF-8"), "{message}");
    }

    #[tokio::test]
    async fn json_bodies_keep_their_media_type_both_ways() {
        let server = MockServer::start().await;
        answer_at(
            &server,
            "/notes/n1",
            ResponseTemplate::new(200).set_body_raw(r#"{"text": "kept"}"#, "text/json"),
        )
        .await;
        let client = Client::new(Server::Custom(server.uri()), Credentials::default()).unwrap();
        // A merge patch deletes a member by sending it as `null`.
        let patch = NotePatch { text: Some(None) };
        let patched = client.patch_note("n1", &patch).await.unwrap();
        assert_eq!(patched.text, Some(Some("kept".to_owned())));
        let sent = only_request(&server).await;
        assert_eq!(
            header(&sent, "content-type"),
            Some("application/merge-patch+json")
        );
        assert_eq!(sent.body, br#"{"text":null}"#);
    }

    #[tokio::test]
    async fn multipart_bodies_are_typed_and_sent_under_a_boundary_of_the_clients() {
        use codegen_tests::params::types::UploadRequest;
        use codegen_tests::runtime::{parse_multipart, FilePart};
        let server = MockServer::start().await;
        answer_at(&server, "/upload", ResponseTemplate::new(201)).await;
        let client = Client::new(Server::Custom(server.uri()), Credentials::default()).unwrap();
        let file = FilePart::new(b"abc\r\n--".to_vec()).file_name("notes.txt");
        client
            .upload(&UploadRequest { file: Some(file) })
            .await
            .unwrap();
        let sent = only_request(&server).await;
        let content_type = header(&sent, "content-type").expect("a content type");
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        let parts = parse_multipart(content_type, &sent.body).expect("a multipart body");
        assert_eq!(parts.len(), 1);
        assert_eq!(
            (parts[0].name.as_str(), parts[0].file_name.as_deref()),
            ("file", Some("notes.txt"))
        );
        assert_eq!(
            parts[0].content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(parts[0].bytes, b"abc\r\n--");
    }
}

#[tokio::test]
async fn alloy_embedded_create_decodes_its_401() {
    let server = server_answering(401, json!({})).await;
    let err = alloy(&server).create_a_user(None).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Api(alloy_embedded::client::CreateAUserError::Status401(_))
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_builder_sets_the_user_agent_and_takes_an_existing_http_client() {
    let server = server_answering(201, json!({})).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = flexprice::Client::builder(flexprice::Server::Custom(server.uri()))
        .credentials(flexprice::Credentials::new("k"))
        .user_agent("vendor-sync/1.2")
        .http_client(reqwest::Client::builder().build().unwrap())
        .build()
        .unwrap();
    let request = flexprice::types::CreateUserRequest::new(flexprice::types::UserType::User);
    client.create_user(&request).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(header(&sent, "user-agent"), Some("vendor-sync/1.2"));
}
