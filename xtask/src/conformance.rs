//! `cargo xtask conformance`: serves the reference implementations of the vendored APIs (the
//! generated axum stubs) and checks them with schemathesis against the vendored specs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};

const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Every check runs on every spec, except where this says otherwise.
const ALL_CHECKS: &str = "all";

/// The checks a spec's run leaves out, and why. The servers answer a refused request with a
/// status the operation documents wherever one fits (`Refusal` in the IR); a spec that
/// documents none for a request its server must refuse leaves the router its own status,
/// which `status_code_conformance` would count against the server rather than the spec.
fn excluded_checks(file: &str) -> Option<(&'static str, &'static str)> {
    const STATUS: &str = "status_code_conformance";
    match file {
        // Documents only `201`: a malformed body (400), a broken rule such as an `email` that
        // is not one (422) and missing keys (401) have no documented status at all.
        "yuno/create-user.yaml" => Some((STATUS, "documents no 4xx")),
        // Document `200` and `401` only: a request without the required `x-api-version`
        // header, or with a body that is not the schema's, is refused with 400 or 422, and a
        // 401 would tell the client its credentials are wrong. Alloy's batch page documents
        // a `400` and is checked in full.
        "alloy_connectivity/create-a-user.yaml" | "alloy_embedded/create-a-user.yaml" => {
            Some((STATUS, "documents no 4xx but 401"))
        }
        // Requires an API key but documents no 401 or 403. Every other refusal takes the
        // documented `400`; a request without the key (schemathesis's coverage phase sends
        // one) stays a 401, the only answer its own `ignored_auth` accepts: answered with
        // the documented 400 instead, that check fails.
        "flexprice/create-user-or-service-account.yaml" => {
            Some((STATUS, "requires a key, documents no 401"))
        }
        _ => None,
    }
}
const MAX_EXAMPLES: &str = "100";
/// Failures accepted on purpose. One: Alloy's batch `400` schema is a `oneOf` of two identical
/// objects, which no body can match exactly once, so every 400 "violates" it.
const BASELINE: &str = "tests/conformance-baseline.json";
const SEED: &str = "20261122";
/// The APIs the reference server serves: it prints a line for each, then serves.
const SERVED_APIS: usize = 4;

/// The credentials the reference server accepts, as schemathesis headers, per API.
fn credentials(api: &str) -> &'static [&'static str] {
    match api {
        "flexprice" => &["x-api-key: reference-key"],
        "yuno" => &[
            "PUBLIC-API-KEY: reference-public",
            "PRIVATE-SECRET-KEY: reference-private",
        ],
        _ => &["Authorization: Bearer reference-key"],
    }
}

/// Kills the reference server when the run ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(root: &Path) -> ExitCode {
    match conformance(root) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn conformance(root: &Path) -> Result<bool, String> {
    let st = install_schemathesis(root)?;
    let (_server, urls) = start_reference_server(root)?;
    let manifest =
        generator::manifest::Manifest::read(&root.join("specs")).map_err(|d| d.to_string())?;
    let reports = root.join("target/conformance");
    std::fs::create_dir_all(&reports).map_err(|err| err.to_string())?;
    let mut rows = Vec::new();
    for (api, files) in &manifest.apis {
        let url = urls
            .iter()
            .find(|(name, _)| name == api)
            .map(|(_, url)| url)
            .ok_or_else(|| format!("no server for {api}"))?;
        for file in &files.files {
            let report = reports.join(format!("{}.json", file.replace(['/', '.'], "_")));
            let summary = check_spec(root, &st, api, file, url, &report)?;
            rows.push((file.clone(), summary));
        }
    }
    Ok(print_summary(&rows))
}

/// The reference server, started, with the base URL it serves each API on.
fn start_reference_server(root: &Path) -> Result<(Server, Vec<(String, String)>), String> {
    let built = crate::cargo::cargo(
        root,
        &[
            "build",
            "--quiet",
            "--package",
            "codegen-tests",
            "--bin",
            "reference-server",
        ],
    )
    .status()
    .map_err(|err| format!("cannot run cargo: {err}"))?;
    if !built.success() {
        return Err("the reference server does not build".into());
    }
    // A relative target directory is relative to the workspace, where cargo ran.
    let target = root.join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()));
    let mut child = Command::new(target.join("debug/reference-server"))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("cannot start the reference server: {err}"))?;
    let stdout = child
        .stdout
        .take()
        .ok_or("no stdout from the reference server")?;
    let server = Server(child);
    let mut urls = Vec::new();
    for line in BufReader::new(stdout).lines().take(SERVED_APIS) {
        let line = line.map_err(|err| err.to_string())?;
        let (api, url) = line
            .split_once(' ')
            .ok_or_else(|| format!("unexpected line {line:?}"))?;
        urls.push((api.to_owned(), url.to_owned()));
    }
    Ok((server, urls))
}

/// Runs schemathesis on one spec file of `api` against the server at `url`; prints its
/// output when something failed.
fn check_spec(
    root: &Path,
    st: &Path,
    api: &str,
    file: &str,
    url: &str,
    report: &Path,
) -> Result<Summary, String> {
    let mut command = Command::new(st);
    command.current_dir(root).args([
        "run",
        &format!("specs/{file}"),
        "--url",
        url,
        "--checks",
        ALL_CHECKS,
    ]);
    if let Some((check, _)) = excluded_checks(file) {
        command.args(["--exclude-checks", check]);
    }
    command.args([
        "--max-examples",
        MAX_EXAMPLES,
        "--seed",
        SEED,
        "--no-color",
        "--continue-on-failure",
        "--baseline",
        BASELINE,
        "--report",
        "json",
        "--report-json-path",
    ]);
    command.arg(report);
    for header in credentials(api) {
        command.args(["--header", header]);
    }
    // A report left by an earlier run must not stand in for this one.
    let _ = std::fs::remove_file(report);
    let output = command
        .output()
        .map_err(|err| format!("cannot run schemathesis: {err}"))?;
    let summary = read_report(report).ok_or_else(|| {
        format!(
            "schemathesis wrote no report for {file}:\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })?;
    if summary.failures > 0 || summary.errors > 0 {
        println!("{}", String::from_utf8_lossy(&output.stdout));
    }
    Ok(summary)
}

/// Prints a table of the runs and their totals; whether every run was clean.
fn print_summary(rows: &[(String, Summary)]) -> bool {
    println!("{SCHEMATHESIS}: all checks, {MAX_EXAMPLES} examples per operation, seed {SEED}");
    println!("| spec | operations | cases | failures | errors | known (baseline) | not checked |");
    println!("|---|---|---|---|---|---|---|");
    let mut clean = true;
    let (mut cases, mut failures) = (0, 0);
    for (file, s) in rows {
        let excluded = excluded_checks(file)
            .map(|(check, why)| format!("{check} ({why})"))
            .unwrap_or_default();
        println!(
            "| {file} | {} | {} | {} | {} | {} | {excluded} |",
            s.operations, s.cases, s.failures, s.errors, s.known
        );
        clean &= s.failures == 0 && s.errors == 0;
        cases += s.cases;
        failures += s.failures + s.errors;
    }
    let known: u64 = rows.iter().map(|(_, s)| s.known).sum();
    println!("total: {cases} generated cases, {failures} failures, {known} known (see {BASELINE})");
    clean
}

struct Summary {
    operations: u64,
    cases: u64,
    failures: u64,
    errors: u64,
    /// Failures the baseline accepts.
    known: u64,
}

/// A schemathesis JSON report, read.
pub(crate) fn report(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

/// A count in a schemathesis report (0 when it has none).
pub(crate) fn count(report: &serde_json::Value, pointer: &str) -> u64 {
    report
        .pointer(pointer)
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0)
}

fn read_report(path: &Path) -> Option<Summary> {
    let report = report(path)?;
    let count = |pointer: &str| count(&report, pointer);
    let failures = report["failures"]
        .as_array()
        .map_or(0, |f| f.iter().filter_map(|f| f["count"].as_u64()).sum());
    Some(Summary {
        operations: count("/operations/tested"),
        cases: count("/test_cases/generated"),
        failures,
        errors: report["errors"].as_array().map_or(0, |e| e.len() as u64),
        known: count("/baseline/known"),
    })
}

/// schemathesis in a virtualenv under `target/`, installed from PyPI on first use.
pub(crate) fn install_schemathesis(root: &Path) -> Result<PathBuf, String> {
    let venv = root.join("target/conformance-venv");
    let st = venv.join("bin/st");
    let version_ok = Command::new(&st).arg("--version").output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .contains(SCHEMATHESIS.trim_start_matches("schemathesis=="))
    });
    if version_ok {
        return Ok(st);
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let created = Command::new(&python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .map_err(|err| format!("cannot run {python}: {err}"))?;
    if !created.success() {
        return Err("cannot create a Python virtualenv for schemathesis".into());
    }
    let installed = Command::new(venv.join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            SCHEMATHESIS,
        ])
        .status()
        .map_err(|err| format!("cannot run pip: {err}"))?;
    if !installed.success() {
        return Err(format!("pip could not install {SCHEMATHESIS}"));
    }
    Ok(st)
}
