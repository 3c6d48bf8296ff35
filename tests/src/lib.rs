//! The fixture specs' generated code, compiled here and exercised by this crate's tests.
//! `build.rs` writes it to `OUT_DIR`; the generated types refer to `crate::runtime`.
#![deny(warnings)]

/// The runtime every generated crate copies, compiled (and unit-tested) from its source.
#[path = "../../generator/runtime/mod.rs"]
pub mod runtime;

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), "_api.rs"));
            pub mod types {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
            }
            #[cfg(feature = "client")]
            pub mod client {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), "_client.rs"));
            }
            #[cfg(feature = "server")]
            pub mod server {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), "_server.rs"));
            }
            #[cfg(feature = "server")]
            pub mod webhooks {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($name), "_webhooks.rs"));
            }
        })*
        /// The fixture names, in the order of `tests/fixtures/`.
        pub const FIXTURES: &[&str] = &[$(stringify!($name)),*];
    };
}

/// Calls `$callback!(allof, collisions, ...)` with every fixture of `tests/fixtures/`, in
/// order, so the compiled fixtures and their snapshot tests cannot fall out of step.
#[macro_export]
macro_rules! with_fixtures {
    ($callback:ident) => {
        $callback!(
            allof,
            collisions,
            constraints,
            edge_cases,
            enums,
            formats,
            forms,
            keywords,
            loose,
            maps,
            nullable31,
            oneof,
            params,
            recursion,
            refusals,
            repair_info,
            repair_path_params,
            repair_refs,
            repair_security,
            routes,
            streams,
            unions31,
            webhooks
        );
    };
}

with_fixtures!(fixtures);

/// Serves `router` on an ephemeral port of 127.0.0.1; returns its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serves") });
    format!("http://{address}")
}

/// What the fake servers of the tests and the reference server share.
pub mod fakes {
    use generated::yuno::types::{
        CreateUserRequest, CreateUserResponse201 as Created,
        CreateUserResponse201AccountGroupPermissionsItem as Group,
        CreateUserResponse201AccountPermissionsItem as Account,
    };

    /// The user Yuno answers a create with: the request's fields, an id and the time.
    pub fn yuno_created(
        body: CreateUserRequest,
        id: uuid::Uuid,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Created {
        let accounts = body.account_permissions.map(|items| {
            let account =
                |p: generated::yuno::types::CreateUserRequestAccountPermissionsItem| Account {
                    account_id: Some(p.account_id),
                    role_id: Some(p.role_id),
                };
            items.into_iter().map(account).collect()
        });
        let groups = body.account_group_permissions.map(|items| {
            let group =
                |p: generated::yuno::types::CreateUserRequestAccountGroupPermissionsItem| Group {
                    account_group_id: Some(p.account_group_id),
                    role_id: Some(p.role_id),
                };
            items.into_iter().map(group).collect()
        });
        Created {
            id: Some(id),
            email: Some(body.email),
            first_name: Some(body.first_name),
            last_name: Some(body.last_name),
            account_permissions: accounts,
            account_group_permissions: groups,
            created_at: Some(at),
            updated_at: Some(at),
        }
    }
}
