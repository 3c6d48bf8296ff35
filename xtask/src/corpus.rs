//! `cargo xtask corpus DIR`: generates every spec in a directory (models, client and server),
//! compiles the results, and prints and writes a per-spec table.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use generator::diag::Diagnostic;
use generator::output::{self, CrateOptions};
use generator::{build_api, ApiInput};

/// A spec that takes longer than this to generate counts as hung.
const GENERATION_LIMIT: Duration = Duration::from_secs(120);
/// Generated source per compiled crate: big specs are compiled on their own, small ones together.
/// (rustc needs about 0.5 GB per MB of generated source.)
const CRATE_BUDGET_BYTES: usize = 16 << 20;

struct Row {
    spec: String,
    input_bytes: u64,
    module: String,
    generation: Duration,
    /// Warnings of generation (skipped constructs).
    warnings: usize,
    /// `None` while generation succeeded; else the class and the first message.
    failure: Option<(String, String)>,
    output_bytes: usize,
    compiled: Option<bool>,
}

pub fn run(args: &[String], root: &Path) -> ExitCode {
    if cfg!(debug_assertions) {
        return crate::rerun_in_release(root, "corpus", args);
    }
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo xtask corpus DIR [--no-compile]");
        return ExitCode::from(2);
    };
    let compile = !args.iter().any(|a| a == "--no-compile");
    if !dir.is_dir() {
        eprintln!("cannot read {}: not a directory", dir.display());
        return ExitCode::from(2);
    }
    let specs = crate::bench::spec_files(&dir);
    let label = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corpus".into());
    let out = root.join("target/corpus").join(&label);
    let mut modules = generator::naming::Namespace::default();
    let mut rows = Vec::new();
    let mut apis = Vec::new();
    for spec in &specs {
        let stem = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let module = modules
            .claim(&format!("api_{}", generator::naming::snake_name(&stem)))
            .0;
        let input = ApiInput {
            module: module.clone(),
            specs: vec![spec.clone()],
        };
        let started = Instant::now();
        let built = generate_with_limit(input, &dir);
        let mut row = Row {
            spec: spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            input_bytes: std::fs::metadata(spec).map_or(0, |m| m.len()),
            module,
            generation: Duration::ZERO,
            warnings: 0,
            failure: None,
            output_bytes: 0,
            compiled: None,
        };
        match built {
            Ok((api, diagnostics)) => {
                row.warnings = diagnostics.len();
                // Emitting and formatting alone, so a failure names its spec.
                match output::render_crate(std::slice::from_ref(&api), &options(&label)) {
                    Ok(tree) => {
                        row.output_bytes = tree
                            .files
                            .iter()
                            .filter(|(p, _)| p.contains(&api.module))
                            .map(|(_, t)| t.len())
                            .sum();
                        apis.push(api);
                    }
                    Err(message) => row.failure = Some(("internal".into(), message)),
                }
            }
            Err((class, message)) => row.failure = Some((class, message)),
        }
        // Load to formatted source: every stage but writing.
        row.generation = started.elapsed();
        eprintln!(
            "{:>7.0} ms  {}{}",
            row.generation.as_secs_f64() * 1e3,
            row.spec,
            row.failure
                .as_ref()
                .map(|(c, _)| format!("  [{c}]"))
                .unwrap_or_default()
        );
        rows.push(row);
    }
    if compile {
        compile_in_crates(root, &out, &label, &apis, &mut rows);
    }
    let table = render_table(&label, &rows, compile);
    println!("{table}");
    let _ = std::fs::create_dir_all(root.join("target/corpus"));
    let _ = std::fs::write(
        root.join("target/corpus").join(format!("{label}.md")),
        &table,
    );
    let _ = std::fs::write(
        root.join("target/corpus").join(format!("{label}.json")),
        json_rows(&rows),
    );
    ExitCode::SUCCESS
}

fn options(label: &str) -> CrateOptions {
    CrateOptions {
        crate_name: format!(
            "corpus-{}",
            generator::naming::snake_name(label).replace('_', "-")
        ),
        command: "cargo xtask corpus".into(),
        sources_label: label.to_owned(),
    }
}

/// Generation in a thread of its own, so a hang is reported rather than waited on forever.
fn generate_with_limit(
    input: ApiInput,
    base: &Path,
) -> Result<(generator::ir::Api, Vec<Diagnostic>), (String, String)> {
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

/// Compiles the generated APIs, packing them into as few crates as the size budget allows.
fn compile_in_crates(
    root: &Path,
    out: &Path,
    label: &str,
    apis: &[generator::ir::Api],
    rows: &mut [Row],
) {
    let size_of = |module: &str| {
        rows.iter()
            .find(|r| r.module == module)
            .map_or(0, |r| r.output_bytes)
    };
    let mut groups: Vec<Vec<&generator::ir::Api>> = Vec::new();
    let mut current: Vec<&generator::ir::Api> = Vec::new();
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
    for (index, group) in groups.iter().enumerate() {
        let dir = out.join(format!("crate{index}"));
        let owned: Vec<generator::ir::Api> = group.iter().map(|a| (*a).clone()).collect();
        let mut opts = options(label);
        opts.crate_name = format!("{}-{index}", opts.crate_name);
        let mut tree = match output::render_crate(&owned, &opts) {
            Ok(tree) => tree,
            Err(message) => {
                eprintln!("internal error rendering crate {index}: {message}");
                continue;
            }
        };
        // The crate sits below this workspace but is not part of it.
        if let Some(manifest) = tree.files.get_mut("Cargo.toml") {
            manifest.push_str("\n[workspace]\n");
        }
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(err) = output::write(&tree, &dir) {
            eprintln!("cannot write {}: {err}", dir.display());
            continue;
        }
        let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
        let modules: Vec<&str> = group.iter().map(|a| a.module.as_str()).collect();
        let failing = check(root, &dir, &modules);
        for api in group {
            if let Some(row) = rows.iter_mut().find(|r| r.module == api.module) {
                row.compiled = Some(!failing.contains_key(&api.module));
                if let Some(message) = failing.get(&api.module) {
                    row.failure = Some(("compile".into(), message.clone()));
                }
            }
        }
    }
}

/// `cargo check --all-features --lib` on one crate (the library is what users build); the first
/// error or warning of each module. A
/// failure cargo does not attribute to a module is charged to every module of the crate.
fn check(root: &Path, dir: &Path, modules: &[&str]) -> BTreeMap<String, String> {
    let mut failing = BTreeMap::new();
    let child = crate::cargo::cargo(
        dir,
        &[
            "check",
            "--all-features",
            "--all-targets",
            "--message-format=json",
            "--manifest-path",
        ],
    )
    .arg(dir.join("Cargo.toml"))
    .env("CARGO_TARGET_DIR", root.join("target/corpus-target"))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn();
    let charge_all = |failing: &mut BTreeMap<String, String>, why: String| {
        for module in modules {
            failing
                .entry((*module).to_owned())
                .or_insert_with(|| why.clone());
        }
    };
    let mut child = match child {
        Ok(child) => child,
        Err(err) => {
            charge_all(&mut failing, format!("cannot run cargo: {err}"));
            return failing;
        }
    };
    let stderr = child.stderr.take();
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut stderr) = stderr {
            let _ = std::io::Read::read_to_string(&mut stderr, &mut text);
        }
        text
    });
    if let Some(stdout) = child.stdout.take() {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&line) else {
                continue;
            };
            if message["reason"] != "compiler-message" {
                continue;
            }
            let diagnostic = &message["message"];
            if !matches!(diagnostic["level"].as_str(), Some("error" | "warning")) {
                continue;
            }
            let file = diagnostic["spans"][0]["file_name"].as_str().unwrap_or("");
            let module = file
                .trim_start_matches("src/")
                .split('/')
                .next()
                .unwrap_or("")
                .to_owned();
            let text = diagnostic["message"].as_str().unwrap_or("").to_owned();
            failing.entry(module).or_insert(format!(
                "{}: {text} ({file})",
                diagnostic["level"].as_str().unwrap_or("")
            ));
        }
    }
    let succeeded = child.wait().is_ok_and(|status| status.success());
    let stderr = stderr_reader.join().unwrap_or_default();
    if !succeeded && failing.is_empty() {
        let why = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("cargo check failed")
            .to_owned();
        charge_all(&mut failing, why);
    }
    failing
}

fn render_table(label: &str, rows: &[Row], compiled: bool) -> String {
    let mut out = format!("corpus `{label}`: {} specs\n\n", rows.len());
    out.push_str("| spec | input KB | generated | compiled | class | message | generation ms | output KB | warnings |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    for r in rows {
        let (class, message) = r.failure.clone().unwrap_or_default();
        let message: String = message
            .replace('|', "\\|")
            .replace('\n', " ")
            .chars()
            .take(120)
            .collect();
        let generated = r.failure.as_ref().is_none_or(|(c, _)| c == "compile");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {class} | {message} | {:.0} | {} | {} |\n",
            r.spec,
            r.input_bytes / 1024,
            if generated { "yes" } else { "no" },
            match r.compiled {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            },
            r.generation.as_secs_f64() * 1e3,
            r.output_bytes / 1024,
            r.warnings,
        ));
    }
    let generated = rows
        .iter()
        .filter(|r| r.failure.as_ref().is_none_or(|(c, _)| c == "compile"))
        .count();
    let compiled_ok = rows.iter().filter(|r| r.compiled == Some(true)).count();
    let slowest = rows.iter().max_by(|a, b| a.generation.cmp(&b.generation));
    out.push_str(&format!(
        "\ntotals: {} specs, {generated} generated",
        rows.len()
    ));
    if compiled {
        out.push_str(&format!(
            ", {compiled_ok} generated and compiled (client and server, no warnings)"
        ));
    }
    if let Some(slowest) = slowest {
        out.push_str(&format!(
            "; longest generation {:.0} ms ({})",
            slowest.generation.as_secs_f64() * 1e3,
            slowest.spec
        ));
    }
    out.push('\n');
    out
}

fn json_rows(rows: &[Row]) -> String {
    let rows: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "spec": r.spec,
                "input_bytes": r.input_bytes,
                "generation_ms": r.generation.as_secs_f64() * 1e3,
                "output_bytes": r.output_bytes,
                "warnings": r.warnings,
                "failure": r.failure.as_ref().map(|(c, m)| serde_json::json!({"class": c, "message": m})),
                "compiled": r.compiled,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}
