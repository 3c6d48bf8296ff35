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
        })*
        /// The fixture names, in the order of `tests/fixtures/`.
        pub const FIXTURES: &[&str] = &[$(stringify!($name)),*];
    };
}

fixtures!(
    allof,
    collisions,
    constraints,
    edge_cases,
    enums,
    formats,
    keywords,
    maps,
    nullable31,
    oneof,
    params,
    recursion
);
