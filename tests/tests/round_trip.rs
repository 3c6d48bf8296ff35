//! The generated client talks to the generated server on 127.0.0.1: every documented status
//! of every operation of the four APIs, and every check the server runs before a handler.

use codegen_tests::serve;
use generated::runtime::client::Error;
use generated::{alloy_connectivity as connectivity, alloy_embedded as embedded, flexprice, yuno};
use serde_json::{json, Value};

fn raw_http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Sends a request; its status and JSON body (`null` when it is not JSON).
async fn status_and_json(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("read");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Sends a raw request and returns the status, content type and JSON body.
async fn raw_post(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> (u16, String, Value) {
    let mut request = raw_http()
        .post(url)
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response.bytes().await.expect("read");
    (
        status,
        content_type,
        serde_json::from_slice(&body).unwrap_or(Value::Null),
    )
}

// ---- Flexprice ------------------------------------------------------------------------------

struct FakeFlexprice;

impl flexprice::server::Api for FakeFlexprice {
    async fn create_user(
        &self,
        input: flexprice::server::CreateUserInput,
    ) -> flexprice::server::CreateUserResponse {
        use flexprice::server::CreateUserResponse as R;
        use flexprice::types::{CreateUserResponse, ErrorResponse, ErrorResponseCode, UserType};
        let body = input.body;
        let error = |code, message: &str| ErrorResponse {
            code: Some(code),
            message: Some(message.into()),
            ..ErrorResponse::default()
        };
        if body.type_ == UserType::User && body.email.is_none() {
            return R::Status400(error(
                ErrorResponseCode::ValidationError,
                "email is required for users",
            ));
        }
        if body
            .roles
            .as_ref()
            .is_some_and(|r| r.iter().any(|r| r == "boom"))
        {
            return R::Status500(error(ErrorResponseCode::InternalError, "boom"));
        }
        let key = input
            .credentials
            .x_api_key
            .map(|k| k.expose().to_owned())
            .unwrap_or_default();
        R::Status201(CreateUserResponse {
            id: Some(format!("user-for-{key}")),
            email: body.email,
            roles: body.roles,
            password: Some("generated-pw".into()),
            type_: Some(body.type_),
            ..CreateUserResponse::default()
        })
    }
}

#[tokio::test]
async fn flexprice_round_trips_every_status() {
    use flexprice::client::CreateUserError;
    use flexprice::types::{CreateUserRequest, ErrorResponseCode, UserType};
    let base = serve(flexprice::server::router(FakeFlexprice)).await;
    let client = flexprice::Client::new(
        flexprice::Server::Custom(base),
        flexprice::Credentials::new("k1"),
    )
    .unwrap();

    let mut request = CreateUserRequest::new(UserType::ServiceAccount);
    request.roles = Some(vec!["admin".into()]);
    let created = client.create_user(&request).await.unwrap();
    assert_eq!(created.id.as_deref(), Some("user-for-k1"));
    assert_eq!(created.roles, Some(vec!["admin".to_owned()]));
    assert_eq!(created.password.as_deref(), Some("generated-pw"));
    assert_eq!(created.type_, Some(UserType::ServiceAccount));

    let err = client
        .create_user(&CreateUserRequest::new(UserType::User))
        .await
        .unwrap_err();
    let Error::Api(CreateUserError::Status400(e)) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.code, Some(ErrorResponseCode::ValidationError));

    request.roles = Some(vec!["boom".into()]);
    let err = client.create_user(&request).await.unwrap_err();
    assert!(
        matches!(err, Error::Api(CreateUserError::Status500(ref e)) if e.message.as_deref() == Some("boom"))
    );
}

#[tokio::test]
async fn flexprice_rejections() {
    let base = serve(flexprice::server::router(FakeFlexprice)).await;
    let url = format!("{base}/users");
    let ok_body = br#"{"type":"service_account","unknown_field":true}"#.to_vec();

    let (status, content_type, body) = raw_post(&url, &[], ok_body.clone()).await;
    assert_eq!((status, content_type.as_str()), (401, "application/json"));
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(
        body["error"]["message"],
        "missing credentials: this operation needs ApiKeyAuth"
    );

    // Unknown fields are tolerated.
    let (status, _, body) = raw_post(&url, &[("x-api-key", "k")], ok_body).await;
    assert_eq!(status, 201, "{body}");

    // Refusals take the documented 400 and its `ErrorResponse`; Flexprice documents no 401.
    let refused = |body: &Value, code: &str| {
        assert_eq!(body["code"], code, "{body}");
        assert_eq!(body["http_status_code"], 400, "{body}");
        body["message"].as_str().unwrap_or_default().to_owned()
    };
    let (status, _, body) = raw_post(&url, &[("x-api-key", "k")], br#"{"type": 5}"#.to_vec()).await;
    assert_eq!(status, 400);
    let message = refused(&body, "validation_error");
    assert!(message.starts_with("at `type`:"), "{body}");

    let (status, _, body) = raw_post(&url, &[("x-api-key", "k")], b"{not json".to_vec()).await;
    assert_eq!(status, 400);
    assert!(
        refused(&body, "validation_error").starts_with("not JSON"),
        "{body}"
    );

    let (status, _, body) = raw_post(&url, &[("x-api-key", "k")], Vec::new()).await;
    assert_eq!(status, 400);
    assert_eq!(
        refused(&body, "validation_error"),
        "the request needs a JSON body"
    );

    let big = format!(r#"{{"type":"user","email":"{}"}}"#, "x".repeat(3 << 20)).into_bytes();
    let (status, _, body) = raw_post(&url, &[("x-api-key", "k")], big).await;
    assert_eq!(status, 400, "413 is not documented; 400 is");
    assert_eq!(
        refused(&body, "validation_error"),
        "the body is larger than the server accepts"
    );
}

// ---- Yuno -----------------------------------------------------------------------------------

struct FakeYuno;

impl yuno::server::Api for FakeYuno {
    async fn create_user(
        &self,
        input: yuno::server::CreateUserInput,
    ) -> yuno::server::CreateUserResponse {
        let both = input.credentials.public_api_key.is_some()
            && input.credentials.private_secret_key.is_some();
        assert!(both, "the router only lets calls with both keys through");
        let id = "7d444840-9dc0-11d1-b245-5ffdce74fad2".parse().unwrap();
        let at = "2025-01-02T03:04:05Z".parse().unwrap();
        yuno::server::CreateUserResponse::Status201(codegen_tests::fakes::yuno_created(
            input.body, id, at,
        ))
    }
}

#[tokio::test]
async fn yuno_round_trip_and_rejections() {
    let base = serve(yuno::server::router(FakeYuno)).await;
    let client = yuno::Client::new(
        yuno::Server::Custom(base.clone()),
        yuno::Credentials::new("pub", "priv"),
    )
    .unwrap();
    let mut request = yuno::types::CreateUserRequest::new(
        "ada@example.com".into(),
        "Ada".into(),
        "Lovelace".into(),
    );
    let account: uuid::Uuid = "0e6d1e2a-9dc0-11d1-b245-5ffdce74fad2".parse().unwrap();
    request.account_permissions = Some(vec![
        yuno::types::CreateUserRequestAccountPermissionsItem::new(account, "viewer".into()),
    ]);
    let created = client.create_user(&request).await.unwrap();
    assert_eq!(created.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        created.account_permissions.unwrap()[0].account_id,
        Some(account)
    );
    assert_eq!(
        created.created_at.unwrap().to_rfc3339(),
        "2025-01-02T03:04:05+00:00"
    );

    let url = format!("{base}/organizations/users");
    let valid = br#"{"email":"a@b.co","first_name":"A","last_name":"B"}"#.to_vec();
    let (status, _, body) = raw_post(&url, &[("public-api-key", "pub")], valid.clone()).await;
    assert_eq!(status, 401, "one key of an AND requirement is not enough");
    assert_eq!(
        body["error"]["message"],
        "missing credentials: this operation needs sec0 and sec1"
    );

    let keys = [("public-api-key", "pub"), ("private-secret-key", "priv")];
    let invalid = br#"{"email":"not-an-email","first_name":"A","last_name":"B","account_permissions":[{"account_id":"nope","role_id":"r"}]}"#;
    let (status, _, body) = raw_post(&url, &keys, invalid.to_vec()).await;
    assert_eq!(status, 400, "a malformed uuid fails decoding: {body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("at `account_permissions[0].account_id`"),
        "{body}"
    );

    let invalid = br#"{"email":"not-an-email","first_name":"A","last_name":"B"}"#;
    let (status, _, body) = raw_post(&url, &keys, invalid.to_vec()).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "validation_failed");
    assert_eq!(
        body["error"]["violations"],
        json!([{"path": "email", "rule": "format", "message": "must be an email address, is \"not-an-email\""}])
    );

    let (status, _, _) = raw_post(&url, &keys, valid).await;
    assert_eq!(status, 201);
}

// ---- Alloy Embedded -------------------------------------------------------------------------

struct FakeEmbedded;

impl embedded::server::Api for FakeEmbedded {
    async fn create_a_user(
        &self,
        input: embedded::server::CreateAUserInput,
    ) -> embedded::server::CreateAUserResponse {
        use embedded::server::CreateAUserResponse as R;
        let Some(body) = input.body else {
            return R::Status401(Default::default());
        };
        let key = input
            .credentials
            .authorization
            .map(|k| k.expose().to_owned())
            .unwrap_or_default();
        R::Status200(embedded::types::CreateAUserResponse200 {
            user_id: Some(format!("{}|{}|{key}", body.username, input.x_api_version)),
        })
    }

    async fn batch_create_users(
        &self,
        input: embedded::server::BatchCreateUsersInput,
    ) -> embedded::server::BatchCreateUsersResponse {
        use embedded::server::BatchCreateUsersResponse as R;
        let Some(body) = input.body else {
            return R::Status401(Default::default());
        };
        if body.users.is_empty() {
            return R::Status400(embedded::types::BatchCreateUsersError400 {
                message: Some("No valid users provided".into()),
            });
        }
        let invalid = body
            .users
            .iter()
            .filter(|u| u.username.is_none())
            .map(
                |u| embedded::types::BatchCreateUsersResponse200InvalidUsersItem {
                    full_name: u.full_name.clone(),
                },
            )
            .collect();
        R::Status200(embedded::types::BatchCreateUsersResponse200 {
            message: Some("success".into()),
            invalid_users: Some(invalid),
        })
    }
}

#[tokio::test]
async fn alloy_embedded_round_trips_every_status() {
    use embedded::client::{BatchCreateUsersError, CreateAUserError};
    use embedded::types::{
        BatchCreateUsersRequest, BatchCreateUsersRequestUsersItem as Item, CreateAUserRequest,
    };
    let base = serve(embedded::server::router(FakeEmbedded)).await;
    let client = embedded::Client::new(
        embedded::Server::Custom(base),
        embedded::Credentials::new("key-1"),
    )
    .unwrap();

    let created = client
        .create_a_user(Some(&CreateAUserRequest::new("ada".into())))
        .await
        .unwrap();
    assert_eq!(created.user_id.as_deref(), Some("ada|2025-09|key-1"));
    let err = client.create_a_user(None).await.unwrap_err();
    assert!(
        matches!(err, Error::Api(CreateAUserError::Status401(_))),
        "{err:?}"
    );

    let users = BatchCreateUsersRequest::new(vec![
        Item {
            username: Some("a".into()),
            full_name: None,
        },
        Item {
            username: None,
            full_name: Some("Missing Username".into()),
        },
    ]);
    let ok = client.batch_create_users(Some(&users)).await.unwrap();
    assert_eq!(
        ok.invalid_users.unwrap()[0].full_name.as_deref(),
        Some("Missing Username")
    );
    let err = client
        .batch_create_users(Some(&BatchCreateUsersRequest::new(vec![])))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(BatchCreateUsersError::Status400(ref e)) if e.message.as_deref() == Some("No valid users provided"))
    );
    let err = client.batch_create_users(None).await.unwrap_err();
    assert!(matches!(
        err,
        Error::Api(BatchCreateUsersError::Status401(_))
    ));
}

#[tokio::test]
async fn alloy_embedded_rejections() {
    let base = serve(embedded::server::router(FakeEmbedded)).await;
    let url = format!("{base}/users/");
    let body = br#"{"username":"u"}"#.to_vec();
    let (status, _, _) = raw_post(&url, &[("x-api-version", "2025-09")], body.clone()).await;
    assert_eq!(
        status, 401,
        "the Authorization header is a required credential"
    );
    let (status, _, _) = raw_post(
        &url,
        &[
            ("x-api-version", "2025-09"),
            ("authorization", "bearer YOUR_API_KEY"),
        ],
        body.clone(),
    )
    .await;
    assert_eq!(status, 200, "scheme names are case-insensitive");
    let (status, _, reply) = raw_post(&url, &[("authorization", "Bearer k")], body).await;
    assert_eq!(status, 400);
    assert_eq!(reply["error"]["code"], "missing_parameter");
    assert_eq!(
        reply["error"]["message"],
        "the required header parameter `x-api-version` is missing"
    );
    let (status, _, reply) = raw_post(
        &url,
        &[("authorization", "Bearer k"), ("x-api-version", "v")],
        br#"{"username": 1}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("at `username`"));
}

// ---- Alloy Connectivity ---------------------------------------------------------------------

struct FakeConnectivity;

impl connectivity::server::Api for FakeConnectivity {
    async fn create_a_user(
        &self,
        input: connectivity::server::CreateAUserInput,
    ) -> connectivity::server::CreateAUserResponse {
        use connectivity::server::CreateAUserResponse as R;
        if input.body.username == "nobody" {
            return R::Status401(Default::default());
        }
        R::Status200(connectivity::types::CreateAUserResponse200 {
            user_id: Some(input.body.full_name.unwrap_or_default()),
        })
    }
}

#[tokio::test]
async fn alloy_connectivity_round_trip_and_rejections() {
    use connectivity::client::CreateAUserError;
    use connectivity::types::CreateAUserRequest;
    let base = serve(connectivity::server::router(FakeConnectivity)).await;
    let client = connectivity::Client::new(
        connectivity::Server::Custom(base.clone()),
        connectivity::Credentials::new("t"),
    )
    .unwrap();
    let request = CreateAUserRequest {
        username: "u".into(),
        full_name: Some("Full Name".into()),
    };
    assert_eq!(
        client
            .create_a_user(&request)
            .await
            .unwrap()
            .user_id
            .as_deref(),
        Some("Full Name")
    );
    let err = client
        .create_a_user(&CreateAUserRequest::new("nobody".into()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(CreateAUserError::Status401(_))));

    let url = format!("{base}/users");
    let (status, _, _) = raw_post(
        &url,
        &[("x-api-version", "2025-09")],
        br#"{"username":"u"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 401);
    let (status, _, reply) = raw_post(
        &url,
        &[("authorization", "Bearer t")],
        br#"{"username":"u"}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (status, reply["error"]["code"].as_str()),
        (400, Some("missing_parameter"))
    );
    let (status, _, reply) = raw_post(
        &url,
        &[("authorization", "Bearer t"), ("x-api-version", "1")],
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "username is required: {reply}");
}

#[tokio::test]
async fn routers_compose_with_other_routers_and_layers() {
    let app = axum::Router::new()
        .nest("/flexprice", flexprice::server::router(FakeFlexprice))
        .merge(connectivity::server::router(FakeConnectivity))
        .layer(axum::extract::DefaultBodyLimit::max(64));
    let base = serve(app).await;
    let client = flexprice::Client::new(
        flexprice::Server::Custom(format!("{base}/flexprice")),
        flexprice::Credentials::new("k"),
    )
    .unwrap();
    let request =
        flexprice::types::CreateUserRequest::new(flexprice::types::UserType::ServiceAccount);
    assert!(client.create_user(&request).await.is_ok());
    let mut big = request.clone();
    big.roles = Some(vec!["r".repeat(100)]);
    let err = client.create_user(&big).await.unwrap_err();
    let Error::Api(flexprice::client::CreateUserError::Status400(refused)) = err else {
        panic!("not the documented 400: {err}")
    };
    assert_eq!(
        refused.message.as_deref(),
        Some("the body is larger than the server accepts"),
        "the layer's body limit applies"
    );
}

// ---- Routes that differ only in parameter names -------------------------------------------

mod params_server {
    use codegen_tests::params::{client, server, types, Credentials};
    use serde_json::json;

    pub(super) struct Fake;

    impl server::Api for Fake {
        async fn get_item_tag(&self, input: server::GetItemTagInput) -> server::GetItemTagResponse {
            let name = format!("{}:{}:{}", input.item_id, input.tag, input.ids.join("+"));
            server::GetItemTagResponse::Status200(types::Tag::new(name))
        }

        async fn delete_item_tag(
            &self,
            input: server::DeleteItemTagInput,
        ) -> server::DeleteItemTagResponse {
            if input.item_id == 7 && input.name == "a b" {
                server::DeleteItemTagResponse::Status204
            } else {
                server::DeleteItemTagResponse::Undocumented(
                    axum::response::IntoResponse::into_response(
                        axum::http::StatusCode::IM_A_TEAPOT,
                    ),
                )
            }
        }

        async fn get_file(&self, _input: server::GetFileInput) -> server::GetFileResponse {
            server::GetFileResponse::Status200(json!({}))
        }

        async fn health(&self, _input: server::HealthInput) -> server::HealthResponse {
            server::HealthResponse::Status204
        }

        async fn get_archive(&self, _input: server::GetArchiveInput) -> server::GetArchiveResponse {
            server::GetArchiveResponse::Status302
        }

        async fn get_version(&self, _input: server::GetVersionInput) -> server::GetVersionResponse {
            server::GetVersionResponse::Default(203, types::Tag::new("v1".into()))
        }

        async fn put_note(&self, input: server::PutNoteInput) -> server::PutNoteResponse {
            server::PutNoteResponse::Status200(input.body)
        }

        async fn upload(&self, _input: server::UploadInput) -> server::UploadResponse {
            server::UploadResponse::Status201
        }

        async fn patch_note(&self, input: server::PatchNoteInput) -> server::PatchNoteResponse {
            // A member left out keeps the note; one sent as `null` deletes it.
            let text = input
                .body
                .text
                .unwrap_or_else(|| Some(format!("note {}", input.id)));
            server::PatchNoteResponse::Status200(types::NotePatch { text: Some(text) })
        }
    }

    #[tokio::test]
    async fn an_operation_documenting_only_default_answers_with_its_status_and_body() {
        let base = super::serve(server::router(Fake)).await;
        let client =
            client::Client::new(client::Server::Custom(base), Credentials::default()).unwrap();
        let answer = client.get_version().await;
        let Err(codegen_tests::runtime::client::Error::Api(client::GetVersionError::Default(
            status,
            tag,
        ))) = answer
        else {
            panic!("not the default answer: {answer:?}");
        };
        assert_eq!((status, tag.name.as_str()), (203, "v1"));
    }

    #[tokio::test]
    async fn text_bodies_are_strings_both_ways_and_must_be_utf8() {
        let base = super::serve(server::router(Fake)).await;
        let credentials = Credentials::default().with_session("s");
        let client =
            client::Client::new(client::Server::Custom(base.clone()), credentials).unwrap();
        let note = client.put_note("grüße, 1 < 2").await.unwrap();
        assert_eq!(note, "grüße, 1 < 2");
        let response = super::raw_http()
            .put(format!("{base}/notes"))
            .header("cookie", "session=s")
            .header("content-type", "text/plain")
            .body(vec![0x67, 0xff, 0x21])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 400);
        let body = response.text().await.unwrap();
        assert!(body.contains("not UTF-8"), "{body}");
    }

    #[tokio::test]
    async fn json_of_other_media_types_is_typed_and_labelled_as_documented() {
        let base = super::serve(server::router(Fake)).await;
        let client =
            client::Client::new(client::Server::Custom(base.clone()), Credentials::default())
                .unwrap();
        let patched = client
            .patch_note("n1", &types::NotePatch { text: None })
            .await
            .unwrap();
        assert_eq!(patched.text, Some(Some("note n1".to_owned())));
        let deleted = types::NotePatch { text: Some(None) };
        let patched = client.patch_note("n1", &deleted).await.unwrap();
        assert_eq!(
            patched, deleted,
            "`null` went through client and server as `null`"
        );
        let response = super::raw_http()
            .patch(format!("{base}/notes/n2"))
            .header("content-type", "application/merge-patch+json")
            .body(r#"{"text": "hi"}"#)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.headers()["content-type"], "text/json");
        assert_eq!(response.text().await.unwrap(), r#"{"text":"hi"}"#);
    }

    #[tokio::test]
    async fn both_operations_of_one_route_shape_are_served_with_their_own_parameter_names() {
        let base = super::serve(server::router(Fake)).await;
        let client = client::Client::new(
            client::Server::Custom(base),
            Credentials::default().with_api_key("k"),
        )
        .unwrap();
        let tag = client
            .get_item_tag(
                3,
                "t/x",
                &["a".into(), "b".into()],
                &client::GetItemTagOptions::default(),
            )
            .await
            .unwrap();
        assert_eq!(
            tag,
            client::GetItemTagResponse::Status200(types::Tag::new("3:t/x:a+b".into()))
        );
        client.delete_item_tag(7, "a b").await.unwrap();
        // A segment that mixes a parameter with text is served too.
        assert_eq!(client.get_file("report").await.unwrap(), json!({}));
    }
}

#[tokio::test]
async fn parameters_are_checked_against_their_rules_before_the_handler() {
    use codegen_tests::params::server;
    let base = serve(server::router(params_server::Fake)).await;
    let get = |query: &'static str| {
        let url = format!("{base}/items/1/tags/t?ids=a&api_key=k&{query}");
        async move {
            let response = raw_http().get(url).send().await.expect("sent");
            let status = response.status().as_u16();
            (
                status,
                serde_json::from_slice::<Value>(&response.bytes().await.expect("read"))
                    .unwrap_or(Value::Null),
            )
        }
    };
    // Answered under the documented `4XX`, whose `Problem` has room for the message only.
    let (status, body) = get("limit=500&sort=sideways").await;
    assert_eq!(status, 422, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("2 validation error(s); sort: "),
        "{body}"
    );
    assert!(detail.contains("; limit: "), "{body}");
    let (status, _) = get("limit=50&sort=asc").await;
    assert_eq!(status, 200);
}

// ---- Segments that mix parameters with text -------------------------------------------------

mod routes_server {
    use codegen_tests::routes::{client, server, types, Credentials};
    use serde_json::{json, Value};

    pub(super) struct Fake;

    fn echo(operation: &str, values: &[&dyn ToString]) -> types::Echo {
        types::Echo::new(
            operation.into(),
            values.iter().map(|value| value.to_string()).collect(),
        )
    }

    impl server::Api for Fake {
        async fn get_json_file(
            &self,
            input: server::GetJsonFileInput,
        ) -> server::GetJsonFileResponse {
            server::GetJsonFileResponse::Status200(echo("get_json_file", &[&input.name]))
        }

        async fn get_archive(&self, input: server::GetArchiveInput) -> server::GetArchiveResponse {
            server::GetArchiveResponse::Status200(echo("get_archive", &[&input.name]))
        }

        async fn get_operation(
            &self,
            input: server::GetOperationInput,
        ) -> server::GetOperationResponse {
            server::GetOperationResponse::Status200(echo("get_operation", &[&input.name]))
        }

        async fn update_operation(
            &self,
            input: server::UpdateOperationInput,
        ) -> server::UpdateOperationResponse {
            server::UpdateOperationResponse::Status200(echo("update_operation", &[&input.name]))
        }

        async fn cancel_operation(
            &self,
            input: server::CancelOperationInput,
        ) -> server::CancelOperationResponse {
            server::CancelOperationResponse::Status200(echo("cancel_operation", &[&input.name]))
        }

        async fn fetch_operation(
            &self,
            input: server::FetchOperationInput,
        ) -> server::FetchOperationResponse {
            server::FetchOperationResponse::Status200(echo("fetch_operation", &[&input.operation]))
        }

        async fn batch_get(&self, _input: server::BatchGetInput) -> server::BatchGetResponse {
            server::BatchGetResponse::Status200(echo("batch_get", &[]))
        }

        async fn run_job(&self, input: server::RunJobInput) -> server::RunJobResponse {
            server::RunJobResponse::Status200(echo("run_job", &[&input.project, &input.job]))
        }

        async fn get_item(&self, input: server::GetItemInput) -> server::GetItemResponse {
            server::GetItemResponse::Status200(echo("get_item", &[&input.id]))
        }

        async fn get_range(&self, input: server::GetRangeInput) -> server::GetRangeResponse {
            server::GetRangeResponse::Status200(echo("get_range", &[&input.from, &input.to]))
        }

        async fn get_range_by_key(
            &self,
            input: server::GetRangeByKeyInput,
        ) -> server::GetRangeByKeyResponse {
            server::GetRangeByKeyResponse::Status200(echo("get_range_by_key", &[&input.key]))
        }

        async fn weather_by_city(
            &self,
            input: server::WeatherByCityInput,
        ) -> server::WeatherByCityResponse {
            let units = input.units.unwrap_or_default();
            server::WeatherByCityResponse::Status200(echo(
                "weather_by_city",
                &[&input.city, &units],
            ))
        }

        async fn weather_by_position(
            &self,
            input: server::WeatherByPositionInput,
        ) -> server::WeatherByPositionResponse {
            server::WeatherByPositionResponse::Status200(echo(
                "weather_by_position",
                &[&input.lat, &input.lon],
            ))
        }

        async fn describe_jobs(
            &self,
            input: server::DescribeJobsInput,
        ) -> server::DescribeJobsResponse {
            let limit = input.limit.unwrap_or_default();
            server::DescribeJobsResponse::Status200(echo("describe_jobs", &[&input.action, &limit]))
        }

        async fn start_jobs(&self, input: server::StartJobsInput) -> server::StartJobsResponse {
            server::StartJobsResponse::Status200(echo("start_jobs", &[&input.action]))
        }

        async fn archive_jobs(
            &self,
            _input: server::ArchiveJobsInput,
        ) -> server::ArchiveJobsResponse {
            unreachable!("the router cannot serve `/jobs#archive`")
        }

        async fn get_blog_page(
            &self,
            _input: server::GetBlogPageInput,
        ) -> server::GetBlogPageResponse {
            unreachable!("the router cannot serve `/blog/{{page}}{{extension}}`")
        }
    }

    /// Sends `method path` as it is written (no client normalises it) and returns the status
    /// and the JSON body.
    async fn send(base: &str, method: &str, path: &str) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        super::status_and_json(super::raw_http().request(method, format!("{base}{path}"))).await
    }

    /// The operation that answered `method path`, and the values it read.
    async fn answered(base: &str, method: &str, path: &str) -> (String, Vec<String>) {
        let (status, body) = send(base, method, path).await;
        assert_eq!(status, 200, "{method} {path}: {body}");
        let echo: types::Echo = serde_json::from_value(body).unwrap();
        (echo.operation, echo.values)
    }

    fn reply(operation: &str, values: &[&str]) -> (String, Vec<String>) {
        (
            operation.into(),
            values.iter().map(|value| value.to_string()).collect(),
        )
    }

    #[tokio::test]
    async fn a_suffix_selects_the_operation_and_the_rest_is_the_parameter() {
        let base = super::serve(server::router(Fake)).await;
        let at = |path: &'static str| answered(&base, "GET", path);
        assert_eq!(
            at("/files/report.json").await,
            reply("get_json_file", &["report"])
        );
        assert_eq!(
            at("/files/report.tar.gz").await,
            reply("get_archive", &["report"])
        );
        assert_eq!(
            at("/files/a.b.json").await,
            reply("get_json_file", &["a.b"])
        );
        // Parameters are percent-decoded, an escaped `/` included; `%2E` is a `.`.
        assert_eq!(
            at("/files/r%C3%A9port%20x%2Fy.json").await,
            reply("get_json_file", &["réport x/y"])
        );
        assert_eq!(
            at("/files/report%2Ejson").await,
            reply("get_json_file", &["report"])
        );
        for path in ["/files/report.txt", "/files/.json", "/files/report"] {
            let (status, body) = send(&base, "GET", path).await;
            assert_eq!(status, 404, "{path}: {body}");
            assert_eq!(body["error"]["code"], "not_found", "{path}");
        }
    }

    #[tokio::test]
    async fn operations_of_one_route_are_told_apart_by_their_text() {
        let base = super::serve(server::router(Fake)).await;
        let post = |path: &'static str| answered(&base, "POST", path);
        assert_eq!(
            post("/v1/abc:cancel").await,
            reply("cancel_operation", &["abc"])
        );
        assert_eq!(
            post("/v1/abc:get").await,
            reply("fetch_operation", &["abc"])
        );
        assert_eq!(post("/v1/:batchGet").await, reply("batch_get", &[]));
        // The operation whose route is its whole template takes the rest, an escaped `:`
        // being part of the name, not text of the template.
        assert_eq!(post("/v1/abc").await, reply("update_operation", &["abc"]));
        assert_eq!(
            post("/v1/abc%3Acancel").await,
            reply("update_operation", &["abc:cancel"])
        );
        assert_eq!(
            post("/v1/a%3Ab:cancel").await,
            reply("cancel_operation", &["a:b"])
        );
        // Another method of the same route keeps its own handler.
        assert_eq!(
            answered(&base, "GET", "/v1/abc:cancel").await,
            reply("get_operation", &["abc:cancel"])
        );
        // An OData key, and two parameters in one segment.
        assert_eq!(
            answered(&base, "GET", "/items('a%20b')").await,
            reply("get_item", &["a b"])
        );
        assert_eq!(send(&base, "GET", "/items(a)").await.0, 404);
        assert_eq!(
            answered(&base, "GET", "/ranges/1-25").await,
            reply("get_range", &["1", "25"])
        );
        assert_eq!(
            answered(&base, "GET", "/ranges/latest").await,
            reply("get_range_by_key", &["latest"])
        );
    }

    #[tokio::test]
    async fn parameters_of_mixed_segments_are_parsed_and_checked() {
        let base = super::serve(server::router(Fake)).await;
        assert_eq!(
            answered(&base, "POST", "/v1/projects/p%201/jobs/42:run").await,
            reply("run_job", &["p 1", "42"])
        );
        let (status, body) = send(&base, "POST", "/v1/projects/p/jobs/x:run").await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &json!("invalid_parameter"))
        );
        let (status, body) = send(&base, "POST", "/v1/projects/p/jobs/0:run").await;
        assert_eq!(status, 422, "minimum 1: {body}");
        assert_eq!(body["error"]["violations"][0]["path"], "job");
        // The text fits `{from}-{to}`, so its values must be integers.
        let (status, body) = send(&base, "GET", "/ranges/a-b").await;
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &json!("invalid_parameter"))
        );
    }

    #[tokio::test]
    async fn a_query_in_the_path_selects_by_its_keys() {
        let base = super::serve(server::router(Fake)).await;
        let at = |path: &'static str| answered(&base, "GET", path);
        assert_eq!(
            at("/weather?city=S%C3%A3o+Paulo&units=metric").await,
            reply("weather_by_city", &["São Paulo", "metric"])
        );
        assert_eq!(
            at("/weather?lon=10.75&lat=59.9").await,
            reply("weather_by_position", &["59.9", "10.75"])
        );
        // The template with more keys is tried first.
        assert_eq!(
            at("/weather?city=Oslo&lat=1&lon=2").await,
            reply("weather_by_position", &["1", "2"])
        );
        assert_eq!(send(&base, "GET", "/weather?lat=1").await.0, 404);
        assert_eq!(send(&base, "GET", "/weather").await.0, 404);
        // A fragment of required query pairs (`/jobs#Action=Describe`) is matched as the query.
        assert_eq!(
            at("/jobs?limit=5&Action=Describe").await,
            reply("describe_jobs", &["Describe", "5"])
        );
        assert_eq!(
            at("/jobs?Action=Start").await,
            reply("start_jobs", &["Start"])
        );
        assert_eq!(send(&base, "GET", "/jobs?Action=Stop").await.0, 404);
        assert_eq!(send(&base, "GET", "/jobs").await.0, 404);
    }

    #[tokio::test]
    async fn the_client_builds_what_the_server_splits() {
        // Nested under a prefix, as a downstream router would mount it.
        let app = axum::Router::new().nest("/api", server::router(Fake));
        let base = super::serve(app).await;
        let client = client::Client::new(
            client::Server::Custom(format!("{base}/api")),
            Credentials {},
        )
        .unwrap();
        let values = |echo: types::Echo| (echo.operation, echo.values);
        assert_eq!(
            values(client.get_json_file("a b/c.json").await.unwrap()),
            reply("get_json_file", &["a b/c.json"])
        );
        assert_eq!(
            values(client.get_archive("x").await.unwrap()),
            reply("get_archive", &["x"])
        );
        assert_eq!(
            values(client.cancel_operation("ops/1:get").await.unwrap()),
            reply("cancel_operation", &["ops/1:get"])
        );
        assert_eq!(
            values(client.fetch_operation("ops/1").await.unwrap()),
            reply("fetch_operation", &["ops/1"])
        );
        // The client escapes the `:` of a value, so it never reads as a template's text.
        assert_eq!(
            values(client.update_operation("abc:cancel").await.unwrap()),
            reply("update_operation", &["abc:cancel"])
        );
        assert_eq!(
            values(client.get_operation("abc").await.unwrap()),
            reply("get_operation", &["abc"])
        );
        assert_eq!(
            values(client.batch_get().await.unwrap()),
            reply("batch_get", &[])
        );
        assert_eq!(
            values(client.run_job("p/1", 7).await.unwrap()),
            reply("run_job", &["p/1", "7"])
        );
        assert_eq!(
            values(client.get_item("it's (new)").await.unwrap()),
            reply("get_item", &["it's (new)"])
        );
        assert_eq!(
            values(client.get_range(-3, 4).await.unwrap()),
            reply("get_range", &["-3", "4"])
        );
        assert_eq!(
            values(client.get_range_by_key("a-").await.unwrap()),
            reply("get_range_by_key", &["a-"])
        );
        let units = client::WeatherByCityOptions {
            units: Some("metric".into()),
        };
        assert_eq!(
            values(
                client
                    .weather_by_city("São Paulo & co", &units)
                    .await
                    .unwrap()
            ),
            reply("weather_by_city", &["São Paulo & co", "metric"])
        );
        assert_eq!(
            values(client.weather_by_position(1.5, -2.25).await.unwrap()),
            reply("weather_by_position", &["1.5", "-2.25"])
        );
        let describe = client::DescribeJobsOptions { limit: Some(3) };
        assert_eq!(
            values(
                client
                    .describe_jobs(&types::DescribeJobsAction::Describe, &describe)
                    .await
                    .unwrap()
            ),
            reply("describe_jobs", &["Describe", "3"])
        );
        assert_eq!(
            values(
                client
                    .start_jobs(&types::StartJobsAction::Start)
                    .await
                    .unwrap()
            ),
            reply("start_jobs", &["Start"])
        );
        // What the router cannot tell apart is left out of it (with a generation warning).
        let err = client.get_blog_page("a", ".html").await.unwrap_err();
        assert_eq!(err.status(), Some(404));
        let err = client.archive_jobs().await.unwrap_err();
        assert_eq!(err.status(), Some(404));
    }
}

// ---- Form bodies ----------------------------------------------------------------------------

mod forms_server {
    use std::sync::{Arc, Mutex};

    use codegen_tests::forms::{client, server, types, Credentials};
    use serde_json::Value;

    /// Keeps the bodies it receives, and answers with a customer made from them.
    #[derive(Clone, Default)]
    struct Fake {
        received: Arc<Mutex<Vec<types::CustomerForm>>>,
        updates: Arc<Mutex<Vec<Option<types::PostCustomersCustomerRequest>>>>,
        uploads: Arc<Mutex<Vec<types::PostFilesRequest>>>,
        files: Arc<Mutex<Vec<ReceivedFile>>>,
    }

    /// An upload's file: whether it came as a stream, and its bytes.
    type ReceivedFile = (bool, Vec<u8>);

    impl server::Api for Fake {
        async fn post_customers(
            &self,
            input: server::PostCustomersInput,
        ) -> server::PostCustomersResponse {
            let customer = types::Customer {
                balance: input.body.balance,
                metadata: input.body.metadata.clone(),
                ..types::Customer::new("cus_1".into(), input.body.email.clone())
            };
            self.received.lock().unwrap().push(input.body);
            server::PostCustomersResponse::Status200(customer)
        }

        async fn post_customers_customer(
            &self,
            input: server::PostCustomersCustomerInput,
        ) -> server::PostCustomersCustomerResponse {
            self.updates.lock().unwrap().push(input.body);
            let customer = types::Customer::new(input.customer, "kept@example.com".into());
            server::PostCustomersCustomerResponse::Status200(customer)
        }

        /// Echoes the product, named after the media type it came in.
        async fn post_products(
            &self,
            input: server::PostProductsInput,
        ) -> server::PostProductsResponse {
            let (came_as, product) = match input.body {
                server::PostProductsBody::Json(product) => ("json", product),
                server::PostProductsBody::Form(product) => ("form", product),
                server::PostProductsBody::Xml(bytes) => {
                    let name = String::from_utf8_lossy(&bytes).into_owned();
                    ("xml", types::Product::new(name))
                }
            };
            let name = format!("{} ({came_as})", product.name);
            server::PostProductsResponse::Status200(types::Product { name, ..product })
        }

        async fn post_files(&self, input: server::PostFilesInput) -> server::PostFilesResponse {
            let upload = input.body;
            let streamed = upload.file.is_streamed();
            let bytes = upload.file.clone().collect().await.expect("the file reads");
            let stored = types::StoredFile {
                filename: Some(upload.file.file_name.clone()),
                tags: upload.tags.clone(),
                ..types::StoredFile::new(
                    format!("file_{}", upload.expires_after.unwrap_or_default()),
                    upload.purpose.to_string(),
                    bytes.len() as i64,
                )
            };
            self.files.lock().unwrap().push((streamed, bytes.to_vec()));
            self.uploads.lock().unwrap().push(upload);
            server::PostFilesResponse::Status200(stored)
        }
    }

    #[tokio::test]
    async fn a_multipart_upload_reaches_the_server_typed_file_name_and_all() {
        let fake = Fake::default();
        let base = super::serve(server::router(fake.clone())).await;
        let client =
            client::Client::new(client::Server::Custom(base.clone()), Credentials::default())
                .expect("a client");
        let upload = types::PostFilesRequest {
            tags: Some(vec!["q3".into(), "tax & fees".into()]),
            expires_after: Some(3600),
            link: Some(types::PostFilesRequestLink {
                create: Some(true),
                note: Some("for \"legal\"".into()),
            }),
            ..types::PostFilesRequest::new(
                codegen_tests::runtime::FilePart::new(b"%PDF\r\n--\x00\xff".to_vec())
                    .file_name("receipt \"1\".pdf")
                    .content_type("application/pdf"),
                types::PostFilesRequestPurpose::DisputeEvidence,
            )
        };
        let stored = client.post_files(&upload).await.expect("accepted");
        assert_eq!(stored.size, 10);
        assert_eq!(stored.id, "file_3600");
        assert_eq!(*fake.uploads.lock().unwrap(), [upload]);
    }

    /// A directory of its own for a test's temporary files.
    fn spool_dir(test: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("spool-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a spool directory");
        dir
    }

    fn files_in(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, Iterator::count)
    }

    /// The forms API behind these limits, with its temporary files in `dir`.
    async fn serve_limited(fake: Fake, dir: &std::path::Path, file: u64) -> String {
        let limits = codegen_tests::runtime::server::MultipartLimits {
            file,
            spool_dir: Some(dir.to_owned()),
            ..Default::default()
        };
        super::serve(server::router(fake).layer(axum::Extension(limits))).await
    }

    #[tokio::test]
    async fn a_large_file_part_streams_from_disk_and_reaches_the_handler_as_a_stream() {
        let dir = spool_dir("large");
        let fake = Fake::default();
        let base = serve_limited(fake.clone(), &dir, 64 * 1024 * 1024).await;
        let client = client::Client::new(client::Server::Custom(base), Credentials::default())
            .expect("a client");
        let content: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
        let path = dir.join("scan.pdf");
        std::fs::write(&path, &content).expect("written");
        let file = codegen_tests::runtime::FilePart::from_path(&path)
            .await
            .expect("opened")
            .content_type("application/pdf");
        assert_eq!(
            (file.is_streamed(), file.len()),
            (true, Some(content.len() as u64))
        );
        let link = types::PostFilesRequestLink {
            create: Some(true),
            note: None,
        };
        let upload = types::PostFilesRequest {
            link: Some(link),
            ..types::PostFilesRequest::new(file, types::PostFilesRequestPurpose::IdentityDocument)
        };
        let stored = client.post_files(&upload).await.expect("accepted");
        assert_eq!(stored.size, content.len() as i64);
        assert_eq!(stored.filename, Some(Some("scan.pdf".to_owned())));
        let files = fake.files.lock().unwrap().clone();
        assert_eq!(files.len(), 1);
        assert!(
            files[0].0,
            "a file beyond the memory threshold reaches the handler as a stream"
        );
        assert!(files[0].1 == content, "the bytes arrive intact");
        let received = fake.uploads.lock().unwrap().pop().expect("an upload");
        assert_eq!(
            received.link, upload.link,
            "the JSON part beside the file decodes"
        );
        drop(received);
        std::fs::remove_file(&path).expect("removed");
        assert_eq!(files_in(&dir), 0, "the temporary file goes with the input");
    }

    #[tokio::test]
    async fn an_oversized_or_broken_upload_is_refused_and_leaves_no_file_behind() {
        let dir = spool_dir("refused");
        let fake = Fake::default();
        let base = serve_limited(fake.clone(), &dir, 1024 * 1024).await;
        let multipart = "multipart/form-data; boundary=b";
        let file_head =
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n\r\n";
        let purpose =
            "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nidentity_document\r\n";
        let big = "x".repeat(1024 * 1024 + 1);
        let oversized = format!("{file_head}{big}\r\n{purpose}--b--\r\n");
        let (status, body) = post(&base, "/v1/files", multipart, &oversized).await;
        assert_eq!(status, 413, "{body}");
        assert_eq!(body["error"]["code"], "body_too_large");
        assert!(
            body.to_string().contains("`file`"),
            "the part is named: {body}"
        );
        let fits = "y".repeat(512 * 1024);
        let unclosed = format!("{file_head}{fits}\r\n{purpose}");
        let (status, body) = post(&base, "/v1/files", multipart, &unclosed).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("closing delimiter"), "{body}");
        let no_purpose = format!("{file_head}{fits}\r\n--b--\r\n");
        let (status, body) = post(&base, "/v1/files", multipart, &no_purpose).await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("purpose"), "{body}");
        assert!(
            fake.files.lock().unwrap().is_empty(),
            "no handler saw a refused upload"
        );
        assert_eq!(
            files_in(&dir),
            0,
            "a refused upload leaves no temporary file"
        );
    }

    #[tokio::test]
    async fn a_multipart_body_missing_a_part_or_breaking_a_json_part_is_refused() {
        let base = super::serve(server::router(Fake::default())).await;
        let multipart = "multipart/form-data; boundary=b";
        let file = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhi\r\n";
        let (status, body) = post(&base, "/v1/files", multipart, &format!("{file}--b--\r\n")).await;
        assert_eq!(status, 400, "`purpose` is required");
        assert!(body.to_string().contains("purpose"), "{body}");
        let purpose =
            "--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nidentity_document\r\n";
        let link = "--b\r\nContent-Disposition: form-data; name=\"link\"\r\nContent-Type: application/json\r\n\r\n{\"create\": null}\r\n--b--\r\n";
        let (status, body) = post(
            &base,
            "/v1/files",
            multipart,
            &format!("{file}{purpose}{link}"),
        )
        .await;
        assert_eq!(status, 422, "`create` may not be null");
        assert!(body.to_string().contains("link.create"), "{body}");
    }

    #[tokio::test]
    async fn a_body_documented_in_several_media_types_is_sent_and_read_in_the_one_chosen() {
        let base = super::serve(server::router(Fake::default())).await;
        let client =
            client::Client::new(client::Server::Custom(base.clone()), Credentials::default())
                .expect("a client");
        let product = types::Product {
            price: Some(12),
            active: Some(true),
            metadata: Some([("sku".to_owned(), "L-1".to_owned())].into()),
            ..types::Product::new("Lamp".into())
        };
        let named = |name: &str| types::Product {
            name: name.into(),
            ..product.clone()
        };
        let as_json = client.post_products(&product).await.unwrap();
        assert_eq!(as_json, named("Lamp (json)"), "a bare value goes as JSON");
        let as_form = client.post_products(client::PostProductsBody::Form(&product));
        assert_eq!(as_form.await.unwrap(), named("Lamp (form)"));
        let as_xml = client.post_products(client::PostProductsBody::Xml(b"Lamp".to_vec()));
        assert_eq!(
            as_xml.await.unwrap(),
            types::Product::new("Lamp (xml)".into())
        );
        let url = format!("{base}/v1/products");
        let send = |content_type: &'static str, body: &'static str| {
            super::raw_http()
                .post(url.clone())
                .header("content-type", content_type)
                .body(body)
                .send()
        };
        let form = "name=Lamp&price=12&active=true&metadata%5Bsku%5D=L-1";
        let answer = send("application/x-www-form-urlencoded", form)
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let echoed: types::Product =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        assert_eq!(echoed, named("Lamp (form)"));
        let vendor_json = send("application/vnd.shop+json", r#"{"name": "Lamp"}"#);
        assert_eq!(
            vendor_json.await.unwrap().status(),
            200,
            "JSON of another name is JSON"
        );
        let (status, body) = post(&base, "/v1/products", "text/csv", "name\nLamp").await;
        assert_eq!(status, 415, "{body}");
        let reason = body.to_string();
        assert!(
            reason.contains("application/x-www-form-urlencoded") && reason.contains("text/csv"),
            "{reason}"
        );
    }

    fn full_form() -> types::CustomerForm {
        types::CustomerForm {
            balance: Some(2500),
            tax_exempt: Some(true),
            weight: Some(1.5),
            plan: Some(types::CustomerFormPlan::Pro),
            metadata: Some([("order_id".to_owned(), "6735 & more".to_owned())].into()),
            expand: Some(vec!["sources".into(), "tax".into()]),
            address: Some(types::CustomerFormAddress {
                city: "Zürich".into(),
                line1: Some("Bahnhofstrasse 1".into()),
            }),
            tags: Some(vec!["a b".into(), "c".into()]),
            ..types::CustomerForm::new("jenny+test@example.com".into())
        }
    }

    #[tokio::test]
    async fn a_form_body_reaches_the_server_typed_as_it_was_sent() {
        let fake = Fake::default();
        let base = super::serve(server::router(fake.clone())).await;
        let client = client::Client::new(client::Server::Custom(base), Credentials::default())
            .expect("a client");
        let form = full_form();
        let customer = client.post_customers(&form).await.expect("accepted");
        assert_eq!(customer.email, form.email);
        assert_eq!(customer.metadata, form.metadata);
        assert_eq!(*fake.received.lock().unwrap(), [form]);

        client
            .post_customers_customer("cus_9", None)
            .await
            .expect("no body is fine");
        let update = types::PostCustomersCustomerRequest {
            description: Some("VIP".into()),
            metadata: Some([("tier".to_owned(), "gold".to_owned())].into()),
        };
        client
            .post_customers_customer("cus_9", Some(&update))
            .await
            .expect("accepted");
        assert_eq!(*fake.updates.lock().unwrap(), [None, Some(update)]);
    }

    async fn post(base: &str, path: &str, content_type: &str, body: &str) -> (u16, Value) {
        let request = super::raw_http()
            .post(format!("{base}{path}"))
            .header("content-type", content_type)
            .body(body.to_owned());
        super::status_and_json(request).await
    }

    #[tokio::test]
    async fn a_form_that_breaks_its_schema_is_refused_with_the_field_named() {
        let base = super::serve(server::router(Fake::default())).await;
        let form = "application/x-www-form-urlencoded";
        let (status, body) =
            post(&base, "/v1/customers", form, "email=a%40b.io&balance=lots").await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("balance"), "{body}");
        let (status, body) = post(&base, "/v1/customers", form, "email=a%40b.io&balance=-1").await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains("minimum"), "{body}");
        let (status, body) = post(&base, "/v1/customers", form, "balance=1").await;
        assert_eq!(status, 400, "{body}");
        assert!(body.to_string().contains("email"), "{body}");
        let (status, _) = post(
            &base,
            "/v1/customers",
            "application/json",
            r#"{"email":"a@b.io"}"#,
        )
        .await;
        assert_eq!(status, 415);
        let (status, body) = post(
            &base,
            "/v1/customers",
            form,
            "email=a%40b.io&address%5Bline1%5D=x",
        )
        .await;
        assert_eq!(status, 400, "a nested required field is missing: {body}");
        assert!(body.to_string().contains("city"), "{body}");
    }
}
