//! The server side of the corpus: each API's example-backed fake (`examples/fake_server` of a
//! crate rendered with wire tests) served through the generated router, and schemathesis run
//! against it with its spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use generator::ir::{Api, Operation, SchemeKind};
use serde::Serialize;

/// Generated cases per operation: a corpus spec has hundreds of operations.
const MAX_EXAMPLES: &str = "10";
const SEED: &str = "20261123";
/// The credential sent for every security scheme; the fake accepts any.
const CREDENTIAL: &str = "fake-credential";
/// Checks of what an implementation does, not of what the generated code does: the fake
/// keeps no state and accepts any credential.
const IMPLEMENTATION_CHECKS: &[&str] = &[
    "ignored_auth",
    "use_after_free",
    "ensure_resource_availability",
];

/// How schemathesis found one API's fake.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct ServeCounts {
    pub operations: u64,
    pub cases: u64,
    /// Failures by schemathesis code and title (`ST108 Response violates schema`), each with
    /// the operations it was found in.
    pub failures: BTreeMap<String, Vec<String>>,
    pub errors: u64,
    /// Operations whose statuses go unchecked: the spec documents no status for a refusal
    /// the router must make (no 4xx, `4XX` or `default` that fits).
    pub status_unchecked: usize,
    /// Answers the fake could not build (its `fake-broken` lines).
    pub broken: Vec<String>,
}

impl ServeCounts {
    pub fn failure_count(&self) -> usize {
        self.failures.values().map(Vec::len).sum()
    }
}

/// Kills the fake when the run of its spec ends.
struct Fake(Child);

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Builds the fake server of the crate in `dir` and runs schemathesis against each API's
/// fake with its spec; the counts by module.
pub fn run(
    st: &Path,
    dir: &Path,
    target: &Path,
    apis: &[(&Api, PathBuf)],
) -> Result<BTreeMap<String, ServeCounts>, String> {
    let binary = build(dir, target)?;
    let mut counts = BTreeMap::new();
    for (api, spec) in apis {
        if api.operations.is_empty() {
            continue;
        }
        eprintln!(
            "serve: {} ({} operations)",
            api.module,
            api.operations.len()
        );
        counts.insert(api.module.clone(), check_api(st, &binary, dir, api, spec)?);
    }
    let _ = std::fs::remove_file(&binary);
    Ok(counts)
}

/// `cargo build --example fake_server`; the binary.
fn build(dir: &Path, target: &Path) -> Result<PathBuf, String> {
    let mut command = crate::cargo::cargo(dir, &["build", "--all-features"]);
    command
        .args(["--example", "fake_server", "--manifest-path"])
        .arg(dir.join("Cargo.toml"));
    let output = super::wire::built_once(&mut command, target)
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !output.status.success() {
        return Err(crate::standalone::first_error(&output.stderr)
            .unwrap_or_else(|| "the fake server does not build".into()));
    }
    Ok(target.join("debug/examples/fake_server"))
}

fn check_api(
    st: &Path,
    binary: &Path,
    dir: &Path,
    api: &Api,
    spec: &Path,
) -> Result<ServeCounts, String> {
    let mut child = Command::new(binary)
        .arg(&api.module)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout from the fake")?;
    let mut stderr = child.stderr.take().ok_or("no stderr from the fake")?;
    let fake = Fake(child);
    // Read as it comes: a full pipe would stall the fake.
    let log = std::thread::spawn(move || {
        let mut log = String::new();
        let _ = stderr.read_to_string(&mut log);
        log
    });
    let url = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .ok_or_else(|| format!("the fake of {} printed no address", api.module))?;
    let config = dir.join(format!("schemathesis-{}.toml", api.module));
    let (text, status_unchecked) = config_text(api);
    std::fs::write(&config, text).map_err(|err| format!("{}: {err}", config.display()))?;
    let report = dir.join(format!("schemathesis-{}.json", api.module));
    let _ = std::fs::remove_file(&report);
    let output = Command::new(st)
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(spec)
        .args(["--url", &url])
        .args([
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            // One worker: hypothesis fails of itself ("AST constructor recursion depth
            // mismatch") when several generate at once.
            "--workers",
            "1",
        ])
        .args(["--no-color", "--continue-on-failure", "--report", "json"])
        .arg("--report-json-path")
        .arg(&report)
        .output()
        .map_err(|err| format!("cannot run schemathesis: {err}"))?;
    drop(fake);
    let log_path = report.with_extension("txt");
    let _ = std::fs::write(&log_path, &output.stdout);
    let mut counts = read_report(&report).ok_or_else(|| {
        format!(
            "schemathesis wrote no report for {}: {}",
            api.module,
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    let log = log.join().unwrap_or_default();
    counts.broken = log
        .lines()
        .filter_map(|line| line.strip_prefix("fake-broken "))
        .map(str::to_owned)
        .collect();
    counts.status_unchecked = status_unchecked;
    Ok(counts)
}

/// schemathesis's configuration for one API: a credential for every scheme, and
/// `status_code_conformance` off for each operation whose spec documents no status for a
/// refusal its router must make; with the number of such operations.
fn config_text(api: &Api) -> (String, usize) {
    let mut text = String::new();
    let bearer = api.security_schemes.iter().any(|s| {
        matches!(
            s.kind,
            SchemeKind::OAuth2 | SchemeKind::OpenIdConnect { .. }
        )
    });
    if bearer {
        let _ = writeln!(
            text,
            "headers = {{ Authorization = \"Bearer {CREDENTIAL}\" }}"
        );
    }
    for scheme in &api.security_schemes {
        let value = match &scheme.kind {
            SchemeKind::ApiKey { .. } => format!("api_key = \"{CREDENTIAL}\""),
            SchemeKind::Basic => {
                format!("username = \"{CREDENTIAL}\"\npassword = \"{CREDENTIAL}\"")
            }
            SchemeKind::Bearer { .. } | SchemeKind::Http { .. } => {
                format!("bearer = \"{CREDENTIAL}\"")
            }
            SchemeKind::OAuth2 | SchemeKind::OpenIdConnect { .. } => continue,
        };
        let key = toml_string(&scheme.key);
        let _ = writeln!(text, "[auth.openapi.{key}]\n{value}");
    }
    // Every check runs but these; the configuration's, as options would override its own
    // per-operation settings.
    for check in IMPLEMENTATION_CHECKS {
        let _ = writeln!(text, "[checks.{check}]\nenabled = false");
    }
    // Sequences feed one answer into the next call: they test state the fake does not keep
    // (a made-up id it answered with is no pet it knows).
    let _ = writeln!(text, "[phases.stateful]\nenabled = false");
    let mut unchecked = 0;
    for op in &api.operations {
        let unserved = op.route.is_none();
        if !unserved && refusals_documented(op) {
            continue;
        }
        let _ = writeln!(
            text,
            "[[operations]]\ninclude-path = {}\ninclude-method = \"{}\"",
            toml_string(&op.path),
            op.method
        );
        if unserved {
            // Reported by the generator as unroutable; nothing answers it.
            let _ = writeln!(text, "enabled = false");
        } else {
            unchecked += 1;
            let _ = writeln!(text, "checks.status_code_conformance.enabled = false");
        }
    }
    (text, unchecked)
}

/// `text` as a TOML basic string, quoted.
fn toml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Whether every status the router may refuse the operation's requests with is documented.
fn refusals_documented(op: &Operation) -> bool {
    generator::resolve::refused_by(op)
        .iter()
        .all(|status| op.refusals.iter().any(|r| r.refused.contains(status)))
}

fn read_report(path: &Path) -> Option<ServeCounts> {
    let report = crate::conformance::report(path)?;
    let count = |pointer: &str| crate::conformance::count(&report, pointer);
    let failures = report["failures"]
        .as_array()?
        .iter()
        .map(|f| {
            let name = format!(
                "{} {}",
                f["code"].as_str().unwrap_or(""),
                f["title"].as_str().unwrap_or("")
            );
            let operations = f["operations"]
                .as_array()
                .map(|ops| {
                    ops.iter()
                        .filter_map(|o| o.as_str())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            (name, operations)
        })
        .collect();
    Some(ServeCounts {
        operations: count("/operations/tested"),
        cases: count("/test_cases/generated"),
        failures,
        errors: report["errors"].as_array().map_or(0, |e| e.len() as u64),
        ..ServeCounts::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(spec: &str) -> Api {
        let dir = std::env::temp_dir().join(format!("serve-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("spec.yaml");
        std::fs::write(&path, spec).unwrap();
        let input = generator::ApiInput::new("served", vec![path]);
        let built = generator::build_api(&input, &dir);
        built
            .api
            .unwrap_or_else(|| panic!("{:?}", built.diagnostics))
    }

    #[test]
    fn statuses_go_unchecked_only_where_the_spec_documents_no_refusal() {
        let api = api(r##"
openapi: 3.0.3
info: { title: Served, version: "1" }
security: [{ key: [] }]
paths:
  /documented:
    get:
      responses:
        "200": { description: ok }
        "4XX": { description: refused }
  /silent:
    post:
      requestBody:
        content: { application/json: { schema: { type: object } } }
      responses:
        "200": { description: ok }
        "400": { description: malformed }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: "X-Key" }
"##);
        let (text, unchecked) = config_text(&api);
        assert_eq!(unchecked, 1, "{text}");
        assert!(text.contains("include-path = \"/silent\"\ninclude-method = \"POST\"\nchecks.status_code_conformance.enabled = false"), "{text}");
        assert!(!text.contains("/documented"), "{text}");
        assert!(
            text.contains("[auth.openapi.\"key\"]\napi_key = "),
            "{text}"
        );
        assert!(
            text.contains("[checks.ignored_auth]\nenabled = false")
                && text.contains("[phases.stateful]\nenabled = false"),
            "{text}"
        );
    }
}
