//! The plumbing every API module shares, emitted once per generated crate as `runtime.rs`.

use proc_macro2::TokenStream;
use quote::quote;

/// What the generated APIs use, so the runtime holds only what is needed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    /// Some field has a `pattern` (pulls in `regex`).
    pub patterns: bool,
    /// Some API has an open string enum (which uses the `open_enum!` macro).
    pub enums: bool,
}

pub fn emit_runtime(needs: Needs) -> TokenStream {
    let validate = validate();
    let checks = checks(needs);
    let serde_helpers = serde_helpers();
    let open_enum = needs.enums.then(open_enum_macro);
    let to_param = to_param();
    let auth = super::runtime_client::emit_auth_runtime();
    let client = super::runtime_client::emit_client_runtime();
    let server = super::runtime_server::emit_server_runtime();
    quote! {
        //! Shared plumbing of the generated APIs: validation, redaction, serde helpers, the HTTP
        //! client (feature `client`) and the server support (feature `server`).
        #validate
        #checks
        #serde_helpers
        #open_enum
        #to_param
        #auth
        #client
        #server
    }
}

fn validate() -> TokenStream {
    quote! {
        use std::collections::BTreeMap;
        use std::fmt;

        /// Checks a value against the rules of its schema (lengths, patterns, bounds, formats).
        pub trait Validate {
            /// Every violation of the schema's rules, each with the path of the field at fault.
            fn validate(&self) -> Result<(), ValidationErrors> {
                let mut checker = Checker::default();
                self.check(&mut checker);
                if checker.violations.is_empty() {
                    Ok(())
                } else {
                    Err(ValidationErrors { violations: checker.violations })
                }
            }

            /// Adds this value's violations to `checker`.
            fn check(&self, checker: &mut Checker);

            /// Reports what decoding tolerated in `json` (the JSON this value was decoded from) but
            /// the schema forbids: `null` for an optional property that is not nullable (vendors
            /// send both), or an array where an object belongs. Servers run it on request bodies.
            fn check_strict_json(_json: &serde_json::Value, _checker: &mut Checker)
            where
                Self: Sized,
            {
            }
        }

        /// One broken rule.
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        pub struct Violation {
            /// Where the value is, in wire names: `account_permissions[0].account_id`.
            pub path: String,
            /// The schema keyword that is broken: `maxLength`, `format`, ...
            pub rule: &'static str,
            /// What is wrong, for people.
            pub message: String,
        }

        /// Every violation found in a value.
        #[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
        pub struct ValidationErrors {
            pub violations: Vec<Violation>,
        }

        impl fmt::Display for ValidationErrors {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} validation error(s)", self.violations.len())?;
                for violation in &self.violations {
                    let path = if violation.path.is_empty() { "value" } else { violation.path.as_str() };
                    write!(f, "; {}: {}", path, violation.message)?;
                }
                Ok(())
            }
        }

        impl std::error::Error for ValidationErrors {}

        enum Segment {
            Field(&'static str),
            Index(usize),
            Key(String),
        }

        /// Collects violations while walking a value.
        #[derive(Default)]
        pub struct Checker {
            path: Vec<Segment>,
            violations: Vec<Violation>,
        }

        impl Checker {
            pub fn enter_field(&mut self, name: &'static str) {
                self.path.push(Segment::Field(name));
            }

            pub fn enter_index(&mut self, index: usize) {
                self.path.push(Segment::Index(index));
            }

            pub fn enter_key(&mut self, key: &str) {
                self.path.push(Segment::Key(key.to_owned()));
            }

            pub fn leave(&mut self) {
                self.path.pop();
            }

            /// Checks a field holding generated types, under the field's name.
            pub fn field<T: Validate + ?Sized>(&mut self, name: &'static str, value: &T) {
                self.enter_field(name);
                value.check(self);
                self.leave();
            }

            /// The JSON object a struct was decoded from, or a violation when it was not one.
            pub fn object<'v>(&mut self, json: &'v serde_json::Value) -> Option<&'v serde_json::Map<String, serde_json::Value>> {
                let object = json.as_object();
                if object.is_none() {
                    self.report("type", "must be an object".to_owned());
                }
                object
            }

            /// [`Validate::check_strict_json`] of a property, if present, under its name.
            pub fn strict_field<T: Validate>(&mut self, object: &serde_json::Map<String, serde_json::Value>, name: &'static str) {
                if let Some(value) = object.get(name) {
                    self.enter_field(name);
                    T::check_strict_json(value, self);
                    self.leave();
                }
            }

            /// Every violation recorded so far.
            pub fn into_violations(self) -> Vec<Violation> {
                self.violations
            }

            /// Properties that are present but `null` where the schema does not allow it.
            pub fn reject_nulls(&mut self, object: &serde_json::Map<String, serde_json::Value>, names: &[&'static str]) {
                for name in names {
                    if object.get(*name).is_some_and(serde_json::Value::is_null) {
                        self.enter_field(name);
                        self.report("type", "must not be null".to_owned());
                        self.leave();
                    }
                }
            }

            /// Records a violation at the current path.
            pub fn report(&mut self, rule: &'static str, message: String) {
                let mut path = String::new();
                for segment in &self.path {
                    match segment {
                        Segment::Field(name) => {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(name);
                        }
                        Segment::Index(index) => path.push_str(&format!("[{index}]")),
                        Segment::Key(key) => path.push_str(&format!("[{key:?}]")),
                    }
                }
                self.violations.push(Violation { path, rule, message });
            }
        }

        impl<T: Validate> Validate for Option<T> {
            fn check(&self, checker: &mut Checker) {
                if let Some(value) = self {
                    value.check(checker);
                }
            }

            fn check_strict_json(json: &serde_json::Value, checker: &mut Checker) {
                T::check_strict_json(json, checker);
            }
        }

        impl<T: Validate> Validate for Box<T> {
            fn check(&self, checker: &mut Checker) {
                (**self).check(checker);
            }

            fn check_strict_json(json: &serde_json::Value, checker: &mut Checker) {
                T::check_strict_json(json, checker);
            }
        }

        impl<T: Validate> Validate for Vec<T> {
            fn check(&self, checker: &mut Checker) {
                for (index, item) in self.iter().enumerate() {
                    checker.enter_index(index);
                    item.check(checker);
                    checker.leave();
                }
            }

            fn check_strict_json(json: &serde_json::Value, checker: &mut Checker) {
                for (index, item) in json.as_array().into_iter().flatten().enumerate() {
                    checker.enter_index(index);
                    T::check_strict_json(item, checker);
                    checker.leave();
                }
            }
        }

        impl<T: Validate> Validate for BTreeMap<String, T> {
            fn check(&self, checker: &mut Checker) {
                for (key, item) in self {
                    checker.enter_key(key);
                    item.check(checker);
                    checker.leave();
                }
            }

            fn check_strict_json(json: &serde_json::Value, checker: &mut Checker) {
                for (key, item) in json.as_object().into_iter().flatten() {
                    checker.enter_key(key);
                    T::check_strict_json(item, checker);
                    checker.leave();
                }
            }
        }

        macro_rules! no_rules {
            ($($ty:ty),*) => {
                $(impl Validate for $ty {
                    fn check(&self, _: &mut Checker) {}
                })*
            };
        }

        no_rules!(
            String, bool, i32, i64, f32, f64, serde_json::Value, uuid::Uuid,
            chrono::DateTime<chrono::Utc>, chrono::NaiveDate
        );
    }
}

fn checks(needs: Needs) -> TokenStream {
    let pattern = if needs.patterns {
        quote! {
            /// `pattern`: the value matches the regular expression (compiled once).
            pub fn pattern(&mut self, value: &str, pattern: &'static str) {
                use std::sync::{Mutex, OnceLock};
                static CACHE: OnceLock<Mutex<BTreeMap<&'static str, Option<regex::Regex>>>> = OnceLock::new();
                let cache = CACHE.get_or_init(Default::default);
                let mut cache = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                let compiled = cache.entry(pattern).or_insert_with(|| regex::Regex::new(pattern).ok());
                if let Some(regex) = compiled {
                    if !regex.is_match(value) {
                        self.report("pattern", format!("must match the pattern `{pattern}`"));
                    }
                }
            }
        }
    } else {
        TokenStream::new()
    };
    quote! {
        impl Checker {
            /// `minLength`, counted in characters as JSON Schema does.
            pub fn min_length(&mut self, value: &str, min: usize) {
                let length = value.chars().count();
                if length < min {
                    self.report("minLength", format!("must be at least {min} characters long, is {length}"));
                }
            }

            /// `maxLength`, counted in characters as JSON Schema does.
            pub fn max_length(&mut self, value: &str, max: usize) {
                let length = value.chars().count();
                if length > max {
                    self.report("maxLength", format!("must be at most {max} characters long, is {length}"));
                }
            }

            /// `minimum` / `exclusiveMinimum`.
            pub fn minimum(&mut self, value: f64, min: f64, exclusive: bool) {
                if value < min || (exclusive && value == min) {
                    let relation = if exclusive { "greater than" } else { "at least" };
                    self.report("minimum", format!("must be {relation} {min}, is {value}"));
                }
            }

            /// `maximum` / `exclusiveMaximum`.
            pub fn maximum(&mut self, value: f64, max: f64, exclusive: bool) {
                if value > max || (exclusive && value == max) {
                    let relation = if exclusive { "less than" } else { "at most" };
                    self.report("maximum", format!("must be {relation} {max}, is {value}"));
                }
            }

            /// `minItems`.
            pub fn min_items(&mut self, length: usize, min: usize) {
                if length < min {
                    self.report("minItems", format!("must have at least {min} items, has {length}"));
                }
            }

            /// `maxItems`.
            pub fn max_items(&mut self, length: usize, max: usize) {
                if length > max {
                    self.report("maxItems", format!("must have at most {max} items, has {length}"));
                }
            }

            /// `uniqueItems`.
            pub fn unique_items<T: PartialEq>(&mut self, items: &[T]) {
                let repeated = items.iter().enumerate().any(|(i, item)| items[..i].contains(item));
                if repeated {
                    self.report("uniqueItems", "must not hold the same item twice".to_owned());
                }
            }

            /// `format: email`: one `@` with a non-empty local part and a dotted domain.
            pub fn email(&mut self, value: &str) {
                if !is_email(value) {
                    self.report("format", format!("must be an email address, is {value:?}"));
                }
            }

            #pattern
        }

        fn is_email(value: &str) -> bool {
            let Some((local, domain)) = value.rsplit_once('@') else { return false };
            let domain_ok = domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
                && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
            !local.is_empty() && local.len() <= 64 && !local.contains(char::is_whitespace) && domain_ok
        }
    }
}

fn to_param() -> TokenStream {
    quote! {
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

        param_by_display!(str, String, bool, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate);

        impl ToParam for chrono::DateTime<chrono::Utc> {
            fn to_param(&self) -> String {
                self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
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

        param_by_from_str!(String, bool, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate, chrono::DateTime<chrono::Utc>);

        impl FromParam for serde_json::Value {
            fn from_param(text: &str) -> Result<Self, String> {
                Ok(serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
            }
        }

        /// A list parameter given as one value: comma-separated, as `form` and `simple` style say.
        impl<T: ToParam> ToParam for Vec<T> {
            fn to_param(&self) -> String {
                self.iter().map(ToParam::to_param).collect::<Vec<_>>().join(",")
            }
        }

        impl<T: ToParam> ToParam for [T] {
            fn to_param(&self) -> String {
                self.iter().map(ToParam::to_param).collect::<Vec<_>>().join(",")
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
    }
}

fn open_enum_macro() -> TokenStream {
    quote! {
        /// The conversions every open string enum has, in terms of its `as_str` and
        /// `from_wire`: one line per enum in the generated types instead of six impls.
        macro_rules! open_enum {
            ($name:ident) => {
                impl std::fmt::Display for $name {
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl std::str::FromStr for $name {
                    type Err = std::convert::Infallible;

                    fn from_str(value: &str) -> Result<Self, Self::Err> {
                        Ok(Self::from_wire(value))
                    }
                }

                impl crate::runtime::ToParam for $name {
                    fn to_param(&self) -> String {
                        self.as_str().to_owned()
                    }
                }

                impl crate::runtime::FromParam for $name {
                    fn from_param(value: &str) -> Result<Self, String> {
                        Ok(Self::from_wire(value))
                    }
                }

                impl serde::Serialize for $name {
                    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> serde::Deserialize<'de> for $name {
                    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let value = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                        Ok(Self::from_wire(&value))
                    }
                }
            };
        }
        pub(crate) use open_enum;
    }
}

fn serde_helpers() -> TokenStream {
    quote! {

        /// Stands in for a secret in `Debug` output.
        pub struct Redacted;

        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        /// Serializes a variant of a discriminated union, adding its tag when the variant's own
        /// type does not carry the tag property.
        pub fn serialize_tagged<S, T>(serializer: S, tag: &str, value: &str, variant: &T) -> Result<S::Ok, S::Error>
        where
            S: serde::Serializer,
            T: serde::Serialize,
        {
            use serde::ser::Error as _;
            use serde::Serialize as _;
            let mut json = serde_json::to_value(variant).map_err(S::Error::custom)?;
            if let serde_json::Value::Object(object) = &mut json {
                object.entry(tag).or_insert_with(|| serde_json::Value::String(value.to_owned()));
            }
            json.serialize(serializer)
        }

        /// Reads a discriminated union's tag; returns it with the whole value.
        pub fn split_tagged<'de, D>(deserializer: D, tag: &str) -> Result<(String, serde_json::Value), D::Error>
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
    }
}
