//! Discriminated unions on the wire: the tag read and written beside the variant.

/// Serializes a variant of a discriminated union, adding its tag when the variant's own
/// type does not carry the tag property.
pub fn serialize_tagged<S, T>(
    serializer: S,
    tag: &str,
    value: &str,
    variant: &T,
) -> Result<S::Ok, S::Error>
where
    S: serde::Serializer,
    T: serde::Serialize,
{
    use serde::ser::Error as _;
    use serde::Serialize as _;

    let mut json = serde_json::to_value(variant).map_err(S::Error::custom)?;
    if let serde_json::Value::Object(object) = &mut json {
        object
            .entry(tag)
            .or_insert_with(|| serde_json::Value::String(value.to_owned()));
    }
    json.serialize(serializer)
}

/// Reads a discriminated union's tag; returns it with the whole value.
pub fn split_tagged<'de, D>(
    deserializer: D,
    tag: &str,
) -> Result<(String, serde_json::Value), D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    use serde::Deserialize as _;

    let value = serde_json::Value::deserialize(deserializer)?;
    let found = value
        .get(tag)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| D::Error::custom(format!("missing string tag `{tag}`")))?;
    Ok((found.to_owned(), value))
}

/// Decodes a tagged union's variant from the value its tag was read from.
pub fn from_tagged<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}
