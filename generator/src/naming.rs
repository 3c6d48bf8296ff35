//! Every Rust identifier the generator emits is made here; no other module calls `heck`.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of every edition (2024's `gen` included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that would shadow what generated code relies on.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "Self",
    "Default",
    "Value",
    "Map",
    "Serialize",
    "Deserialize",
    "Validate",
];

/// Keeps ASCII letters and digits, turns everything else into word breaks; a sign in front of
/// a number is spelled out so `-1` and `1` stay distinct.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 6);
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        let before_digit = chars.peek().is_some_and(char::is_ascii_digit);
        match c {
            c if c.is_ascii_alphanumeric() => out.push(c),
            '-' if before_digit && out.trim().is_empty() => out.push_str(" minus "),
            '+' if before_digit && out.trim().is_empty() => out.push_str(" plus "),
            _ => out.push(' '),
        }
    }
    out
}

fn symbol_words(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let word = match c {
            '+' => "plus",
            '-' => "minus",
            '*' => "star",
            '/' => "slash",
            '.' => "dot",
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            '!' => "not",
            '@' => "at",
            '#' => "hash",
            '$' => "dollar",
            '%' => "percent",
            '&' => "and",
            '_' => "underscore",
            ' ' => "space",
            _ => "",
        };
        if !word.is_empty() {
            out.push(' ');
            out.push_str(word);
        }
    }
    out
}

/// UpperCamelCase type or variant name for any wire string; never empty, never a keyword.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = symbol_words(raw).to_upper_camel_case();
    }
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if RESERVED_TYPES.contains(&name.as_str()) || KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A variant name inside an enum; no type-name reservation applies there.
pub fn variant_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = symbol_words(raw).to_upper_camel_case();
    }
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if name == "Self" {
        name.push('_');
    }
    name
}

/// snake_case field, method, parameter or module name; never empty, never a keyword.
pub fn snake_name(raw: &str) -> String {
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = symbol_words(raw).to_snake_case();
    }
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A type name built from a parent's name and a suffix (`Pet` + `Item`); an escaping `_` at the
/// end of the parent (`Self_`) is dropped so the result stays UpperCamelCase.
pub fn nested(parent: &str, suffix: &str) -> String {
    format!("{}{suffix}", parent.trim_end_matches('_'))
}

/// A snake_case name built from a base name and a suffix (`move_` + `handler` ->
/// `move_handler`); an escaping `_` at the end of the base is dropped.
pub fn nested_snake(base: &str, suffix: &str) -> String {
    format!("{}_{suffix}", base.trim_end_matches('_'))
}

/// The method that fills a credential slot (`api_key` -> `with_api_key`).
pub fn setter_name(slot: &str) -> String {
    format!("with_{}", slot.trim_end_matches('_'))
}

/// The test fn of an API's `number`th example, prefixed by its module so the tests of all
/// APIs share one file.
pub fn example_test_name(module: &str, number: usize) -> String {
    format!("{module}_example_{number}")
}

/// Drops a leading copy of the enum's own name from a vendor-given variant name
/// (`UserTypeServiceAccount` in `UserType` -> `ServiceAccount`).
pub fn strip_type_prefix(variant: &str, type_name: &str) -> String {
    match variant.strip_prefix(type_name) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_uppercase()) => rest.to_owned(),
        _ => variant.to_owned(),
    }
}

/// Hands out unique names in one namespace, deterministically: the first claimant keeps the
/// name, later ones get `2`, `3`, ... appended.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeMap<String, usize>,
}

impl Namespace {
    /// Claims `wanted` or the first free numbered form of it. Returns the name and whether it
    /// had to be changed.
    pub fn claim(&mut self, wanted: &str) -> (String, bool) {
        if !self.taken.contains_key(wanted) {
            self.taken.insert(wanted.to_owned(), 1);
            return (wanted.to_owned(), false);
        }
        let mut n = self.taken[wanted] + 1;
        // `Value_` (a reserved word escaped) numbers as `Value2`: a trailing `_` before a digit
        // is not UpperCamelCase. snake_case names keep digits apart with `_`.
        let camel = wanted.starts_with(|c: char| c.is_ascii_uppercase());
        let base = if camel {
            wanted.trim_end_matches('_')
        } else {
            wanted
        };
        loop {
            let separator = if !camel && base.ends_with(|c: char| c.is_ascii_digit()) {
                "_"
            } else {
                ""
            };
            let candidate = format!("{base}{separator}{n}");
            if !self.taken.contains_key(&candidate) {
                self.taken.insert(wanted.to_owned(), n);
                self.taken.insert(candidate.clone(), 1);
                return (candidate, true);
            }
            n += 1;
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains_key(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("errors.ErrorResponse"), "ErrorsErrorResponse");
        assert_eq!(type_name("create-a-user"), "CreateAUser");
        assert_eq!(type_name("2fa_config"), "V2faConfig");
        assert_eq!(type_name("type"), "Type");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("Option"), "Option_");
        assert_eq!(type_name("???"), "Unnamed");
        assert_eq!(type_name("Value"), "Value_");
        assert_eq!(type_name("héllo wörld"), "HLloWRld");
    }

    #[test]
    fn snake_names_avoid_keywords_and_digits() {
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("gen"), "gen_");
        assert_eq!(snake_name("fullName"), "full_name");
        assert_eq!(snake_name("x-api-version"), "x_api_version");
        assert_eq!(snake_name("1st"), "_1st");
        assert_eq!(snake_name(""), "value");
        assert_eq!(snake_name("$"), "dollar");
    }

    #[test]
    fn variant_names_from_symbols() {
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name("-"), "Minus");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("service_account"), "ServiceAccount");
    }

    #[test]
    fn nested_names_drop_the_escape_of_their_base() {
        assert_eq!(nested("Self_", "Item"), "SelfItem");
        assert_eq!(nested_snake("move_", "handler"), "move_handler");
        assert_eq!(nested_snake("get_pet", "input"), "get_pet_input");
    }

    #[test]
    fn setters_and_example_tests() {
        assert_eq!(setter_name("api_key"), "with_api_key");
        assert_eq!(setter_name("type_"), "with_type");
        assert_eq!(example_test_name("type_", 3), "type__example_3");
    }

    #[test]
    fn vendor_prefix_is_dropped_only_on_a_word_boundary() {
        assert_eq!(
            strip_type_prefix("UserTypeServiceAccount", "UserType"),
            "ServiceAccount"
        );
        assert_eq!(strip_type_prefix("UserTypes", "UserType"), "UserTypes");
    }

    #[test]
    fn namespace_numbers_collisions_in_claim_order() {
        let mut ns = Namespace::default();
        assert_eq!(ns.claim("User"), ("User".into(), false));
        assert_eq!(ns.claim("User"), ("User2".into(), true));
        assert_eq!(ns.claim("User2"), ("User22".into(), true));
        assert_eq!(ns.claim("Value_"), ("Value_".into(), false));
        assert_eq!(ns.claim("Value_"), ("Value2".into(), true));
        assert_eq!(ns.claim("user_2"), ("user_2".into(), false));
        assert_eq!(ns.claim("user_2"), ("user_2_2".into(), true));
        assert_eq!(ns.claim("User"), ("User3".into(), true));
    }
}
