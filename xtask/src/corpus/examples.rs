//! Example fidelity: every example a spec gives, decoded into its generated type and encoded
//! again (the `tests/examples.rs` of each generated crate), counted per spec.

use std::collections::BTreeMap;
use std::path::Path;

use super::schema::Verdict;

/// How the examples of one spec fared. Examples their own schema rejects (by the independent
/// check of [`super::schema`]) are vendor defects: listed, and not counted for or against us.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExampleCounts {
    pub total: usize,
    /// Examples the schema rejects.
    pub vendor_defects: usize,
    /// Examples without a verdict (no schema, or one the validator cannot read); counted.
    pub unchecked: usize,
    /// Of the examples that are not vendor defects, those that pass.
    pub passed: usize,
    /// Failures of examples that are not vendor defects, by class: `decode`, `encode`,
    /// `changed` (the round trip lost or altered a declared member), `rule` (`validate()`
    /// rejects it), or `other`.
    pub failures: BTreeMap<String, usize>,
    /// The first failure's message, to start from.
    pub first_failure: Option<String>,
    /// Every failure counted against us, and every vendor defect, with its message.
    pub listed: Vec<Listed>,
}

impl ExampleCounts {
    /// Examples that count: all but the vendor defects.
    pub fn counted(&self) -> usize {
        self.total - self.vendor_defects
    }
}

/// A failed example or a vendor defect, for the JSON report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Listed {
    pub test: String,
    pub class: String,
    pub message: String,
}

/// One example test's outcome: `None` when it passed, else its failure class and message.
type Outcome = Option<(&'static str, String)>;

/// Runs the example tests of the crate in `dir`; their outcomes by module and test name.
/// `Err` when they do not build or run (the reason).
pub fn run(dir: &Path, target: &Path) -> Result<BTreeMap<String, Vec<(String, Outcome)>>, String> {
    let output = crate::cargo::cargo(dir, &["test", "--all-features", "--test", "examples"])
        .arg("--manifest-path")
        .arg(dir.join("Cargo.toml"))
        .args(["--", "--test-threads", "2"])
        .env("CARGO_TARGET_DIR", target)
        // Built once and run once: incremental state and debug info would only fill the disk
        // (gigabytes for a large spec).
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        // A backtrace would be read as part of the message.
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !stdout.contains("test result:") {
        return Err(crate::standalone::first_error(&output.stderr)
            .unwrap_or_else(|| "the example tests did not run".into()));
    }
    Ok(outcomes(&stdout))
}

/// Per module, from libtest's output: `test examples::<module>_example_<n> ... ok`, and each
/// failure's panic message under `---- examples::<name> stdout ----`.
fn outcomes(stdout: &str) -> BTreeMap<String, Vec<(String, Outcome)>> {
    let messages = failure_messages(stdout);
    let mut by_module: BTreeMap<String, Vec<(String, Outcome)>> = BTreeMap::new();
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
        let outcome = (outcome.trim() != "ok").then(|| {
            let message = messages.get(name).cloned().unwrap_or_default();
            (class(&message), message)
        });
        by_module
            .entry(module.to_owned())
            .or_default()
            .push((name.to_owned(), outcome));
    }
    by_module
}

/// The counts of one module's examples, given the schema's verdict on each.
pub fn tally(tests: &[(String, Outcome)], verdicts: &BTreeMap<String, Verdict>) -> ExampleCounts {
    let mut counts = ExampleCounts {
        total: tests.len(),
        ..ExampleCounts::default()
    };
    for (test, outcome) in tests {
        let listed = |class: &str, message: &str| Listed {
            test: test.clone(),
            class: class.to_owned(),
            message: message.to_owned(),
        };
        match verdicts.get(test) {
            Some(Verdict::Invalid(why)) => {
                counts.vendor_defects += 1;
                counts.listed.push(listed("vendor defect", why));
                continue;
            }
            Some(Verdict::Unchecked(_)) | None => counts.unchecked += 1,
            Some(Verdict::Valid) => {}
        }
        let Some((class, message)) = outcome else {
            counts.passed += 1;
            continue;
        };
        *counts.failures.entry((*class).to_owned()).or_default() += 1;
        counts.first_failure.get_or_insert_with(|| message.clone());
        counts.listed.push(listed(class, message));
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
    } else if message.contains("breaks a rule of its schema") {
        "rule"
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
        let verdicts = BTreeMap::from([
            ("api_a_example_1".to_owned(), Verdict::Valid),
            ("api_a_example_2".to_owned(), Verdict::Valid),
            (
                "api_b_c_example_1".to_owned(),
                Verdict::Invalid("\"id\" is a required property".into()),
            ),
        ]);
        let outcomes = outcomes(stdout);
        let a = tally(&outcomes["api_a"], &verdicts);
        assert_eq!(
            (a.total, a.passed, a.vendor_defects, a.unchecked),
            (2, 1, 0, 0)
        );
        assert_eq!(a.failures, BTreeMap::from([("decode".to_owned(), 1)]));
        assert_eq!(
            a.first_failure.as_deref(),
            Some("example at a.yaml#/x does not decode: missing field `id`")
        );
        // The failure of an example its own schema rejects is the vendor's, not ours.
        let b = tally(&outcomes["api_b_c"], &verdicts);
        assert_eq!(
            (b.total, b.passed, b.vendor_defects, b.unchecked),
            (2, 1, 1, 1)
        );
        assert_eq!(b.counted(), 1);
        assert!(b.failures.is_empty());
        assert_eq!(b.listed[0].class, "vendor defect");
    }
}
