//! `cargo xtask corpus DIR`: generates every spec in a directory (models, client and server),
//! compiles the results, optionally runs every example of the specs through its generated
//! type (`--examples`) and every operation through the generated client against a Prism mock
//! of its spec (`--wire`), and prints and writes a per-spec table.

mod deref;
mod examples;
pub mod prism;
mod schema;
pub mod serve;
pub mod vendored;
pub mod wire;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use generator::diag::Diagnostic;
use generator::ir::Api;
use generator::output;
use generator::render::{self, CrateOptions};
use generator::{build_api, ApiInput};
use serde::{Deserialize, Serialize};

use crate::standalone;
use examples::ExampleCounts;
use serve::ServeCounts;
use wire::WireCounts;

/// A spec that takes longer than this to generate counts as hung.
const GENERATION_LIMIT: Duration = Duration::from_secs(120);
/// Generated source per compiled crate: big specs are compiled on their own, small ones together.
/// (rustc needs about 0.5 GB per MB of generated source.)
const CRATE_BUDGET_BYTES: usize = 16 << 20;

struct Row {
    spec: String,
    path: PathBuf,
    input_bytes: u64,
    module: String,
    generation: Duration,
    /// Warnings of generation (skipped constructs).
    warnings: usize,
    /// `None` while generation succeeded; else the class and the first message.
    failure: Option<(String, String)>,
    output_bytes: usize,
    compiled: Option<bool>,
    /// With `--examples`: how the spec's examples fared, once its crate compiled.
    examples: Option<ExampleCounts>,
    /// With `--wire`: how its operations fared against a mock, once it compiled.
    wire: Option<WireCounts>,
    /// With `--serve`: how schemathesis found its example-backed fake, once it compiled.
    serve: Option<ServeCounts>,
}

impl Row {
    fn new(spec: &Path, module: String) -> Row {
        Row {
            spec: spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            path: spec.to_path_buf(),
            input_bytes: std::fs::metadata(spec).map_or(0, |m| m.len()),
            module,
            generation: Duration::ZERO,
            warnings: 0,
            failure: None,
            output_bytes: 0,
            compiled: None,
            examples: None,
            wire: None,
            serve: None,
        }
    }

    /// Whether the spec generated, compiling or not.
    fn generated(&self) -> bool {
        self.failure
            .as_ref()
            .is_none_or(|(class, _)| class == "compile")
    }

    fn generation_ms(&self) -> f64 {
        self.generation.as_secs_f64() * 1e3
    }
}

/// What a run does beyond generating.
struct Mode {
    compile: bool,
    examples: bool,
    /// With `--wire`: Prism, to serve each spec.
    prism: Option<PathBuf>,
    /// With `--serve`: schemathesis, to check each spec's fake server.
    schemathesis: Option<PathBuf>,
}

impl Mode {
    /// Whether the crates carry the wire tests and the fake server.
    fn wire_crates(&self) -> bool {
        self.prism.is_some() || self.schemathesis.is_some()
    }
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    if cfg!(debug_assertions) {
        return crate::rerun_in_release(root, "corpus", args);
    }
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo xtask corpus DIR [--no-compile] [--examples] [--wire] [--serve]");
        return ExitCode::from(2);
    };
    if !dir.is_dir() {
        eprintln!("cannot read {}: not a directory", dir.display());
        return ExitCode::from(2);
    }
    let compile = !args.iter().any(|a| a == "--no-compile");
    let prism = match compile && args.iter().any(|a| a == "--wire") {
        true => match prism::install(root) {
            Ok(prism) => Some(prism),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        },
        false => None,
    };
    let schemathesis = match compile && args.iter().any(|a| a == "--serve") {
        true => match crate::conformance::install_schemathesis(root) {
            Ok(st) => Some(st),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        },
        false => None,
    };
    let mode = Mode {
        compile,
        examples: compile && args.iter().any(|a| a == "--examples"),
        prism,
        schemathesis,
    };
    let label = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corpus".into());
    let (mut rows, apis) = generate_all(&dir, &label, mode.wire_crates());
    if mode.compile {
        let out = root.join("target/corpus").join(&label);
        compile_in_crates(root, &dir, &out, &label, &apis, &mut rows, &mode);
    }
    let table = render_table(&label, &rows, &mode);
    println!("{table}");
    write_reports(root, &label, &table, &rows);
    ExitCode::SUCCESS
}

fn options(label: &str, wire: bool) -> CrateOptions {
    CrateOptions {
        crate_name: format!(
            "corpus-{}",
            generator::naming::snake_name(label).replace('_', "-")
        ),
        command: "cargo xtask corpus".into(),
        sources_label: label.to_owned(),
        wire_tests: wire,
    }
}

/// Generates every spec of `dir` in turn: a row for each, and the APIs that generated.
fn generate_all(dir: &Path, label: &str, wire: bool) -> (Vec<Row>, Vec<Api>) {
    let mut modules = generator::naming::Namespace::default();
    let mut rows = Vec::new();
    let mut apis = Vec::new();
    for spec in crate::bench::spec_files(dir) {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let module = modules
            .claim(&format!("api_{}", generator::naming::snake_name(&stem)))
            .0;
        let (row, api) = generate_one(&spec, module, dir, &options(label, wire));
        eprintln!(
            "{:>7.0} ms  {}{}",
            row.generation_ms(),
            row.spec,
            row.failure
                .as_ref()
                .map(|(c, _)| format!("  [{c}]"))
                .unwrap_or_default()
        );
        rows.push(row);
        apis.extend(api);
    }
    (rows, apis)
}

/// Generates one spec from loading to formatted source (every stage but writing), timed.
fn generate_one(
    spec: &Path,
    module: String,
    base: &Path,
    options: &CrateOptions,
) -> (Row, Option<Api>) {
    let started = Instant::now();
    let mut row = Row::new(spec, module.clone());
    let input = ApiInput::new(module, vec![spec.to_path_buf()]);
    let mut generated = None;
    match generate_with_limit(input, base) {
        Ok((api, diagnostics)) => {
            row.warnings = diagnostics.len();
            // Emitting and formatting alone, so a failure names its spec.
            match render::render_crate(std::slice::from_ref(&api), options) {
                Ok(tree) => {
                    row.output_bytes = tree
                        .files
                        .iter()
                        .filter(|(p, _)| p.contains(&api.module))
                        .map(|(_, t)| t.len())
                        .sum();
                    generated = Some(api);
                }
                Err(message) => row.failure = Some(("internal".into(), message)),
            }
        }
        Err(failure) => row.failure = Some(failure),
    }
    row.generation = started.elapsed();
    (row, generated)
}

/// Generation in a thread of its own, so a hang is reported rather than waited on forever.
fn generate_with_limit(
    input: ApiInput,
    base: &Path,
) -> Result<(Api, Vec<Diagnostic>), (String, String)> {
    let (send, receive) = mpsc::channel();
    let base = base.to_path_buf();
    std::thread::spawn(move || {
        let built = build_api(&input, &base);
        let _ = send.send(built);
    });
    match receive.recv_timeout(GENERATION_LIMIT) {
        Ok(built) => match built.api {
            Some(api) => Ok((api, built.diagnostics)),
            None => {
                let first = built.diagnostics.iter().find(|d| d.is_error());
                let class = first.map_or("error".to_owned(), |d| format!("{:?}", d.code));
                let message = first.map_or(String::new(), |d| d.message.clone());
                Err((class, message))
            }
        },
        Err(_) => Err((
            "hang".into(),
            format!("no result within {} s", GENERATION_LIMIT.as_secs()),
        )),
    }
}

/// Compiles the generated APIs, packing them into as few crates as the size budget allows;
/// then runs the example tests (their spec files named from `base`) and the wire check, as
/// `mode` asks, of each crate that compiled in part.
fn compile_in_crates(
    root: &Path,
    base: &Path,
    out: &Path,
    label: &str,
    apis: &[Api],
    rows: &mut [Row],
    mode: &Mode,
) {
    let target = root.join("target/corpus-target");
    for (index, group) in pack(apis, rows).iter().enumerate() {
        let dir = out.join(format!("crate{index}"));
        let options = options(label, mode.wire_crates());
        if let Err(message) = write_crate(root, &dir, &options, index, group) {
            eprintln!("{message}");
            continue;
        }
        let modules: Vec<&str> = group.iter().map(|a| a.module.as_str()).collect();
        let failing = check(root, &dir, &modules);
        record(rows, &modules, &failing);
        if failing.len() == modules.len() {
            continue;
        }
        if mode.examples {
            record_examples(root, base, rows, group, &dir);
        }
        if let Some(prism) = &mode.prism {
            let judge = wire::Judge {
                root,
                base,
                apis: group,
            };
            record_wire(rows, prism, &dir, &target, &judge);
        }
        if let Some(st) = &mode.schemathesis {
            record_serve(rows, st, group, &dir, &target);
        }
    }
}

/// Runs the wire check of one crate (the modules that compiled) and files the counts under
/// each spec's row.
fn record_wire(rows: &mut [Row], prism: &Path, dir: &Path, target: &Path, judge: &wire::Judge) {
    let served: Vec<wire::Served> = rows
        .iter()
        .filter(|r| r.compiled == Some(true) && dir_holds(dir, &r.module))
        .map(|r| wire::Served {
            module: r.module.clone(),
            spec: r.path.clone(),
        })
        .collect();
    let mut counts = match wire::run(prism, dir, target, &served, judge) {
        Ok(counts) => counts,
        Err(why) => return eprintln!("wire check of {}: {why}", dir.display()),
    };
    for row in rows.iter_mut() {
        if let Some(found) = counts.remove(&row.module) {
            row.wire = Some(found);
        }
    }
}

/// Runs schemathesis against the fake server of each API of one crate that compiled, and
/// files the counts under each spec's row.
fn record_serve(rows: &mut [Row], st: &Path, group: &[&Api], dir: &Path, target: &Path) {
    let served: Vec<(&Api, PathBuf)> = group
        .iter()
        .filter_map(|api| {
            let row = rows.iter().find(|r| r.module == api.module)?;
            (row.compiled == Some(true)).then(|| (*api, row.path.clone()))
        })
        .collect();
    let mut counts = match serve::run(st, dir, target, &served) {
        Ok(counts) => counts,
        Err(why) => return eprintln!("fake servers of {}: {why}", dir.display()),
    };
    for row in rows.iter_mut() {
        if let Some(found) = counts.remove(&row.module) {
            row.serve = Some(found);
        }
    }
}

/// Whether the crate in `dir` holds the module.
fn dir_holds(dir: &Path, module: &str) -> bool {
    dir.join("src").join(module).is_dir()
}

/// Runs the example tests of one crate, judges each example against its own schema, and
/// files the counts under each spec's row.
fn record_examples(root: &Path, base: &Path, rows: &mut [Row], group: &[&Api], dir: &Path) {
    let mut outcomes = match examples::run(dir, &root.join("target/corpus-target")) {
        Ok(outcomes) => outcomes,
        Err(why) => return eprintln!("examples of {}: {why}", dir.display()),
    };
    let owned: Vec<Api> = group.iter().map(|a| (*a).clone()).collect();
    let verdicts = schema::check(root, base, &owned).unwrap_or_else(|why| {
        eprintln!("no schema verdicts for {}: {why}", dir.display());
        BTreeMap::new()
    });
    for api in group {
        if let Some(row) = rows.iter_mut().find(|r| r.module == api.module) {
            let tests = outcomes.remove(&api.module).unwrap_or_default();
            row.examples = Some(examples::tally(&tests, &verdicts));
        }
    }
}

/// The APIs in order, in groups of at most `CRATE_BUDGET_BYTES` of generated source (an API
/// larger than that makes a group alone).
fn pack<'a>(apis: &'a [Api], rows: &[Row]) -> Vec<Vec<&'a Api>> {
    let size_of = |module: &str| {
        rows.iter()
            .find(|r| r.module == module)
            .map_or(0, |r| r.output_bytes)
    };
    let mut groups: Vec<Vec<&Api>> = Vec::new();
    let mut current: Vec<&Api> = Vec::new();
    let mut current_size = 0;
    for api in apis {
        let size = size_of(&api.module);
        if !current.is_empty() && current_size + size > CRATE_BUDGET_BYTES {
            groups.push(std::mem::take(&mut current));
            current_size = 0;
        }
        current_size += size;
        current.push(api);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// Writes a group of APIs to `dir` as a crate of its own.
fn write_crate(
    root: &Path,
    dir: &Path,
    options: &CrateOptions,
    index: usize,
    group: &[&Api],
) -> Result<(), String> {
    let owned: Vec<Api> = group.iter().map(|a| (*a).clone()).collect();
    let mut opts = options.clone();
    opts.crate_name = format!("{}-{index}", opts.crate_name);
    let tree = render::render_crate(&owned, &opts)
        .map_err(|message| format!("internal error rendering crate {index}: {message}"))?;
    let _ = std::fs::remove_dir_all(dir);
    output::write(&tree, dir).map_err(|err| format!("cannot write {}: {err}", dir.display()))?;
    standalone::detach(dir, root)
}

/// Marks the modules of one compiled crate as compiled, or failed with their first problem.
fn record(rows: &mut [Row], modules: &[&str], failing: &BTreeMap<String, String>) {
    for module in modules {
        let Some(row) = rows.iter_mut().find(|r| r.module == *module) else {
            continue;
        };
        row.compiled = Some(!failing.contains_key(*module));
        if let Some(message) = failing.get(*module) {
            row.failure = Some(("compile".into(), message.clone()));
        }
    }
}

/// `cargo check --all-features --all-targets` of one crate; the first error or warning of
/// each module. A failure cargo does not attribute to a module is charged to every module of
/// the crate.
fn check(root: &Path, dir: &Path, modules: &[&str]) -> BTreeMap<String, String> {
    let target = root.join("target/corpus-target");
    let args = ["--all-features", "--all-targets", "--message-format=json"];
    // Checked once: incremental state would only fill the disk.
    let child = standalone::check(dir, &target, &args)
        .env("CARGO_INCREMENTAL", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) => {
            return charge_all(BTreeMap::new(), modules, format!("cannot run cargo: {err}"))
        }
    };
    // Drained on a thread of its own, so a full stderr pipe cannot stall cargo.
    let stderr = child.stderr.take().map(|mut stderr| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = stderr.read_to_end(&mut text);
            text
        })
    });
    let mut failing = child.stdout.take().map(first_problems).unwrap_or_default();
    // A problem in a file no module owns (the crate's own) is every module's.
    let stray = failing
        .keys()
        .find(|k| !modules.contains(&k.as_str()))
        .cloned();
    if let Some(stray) = stray {
        let why = failing.remove(&stray).unwrap_or_default();
        failing.retain(|k, _| modules.contains(&k.as_str()));
        failing = charge_all(failing, modules, why);
    }
    let succeeded = child.wait().is_ok_and(|status| status.success());
    let stderr = stderr.and_then(|r| r.join().ok()).unwrap_or_default();
    if succeeded || !failing.is_empty() {
        return failing;
    }
    let why = standalone::first_error(&stderr).unwrap_or_else(|| "cargo check failed".into());
    charge_all(failing, modules, why)
}

fn charge_all(
    mut failing: BTreeMap<String, String>,
    modules: &[&str],
    why: String,
) -> BTreeMap<String, String> {
    for module in modules {
        failing
            .entry((*module).to_owned())
            .or_insert_with(|| why.clone());
    }
    failing
}

/// The parts of cargo's JSON messages read here.
#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum CargoMessage {
    CompilerMessage {
        message: CompilerMessage,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct CompilerMessage {
    level: String,
    message: String,
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
}

/// The API module a file of a generated crate belongs to: `src/MODULE/...`, its wire tests,
/// `tests/wire/apis/MODULE.rs`, or its fake server, `examples/fake_server/apis/MODULE.rs`.
fn module_of(file: &str) -> &str {
    for per_api in ["tests/wire/apis/", "examples/fake_server/apis/"] {
        if let Some(test) = file.strip_prefix(per_api) {
            return test.strip_suffix(".rs").unwrap_or(test);
        }
    }
    file.trim_start_matches("src/")
        .split('/')
        .next()
        .unwrap_or("")
}

/// The first error or warning rustc reported in each module (`src/MODULE/...`, or the
/// module's wire tests).
fn first_problems(messages: impl Read) -> BTreeMap<String, String> {
    let mut failing = BTreeMap::new();
    for line in BufReader::new(messages).lines().map_while(Result::ok) {
        let Ok(CargoMessage::CompilerMessage { message }) = serde_json::from_str(&line) else {
            continue;
        };
        if !matches!(message.level.as_str(), "error" | "warning") {
            continue;
        }
        let file = message.spans.first().map_or("", |s| s.file_name.as_str());
        let module = module_of(file).to_owned();
        failing
            .entry(module)
            .or_insert(format!("{}: {} ({file})", message.level, message.message));
    }
    failing
}

fn render_table(label: &str, rows: &[Row], mode: &Mode) -> String {
    let wire = mode.prism.is_some();
    let mut out = format!("corpus `{label}`: {} specs\n\n", rows.len());
    out.push_str("| spec | input KB | generated | compiled | examples | class | message | generation ms | output KB | warnings |");
    out.push_str(if wire {
        " operations | accepted | decoded | wire failures | first wire failure |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    } else {
        "\n|---|---|---|---|---|---|---|---|---|---|\n"
    });
    for row in rows {
        out.push_str(&table_row(row, wire));
    }
    out.push_str(&totals(rows, mode.compile));
    if mode.examples {
        out.push_str(&example_totals(rows));
    }
    if wire {
        out.push_str(&wire_totals(rows));
    }
    if mode.schemathesis.is_some() {
        out.push_str(&serve_section(rows));
    }
    out
}

/// The schemathesis runs against the fake servers: a line per spec, then the totals.
fn serve_section(rows: &[Row]) -> String {
    let mut out = String::from(
        "\nschemathesis against each spec's example-backed fake server:\n\n\
         | spec | operations | cases | failures | errors | status unchecked | answers not built | failing checks |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let (mut cases, mut failures, mut specs) = (0, 0, 0);
    for row in rows {
        let Some(s) = &row.serve else { continue };
        let checks: Vec<String> = s
            .failures
            .iter()
            .map(|(check, ops)| format!("{check} ({})", ops.len()))
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            row.spec,
            s.operations,
            s.cases,
            s.failure_count(),
            s.errors,
            s.status_unchecked,
            s.broken.len(),
            cell(&checks.join(", "))
        ));
        specs += 1;
        cases += s.cases;
        failures += s.failure_count() as u64 + s.errors;
    }
    out.push_str(&format!(
        "serve: {specs} specs, {cases} generated cases, {failures} failures and errors\n"
    ));
    out
}

/// Text for a table cell: one line, no `|`, at most 120 characters.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('\n', " ")
        .chars()
        .take(120)
        .collect()
}

fn table_row(r: &Row, wire: bool) -> String {
    let (class, message) = match (&r.failure, &r.examples) {
        (Some(failure), _) => failure.clone(),
        (None, Some(counts)) if counts.passed < counts.counted() => (
            format!("examples: {:?}", counts.failures),
            counts.first_failure.clone().unwrap_or_default(),
        ),
        _ => Default::default(),
    };
    let mut line = format!(
        "| {} | {} | {} | {} | {} | {class} | {} | {:.0} | {} | {} |",
        r.spec,
        r.input_bytes / 1024,
        if r.generated() { "yes" } else { "no" },
        match r.compiled {
            Some(true) => "yes",
            Some(false) => "no",
            None => "-",
        },
        r.examples.as_ref().map_or("-".to_owned(), |e| {
            format!(
                "{}/{} ({} defects)",
                e.passed,
                e.counted(),
                e.vendor_defects
            )
        }),
        cell(&message),
        r.generation_ms(),
        r.output_bytes / 1024,
        r.warnings,
    );
    if wire {
        line.push_str(&match &r.wire {
            Some(w) => format!(
                " {} | {} | {} | {:?} | {} |",
                w.operations,
                w.accepted,
                w.decoded,
                w.failures,
                cell(w.first_failure.as_deref().unwrap_or(""))
            ),
            None => " - | - | - | - | |".to_owned(),
        });
    }
    line.push('\n');
    line
}

/// The wire check over the specs it ran on: operations, accepted, decoded, failures by class.
fn wire_totals(rows: &[Row]) -> String {
    let ran: Vec<&WireCounts> = rows.iter().filter_map(|r| r.wire.as_ref()).collect();
    let sum = |count: fn(&WireCounts) -> usize| ran.iter().map(|w| count(w)).sum::<usize>();
    let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
    for (class, n) in ran.iter().flat_map(|w| &w.failures) {
        *classes.entry(class).or_default() += n;
    }
    format!(
        "wire ({}): {} operations in {} specs, {} accepted by the mock, {} decoded; failures {classes:?}; {} examples refused (retried with values made from the schema)\n",
        prism::PRISM,
        sum(|w| w.operations),
        ran.len(),
        sum(|w| w.accepted),
        sum(|w| w.decoded),
        sum(|w| w.examples_refused),
    )
}

fn totals(rows: &[Row], compiled: bool) -> String {
    let generated = rows.iter().filter(|r| r.generated()).count();
    let mut out = format!("\ntotals: {} specs, {generated} generated", rows.len());
    if compiled {
        let compiled_ok = rows.iter().filter(|r| r.compiled == Some(true)).count();
        out.push_str(&format!(
            ", {compiled_ok} generated and compiled (client and server, no warnings)"
        ));
    }
    if let Some(slowest) = rows.iter().max_by(|a, b| a.generation.cmp(&b.generation)) {
        out.push_str(&format!(
            "; longest generation {:.0} ms ({})",
            slowest.generation_ms(),
            slowest.spec
        ));
    }
    out.push('\n');
    out
}

/// Examples that pass, over the specs whose examples ran, and the failures by class.
fn example_totals(rows: &[Row]) -> String {
    let ran: Vec<&ExampleCounts> = rows.iter().filter_map(|r| r.examples.as_ref()).collect();
    let sum = |f: fn(&ExampleCounts) -> usize| ran.iter().map(|e| f(e)).sum::<usize>();
    let (total, defects, unchecked) = (
        sum(|e| e.total),
        sum(|e| e.vendor_defects),
        sum(|e| e.unchecked),
    );
    let (counted, passed) = (total - defects, sum(|e| e.passed));
    let mut classes: BTreeMap<&str, usize> = BTreeMap::new();
    for (class, n) in ran.iter().flat_map(|e| &e.failures) {
        *classes.entry(class).or_default() += n;
    }
    let share = if counted == 0 {
        100.0
    } else {
        passed as f64 * 100.0 / counted as f64
    };
    format!(
        "examples: {passed} of {counted} ({share:.1}%) decode, round-trip and keep their rules, in {} specs; \
         failures {classes:?}; {defects} more break their own schema (vendor defects); {unchecked} had no schema verdict\n",
        ran.len()
    )
}

/// A row as `target/corpus/LABEL.json` holds it.
#[derive(Serialize)]
struct JsonRow<'a> {
    spec: &'a str,
    input_bytes: u64,
    generation_ms: f64,
    output_bytes: usize,
    warnings: usize,
    failure: Option<JsonFailure<'a>>,
    compiled: Option<bool>,
    examples: Option<&'a ExampleCounts>,
    wire: Option<&'a WireCounts>,
    serve: Option<&'a ServeCounts>,
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    class: &'a str,
    message: &'a str,
}

/// Writes the table and the rows to `target/corpus/LABEL.{md,json}`. Best effort: the table
/// has been printed already.
fn write_reports(root: &Path, label: &str, table: &str, rows: &[Row]) {
    let dir = root.join("target/corpus");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{label}.md")), table);
    let rows: Vec<JsonRow> = rows
        .iter()
        .map(|r| JsonRow {
            spec: &r.spec,
            input_bytes: r.input_bytes,
            generation_ms: r.generation_ms(),
            output_bytes: r.output_bytes,
            warnings: r.warnings,
            failure: r
                .failure
                .as_ref()
                .map(|(class, message)| JsonFailure { class, message }),
            compiled: r.compiled,
            examples: r.examples.as_ref(),
            wire: r.wire.as_ref(),
            serve: r.serve.as_ref(),
        })
        .collect();
    let json = serde_json::to_string_pretty(&rows).unwrap_or_default();
    let _ = std::fs::write(dir.join(format!("{label}.json")), json);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_charged_to_the_module_of_their_first_span() {
        let messages = [
            r#"{"reason":"compiler-artifact","target":{"name":"serde"}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","message":"unused import","spans":[{"file_name":"src/api_a/types.rs","line_start":3}],"code":null}}"#,
            r#"{"reason":"compiler-message","message":{"level":"error","message":"mismatched types","spans":[{"file_name":"src/api_a/client.rs"}]}}"#,
            r#"{"reason":"compiler-message","message":{"level":"note","message":"for more","spans":[{"file_name":"src/api_b/mod.rs"}]}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","message":"unused variable","spans":[{"file_name":"tests/wire/apis/api_c.rs"}]}}"#,
            r#"{"reason":"compiler-message","message":{"level":"warning","message":"dead code","spans":[{"file_name":"examples/fake_server/apis/api_d.rs"}]}}"#,
            "not json",
            r#"{"reason":"build-finished","success":false}"#,
        ]
        .join("\n");
        let failing = first_problems(messages.as_bytes());
        assert_eq!(
            failing,
            BTreeMap::from([
                (
                    "api_a".to_owned(),
                    "warning: unused import (src/api_a/types.rs)".to_owned()
                ),
                (
                    "api_c".to_owned(),
                    "warning: unused variable (tests/wire/apis/api_c.rs)".to_owned()
                ),
                (
                    "api_d".to_owned(),
                    "warning: dead code (examples/fake_server/apis/api_d.rs)".to_owned()
                )
            ])
        );
    }

    #[test]
    fn a_failure_without_a_module_is_charged_to_every_module() {
        let known = BTreeMap::from([("api_a".to_owned(), "error: first".to_owned())]);
        let failing = charge_all(known, &["api_a", "api_b"], "error: linking".into());
        assert_eq!(failing["api_a"], "error: first");
        assert_eq!(failing["api_b"], "error: linking");
    }
}
