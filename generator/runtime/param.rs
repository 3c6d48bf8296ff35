//! Parameters as text: how path, query, header and cookie values are written and read.

use std::collections::BTreeMap;

/// How a value is written in a path, query or header parameter.
pub trait ToParam {
    fn to_param(&self) -> String;
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

impl<T: ToParam + ?Sized> ToParam for Box<T> {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

macro_rules! param_by_display {
    ($($ty:ty),*) => {
        $(impl ToParam for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        })*
    };
}

param_by_display! { str, String, bool, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate }

impl ToParam for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// A `format: binary` parameter: its bytes as text (a parameter has no file name, and a
/// file read as it is sent has no text until it is collected).
impl ToParam for super::FilePart {
    fn to_param(&self) -> String {
        String::from_utf8_lossy(self.bytes().unwrap_or_default()).into_owned()
    }
}

/// How a parameter's text is read back into a value (the server side of [`ToParam`]).
pub trait FromParam: Sized {
    fn from_param(text: &str) -> Result<Self, String>;
}

macro_rules! param_by_from_str {
    ($($ty:ty),*) => {
        $(impl FromParam for $ty {
            fn from_param(text: &str) -> Result<Self, String> {
                text.parse().map_err(|err| format!("{text:?} is not valid: {err}"))
            }
        })*
    };
}

param_by_from_str! {
    String, bool, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate, chrono::DateTime<chrono::Utc>
}

impl FromParam for super::FilePart {
    fn from_param(text: &str) -> Result<Self, String> {
        Ok(Self::new(text.as_bytes()))
    }
}

impl FromParam for serde_json::Value {
    fn from_param(text: &str) -> Result<Self, String> {
        Ok(serde_json::from_str(text)
            .unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
    }
}

/// A struct, union or newtype as parameter text: a string as itself (PeerTube's `id` that is
/// an integer or any string goes out as `abc`, not `"abc"`), any other value as JSON.
pub fn json_to_param<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .map(|value| value.to_param())
        .unwrap_or_default()
}

/// The reverse of [`json_to_param`]: the text as the JSON it spells when that decodes (a
/// number, an object), else as a string.
pub fn json_from_param<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    if let Ok(parsed) = serde_json::from_str::<serde_json::Value>(text) {
        if let Ok(value) = serde_json::from_value(parsed) {
            return Ok(value);
        }
    }
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|err| format!("{text:?} is not valid: {err}"))
}

/// A list parameter given as one value: comma-separated, as `form` and `simple` style say.
impl<T: ToParam> ToParam for Vec<T> {
    fn to_param(&self) -> String {
        self.iter()
            .map(ToParam::to_param)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl<T: ToParam> ToParam for [T] {
    fn to_param(&self) -> String {
        self.iter()
            .map(ToParam::to_param)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl<T: FromParam> FromParam for Vec<T> {
    fn from_param(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Ok(Vec::new());
        }
        text.split(',').map(T::from_param).collect()
    }
}

/// Maps are sent as JSON text.
impl<T: serde::Serialize> ToParam for BTreeMap<String, T> {
    fn to_param(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl<T: serde::de::DeserializeOwned> FromParam for BTreeMap<String, T> {
    fn from_param(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|err| err.to_string())
    }
}

/// Free-form values are sent as JSON text.
impl ToParam for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shaped_values_are_plain_text_when_they_are_strings() {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        enum IdOrName {
            Id(i64),
            Name(String),
        }
        assert_eq!(json_to_param(&IdOrName::Name("abc".into())), "abc");
        assert_eq!(json_to_param(&IdOrName::Id(7)), "7");
        assert_eq!(json_from_param("abc"), Ok(IdOrName::Name("abc".into())));
        assert_eq!(json_from_param("7"), Ok(IdOrName::Id(7)));
        let object = BTreeMap::from([("a".to_owned(), 1)]);
        assert_eq!(json_to_param(&object), r#"{"a":1}"#);
        assert_eq!(
            json_from_param::<BTreeMap<String, i64>>(r#"{"a":1}"#),
            Ok(object)
        );
        assert!(json_from_param::<i64>("abc").is_err());
    }

    #[test]
    fn lists_are_comma_separated_both_ways() {
        assert_eq!(vec![1i64, 2, 3].to_param(), "1,2,3");
        assert_eq!(Vec::<i64>::from_param("1,2,3"), Ok(vec![1, 2, 3]));
        assert_eq!(Vec::<String>::from_param(""), Ok(Vec::new()));
        assert!(Vec::<i32>::from_param("1,x").is_err());
    }

    #[test]
    fn date_times_are_rfc3339_in_utc() {
        let at = chrono::DateTime::parse_from_rfc3339("2025-09-01T12:30:00+02:00")
            .map(|t| t.with_timezone(&chrono::Utc))
            .unwrap();
        assert_eq!(at.to_param(), "2025-09-01T10:30:00Z");
        assert_eq!(chrono::DateTime::from_param("2025-09-01T10:30:00Z"), Ok(at));
    }

    #[test]
    fn free_form_values_are_json_text_except_plain_strings() {
        let text = serde_json::Value::String("a b".into());
        assert_eq!(text.to_param(), "a b");
        assert_eq!(serde_json::json!({"k": 1}).to_param(), r#"{"k":1}"#);
        assert_eq!(
            serde_json::Value::from_param("not json"),
            Ok(serde_json::Value::String("not json".into()))
        );
        let map: BTreeMap<String, i32> = BTreeMap::from_param(r#"{"a":1}"#).unwrap();
        assert_eq!(map.to_param(), r#"{"a":1}"#);
    }
}
