//! The repository-level commands: drift check, all-or-nothing regeneration, re-vendoring a
//! docs page, and standalone crates that compile.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use generator::cli;

/// `cargo test` alone catches a stale `generated/`.
#[test]
fn generated_crate_is_up_to_date() {
    let root = common::root();
    let (tree, warnings) =
        cli::render_workspace(&root).unwrap_or_else(|f| panic!("specs fail to generate: {f:?}"));
    // The one defect of the vendored specs: Alloy's 401 examples are the string "{}".
    let unexpected: Vec<_> = warnings
        .iter()
        .filter(|w| {
            !w.message
                .ends_with("where its schema declares an object; it is not tested")
        })
        .collect();
    assert!(unexpected.is_empty(), "vendored specs warn: {unexpected:?}");
    let drifts =
        generator::output::drift(&tree, &root.join("generated")).expect("generated/ readable");
    let report: Vec<String> = drifts.iter().map(ToString::to_string).collect();
    assert!(
        report.is_empty(),
        "generated/ is stale; run `cargo xtask codegen`:\n{}",
        report.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let root = common::root();
    let first = cli::render_workspace(&root).expect("renders").0;
    let second = cli::render_workspace(&root).expect("renders").0;
    assert_eq!(first, second);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(snapshot(&path));
        } else {
            files.insert(path.clone(), std::fs::read_to_string(&path).unwrap());
        }
    }
    files
}

fn run(args: &[&str], root: &Path) -> ExitCode {
    cli::run(
        &args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        root,
    )
}

/// `generate --spec SPEC --out OUT`, run in `cwd`, which must succeed.
fn generate_crate(spec: &Path, out: &Path, cwd: &Path) {
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    assert_eq!(run(&args, cwd), ExitCode::SUCCESS);
}

#[test]
fn a_failing_spec_leaves_generated_untouched_and_check_reports_drift() {
    let root = common::temp_dir("workspace");
    copy_dir(&common::root().join("specs"), &root.join("specs"));
    assert_eq!(run(&["codegen"], &root), ExitCode::SUCCESS);
    assert_eq!(run(&["codegen", "--check"], &root), ExitCode::SUCCESS);
    let before = snapshot(&root.join("generated"));
    assert!(before.keys().any(|p| p.ends_with("flexprice/types.rs")));

    // One broken API among good ones: nothing is written.
    let spec = root.join("specs/flexprice/create-user-or-service-account.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace(
            "#/components/schemas/TenantResponse",
            "#/components/schemas/Gone",
        ),
    )
    .unwrap();
    assert_eq!(
        run(&["codegen"], &root),
        ExitCode::from(cli::EXIT_BAD_INPUT)
    );
    assert_eq!(snapshot(&root.join("generated")), before);
    std::fs::write(&spec, text).unwrap();

    // A hand edit and a stray file are both drift.
    let types = root.join("generated/src/yuno/types.rs");
    std::fs::write(&types, "// edited\n").unwrap();
    std::fs::write(root.join("generated/src/stray.rs"), "").unwrap();
    assert_eq!(
        run(&["codegen", "--check"], &root),
        ExitCode::from(cli::EXIT_BAD_INPUT)
    );
    let (tree, _) = cli::render_workspace(&root).unwrap();
    let drifts = generator::output::drift(&tree, &root.join("generated")).unwrap();
    assert_eq!(drifts.len(), 2, "{drifts:?}");
    assert_eq!(run(&["codegen"], &root), ExitCode::SUCCESS);
    assert_eq!(snapshot(&root.join("generated")).len(), before.len());
    assert_eq!(run(&["codegen", "--check"], &root), ExitCode::SUCCESS);
    let _ = std::fs::remove_dir_all(&root);
}

/// What the generator repairs with a warning, `--strict` (or `strict: true` in the manifest)
/// refuses, writing nothing.
#[test]
fn strict_refuses_repairs_from_the_command_line_and_the_manifest() {
    let root = common::temp_dir("strict");
    copy_dir(&common::root().join("specs"), &root.join("specs"));
    let bad = ExitCode::from(cli::EXIT_BAD_INPUT);

    let spec = common::fixture("repair_refs");
    let out = root.join("repaired");
    let generate = |strict: bool| {
        let mut args = vec![
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(strict.then_some("--strict"));
        run(&args, &root)
    };
    assert_eq!(generate(true), bad);
    assert!(!out.exists());
    assert_eq!(generate(false), ExitCode::SUCCESS);
    assert!(out.join("Cargo.toml").exists());

    // A Swagger 2.0 reference in a vendored spec is repaired into the very same crate.
    assert_eq!(run(&["codegen"], &root), ExitCode::SUCCESS);
    let before = snapshot(&root.join("generated"));
    let flexprice = root.join("specs/flexprice/create-user-or-service-account.yaml");
    let text = std::fs::read_to_string(&flexprice).unwrap();
    let repaired = text.replace(
        "#/components/schemas/TenantResponse",
        "#/definitions/TenantResponse",
    );
    assert_ne!(repaired, text);
    std::fs::write(&flexprice, repaired).unwrap();
    assert_eq!(run(&["codegen", "--check"], &root), ExitCode::SUCCESS);
    assert_eq!(run(&["codegen", "--strict", "--check"], &root), bad);
    assert_eq!(run(&["codegen", "--strict"], &root), bad);
    assert_eq!(snapshot(&root.join("generated")), before);

    let manifest = root.join("specs/manifest.yaml");
    let listed = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("strict: true\n{listed}")).unwrap();
    assert_eq!(run(&["codegen"], &root), bad);
    std::fs::write(&flexprice, text).unwrap();
    assert_eq!(run(&["codegen", "--check"], &root), ExitCode::SUCCESS);
    let _ = std::fs::remove_dir_all(&root);
}

/// Re-importing each vendor page reproduces the vendored spec and manifest byte for byte.
#[test]
fn importing_the_docs_pages_reproduces_the_vendored_specs() {
    let root = common::temp_dir("import");
    let pages = common::root().join("tests/pages");
    let imports = [
        ("alloy-embedded-create-a-user.md", "alloy_embedded"),
        ("alloy-embedded-batch-create-users.md", "alloy_embedded"),
        ("alloy-connectivity-create-a-user.md", "alloy_connectivity"),
        ("yuno-create-user.md", "yuno"),
        ("flexprice-create-user-or-service-account.md", "flexprice"),
    ];
    for (page, api) in imports {
        let page = pages.join(page);
        assert_eq!(
            run(&["import", page.to_str().unwrap(), "--api", api], &root),
            ExitCode::SUCCESS
        );
    }
    let imported = snapshot(&root.join("specs"));
    let vendored = snapshot(&common::root().join("specs"));
    let strip = |files: BTreeMap<PathBuf, String>, base: &Path| -> BTreeMap<PathBuf, String> {
        files
            .into_iter()
            .map(|(p, t)| (p.strip_prefix(base).unwrap().to_path_buf(), t))
            .collect()
    };
    assert_eq!(
        strip(imported, &root.join("specs")),
        strip(vendored, &common::root().join("specs"))
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn import_rejects_a_page_without_a_spec() {
    let root = common::temp_dir("import-bad");
    let page = root.join("page.md");
    std::fs::write(&page, "# A page\n\nNo spec here.\n").unwrap();
    assert_eq!(
        run(&["import", page.to_str().unwrap(), "--api", "x"], &root),
        ExitCode::from(cli::EXIT_BAD_INPUT)
    );
    assert!(!root.join("specs").exists());
}

#[test]
fn usage_errors_have_their_own_exit_code() {
    let root = common::temp_dir("usage");
    assert_eq!(run(&["frobnicate"], &root), ExitCode::from(cli::EXIT_USAGE));
    assert_eq!(
        run(&["generate", "--out", "x"], &root),
        ExitCode::from(cli::EXIT_USAGE)
    );
}

/// `generate` writes a crate that `cargo check --all-features` accepts.
#[test]
fn standalone_crates_compile() {
    let root = common::root();
    let out = common::temp_dir("standalone").join("constraints-api");
    let spec = root.join("tests/fixtures/constraints.yaml");
    generate_crate(&spec, &out, &root);
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("name = \"constraints-api\""),
        "{manifest}"
    );
    assert!(
        manifest.contains(r#"default = ["client", "regex"]"#),
        "a spec with patterns checks them by default: {manifest}"
    );
    // Same dependency versions as the workspace, already downloaded.
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "check",
            "--all-features",
            "--all-targets",
            "--quiet",
            "--manifest-path",
        ])
        .arg(out.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/standalone"))
        .env("RUSTFLAGS", "-D warnings")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the standalone crate does not compile");
}

/// A docs page can be given as a spec directly, and fragments of one API merge.
#[test]
fn generate_takes_docs_pages_and_merges_fragments() {
    let root = common::root();
    let out = common::temp_dir("pages").join("alloy");
    let pages = root.join("tests/pages");
    let args = [
        "generate",
        "--spec",
        pages
            .join("alloy-embedded-create-a-user.md")
            .to_str()
            .unwrap(),
        "--spec",
        pages
            .join("alloy-embedded-batch-create-users.md")
            .to_str()
            .unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
    .map(str::to_owned);
    assert_eq!(cli::run(&args, &root), ExitCode::SUCCESS);
    let types = std::fs::read_to_string(out.join("src/alloy/types.rs")).unwrap();
    assert!(
        types.contains("pub struct CreateAUserRequest")
            && types.contains("pub struct BatchCreateUsersError400")
    );
}

/// A `pattern` on a parameter alone (no schema has one) still brings in the regex support.
#[test]
fn a_parameter_pattern_pulls_in_regex() {
    let dir = common::temp_dir("param-pattern");
    let spec = dir.join("spec.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x/{code}:\n    get:\n      parameters:\n        - {name: code, in: path, required: true, schema: {type: string, pattern: '^[A-Z]+$'}}\n      responses:\n        '204': {description: ok}\n",
    )
    .unwrap();
    let out = dir.join("out");
    generate_crate(&spec, &out, &dir);
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(r#"default = ["client", "regex"]"#),
        "{manifest}"
    );
    // Turning the feature off is refused at build time, never a silent skip of the rules.
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains(r#"#[cfg(not(feature = "regex"))]"#) && lib.contains("compile_error!"),
        "{lib}"
    );
}
