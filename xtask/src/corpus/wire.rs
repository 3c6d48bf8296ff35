//! The wire check of a generated crate: its `tests/wire` binary (one test per operation, see
//! `generator/wire/support.rs`) run against a Prism mock of each spec in turn, and the
//! outcomes counted per spec.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use generator::ir::{Api, Status};

use super::prism;
use super::schema::{self, Verdict};

/// Tests at once against one mock: they wait on the network, not on the two cores.
const TEST_THREADS: &str = "4";

/// How the operations of one spec fared on the wire.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct WireCounts {
    pub operations: usize,
    /// Requests the mock accepted.
    pub accepted: usize,
    /// Accepted requests whose answer decoded into the typed result.
    pub decoded: usize,
    /// Failures by class: `rejected`, `synthesis`, `argument`, `decode`, `mock`, `request`,
    /// `transport`, `unroutable`, `crash` (the test ended without an outcome), `unserved`
    /// (Prism could not serve the spec).
    pub failures: BTreeMap<String, usize>,
    pub first_failure: Option<String>,
    /// Examples the mock refused, each retried with a value made from the schema.
    pub examples_refused: usize,
    /// Every operation that did not pass.
    pub failed: Vec<Outcome>,
}

/// The line a wire test prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub operation: String,
    pub class: String,
    pub message: String,
    #[serde(default)]
    pub notes: Vec<String>,
    /// The test's name (its thread's), to match the line to the test.
    #[serde(default, skip_serializing)]
    pub test: String,
    /// The answer that did not decode, for [`Judge`].
    #[serde(default, skip_serializing)]
    pub answer: Option<Answer>,
}

/// An answer the client could not decode.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

/// A module of the crate and the spec its mock serves.
pub struct Served {
    pub module: String,
    pub spec: PathBuf,
}

/// Builds the wire tests of the crate in `dir` and runs each module's against a mock of its
/// spec; the counts by module. `Err` when the tests do not build.
pub fn run(
    prism: &Path,
    dir: &Path,
    target: &Path,
    served: &[Served],
    judge: &Judge,
) -> Result<BTreeMap<String, WireCounts>, String> {
    let binary = build(dir, target)?;
    let tests = list(&binary)?;
    let mut counts = BTreeMap::new();
    for served in served {
        let prefix = format!("apis::{}::", served.module);
        let names: Vec<&str> = tests
            .iter()
            .map(String::as_str)
            .filter(|t| t.starts_with(&prefix))
            .collect();
        if names.is_empty() {
            eprintln!("wire: {}: the test binary has no test of it", served.module);
            continue;
        }
        eprintln!("wire: {} ({} operations)", served.module, names.len());
        let mut outcomes = match prism::serve(prism, &served.spec) {
            Ok(mock) => run_tests(&binary, &served.module, &mock.url, &names)?,
            Err(why) => names.iter().map(|name| unserved(name, &why)).collect(),
        };
        judge.answers(&served.module, &mut outcomes);
        counts.insert(served.module.clone(), tally(&names, outcomes));
    }
    // Run once; a big API's binary takes gigabytes.
    let _ = std::fs::remove_file(&binary);
    Ok(counts)
}

/// `cargo test --no-run` of the wire tests; the test binary. Without debug info or
/// incremental state: the binaries of big APIs are large, and run once.
fn build(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let mut command = crate::cargo::cargo(dir, &["test", "--all-features", "--test", "wire"]);
    command
        .args(["--no-run", "--message-format=json", "--manifest-path"])
        .arg(dir.join("Cargo.toml"));
    let output = built_once(&mut command, target)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    let messages: Vec<serde_json::Value> = BufReader::new(output.stdout.as_slice())
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
        .collect();
    let binary = messages
        .iter()
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "wire")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from));
    binary.ok_or_else(|| {
        let first_error = messages.iter().find_map(|m| {
            let message = &m["message"];
            (m["reason"] == "compiler-message" && message["level"] == "error").then(|| {
                let file = message["spans"][0]["file_name"].as_str().unwrap_or("");
                format!("{} ({file})", message["message"].as_str().unwrap_or(""))
            })
        });
        first_error
            .or_else(|| crate::standalone::first_error(&output.stderr))
            .unwrap_or_else(|| "the wire tests do not build".into())
    })
}

/// A build of something run once, into `target`: without debug info or incremental state,
/// which only fill the disk for big APIs.
pub(super) fn built_once<'c>(command: &'c mut Command, target: &Path) -> &'c mut Command {
    command
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CARGO_INCREMENTAL", "0")
}

/// The names of the binary's tests.
fn list(binary: &Path) -> Result<Vec<String>, String> {
    let output = Command::new(binary)
        .args(["--list", "--format", "terse"])
        .output()
        .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rev().find(|l| !l.trim().is_empty());
        return Err(format!(
            "the test binary cannot list its tests ({}): {}",
            output.status,
            last.unwrap_or("")
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs the named tests against the mock at `url`; the outcomes they printed, and one for
/// each test that ended without printing one.
fn run_tests(
    binary: &Path,
    module: &str,
    url: &str,
    names: &[&str],
) -> Result<Vec<Outcome>, String> {
    let output = Command::new(binary)
        .args(["--exact", "--nocapture", "--test-threads", TEST_THREADS])
        .args(names)
        .env(format!("WIRE_URL_{module}"), url)
        .env("RUST_BACKTRACE", "0")
        .output()
        .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
    let mut outcomes = outcomes(&String::from_utf8_lossy(&output.stdout));
    let panics = panic_messages(&String::from_utf8_lossy(&output.stderr));
    for name in names {
        if !outcomes.iter().any(|o| o.test == *name) {
            let message = panics
                .get(*name)
                .cloned()
                .unwrap_or_else(|| "the test printed no outcome".into());
            outcomes.push(Outcome {
                operation: operation_of(name).into(),
                class: "crash".into(),
                message,
                notes: Vec::new(),
                test: (*name).into(),
                answer: None,
            });
        }
    }
    Ok(outcomes)
}

fn unserved(name: &str, why: &str) -> Outcome {
    Outcome {
        operation: operation_of(name).into(),
        class: "unserved".into(),
        message: format!("Prism cannot serve the spec: {why}"),
        notes: Vec::new(),
        test: name.into(),
        answer: None,
    }
}

/// `apis::<module>::<test>` -> `<test>`.
fn operation_of(name: &str) -> &str {
    name.rsplit("::").next().unwrap_or(name)
}

/// The `wire-outcome {...}` lines of the tests' output.
fn outcomes(stdout: &str) -> Vec<Outcome> {
    stdout
        .lines()
        .filter_map(|line| line.split_once("wire-outcome ").map(|(_, json)| json))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// The panic message of each test that panicked, by name, from libtest's stderr:
/// `thread 'NAME' panicked at FILE:LINE:COL:` and the message on the lines after.
fn panic_messages(stderr: &str) -> BTreeMap<String, String> {
    let mut messages = BTreeMap::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("thread '") else {
            continue;
        };
        let Some((name, _)) = rest.split_once("' ") else {
            continue;
        };
        let mut message = Vec::new();
        while let Some(next) =
            lines.next_if(|l| !l.starts_with("thread '") && !l.starts_with("note:"))
        {
            message.push(next.trim());
        }
        messages
            .entry(name.to_owned())
            .or_insert_with(|| message.join(" "));
    }
    messages
}

/// What answers that do not decode are judged with: the repository, the directory the spec
/// files are named from, and the APIs.
pub struct Judge<'a> {
    pub root: &'a Path,
    pub base: &'a Path,
    pub apis: &'a [&'a Api],
}

impl Judge<'_> {
    /// Moves to `mock` each decoding failure of `module` whose answer breaks its own schema,
    /// as jsonschema_rs finds: the mock sent the spec's wrong example (or made a wrong value),
    /// which no client should decode. One that the schema accepts stays ours.
    fn answers(&self, module: &str, outcomes: &mut [Outcome]) {
        let Some(api) = self.apis.iter().find(|api| api.module == module) else {
            return;
        };
        let values: Vec<(String, String, serde_json::Value)> = (outcomes.iter())
            .filter(|o| o.class == "decode")
            .filter_map(|o| {
                let answer = o.answer.as_ref()?;
                let schema = answer_schema(api, &o.operation, answer.status)?;
                Some((o.operation.clone(), schema.to_owned(), answer.body.clone()))
            })
            .collect();
        let verdicts = match schema::check_values(self.root, self.base, &values) {
            Ok(verdicts) => verdicts,
            Err(why) => return eprintln!("answers of {module} not judged: {why}"),
        };
        for outcome in outcomes.iter_mut().filter(|o| o.class == "decode") {
            if let Some(Verdict::Invalid(why)) = verdicts.get(&outcome.operation) {
                outcome.class = "mock".into();
                let note = format!("the answer breaks its own schema: {why}");
                outcome.notes.push(note);
            }
        }
    }
}

/// Where the schema of the response documented for `status` is.
fn answer_schema<'a>(api: &'a Api, operation: &str, status: u16) -> Option<&'a str> {
    let op = api.operations.iter().find(|o| o.name == operation)?;
    let documented = |wanted: Status| op.responses.iter().find(|r| r.status == wanted);
    let range = u8::try_from(status / 100).ok()?;
    let response = documented(Status::Code(status))
        .or_else(|| documented(Status::Range(range)))
        .or_else(|| documented(Status::Default))?;
    response.schema.as_deref()
}

/// The counts of one spec's outcomes.
fn tally(names: &[&str], outcomes: Vec<Outcome>) -> WireCounts {
    let mut counts = WireCounts {
        operations: names.len(),
        ..WireCounts::default()
    };
    for outcome in outcomes {
        if matches!(outcome.class.as_str(), "passed" | "decode" | "mock") {
            counts.accepted += 1;
        }
        counts.examples_refused += outcome
            .notes
            .iter()
            .filter(|n| n.starts_with("example refused"))
            .count();
        if outcome.class == "passed" {
            counts.decoded += 1;
            continue;
        }
        *counts.failures.entry(outcome.class.clone()).or_default() += 1;
        counts
            .first_failure
            .get_or_insert_with(|| format!("{}: {}", outcome.operation, outcome.message));
        counts.failed.push(outcome);
    }
    counts.failed.sort_by(|a, b| a.operation.cmp(&b.operation));
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_lines_and_silent_tests_are_counted() {
        let stdout = r#"
running 4 tests
wire-outcome {"module":"api_a","operation":"get_a","class":"passed","message":"","notes":[],"test":"apis::api_a::get_a"}
test apis::api_a::get_a ... ok
wire-outcome {"module":"api_a","operation":"put_a","class":"rejected","message":"request.body: must have required property 'x'","notes":["example refused: ..."],"test":"apis::api_a::put_a"}
wire-outcome {"module":"api_a","operation":"del_a","class":"decode","message":"200 at `id`: invalid type","notes":[],"test":"apis::api_a::del_a"}
wire-outcome not json
"#;
        let stderr = "thread 'apis::api_a::boom' panicked at tests/wire/apis/api_a.rs:9:5:\nset WIRE_URL_api_a\nnote: run with `RUST_BACKTRACE=1`\n";
        let names = [
            "apis::api_a::get_a",
            "apis::api_a::put_a",
            "apis::api_a::del_a",
            "apis::api_a::boom",
        ];
        let mut found = outcomes(stdout);
        let panics = panic_messages(stderr);
        assert_eq!(panics["apis::api_a::boom"], "set WIRE_URL_api_a");
        found.push(Outcome {
            operation: operation_of(names[3]).into(),
            class: "crash".into(),
            message: panics["apis::api_a::boom"].clone(),
            notes: Vec::new(),
            test: names[3].into(),
            answer: None,
        });
        let counts = tally(&names, found);
        assert_eq!(
            (counts.operations, counts.accepted, counts.decoded),
            (4, 2, 1)
        );
        assert_eq!(
            counts.failures,
            BTreeMap::from([
                ("crash".to_owned(), 1),
                ("decode".to_owned(), 1),
                ("rejected".to_owned(), 1)
            ])
        );
        assert_eq!(counts.examples_refused, 1);
        assert_eq!(
            counts.first_failure.as_deref(),
            Some("put_a: request.body: must have required property 'x'")
        );
        let failed: Vec<&str> = counts.failed.iter().map(|o| o.operation.as_str()).collect();
        assert_eq!(failed, ["boom", "del_a", "put_a"]);
    }
}
