//! Generates every fixture spec under `fixtures/` into `OUT_DIR`, so the fixtures' generated
//! code is compiled (and linted) as part of this crate and exercised by its tests.

use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let fixtures = root.join("fixtures");
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable fixtures directory").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    let mut apis = Vec::new();
    for spec in &specs {
        println!("cargo:rerun-if-changed={}", spec.display());
        let module = spec
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 fixture name")
            .to_owned();
        let built =
            generator::build_api(&generator::ApiInput::new(module, vec![spec.clone()]), &root);
        let errors: Vec<String> = built
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "fixture {} does not generate:\n{}",
            spec.display(),
            errors.join("\n")
        );
        apis.extend(built.api);
    }
    let modules = generator::render::render_includable(&apis).expect("fixtures render");
    for api in modules {
        write(&out.join(format!("{}.rs", api.module)), &api.types);
        write(&out.join(format!("{}_api.rs", api.module)), &api.items);
        write(&out.join(format!("{}_client.rs", api.module)), &api.client);
        write(&out.join(format!("{}_server.rs", api.module)), &api.server);
        write(
            &out.join(format!("{}_webhooks.rs", api.module)),
            &api.webhooks,
        );
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text)
        .unwrap_or_else(|err| panic!("cannot write {}: {err}", path.display()));
}
