//! `cargo xtask wire`: the wire check of the vendored APIs (`specs/manifest.yaml`) and of the
//! wire fixtures (`tests/wire/*.yaml`, and a few snapshot fixtures), held against the known
//! failures of `tests/wire-baseline.json`. It fails when an operation fails that the baseline
//! does not list (or lists with another class), and when one the baseline lists passes. Then
//! each API's example-backed fake server meets schemathesis, which must find nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diag::{Repairs, Sink};
use generator::ir::Api;
use generator::ApiInput;
use serde::Deserialize;

use super::prism;
use super::serve::{self, ServeCounts};
use super::wire::{self, Outcome, Served, WireCounts};

const BASELINE: &str = "tests/wire-baseline.json";
const FIXTURES: &str = "tests/wire";
/// Snapshot fixtures whose operations are worth a trip to the mock as well.
const SNAPSHOT_FIXTURES: &[&str] = &[
    "tests/fixtures/forms.yaml",
    "tests/fixtures/loose.yaml",
    "tests/fixtures/streams.yaml",
];

/// Failures accepted on purpose, each with its reason.
#[derive(Deserialize)]
struct Baseline {
    known: Vec<Known>,
    /// schemathesis's findings on the fake servers accepted on purpose.
    #[serde(default)]
    server_known: Vec<ServerKnown>,
}

#[derive(Deserialize)]
struct ServerKnown {
    api: String,
    /// schemathesis's code and title: `ST108 Response violates schema`.
    check: String,
    /// `POST /users/batch`.
    operation: String,
    reason: String,
    /// Found in some runs only (schemathesis does not always generate the case): its
    /// absence is no fix.
    #[serde(default)]
    sometimes: bool,
}

#[derive(Deserialize)]
struct Known {
    api: String,
    operation: String,
    class: String,
    /// Why it fails.
    reason: String,
}

pub fn run(root: &Path) -> ExitCode {
    match check_vendored(root) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn check_vendored(root: &Path) -> Result<bool, String> {
    let prism = prism::install(root)?;
    let out = root.join("target/wire");
    let mut apis = Vec::new();
    let mut served = Vec::new();
    for input in inputs(root)? {
        let built = generator::build_api(&input, root);
        let api = built.api.ok_or_else(|| {
            format!(
                "{} does not generate: {:?}",
                input.module, built.diagnostics
            )
        })?;
        served.push(Served {
            module: api.module.clone(),
            spec: served_spec(&input, root, &out)?,
        });
        apis.push(api);
    }
    let dir = out.join("crate");
    let options = generator::render::CrateOptions {
        crate_name: "wire-vendored".into(),
        command: "cargo xtask wire".into(),
        sources_label: "specs/manifest.yaml".into(),
        wire_tests: true,
    };
    let group: Vec<&Api> = apis.iter().collect();
    super::write_crate(root, &dir, &options, 0, &group)?;
    let modules: Vec<&str> = apis.iter().map(|a| a.module.as_str()).collect();
    let failing = super::check(root, &dir, &modules);
    if !failing.is_empty() {
        return Err(format!("the crate does not compile cleanly: {failing:?}"));
    }
    let target = root.join("target/corpus-target");
    let judge = wire::Judge {
        root,
        base: root,
        apis: &group,
    };
    let counts = wire::run(&prism, &dir, &target, &served, &judge)?;
    print_table(&counts);
    let baseline = read_baseline(root)?;
    let clients_clean = held_to(&baseline, &counts);
    let st = crate::conformance::install_schemathesis(root)?;
    let with_specs: Vec<(&Api, PathBuf)> = (apis.iter())
        .zip(&served)
        .map(|(api, served)| (api, served.spec.clone()))
        .collect();
    let fakes = serve::run(&st, &dir, &target, &with_specs)?;
    Ok(clients_clean & fakes_clean(&baseline.server_known, &fakes))
}

/// Prints how schemathesis found each API's example-backed fake server; whether it found
/// nothing wrong (no failing check, no error, no answer the fake could not build).
fn fakes_clean(known: &[ServerKnown], counts: &BTreeMap<String, ServeCounts>) -> bool {
    println!("schemathesis: the generated servers, answering with each spec's examples");
    println!("| api | operations | cases | failures | errors | status unchecked |");
    println!("|---|---|---|---|---|---|");
    for (api, c) in counts {
        println!(
            "| {api} | {} | {} | {} | {} | {} |",
            c.operations,
            c.cases,
            c.failure_count(),
            c.errors,
            c.status_unchecked
        );
    }
    let mut clean = true;
    for (api, c) in counts {
        for (check, operations) in &c.failures {
            for operation in operations {
                let listed = known
                    .iter()
                    .find(|k| k.api == *api && k.check == *check && k.operation == *operation);
                match listed {
                    Some(listed) => {
                        println!("known: {api} {check}: {operation} ({})", listed.reason)
                    }
                    None => {
                        println!("SERVER: {api} {check}: {operation}");
                        clean = false;
                    }
                }
            }
        }
        for broken in &c.broken {
            println!("SERVER: {api} answer not built: {broken}");
        }
        if c.errors > 0 {
            println!("SERVER: {api} {} schemathesis errors", c.errors);
        }
        clean &= c.errors == 0 && c.broken.is_empty();
    }
    for k in known.iter().filter(|k| !k.sometimes) {
        let found = counts
            .get(&k.api)
            .and_then(|c| c.failures.get(&k.check))
            .is_some_and(|operations| operations.contains(&k.operation));
        if !found {
            println!(
                "FIXED: {} {} {} passes now; remove it from {BASELINE}",
                k.api, k.check, k.operation
            );
            clean = false;
        }
    }
    clean
}

/// The manifest's APIs, then one API per wire fixture (`wire_<name>`).
fn inputs(root: &Path) -> Result<Vec<ApiInput>, String> {
    let manifest =
        generator::manifest::Manifest::read(&root.join("specs")).map_err(|d| d.to_string())?;
    let mut inputs = manifest.inputs(&root.join("specs"));
    let snapshot_fixtures = SNAPSHOT_FIXTURES.iter().map(|path| root.join(path));
    for spec in crate::bench::spec_files(&root.join(FIXTURES))
        .into_iter()
        .chain(snapshot_fixtures)
    {
        let stem = spec.file_stem().unwrap_or_default().to_string_lossy();
        inputs.push(ApiInput::new(
            format!("wire_{}", generator::naming::snake_name(&stem)),
            vec![spec.clone()],
        ));
    }
    Ok(inputs)
}

/// The file Prism serves for an API: its spec, or the merged document of its fragments.
fn served_spec(input: &ApiInput, root: &Path, out: &Path) -> Result<PathBuf, String> {
    if let [only] = input.specs.as_slice() {
        return Ok(only.clone());
    }
    let mut sink = Sink::new(Repairs::Warn);
    let loaded = generator::load::load(&input.specs, root, &mut sink)
        .ok_or_else(|| format!("{} does not load", input.module))?;
    let path = out.join(format!("{}.json", input.module));
    std::fs::create_dir_all(out).map_err(|err| err.to_string())?;
    let text = serde_json::to_string_pretty(&loaded.document).map_err(|err| err.to_string())?;
    std::fs::write(&path, text).map_err(|err| format!("{}: {err}", path.display()))?;
    Ok(path)
}

fn print_table(counts: &BTreeMap<String, WireCounts>) {
    println!(
        "{}: the generated clients against a mock of each spec",
        prism::PRISM
    );
    println!("| api | operations | accepted | decoded | failures |");
    println!("|---|---|---|---|---|");
    for (api, c) in counts {
        println!(
            "| {api} | {} | {} | {} | {:?} |",
            c.operations, c.accepted, c.decoded, c.failures
        );
    }
}

fn read_baseline(root: &Path) -> Result<Baseline, String> {
    let path = root.join(BASELINE);
    let text = std::fs::read_to_string(&path).map_err(|err| format!("{BASELINE}: {err}"))?;
    serde_json::from_str(&text).map_err(|err| format!("{BASELINE}: {err}"))
}

/// Whether every failure is known, and every known failure still fails; says which are not.
fn held_to(baseline: &Baseline, counts: &BTreeMap<String, WireCounts>) -> bool {
    let failed: Vec<(&str, &Outcome)> = counts
        .iter()
        .flat_map(|(api, c)| c.failed.iter().map(move |o| (api.as_str(), o)))
        .collect();
    let mut clean = true;
    for (api, outcome) in &failed {
        let known = baseline.known.iter().find(|k| {
            k.api == *api && k.operation == outcome.operation && k.class == outcome.class
        });
        let what = format!(
            "{api} {} [{}] {}",
            outcome.operation, outcome.class, outcome.message
        );
        match known {
            Some(known) => println!("known: {what} ({})", known.reason),
            None => {
                println!("NEW: {what}");
                clean = false;
            }
        }
    }
    for known in &baseline.known {
        let still = failed
            .iter()
            .any(|(api, o)| *api == known.api && o.operation == known.operation);
        if !still {
            println!(
                "FIXED: {} {} passes now; remove it from {BASELINE}",
                known.api, known.operation
            );
            clean = false;
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(operation: &str, class: &str) -> Outcome {
        Outcome {
            operation: operation.into(),
            class: class.into(),
            message: String::new(),
            notes: Vec::new(),
            test: String::new(),
            answer: None,
        }
    }

    fn known(operation: &str, class: &str) -> Known {
        Known {
            api: "a".into(),
            operation: operation.into(),
            class: class.into(),
            reason: String::new(),
        }
    }

    fn counts(failed: Vec<Outcome>) -> BTreeMap<String, WireCounts> {
        let counts = WireCounts {
            failed,
            ..WireCounts::default()
        };
        BTreeMap::from([("a".to_owned(), counts)])
    }

    #[test]
    fn server_findings_pass_only_when_listed_and_still_found() {
        let listed = ServerKnown {
            api: "a".into(),
            check: "ST108 Response violates schema".into(),
            operation: "POST /x".into(),
            reason: "the spec".into(),
            sometimes: false,
        };
        let found = |operations: &[&str]| {
            let failures = BTreeMap::from([(
                listed.check.clone(),
                operations.iter().map(|o| o.to_string()).collect(),
            )]);
            let counts = ServeCounts {
                failures,
                ..ServeCounts::default()
            };
            BTreeMap::from([("a".to_owned(), counts)])
        };
        let known = std::slice::from_ref(&listed);
        assert!(fakes_clean(known, &found(&["POST /x"])));
        assert!(!fakes_clean(known, &found(&["POST /x", "GET /y"])));
        assert!(
            !fakes_clean(known, &found(&[])),
            "a listed finding that is gone"
        );
        assert!(!fakes_clean(&[], &found(&["POST /x"])));
        let sometimes = ServerKnown {
            api: "a".into(),
            check: listed.check.clone(),
            operation: "POST /x".into(),
            reason: "schemathesis".into(),
            sometimes: true,
        };
        let known = std::slice::from_ref(&sometimes);
        assert!(fakes_clean(known, &found(&["POST /x"])));
        assert!(
            fakes_clean(known, &found(&[])),
            "one found in some runs only"
        );
        assert!(!fakes_clean(known, &found(&["GET /y"])));
    }

    #[test]
    fn new_failures_other_classes_and_fixed_ones_break_the_baseline() {
        let baseline = Baseline {
            known: vec![known("x", "decode")],
            server_known: Vec::new(),
        };
        assert!(held_to(&baseline, &counts(vec![outcome("x", "decode")])));
        assert!(!held_to(&baseline, &counts(vec![outcome("x", "rejected")])));
        assert!(!held_to(
            &baseline,
            &counts(vec![outcome("x", "decode"), outcome("y", "mock")])
        ));
        assert!(!held_to(&baseline, &counts(Vec::new())), "x is fixed");
    }
}
