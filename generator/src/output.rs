//! Write/check stage: a generated crate as an in-memory tree, compared with disk, and written
//! only when every spec succeeded.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::emit;
use crate::format;
use crate::ir::Api;

/// Relative path -> file contents of a generated crate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<String, String>,
}

/// How a generated crate is labelled.
#[derive(Debug, Clone)]
pub struct CrateOptions {
    pub crate_name: String,
    /// The command named in each file's `@generated` header.
    pub command: String,
    /// What the crate-wide files come from (the manifest, or the spec list).
    pub sources_label: String,
}

/// Emits and formats every file of a crate. An `Err` is a generator bug.
pub fn render_crate(apis: &[Api], options: &CrateOptions) -> Result<Tree, String> {
    render_crate_timed(apis, options).map(|(tree, _)| tree)
}

/// Where [`render_crate`] spent its time.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderTimes {
    /// Wall time of emitting and formatting, which run together.
    pub wall: Duration,
    /// Time spent emitting tokens, summed over the threads.
    pub emit: Duration,
    /// Time spent parsing and printing, summed over the threads.
    pub format: Duration,
    pub threads: usize,
}

/// [`render_crate`], with its times. The parts of every file are emitted and formatted on a
/// few threads, then joined in order, so the text is the same whatever the thread count.
pub fn render_crate_timed(
    apis: &[Api],
    options: &CrateOptions,
) -> Result<(Tree, RenderTimes), String> {
    let started = Instant::now();
    let files = emit::emit_crate(apis, &options.crate_name, &options.sources_label);
    let mut jobs = Vec::new();
    let mut headers = Vec::new();
    for (file_index, file) in files.into_iter().enumerate() {
        headers.push((
            file.path,
            format::header("//", &options.command, &file.sources),
        ));
        for (part_index, part) in file.parts.into_iter().enumerate() {
            jobs.push(((file_index, part_index), part));
        }
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(jobs.len().max(1));
    let queue = Mutex::new(jobs.into_iter());
    let mut results = Vec::new();
    let mut times = RenderTimes {
        threads,
        ..RenderTimes::default()
    };
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || format_jobs(&queue))
            })
            .collect();
        for worker in workers {
            match worker.map(|handle| handle.join()) {
                Ok(Ok(done)) => {
                    times.emit += done.emit;
                    times.format += done.format;
                    results.extend(done.texts);
                }
                _ => results.push(((usize::MAX, 0), Err("a formatting thread failed".into()))),
            }
        }
    });
    results.sort_by_key(|(key, _)| *key);
    let mut texts: Vec<String> = headers.iter().map(|(_, header)| header.clone()).collect();
    for ((file_index, _), text) in results {
        let text = text.map_err(|err| match headers.get(file_index) {
            Some((path, _)) => format!("{path}: {err}"),
            None => err,
        })?;
        texts[file_index].push_str(&text);
    }
    let mut tree = Tree::default();
    for ((path, _), text) in headers.into_iter().zip(texts) {
        tree.files.insert(path, text);
    }
    tree.files
        .insert("Cargo.toml".into(), cargo_toml(apis, options));
    tree.files.extend(runtime_files(options));
    times.wall = started.elapsed();
    Ok((tree, times))
}

/// Enough for the two to eight cores of a build machine; more only adds contention.
const MAX_THREADS: usize = 8;
/// Parsing recurses into nested expressions and types.
const WORKER_STACK: usize = 64 << 20;

type PartKey = (usize, usize);

struct Formatted {
    texts: Vec<(PartKey, Result<String, String>)>,
    emit: Duration,
    format: Duration,
}

/// Takes parts off the queue until it is empty: emits each, then formats it.
fn format_jobs<'a>(queue: &Mutex<std::vec::IntoIter<(PartKey, emit::Part<'a>)>>) -> Formatted {
    let mut done = Formatted {
        texts: Vec::new(),
        emit: Duration::ZERO,
        format: Duration::ZERO,
    };
    loop {
        let next = match queue.lock() {
            Ok(mut jobs) => jobs.next(),
            Err(_) => None,
        };
        let Some((key, part)) = next else {
            return done;
        };
        let started = Instant::now();
        let tokens = part();
        let emitted = Instant::now();
        done.texts.push((key, format::format_part(tokens)));
        done.emit += emitted - started;
        done.format += emitted.elapsed();
    }
}

fn cargo_toml(apis: &[Api], options: &CrateOptions) -> String {
    let header = format::header(
        "#",
        &options.command,
        std::slice::from_ref(&options.sources_label),
    );
    header + &emit::cargo_toml(apis, &options.crate_name)
}

/// The runtime's files, each under the `@generated` header.
fn runtime_files(options: &CrateOptions) -> impl Iterator<Item = (String, String)> + '_ {
    let header = format::header(
        "//",
        &options.command,
        std::slice::from_ref(&options.sources_label),
    );
    emit::RUNTIME_FILES
        .iter()
        .map(move |(name, text)| (format!("src/runtime/{name}"), format!("{header}{text}")))
}

/// One difference between a generated tree and a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Changed {
        path: String,
        diff: String,
    },
    Missing {
        path: String,
    },
    /// A file in the directory that no spec produced.
    Extra {
        path: String,
    },
}

impl std::fmt::Display for Drift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Drift::Changed { path, diff } => write!(f, "changed: {path}\n{diff}"),
            Drift::Missing { path } => write!(f, "missing: {path}"),
            Drift::Extra { path } => write!(f, "not generated by any spec: {path}"),
        }
    }
}

/// Compares `tree` with the files under `dir` (ignoring a `target` directory).
pub fn drift(tree: &Tree, dir: &Path) -> io::Result<Vec<Drift>> {
    let on_disk = list_files(dir)?;
    let mut drifts = Vec::new();
    for (path, want) in &tree.files {
        match std::fs::read_to_string(dir.join(path)) {
            Ok(have) if have == *want => {}
            Ok(have) => drifts.push(Drift::Changed {
                path: path.clone(),
                diff: short_diff(&have, want),
            }),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                drifts.push(Drift::Missing { path: path.clone() })
            }
            Err(err) => return Err(err),
        }
    }
    for path in on_disk {
        if !tree.files.contains_key(&path) {
            drifts.push(Drift::Extra { path });
        }
    }
    Ok(drifts)
}

/// Writes the files that differ (each through a temporary file and a rename) and removes
/// files no spec produced. Unchanged files keep their timestamps, so builds stay incremental.
pub fn write(tree: &Tree, dir: &Path) -> io::Result<usize> {
    let mut written = 0;
    for drift in drift(tree, dir)? {
        match drift {
            Drift::Changed { path, .. } | Drift::Missing { path } => {
                let target = dir.join(&path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let temporary = target.with_extension("tmp-codegen");
                std::fs::write(&temporary, &tree.files[&path])?;
                std::fs::rename(&temporary, &target)?;
                written += 1;
            }
            Drift::Extra { path } => {
                std::fs::remove_file(dir.join(&path))?;
                remove_empty_parents(dir, &dir.join(&path));
                written += 1;
            }
        }
    }
    Ok(written)
}

fn remove_empty_parents(root: &Path, file: &Path) {
    let mut current = file.parent();
    while let Some(dir) = current {
        if dir == root || std::fs::remove_dir(dir).is_err() {
            break;
        }
        current = dir.parent();
    }
}

/// Every file under `dir`, as `/`-separated relative paths, skipping `target/`.
fn list_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => continue,
            Err(err) => return Err(err),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                if path != dir.join("target") {
                    pending.push(path);
                }
            } else if let Ok(relative) = path.strip_prefix(dir) {
                files.push(crate::display_path(relative));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The changed region of a file: common head and tail skipped, at most 40 lines each side.
fn short_diff(old: &str, new: &str) -> String {
    let old: Vec<&str> = old.lines().collect();
    let new: Vec<&str> = new.lines().collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let removed = &old[head..old.len() - tail];
    let added = &new[head..new.len() - tail];
    let mut out = format!("@@ line {} @@\n", head + 1);
    for line in removed.iter().take(40) {
        out.push_str(&format!("-{line}\n"));
    }
    if removed.len() > 40 {
        out.push_str(&format!("-... {} more lines\n", removed.len() - 40));
    }
    for line in added.iter().take(40) {
        out.push_str(&format!("+{line}\n"));
    }
    if added.len() > 40 {
        out.push_str(&format!("+... {} more lines\n", added.len() - 40));
    }
    out
}

/// One API's module sources, ready for `include!`.
pub struct IncludableApi {
    pub module: String,
    /// Items of the API module itself (its credentials).
    pub items: String,
    pub types: String,
    /// Empty when the API has no operations.
    pub client: String,
    /// Empty when the API has no operations.
    pub server: String,
}

/// Sources to `include!` in a crate of one's own (from a build script): each API's module
/// name, `types` module body and `client` module body (the client needs a `client` feature and
/// a sibling `types`). They refer to the runtime as `crate::runtime`: [`emit::RUNTIME_FILES`],
/// or `generator/runtime/mod.rs` as a `#[path]` module.
pub fn render_includable(apis: &[Api]) -> Result<Vec<IncludableApi>, String> {
    let mut modules = Vec::new();
    for api in apis {
        let types = format::format_includable(emit::emit_types_module(api))?;
        let (client, server) = if emit::has_client(api) {
            (
                format::format_includable(emit::emit_client_module(api))?,
                format::format_includable(emit::emit_server_module(api))?,
            )
        } else {
            (String::new(), String::new())
        };
        let items = format::format_includable(emit::emit_api_items(api))?;
        modules.push(IncludableApi {
            module: api.module.clone(),
            items,
            types,
            client,
            server,
        });
    }
    Ok(modules)
}
