//! Example fidelity: every example a spec gives, decoded into its generated type and encoded
//! again (the `tests/examples.rs` of each generated crate), counted per spec.

use std::collections::BTreeMap;
use std::path::Path;

/// How the examples of one spec fared.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExampleCounts {
    pub total: usize,
    pub passed: usize,
    /// Failures by class: `decode`, `encode`, `changed` (the round trip lost or altered a
    /// declared member), or `other`.
    pub failures: BTreeMap<String, usize>,
    /// The first failure's message, to start from.
    pub first_failure: Option<String>,
}

/// Runs the example tests of the crate in `dir`; counts by module. `Err` when they do not
/// build or run (the reason).
pub fn run(dir: &Path, target: &Path) -> Result<BTreeMap<String, ExampleCounts>, String> {
    let output = crate::cargo::cargo(dir, &["test", "--all-features", "--test", "examples"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .args(["--", "--test-threads", "2"])
        .env("CARGO_TARGET_DIR", target)
        // A backtrace would be read as part of the message.
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.contains("test result:") {
        return Err(crate::standalone::first_error(&output.stderr)
            .unwrap_or_else(|| "the example tests did not run".into()));
    }
    Ok(count(&stdout))
}

/// Per module, from libtest's output: `test examples::<module>_example_<n> ... ok`, and each
/// failure's panic message under `---- examples::<name> stdout ----`.
fn count(stdout: &str) -> BTreeMap<String, ExampleCounts> {
    let messages = failure_messages(stdout);
    let mut counts: BTreeMap<String, ExampleCounts> = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test examples::") else {
            continue;
        };
        let Some((name, outcome)) = rest.split_once(" ... ") else {
            continue;
        };
        let Some((module, _)) = name.rsplit_once("_example_") else {
            continue;
        };
        let entry = counts.entry(module.to_owned()).or_default();
        entry.total += 1;
        if outcome.trim() == "ok" {
            entry.passed += 1;
            continue;
        }
        let message = messages.get(name).cloned().unwrap_or_default();
        *entry
            .failures
            .entry(class(&message).to_owned())
            .or_default() += 1;
        entry.first_failure.get_or_insert(message);
    }
    counts
}

/// The panic message of each failed test, by test name.
fn failure_messages(stdout: &str) -> BTreeMap<&str, String> {
    let mut messages = BTreeMap::new();
    let mut lines = stdout.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("---- examples::")
            .and_then(|rest| rest.strip_suffix(" stdout ----"))
        else {
            continue;
        };
        let message = lines
            .by_ref()
            .skip_while(|l| l.is_empty() || l.starts_with("thread "))
            .take_while(|l| !l.is_empty() && !l.starts_with("note:"))
            .collect::<Vec<_>>()
            .join(" ");
        messages.insert(name, message);
    }
    messages
}

fn class(message: &str) -> &'static str {
    if message.contains("does not decode") {
        "decode"
    } else if message.contains("does not encode") {
        "encode"
    } else if message.contains("changed in a round trip") {
        "changed"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_failure_classes_are_counted_per_module() {
        let stdout = "\
running 4 tests
test examples::api_a_example_1 ... ok
test examples::api_a_example_2 ... FAILED
test examples::api_b_c_example_1 ... FAILED
test examples::api_b_c_example_2 ... ok

failures:

---- examples::api_a_example_2 stdout ----

thread 'examples::api_a_example_2' panicked at tests/examples.rs:12:14:
example at a.yaml#/x does not decode: missing field `id`
note: run with `RUST_BACKTRACE=1`

---- examples::api_b_c_example_1 stdout ----

thread 'examples::api_b_c_example_1' panicked at tests/examples.rs:17:9:
assertion `left == right` failed: example at b.yaml#/y changed in a round trip
  left: 1

test result: FAILED. 2 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out
";
        let counts = count(stdout);
        let a = &counts["api_a"];
        assert_eq!((a.total, a.passed), (2, 1));
        assert_eq!(a.failures, BTreeMap::from([("decode".to_owned(), 1)]));
        assert_eq!(
            a.first_failure.as_deref(),
            Some("example at a.yaml#/x does not decode: missing field `id`")
        );
        let b = &counts["api_b_c"];
        assert_eq!((b.total, b.passed), (2, 1));
        assert_eq!(b.failures, BTreeMap::from([("changed".to_owned(), 1)]));
    }
}
