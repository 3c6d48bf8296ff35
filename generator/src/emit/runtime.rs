//! The plumbing every API module shares: `generator/runtime/`, ordinary Rust compiled and
//! tested in this workspace, copied as it is into each generated crate, with the features and
//! dependencies it needs.

use crate::ir::{Api, Constraints, TypeKind};

/// The runtime's files, relative to the generated crate's `src/runtime/`.
pub const RUNTIME_FILES: &[(&str, &str)] = &[
    ("mod.rs", include_str!("../../runtime/mod.rs")),
    ("base64.rs", include_str!("../../runtime/base64.rs")),
    ("bytes.rs", include_str!("../../runtime/bytes.rs")),
    ("client.rs", include_str!("../../runtime/client.rs")),
    ("enums.rs", include_str!("../../runtime/enums.rs")),
    ("events.rs", include_str!("../../runtime/events.rs")),
    (
        "events_client.rs",
        include_str!("../../runtime/events_client.rs"),
    ),
    ("form.rs", include_str!("../../runtime/form.rs")),
    ("media.rs", include_str!("../../runtime/media.rs")),
    ("multipart.rs", include_str!("../../runtime/multipart.rs")),
    (
        "multipart_read.rs",
        include_str!("../../runtime/multipart_read.rs"),
    ),
    ("object.rs", include_str!("../../runtime/object.rs")),
    ("param.rs", include_str!("../../runtime/param.rs")),
    ("percent.rs", include_str!("../../runtime/percent.rs")),
    ("route.rs", include_str!("../../runtime/route.rs")),
    ("secret.rs", include_str!("../../runtime/secret.rs")),
    ("server.rs", include_str!("../../runtime/server.rs")),
    ("stream.rs", include_str!("../../runtime/stream.rs")),
    ("tagged.rs", include_str!("../../runtime/tagged.rs")),
    ("upload.rs", include_str!("../../runtime/upload.rs")),
    ("validate.rs", include_str!("../../runtime/validate.rs")),
];

/// The `[features]` entries after `default` and the `[dependencies]` of a generated crate.
const MANIFEST_TAIL: &str = include_str!("../../runtime/manifest.toml");

/// Whether some schema or parameter of the crate has a `pattern`, which the `regex` feature
/// checks: such a crate turns the feature on by default and refuses to build without it.
pub fn needs_regex(apis: &[Api]) -> bool {
    let has_pattern = |c: &Constraints| {
        c.pattern.is_some() || c.items.as_ref().is_some_and(|i| i.pattern.is_some())
    };
    let in_parameters = apis
        .iter()
        .flat_map(super::all_operations)
        .flat_map(|o| &o.parameters)
        .any(|p| has_pattern(&p.constraints));
    in_parameters
        || apis.iter().flat_map(|a| &a.types).any(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| has_pattern(&f.constraints)),
            _ => false,
        })
}

/// The generated crate's `Cargo.toml`, below its `@generated` header.
pub fn cargo_toml(apis: &[Api], crate_name: &str) -> String {
    let titles: Vec<&str> = apis.iter().map(|a| a.title.as_str()).collect();
    let description = format!("Typed Rust models for {}", titles.join(", "));
    let default = if needs_regex(apis) {
        r#"["client", "regex"]"#
    } else {
        r#"["client"]"#
    };
    // The file's own comment, up to its first blank line, is not for the generated crate.
    let tail = MANIFEST_TAIL
        .split_once("\n\n")
        .map_or(MANIFEST_TAIL, |(_, tail)| tail);
    format!(
        "[package]\nname = \"{crate_name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\ndescription = {}\n\n[features]\ndefault = {default}\n{tail}",
        toml_string(&description),
    )
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A runtime file left out of the list would leave generated crates without a module.
    #[test]
    fn every_runtime_source_is_copied() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".rs"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = RUNTIME_FILES
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        listed.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn the_manifest_keeps_the_template_comment_out() {
        let manifest = cargo_toml(&[], "demo");
        assert!(manifest.starts_with("[package]\nname = \"demo\""));
        assert!(!manifest.contains("The generator adds"), "{manifest}");
        assert!(manifest.contains("default = [\"client\"]\n# The async HTTP client"));
        assert!(manifest.contains("\n[dependencies]\naxum = "));
    }
}
