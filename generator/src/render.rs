//! Emit and format stages, run together: every file of a crate is described as parts
//! ([`emit::Part`]), and a few threads emit and pretty-print the parts, which are then joined
//! in order, so the text is the same whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::emit;
use crate::format;
use crate::ir::Api;
use crate::output::Tree;

/// How a generated crate is labelled, and what it holds beyond the API modules.
#[derive(Debug, Clone, Default)]
pub struct CrateOptions {
    pub crate_name: String,
    /// The command named in each file's `@generated` header.
    pub command: String,
    /// What the crate-wide files come from (the manifest, or the spec list).
    pub sources_label: String,
    /// Add the wire check's tests (`tests/wire/`), which call every operation against a mock
    /// server of its spec.
    pub wire_tests: bool,
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

/// [`render_crate`], with its times.
pub fn render_crate_timed(
    apis: &[Api],
    options: &CrateOptions,
) -> Result<(Tree, RenderTimes), String> {
    let started = Instant::now();
    let files = emit::emit_crate(
        apis,
        &options.crate_name,
        &options.sources_label,
        options.wire_tests,
    );
    let parts: Vec<&emit::Part<'_>> = files.iter().flat_map(|file| &file.parts).collect();
    let (texts, mut times) = emit_and_format(&parts);
    let mut texts = texts.into_iter();
    let mut tree = Tree::default();
    for file in &files {
        let mut text = format::header("//", &options.command, &file.sources);
        for part_text in texts.by_ref().take(file.parts.len()) {
            text.push_str(&part_text.map_err(|err| format!("{}: {err}", file.path))?);
        }
        tree.files.insert(file.path.clone(), text);
    }
    tree.files
        .insert("Cargo.toml".into(), cargo_toml(apis, options));
    tree.files.extend(runtime_files(options));
    if options.wire_tests {
        let header = format::header(
            "//",
            &options.command,
            std::slice::from_ref(&options.sources_label),
        );
        tree.files.insert(
            "tests/wire/support.rs".into(),
            header.clone() + emit::WIRE_SUPPORT,
        );
        tree.files.insert(
            "examples/fake_server/support.rs".into(),
            header + emit::FAKE_SUPPORT,
        );
    }
    times.wall = started.elapsed();
    Ok((tree, times))
}

/// Enough for the two to eight cores of a build machine; more only adds contention.
const MAX_THREADS: usize = 8;
/// Parsing recurses into nested expressions and types.
const WORKER_STACK: usize = 64 << 20;

/// The text of every part, in order, emitted and formatted on a few threads.
fn emit_and_format(parts: &[&emit::Part<'_>]) -> (Vec<Result<String, String>>, RenderTimes) {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_THREADS)
        .min(parts.len().max(1));
    let mut times = RenderTimes {
        threads,
        ..RenderTimes::default()
    };
    let mut texts: Vec<Option<Result<String, String>>> = vec![None; parts.len()];
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, || take_parts(parts, &next))
            })
            .collect();
        for worker in workers {
            // A thread that failed leaves its parts empty, reported below.
            if let Ok(Ok(done)) = worker.map(|handle| handle.join()) {
                times.emit += done.emit;
                times.format += done.format;
                for (index, text) in done.texts {
                    texts[index] = Some(text);
                }
            }
        }
    });
    let texts = texts
        .into_iter()
        .map(|text| text.unwrap_or_else(|| Err("a formatting thread failed".into())))
        .collect();
    (texts, times)
}

struct Formatted {
    texts: Vec<(usize, Result<String, String>)>,
    emit: Duration,
    format: Duration,
}

/// Takes the next part until none is left: emits it, then formats it.
fn take_parts(parts: &[&emit::Part<'_>], next: &AtomicUsize) -> Formatted {
    let mut done = Formatted {
        texts: Vec::new(),
        emit: Duration::ZERO,
        format: Duration::ZERO,
    };
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(part) = parts.get(index) else {
            return done;
        };
        let started = Instant::now();
        let tokens = part.emit();
        let emitted = Instant::now();
        done.texts.push((index, format::format_part(tokens)));
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
    let manifest = header + &emit::cargo_toml(apis, &options.crate_name);
    if options.wire_tests {
        manifest + emit::WIRE_MANIFEST + emit::FAKE_MANIFEST
    } else {
        manifest
    }
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
    /// Empty when the API sends no webhooks or callbacks.
    pub webhooks: String,
}

/// Sources to `include!` in a crate of one's own (from a build script): each API's module
/// name, `types` module body and `client`, `server` and `webhooks` module bodies (the client
/// needs a `client` feature and a sibling `types`). They refer to the runtime as `crate::runtime`: [`emit::RUNTIME_FILES`],
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
        let webhooks = if api.hooks.is_empty() {
            String::new()
        } else {
            format::format_includable(emit::emit_webhooks_module(api))?
        };
        let items = format::format_includable(emit::emit_api_items(api))?;
        modules.push(IncludableApi {
            module: api.module.clone(),
            items,
            types,
            client,
            server,
            webhooks,
        });
    }
    Ok(modules)
}
