//! Mutated specs through every stage: load, normalize, resolve, emit and format must report
//! problems, never panic. `PROPTEST_CASES=N` runs longer; failures shrink to a small spec.

mod common;

use generator::diag::Code;
use generator::render::CrateOptions;
use proptest::prelude::*;

/// Seeds: the fixtures and the vendored specs, as YAML and as JSON.
fn seeds() -> Vec<String> {
    let root = common::root();
    let mut texts = Vec::new();
    for dir in [
        "tests/fixtures",
        "specs/flexprice",
        "specs/yuno",
        "specs/alloy_embedded",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        texts.extend(
            paths
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .map(|p| std::fs::read_to_string(p).unwrap()),
        );
    }
    // The same documents as pretty JSON, which large specs mostly are and which positions are
    // found in by a scan of its own.
    let json: Vec<String> = texts
        .iter()
        .filter_map(|text| {
            let source = generator::diag::Source::new("seed.yaml".into(), text.clone(), 0);
            let value = generator::load::parse(&source).ok()?;
            serde_json::to_string_pretty(&value).ok()
        })
        .collect();
    texts.extend(json);
    texts
}

/// Fragments that reach the awkward corners when spliced in at random.
const SPLICES: &[&str] = &[
    "$ref: '#/components/schemas/Nowhere'",
    "$ref: '#/components/schemas/A'",
    "$ref: 'other.yaml#/X'",
    "type: [string, 'null']",
    "allOf: [{$ref: '#/components/schemas/A'}, {type: object}]",
    "oneOf: [{type: 'null'}]",
    "enum: [a, A, 'a-', null, 1]",
    "additionalProperties: false",
    "items: true",
    "- {}",
    "null",
    "[]",
    "'{'",
    "\"\\u0000*/\"",
    "x-enum-varnames: [Self, '']",
    "discriminator: {propertyName: kind}",
    "format: uuid",
    "required: [missing]",
    "'200': {description: x}",
    "{name: id, in: path, required: true, schema: {type: object}}",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLines(usize, usize),
    DuplicateLine(usize),
    Splice(usize, usize),
    ReplaceByte(usize, u8),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1..4usize).prop_map(|(at, n)| Mutation::DeleteLines(at, n)),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), 0..SPLICES.len()).prop_map(|(at, which)| Mutation::Splice(at, which)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::ReplaceByte(at, byte)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return String::new();
    }
    match *mutation {
        Mutation::DeleteLines(at, n) => {
            let at = at % lines.len();
            let end = (at + n).min(lines.len());
            lines.drain(at..end);
        }
        Mutation::DuplicateLine(at) => {
            let at = at % lines.len();
            lines.insert(at, lines[at].clone());
        }
        Mutation::Splice(at, which) => {
            let at = at % lines.len();
            let indent: String = lines[at].chars().take_while(|c| *c == ' ').collect();
            let key = lines[at]
                .trim_start()
                .split(':')
                .next()
                .unwrap_or("x")
                .to_owned();
            lines[at] = format!("{indent}{key}: {}", SPLICES[which]);
        }
        Mutation::ReplaceByte(at, byte) => {
            let mut bytes = lines.join("\n").into_bytes();
            let at = at % bytes.len().max(1);
            if let Some(b) = bytes.get_mut(at) {
                *b = byte;
            }
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::Truncate(at) => {
            let joined = lines.join("\n");
            let cut = at % joined.len().max(1);
            return joined.chars().take(cut).collect();
        }
    }
    lines.join("\n")
}

fn run_pipeline(text: &str) -> Result<(), String> {
    let dir = common::temp_dir("fuzz");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, text).map_err(|e| e.to_string())?;
    let built = generator::build_api(&generator::ApiInput::new("fuzzed", vec![spec]), &dir);
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(internal) = built.diagnostics.iter().find(|d| d.code == Code::Internal) {
        return Err(internal.to_string());
    }
    if let Some(api) = built.api {
        let options = CrateOptions {
            crate_name: "fuzzed".into(),
            command: "fuzz".into(),
            sources_label: "spec.yaml".into(),
            ..Default::default()
        };
        generator::render::render_crate(&[api], &options)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_specs_never_panic(seed in any::<prop::sample::Index>(), mutations in prop::collection::vec(mutation(), 1..6)) {
        let seeds = seeds();
        let mut text = seed.get(&seeds).clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        if let Err(problem) = run_pipeline(&text) {
            prop_assert!(false, "{problem}\n--- spec ---\n{text}");
        }
    }
}
