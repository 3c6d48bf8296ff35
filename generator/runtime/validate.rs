//! Validation: every rule of a schema a value breaks, each with its path.

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
            Err(ValidationErrors {
                violations: checker.violations,
            })
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
            let path = if violation.path.is_empty() {
                "value"
            } else {
                violation.path.as_str()
            };
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
    pub fn object<'v>(
        &mut self,
        json: &'v serde_json::Value,
    ) -> Option<&'v serde_json::Map<String, serde_json::Value>> {
        let object = json.as_object();
        if object.is_none() {
            self.report("type", "must be an object".to_owned());
        }
        object
    }

    /// [`Validate::check_strict_json`] of a property, if present, under its name.
    pub fn strict_field<T: Validate>(
        &mut self,
        object: &serde_json::Map<String, serde_json::Value>,
        name: &'static str,
    ) {
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
    pub fn reject_nulls(
        &mut self,
        object: &serde_json::Map<String, serde_json::Value>,
        names: &[&'static str],
    ) {
        for name in names {
            if object.get(*name).is_some_and(serde_json::Value::is_null) {
                self.enter_field(name);
                self.report("type", "must not be null".to_owned());
                self.leave();
            }
        }
    }

    /// Required properties that are missing (ones decoding reads as `None`, being nullable).
    pub fn require_present(
        &mut self,
        object: &serde_json::Map<String, serde_json::Value>,
        names: &[&'static str],
    ) {
        for name in names {
            if !object.contains_key(*name) {
                self.enter_field(name);
                self.report("required", "is required (it may be null)".to_owned());
                self.leave();
            }
        }
    }

    /// Properties a closed object (`additionalProperties: false`) does not declare.
    pub fn reject_undeclared(
        &mut self,
        object: &serde_json::Map<String, serde_json::Value>,
        declared: &[&'static str],
    ) {
        for name in object.keys() {
            if !declared.contains(&name.as_str()) {
                self.report(
                    "additionalProperties",
                    format!("`{name}` is not a property of this object"),
                );
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
        self.violations.push(Violation {
            path,
            rule,
            message,
        });
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

no_rules! {
    String, bool, i32, i64, f32, f64, serde_json::Value, uuid::Uuid,
    chrono::DateTime<chrono::Utc>, chrono::NaiveDate
}

impl Checker {
    /// `minLength`, counted in characters as JSON Schema does.
    pub fn min_length(&mut self, value: &str, min: usize) {
        let length = value.chars().count();
        if length < min {
            self.report(
                "minLength",
                format!("must be at least {min} characters long, is {length}"),
            );
        }
    }

    /// `maxLength`, counted in characters as JSON Schema does.
    pub fn max_length(&mut self, value: &str, max: usize) {
        let length = value.chars().count();
        if length > max {
            self.report(
                "maxLength",
                format!("must be at most {max} characters long, is {length}"),
            );
        }
    }

    /// `minimum` / `exclusiveMinimum`.
    pub fn minimum(&mut self, value: f64, min: f64, exclusive: bool) {
        if value < min || (exclusive && value == min) {
            let relation = if exclusive {
                "greater than"
            } else {
                "at least"
            };
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
            self.report(
                "minItems",
                format!("must have at least {min} items, has {length}"),
            );
        }
    }

    /// `maxItems`.
    pub fn max_items(&mut self, length: usize, max: usize) {
        if length > max {
            self.report(
                "maxItems",
                format!("must have at most {max} items, has {length}"),
            );
        }
    }

    /// `minProperties`.
    pub fn min_properties(&mut self, present: usize, min: usize) {
        if present < min {
            self.report(
                "minProperties",
                format!("must have at least {min} properties, has {present}"),
            );
        }
    }

    /// `maxProperties`.
    pub fn max_properties(&mut self, present: usize, max: usize) {
        if present > max {
            self.report(
                "maxProperties",
                format!("must have at most {max} properties, has {present}"),
            );
        }
    }

    /// `uniqueItems`.
    pub fn unique_items<T: PartialEq>(&mut self, items: &[T]) {
        let repeated = items
            .iter()
            .enumerate()
            .any(|(i, item)| items[..i].contains(item));
        if repeated {
            self.report(
                "uniqueItems",
                "must not hold the same item twice".to_owned(),
            );
        }
    }

    /// `anyOf`/`oneOf` of `required` lists: at least one set (`exclusive`: exactly one) has
    /// all its properties present.
    pub fn required_sets(
        &mut self,
        sets: &[&[&str]],
        exclusive: bool,
        present: impl Fn(&str) -> bool,
    ) {
        let complete = sets
            .iter()
            .filter(|set| set.iter().all(|wire| present(wire)))
            .count();
        if complete == 1 || (complete > 1 && !exclusive) {
            return;
        }
        let listed: Vec<String> = sets.iter().map(|set| set.join(" + ")).collect();
        let (rule, wanted) = if exclusive {
            ("oneOf", "exactly one")
        } else {
            ("anyOf", "at least one")
        };
        self.report(
            rule,
            format!(
                "must have {wanted} of these property sets: {}; has {complete}",
                listed.join(", ")
            ),
        );
    }

    /// `format: email`: one `@` with a non-empty local part and a dotted domain.
    pub fn email(&mut self, value: &str) {
        if !is_email(value) {
            self.report("format", format!("must be an email address, is {value:?}"));
        }
    }

    /// `pattern`: the value matches the regular expression (compiled once).
    #[cfg(feature = "regex")]
    pub fn pattern(&mut self, value: &str, pattern: &'static str) {
        use std::sync::{Mutex, OnceLock};

        static CACHE: OnceLock<Mutex<BTreeMap<&'static str, Option<regex::Regex>>>> =
            OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let mut cache = cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let compiled = cache
            .entry(pattern)
            .or_insert_with(|| regex::Regex::new(pattern).ok());
        if let Some(regex) = compiled {
            if !regex.is_match(value) {
                self.report("pattern", format!("must match the pattern `{pattern}`"));
            }
        }
    }
}

fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    !local.is_empty() && local.len() <= 64 && !local.contains(char::is_whitespace) && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(check: impl FnOnce(&mut Checker)) -> Vec<Violation> {
        let mut checker = Checker::default();
        check(&mut checker);
        checker.into_violations()
    }

    #[test]
    fn property_counts_are_bounded_both_ways() {
        let found = violations(|checker| {
            checker.min_properties(0, 1);
            checker.max_properties(3, 2);
            checker.min_properties(1, 1);
        });
        let rules: Vec<&str> = found.iter().map(|v| v.rule).collect();
        assert_eq!(rules, ["minProperties", "maxProperties"]);
    }

    #[test]
    fn paths_name_fields_indices_and_keys_in_wire_terms() {
        let found = violations(|checker| {
            checker.enter_field("account_permissions");
            checker.enter_index(0);
            checker.enter_field("account_id");
            checker.report("format", "bad".to_owned());
            checker.leave();
            checker.leave();
            checker.enter_key("a.b");
            checker.report("minimum", "low".to_owned());
        });
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "account_permissions[0].account_id",
                "account_permissions[\"a.b\"]"
            ]
        );
    }

    #[test]
    fn lengths_count_characters_not_bytes() {
        assert!(violations(|c| c.max_length("ééé", 3)).is_empty());
        let found = violations(|c| c.max_length("éééé", 3));
        assert_eq!(found[0].rule, "maxLength");
        assert_eq!(found[0].message, "must be at most 3 characters long, is 4");
        assert_eq!(violations(|c| c.min_length("", 1))[0].rule, "minLength");
    }

    #[test]
    fn exclusive_bounds_refuse_the_bound_itself() {
        assert!(violations(|c| c.minimum(1.0, 1.0, false)).is_empty());
        assert_eq!(violations(|c| c.minimum(1.0, 1.0, true)).len(), 1);
        assert_eq!(violations(|c| c.maximum(2.5, 2.0, false)).len(), 1);
    }

    #[test]
    fn unique_items_and_item_counts() {
        assert_eq!(violations(|c| c.unique_items(&[1, 2, 1])).len(), 1);
        assert!(violations(|c| c.unique_items(&[1, 2, 3])).is_empty());
        assert_eq!(violations(|c| c.min_items(0, 1))[0].rule, "minItems");
        assert_eq!(violations(|c| c.max_items(3, 2))[0].rule, "maxItems");
    }

    #[test]
    fn required_sets_want_one_complete_set() {
        let sets: &[&[&str]] = &[&["a"], &["b", "c"]];
        let has = |present: &'static [&'static str]| move |wire: &str| present.contains(&wire);
        assert!(violations(|c| c.required_sets(sets, false, has(&["a", "b", "c"]))).is_empty());
        assert!(violations(|c| c.required_sets(sets, true, has(&["b", "c"]))).is_empty());
        let none = violations(|c| c.required_sets(sets, false, has(&["b"])));
        assert_eq!(none[0].rule, "anyOf");
        assert_eq!(
            none[0].message,
            "must have at least one of these property sets: a, b + c; has 0"
        );
        let both = violations(|c| c.required_sets(sets, true, has(&["a", "b", "c"])));
        assert_eq!(both[0].rule, "oneOf");
        assert!(both[0].message.ends_with("has 2"), "{}", both[0].message);
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for good in ["a@example.com", "first.last+tag@sub.example.org"] {
            assert!(is_email(good), "{good}");
        }
        for bad in [
            "",
            "a@",
            "@example.com",
            "a@example",
            "a@.example.com",
            "a b@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[cfg(feature = "regex")]
    #[test]
    fn patterns_match_anywhere_unless_anchored() {
        assert!(violations(|c| c.pattern("xAB", "[A-Z]+")).is_empty());
        assert_eq!(violations(|c| c.pattern("xAB", "^[A-Z]+$")).len(), 1);
    }

    #[test]
    fn validate_gathers_every_violation_of_a_list() {
        struct Short(&'static str);

        impl Validate for Short {
            fn check(&self, checker: &mut Checker) {
                checker.max_length(self.0, 2);
            }
        }
        let errors = vec![Short("abc"), Short("ok"), Short("abcd")]
            .validate()
            .unwrap_err();
        let paths: Vec<&str> = errors.violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["[0]", "[2]"]);
        assert!(errors
            .to_string()
            .starts_with("2 validation error(s); [0]: "));
    }

    #[test]
    fn strict_json_reports_nulls_the_schema_does_not_allow() {
        let json = serde_json::json!({"name": null, "note": null});
        let found = violations(|checker| {
            let object = checker.object(&json).cloned().unwrap_or_default();
            checker.reject_nulls(&object, &["name"]);
        });
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, "name");
        assert_eq!(
            violations(|c| {
                c.object(&serde_json::json!([1]));
            })[0]
                .message,
            "must be an object"
        );
    }
}
