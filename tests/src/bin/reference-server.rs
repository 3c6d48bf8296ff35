//! In-memory reference implementations of the four vendored APIs, served with the generated
//! axum stubs, for conformance runs (`cargo xtask conformance`). Prints one line per API:
//! `<module> http://127.0.0.1:<port>`, then serves until killed.
//!
//! Each implementation accepts only its reference credentials (`REFERENCE_KEY`, and for Yuno
//! `PUBLIC_KEY` with `PRIVATE_KEY`); others get the documented 401 where the spec has one
//! (Alloy's), else a 401 through the explicit `Undocumented` response. Requests the router
//! refuses are answered as each spec documents; Flexprice's `ErrorResponse` also lists every
//! broken rule in its `details`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use generated::{alloy_connectivity as connectivity, alloy_embedded as embedded, flexprice, yuno};

pub const REFERENCE_KEY: &str = "reference-key";
pub const PUBLIC_KEY: &str = "reference-public";
pub const PRIVATE_KEY: &str = "reference-private";

/// The 401 an implementation sends for credentials it does not know, where its spec
/// documents none.
fn unknown_credentials() -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let body = serde_json::json!({"error": {"status": 401, "code": "unauthorized", "message": "unknown credentials"}});
    (axum::http::StatusCode::UNAUTHORIZED, axum::Json(body)).into_response()
}

/// The body of Alloy's documented 401, an object of no declared properties.
fn unknown_to_alloy() -> std::collections::BTreeMap<String, serde_json::Value> {
    let error = serde_json::json!({"status": 401, "code": "unauthorized", "message": "unknown credentials"});
    std::collections::BTreeMap::from([("error".to_owned(), error)])
}

fn is(secret: Option<&generated::runtime::Secret>, expected: &str) -> bool {
    secret.is_some_and(|s| s.expose() == expected)
}

/// Users created so far, per API, as a count: enough to hand out distinct ids.
static CREATED: AtomicU64 = AtomicU64::new(0);

fn next_id() -> u64 {
    CREATED.fetch_add(1, Ordering::Relaxed) + 1
}

struct Flexprice {
    users: Mutex<Vec<String>>,
}

impl flexprice::server::Api for Flexprice {
    async fn create_user(
        &self,
        input: flexprice::server::CreateUserInput,
    ) -> flexprice::server::CreateUserResponse {
        if !is(input.credentials.x_api_key.as_ref(), REFERENCE_KEY) {
            return flexprice::server::CreateUserResponse::Undocumented(unknown_credentials());
        }
        let body = input.body;
        let id = format!("user_{}", next_id());
        self.users
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(id.clone());
        let is_user = body.type_ == flexprice::types::UserType::User;
        flexprice::server::CreateUserResponse::Status201(flexprice::types::CreateUserResponse {
            id: Some(id),
            email: body.email.filter(|_| is_user),
            password: is_user.then(|| "initial-password".to_owned()),
            roles: body.roles,
            type_: Some(body.type_),
            tenant: None,
        })
    }

    /// The router's `ErrorResponse`, with each broken rule under its path in `details`.
    fn rejection_body(
        &self,
        _operation: flexprice::server::Operation,
        rejection: &generated::runtime::server::Rejection,
        body: flexprice::server::RejectionBody<'_>,
    ) {
        let flexprice::server::RejectionBody::ErrorResponse(Some(error)) = body else {
            return;
        };
        if rejection.violations.is_empty() {
            return;
        }
        let details = rejection.violations.iter().map(|v| {
            let detail = serde_json::Map::from_iter([
                ("rule".to_owned(), serde_json::Value::from(v.rule)),
                (
                    "message".to_owned(),
                    serde_json::Value::from(v.message.clone()),
                ),
            ]);
            (v.path.clone(), detail.into_iter().collect())
        });
        error.details = Some(details.collect());
    }
}

struct Yuno;

impl yuno::server::Api for Yuno {
    async fn create_user(
        &self,
        input: yuno::server::CreateUserInput,
    ) -> yuno::server::CreateUserResponse {
        let credentials = &input.credentials;
        if !is(credentials.public_api_key.as_ref(), PUBLIC_KEY)
            || !is(credentials.private_secret_key.as_ref(), PRIVATE_KEY)
        {
            return yuno::server::CreateUserResponse::Undocumented(unknown_credentials());
        }
        let now = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default();
        let id = uuid::Uuid::from_u128(u128::from(next_id()));
        yuno::server::CreateUserResponse::Status201(codegen_tests::fakes::yuno_created(
            input.body, id, now,
        ))
    }
}

struct Embedded;

impl embedded::server::Api for Embedded {
    async fn create_a_user(
        &self,
        input: embedded::server::CreateAUserInput,
    ) -> embedded::server::CreateAUserResponse {
        if !is(input.credentials.authorization.as_ref(), REFERENCE_KEY) {
            return embedded::server::CreateAUserResponse::Status401(unknown_to_alloy());
        }
        embedded::server::CreateAUserResponse::Status200(embedded::types::CreateAUserResponse200 {
            user_id: Some(format!("{:015x}", next_id())),
        })
    }

    async fn batch_create_users(
        &self,
        input: embedded::server::BatchCreateUsersInput,
    ) -> embedded::server::BatchCreateUsersResponse {
        use embedded::server::BatchCreateUsersResponse as R;
        if !is(input.credentials.authorization.as_ref(), REFERENCE_KEY) {
            return R::Status401(unknown_to_alloy());
        }
        // The documented 400 is a `oneOf` of two identical objects, which no body can match
        // exactly once; an empty batch is answered with a 200 that lists nothing.
        let users = input.body.map(|b| b.users).unwrap_or_default();
        let invalid = users
            .into_iter()
            .filter(|u| u.username.as_deref().is_none_or(str::is_empty))
            .map(
                |u| embedded::types::BatchCreateUsersResponse200InvalidUsersItem {
                    full_name: u.full_name,
                },
            )
            .collect();
        R::Status200(embedded::types::BatchCreateUsersResponse200 {
            message: Some("success".into()),
            invalid_users: Some(invalid),
        })
    }
}

struct Connectivity;

impl connectivity::server::Api for Connectivity {
    async fn create_a_user(
        &self,
        input: connectivity::server::CreateAUserInput,
    ) -> connectivity::server::CreateAUserResponse {
        if !is(input.credentials.bearer_auth.as_ref(), REFERENCE_KEY) {
            return connectivity::server::CreateAUserResponse::Status401(unknown_to_alloy());
        }
        connectivity::server::CreateAUserResponse::Status200(
            connectivity::types::CreateAUserResponse200 {
                user_id: Some(format!("{:024x}", next_id())),
            },
        )
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let routers = [
        ("alloy_embedded", embedded::server::router(Embedded)),
        (
            "alloy_connectivity",
            connectivity::server::router(Connectivity),
        ),
        ("yuno", yuno::server::router(Yuno)),
        (
            "flexprice",
            flexprice::server::router(Flexprice {
                users: Mutex::new(Vec::new()),
            }),
        ),
    ];
    let mut servers = Vec::new();
    for (name, router) in routers {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        println!("{name} http://{}", listener.local_addr()?);
        servers.push(tokio::spawn(
            async move { axum::serve(listener, router).await },
        ));
    }
    for server in servers {
        server.await.map_err(std::io::Error::other)??;
    }
    Ok(())
}
