//! Binary strings of JSON (`format: byte`): base64 text on the wire, bytes in Rust.

use std::fmt;

/// Bytes that JSON carries as base64 text. Written with the standard alphabet and padding;
/// read in the standard or the URL-safe alphabet, with or without padding.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// The base64 text the value is sent as.
    pub fn to_base64(&self) -> String {
        super::base64::encode(&self.0)
    }

    /// Reads base64 text; `None` when it is not base64.
    pub fn from_base64(text: &str) -> Option<Self> {
        super::base64::decode(text).map(Self)
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl std::ops::Deref for Base64 {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// Shows the text on the wire, which is shorter than a list of numbers.
impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Base64").field(&self.to_base64()).finish()
    }
}

impl serde::Serialize for Base64 {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> serde::Deserialize<'de> for Base64 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Self::from_base64(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(serde::de::Unexpected::Str(&text), &"base64 text")
        })
    }
}

impl super::ToParam for Base64 {
    fn to_param(&self) -> String {
        self.to_base64()
    }
}

impl super::FromParam for Base64 {
    fn from_param(text: &str) -> Result<Self, String> {
        Self::from_base64(text).ok_or_else(|| format!("{text:?} is not base64"))
    }
}

impl super::Validate for Base64 {
    fn check(&self, _: &mut super::Checker) {}
}

#[cfg(test)]
mod tests {
    use super::Base64;

    #[test]
    fn bytes_are_base64_text_in_json_and_parameters() {
        let bytes = Base64(b"wire\xff".to_vec());
        let json = serde_json::to_string(&bytes).unwrap();
        assert_eq!(json, r#""d2lyZf8=""#);
        assert_eq!(serde_json::from_str::<Base64>(&json).unwrap(), bytes);
        assert_eq!(
            serde_json::from_str::<Base64>(r#""d2lyZf8""#).unwrap(),
            bytes,
            "padding is optional"
        );
        assert_eq!(
            serde_json::from_str::<Base64>(r#""d2lyZf8_""#).unwrap().0,
            b"wire\xff?"
        );
        let err = serde_json::from_str::<Base64>(r#""not base64!""#).unwrap_err();
        assert!(err.to_string().contains("base64 text"), "{err}");
        use super::super::{FromParam, ToParam};
        assert_eq!(bytes.to_param(), "d2lyZf8=");
        assert_eq!(Base64::from_param("d2lyZf8=").unwrap(), bytes);
        assert!(Base64::from_param("%%").is_err());
    }
}
