//! The independent judge of examples: each example checked against its own schema by
//! jsonschema_rs (installed with schemathesis), so an example the vendor got wrong is told
//! apart from one our types get wrong.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use generator::ir::Api;
use serde::{Deserialize, Serialize};

const SCRIPT: &str = include_str!("schema_check.py");

/// What the schema says of one example.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "lowercase")]
pub enum Verdict {
    Valid,
    /// The example breaks its own schema: a defect of the spec.
    Invalid(String),
    /// No verdict: the schema could not be read or compiled.
    Unchecked(String),
}

#[derive(Serialize)]
struct Input<'a> {
    test: &'a str,
    schema: &'a str,
    value: &'a serde_json::Value,
}

#[derive(Deserialize)]
struct Output {
    verdict: String,
    why: String,
}

/// The verdict on every example of `apis` that has a schema, by test name. Spec files are
/// named from `base`.
pub fn check(root: &Path, base: &Path, apis: &[Api]) -> Result<BTreeMap<String, Verdict>, String> {
    let input: Vec<Input> = apis
        .iter()
        .flat_map(|api| &api.examples)
        .filter_map(|e| {
            Some(Input {
                test: &e.test_name,
                schema: e.schema.as_deref()?,
                value: &e.value,
            })
        })
        .collect();
    judge(root, base, &input)
}

/// The verdict on each value against the schema at its `file#pointer`, by key.
pub fn check_values(
    root: &Path,
    base: &Path,
    values: &[(String, String, serde_json::Value)],
) -> Result<BTreeMap<String, Verdict>, String> {
    let input: Vec<Input> = values
        .iter()
        .map(|(test, schema, value)| Input {
            test,
            schema,
            value,
        })
        .collect();
    judge(root, base, &input)
}

fn judge(root: &Path, base: &Path, input: &[Input]) -> Result<BTreeMap<String, Verdict>, String> {
    if input.is_empty() {
        return Ok(BTreeMap::new());
    }
    let python = crate::conformance::install_schemathesis(root)?.with_file_name("python");
    let script = root.join("target/corpus/schema_check.py");
    std::fs::create_dir_all(root.join("target/corpus")).map_err(|err| err.to_string())?;
    std::fs::write(&script, SCRIPT).map_err(|err| err.to_string())?;
    let json = serde_json::to_vec(input).map_err(|err| err.to_string())?;
    let output = run_python(&python, &script, base, &json)?;
    let raw: BTreeMap<String, Output> = serde_json::from_slice(&output)
        .map_err(|err| format!("unreadable verdicts from the schema check: {err}"))?;
    Ok(raw.into_iter().map(|(test, o)| (test, o.into())).collect())
}

fn run_python(python: &Path, script: &Path, base: &Path, input: &[u8]) -> Result<Vec<u8>, String> {
    let mut child = Command::new(python)
        .arg(script)
        .arg(base)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot run {}: {err}", python.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin for the schema check")?;
    let input = input.to_vec();
    // Written on a thread of its own, so a full stdout pipe cannot stall the check.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child
        .wait_with_output()
        .map_err(|err| format!("the schema check failed: {err}"))?;
    let _ = writer.join();
    if !output.status.success() {
        return Err("the schema check failed (see its output above)".into());
    }
    Ok(output.stdout)
}

impl From<Output> for Verdict {
    fn from(o: Output) -> Verdict {
        match o.verdict.as_str() {
            "valid" => Verdict::Valid,
            "invalid" => Verdict::Invalid(o.why),
            _ => Verdict::Unchecked(o.why),
        }
    }
}
