//! Unions on the wire: a discriminated union's tag read and written beside the variant, and
//! the choice of an untagged union's alternative.

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

/// Reads a discriminated union's tag; returns it (`None` when the value has none: a spec may
/// leave the property optional) with the whole value. A tag that is not a string is an error.
pub fn split_tagged<'de, D>(
    deserializer: D,
    tag: &str,
) -> Result<(Option<String>, serde_json::Value), D::Error>
where
    D: serde::Deserializer<'de>,
{
    use serde::de::Error as _;
    use serde::Deserialize as _;

    let value = serde_json::Value::deserialize(deserializer)?;
    let found = match value.get(tag) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(found)) => Some(found.clone()),
        Some(other) => {
            return Err(D::Error::custom(format!(
                "the tag `{tag}` must be a string, is {other}"
            )))
        }
    };
    Ok((found, value))
}

/// Decodes a tagged union's variant from the value its tag was read from.
pub fn from_tagged<T, E>(value: serde_json::Value) -> Result<T, E>
where
    T: serde::de::DeserializeOwned,
    E: serde::de::Error,
{
    serde_json::from_value(value).map_err(E::custom)
}

/// One way to read an untagged union: an alternative, decoded from the value if it fits.
pub type Alternative<U> = fn(&serde_json::Value) -> Option<U>;

/// Decodes an untagged union: the first alternative that decodes, keeps every member of an
/// object (in its fields or a map of the others) and keeps its schema's rules; else the first
/// that decodes and keeps every member; else the first that decodes at all. Taking the first
/// that decodes would let an alternative with fewer properties drop the rest, or an open enum
/// take a value another alternative lists.
pub fn from_untagged<U, E>(
    value: &serde_json::Value,
    alternatives: &[Alternative<U>],
    name: &str,
) -> Result<U, E>
where
    U: serde::Serialize + super::Validate,
    E: serde::de::Error,
{
    let (mut keeping, mut first) = (None, None);
    for decode in alternatives {
        let Some(decoded) = decode(value) else {
            continue;
        };
        if !keeps_every_member(value, &decoded) {
            first.get_or_insert(decoded);
        } else if decoded.validate().is_ok() {
            return Ok(decoded);
        } else {
            keeping.get_or_insert(decoded);
        }
    }
    keeping
        .or(first)
        .ok_or_else(|| E::custom(format!("data did not match any variant of {name}")))
}

/// Whether encoding `decoded` again gives every member of the object `value` (a `null` one
/// may be left out, as an unset optional field is).
fn keeps_every_member(value: &serde_json::Value, decoded: &impl serde::Serialize) -> bool {
    let Some(members) = value.as_object() else {
        return true;
    };
    match serde_json::to_value(decoded) {
        Ok(serde_json::Value::Object(kept)) => members
            .iter()
            .all(|(key, member)| member.is_null() || kept.contains_key(key)),
        _ => false,
    }
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

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Fixed {
        #[serde(rename = "type")]
        kind: String,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Weekly {
        #[serde(rename = "type")]
        kind: String,
        interval: Option<i64>,
    }

    #[derive(Debug, PartialEq, serde::Serialize)]
    #[serde(untagged)]
    enum Schedule {
        Fixed(Fixed),
        Weekly(Weekly),
    }

    /// As generated: each alternative allows one value of `type` (an open enum's rule).
    impl crate::runtime::Validate for Schedule {
        fn check(&self, checker: &mut crate::runtime::Checker) {
            let (kind, allowed) = match self {
                Schedule::Fixed(f) => (&f.kind, "fixed"),
                Schedule::Weekly(w) => (&w.kind, "weekly"),
            };
            if kind != allowed {
                checker.report("enum", format!("must be {allowed:?}"));
            }
        }
    }

    fn schedule(json: serde_json::Value) -> Result<Schedule, serde_json::Error> {
        from_untagged(
            &json,
            &[
                |v| serde::Deserialize::deserialize(v).ok().map(Schedule::Fixed),
                |v| {
                    serde::Deserialize::deserialize(v)
                        .ok()
                        .map(Schedule::Weekly)
                },
            ],
            "Schedule",
        )
    }

    #[test]
    fn an_untagged_union_takes_the_alternative_that_keeps_every_member() {
        let weekly = schedule(serde_json::json!({"type": "weekly", "interval": 3}));
        assert!(matches!(
            weekly,
            Ok(Schedule::Weekly(Weekly {
                interval: Some(3),
                ..
            }))
        ));
        let fixed = schedule(serde_json::json!({"type": "fixed", "interval": null}));
        assert!(matches!(fixed, Ok(Schedule::Fixed(_))));
        // Both keep every member; only Weekly keeps its rules.
        let ruled = schedule(serde_json::json!({"type": "weekly"}));
        assert!(matches!(ruled, Ok(Schedule::Weekly(_))), "{ruled:?}");
        // Nothing keeps `extra`: the first that decodes.
        let first = schedule(serde_json::json!({"type": "x", "extra": 1}));
        assert!(matches!(first, Ok(Schedule::Fixed(_))));
        assert!(schedule(serde_json::json!(7)).is_err());
    }
}
