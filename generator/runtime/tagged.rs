//! Discriminated unions on the wire: the tag read and written beside the variant.

/// Serializes a variant of a discriminated union with its tag. The union owns the tag: it is
/// written over whatever the variant's own tag field holds, so a variant cannot be sent under
/// another variant's tag.
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
        object.insert(tag.to_owned(), serde_json::Value::String(value.to_owned()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Cat {
        #[serde(rename = "petType")]
        pet_type: String,
        name: String,
    }

    #[test]
    fn the_union_writes_its_tag_over_the_variant_field() {
        let cat = Cat {
            pet_type: "dog".into(),
            name: "Tom".into(),
        };
        let json = serialize_tagged(serde_json::value::Serializer, "petType", "cat", &cat);
        assert_eq!(
            json.expect("serializes"),
            serde_json::json!({"petType": "cat", "name": "Tom"})
        );
    }
}
