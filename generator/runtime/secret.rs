//! Credentials and redaction: secrets never show in `Debug` output.

use std::fmt;

/// Stands in for a secret in `Debug` output.
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A credential. Never printed: `Debug` shows `[redacted]`, and header values built from
/// it are marked sensitive.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for code that must send it elsewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How a security scheme presents its credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// An API key in this header.
    Header(&'static str),
    /// An API key in this query parameter.
    Query(&'static str),
    /// An API key in this cookie.
    Cookie(&'static str),
    /// `Authorization: Bearer <credential>`.
    Bearer,
    /// `Authorization: Basic <base64 of the credential, "user:password">`.
    Basic,
    /// `Authorization: <scheme> <credential>`.
    Scheme(&'static str),
}

/// The credentials of one API, by security scheme name.
pub trait CredentialSet {
    fn get(&self, scheme: &str) -> Option<&Secret>;

    /// Stores the credential of `scheme`; unknown schemes are ignored.
    fn set(&mut self, scheme: &str, value: Secret);
}
