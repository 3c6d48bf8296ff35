//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use generator::cli::{self, Failure};
use generator::diag::Diagnostic;
use generator::render::CrateOptions;
use generator::ApiInput;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(format!("{name}.yaml"))
}

fn options(name: &str) -> CrateOptions {
    CrateOptions {
        crate_name: name.replace('_', "-"),
        command: "generator generate".into(),
        sources_label: format!("{name}.yaml"),
        ..Default::default()
    }
}

/// Generates one API from `specs`; returns its `types.rs`, `mod.rs`, `client.rs`, `server.rs`
/// and `webhooks.rs`, and the warnings.
pub fn generate(
    module: &str,
    specs: &[PathBuf],
) -> Result<(String, Vec<Diagnostic>), Vec<Diagnostic>> {
    let input = ApiInput::new(module.to_owned(), specs.to_vec());
    match cli::render(&[input], &root(), &options(module), Default::default()) {
        Ok((tree, warnings)) => {
            let mut code = tree.files[&format!("src/{module}/types.rs")].clone();
            for file in ["mod.rs", "client.rs", "server.rs", "webhooks.rs"] {
                if let Some(text) = tree.files.get(&format!("src/{module}/{file}")) {
                    code.push('\n');
                    code.push_str(text);
                }
            }
            Ok((code, warnings))
        }
        Err(Failure::Specs(diagnostics)) => Err(diagnostics),
        Err(Failure::Internal(message)) => panic!("internal error: {message}"),
    }
}

/// Builds the model of one API (module `m`) from `specs`.
pub fn build(specs: Vec<PathBuf>, base: &Path) -> generator::Built {
    build_with(specs, base, false)
}

/// [`build`], refusing repairs when `strict`.
pub fn build_with(specs: Vec<PathBuf>, base: &Path, strict: bool) -> generator::Built {
    generator::build_api_with(
        &ApiInput::new("m", specs),
        base,
        generator::BuildOptions {
            strict,
            ..Default::default()
        },
    )
}

/// Writes `text` to a fresh `spec.yaml` and builds it, refusing repairs when `strict`.
pub fn build_text(text: &str, strict: bool) -> generator::Built {
    let dir = temp_dir("spec");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, text).expect("temporary spec written");
    build_with(vec![spec], &dir, strict)
}

/// Every diagnostic of a spec that must fail, rendered as the user sees them.
pub fn errors_of(text: &str, extension: &str) -> String {
    let dir = temp_dir("bad-spec");
    let spec = dir.join(format!("spec.{extension}"));
    std::fs::write(&spec, text).expect("temporary spec written");
    let input = ApiInput::new("bad", vec![spec]);
    let built = generator::build_api(&input, &dir);
    assert!(built.api.is_none(), "the spec was expected to fail");
    built
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fresh, empty directory under the system temp dir, unique to this test process and call.
pub fn temp_dir(label: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir =
        std::env::temp_dir().join(format!("codegen-tests-{}-{label}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory created");
    dir
}
