//! Shared plumbing of the generated APIs: validation, redaction, serde helpers, the HTTP
//! client (feature `client`) and the server support (feature `server`).
//!
//! This is ordinary Rust, compiled and tested in the generator's workspace and copied as it is
//! into every generated crate, so nothing here may depend on a particular spec.

mod base64;
mod bytes;
mod enums;
mod events;
#[cfg(feature = "client")]
mod events_client;
mod form;
// Shared with the generator, which reads all of it; a crate without a server may not.
#[cfg_attr(not(feature = "server"), allow(dead_code))]
mod media;
mod multipart;
mod multipart_read;
mod object;
mod param;
mod percent;
#[cfg(feature = "server")]
mod route;
mod secret;
#[cfg(any(feature = "client", feature = "server"))]
mod stream;
mod tagged;
#[cfg(feature = "server")]
mod upload;
mod validate;

#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "server")]
pub mod server;

pub use bytes::Base64;
#[allow(unused_imports)] // by a crate without string enums
pub(crate) use enums::open_enum;
pub use events::{write_event, Event, EventParser, RawEvent};
pub use form::{decode_form, encode_form, from_form, FormStyle};
pub use multipart::{FilePart, MultipartWriter, PartValue, ToMultipart};
pub use multipart_read::{from_parts, parse_multipart, Part, PartEvent, PartHead, PartsReader};
pub use object::{
    additional, member, optional_member, read_object, required, skip, skip_members, write_object,
    Key, Members, ObjectWriter,
};
pub use param::{json_from_param, json_to_param, FromParam, ToParam};
pub use secret::{CredentialSet, Placement, Redacted, Secret};
pub use serde::de::MapAccess;
#[cfg(any(feature = "client", feature = "server"))]
pub use stream::{BoxError, ByteStream};
pub use tagged::{from_tagged, from_untagged, serialize_tagged, split_tagged, Alternative};
pub use validate::{Checker, Validate, ValidationErrors, Violation};
