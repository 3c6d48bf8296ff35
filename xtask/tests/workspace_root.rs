//! xtask works on the workspace it is run for, not the one it was built in: checkouts that
//! share a target directory share one binary. Each test runs the built binary on a copy of the
//! parts of the workspace `codegen` reads (`specs/`, `generated/`) and checks that the copy,
//! and only the copy, is read and written.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A spec line of the copy that is changed, and the doc comment it generates.
const SPEC: &str = "specs/yuno/create-user.yaml";
const GENERATED: &str = "generated/src/yuno/types.rs";
const ORIGINAL_TEXT: &str = "First name.";
const ALTERED_TEXT: &str = "Given name, as altered in the copy.";

fn original_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// A fresh copy of the workspace's specs and generated crate under the test's temporary
/// directory, with a workspace manifest of its own and an (empty) `xtask/` directory.
fn copy_workspace(name: &str) -> PathBuf {
    let copy = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&copy);
    for dir in ["specs", "generated"] {
        copy_dir(&original_root().join(dir), &copy.join(dir));
    }
    fs::create_dir_all(copy.join("xtask")).expect("xtask/ created");
    fs::write(copy.join("Cargo.toml"), "[workspace]\nresolver = \"2\"\n").expect("manifest");
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("directory created");
    for entry in fs::read_dir(from).expect("directory read") {
        let path = entry.expect("entry").path();
        let target = to.join(path.file_name().expect("file name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("file copied");
        }
    }
}

fn alter_spec(root: &Path) {
    let path = root.join(SPEC);
    let text = fs::read_to_string(&path).expect("spec read");
    assert!(
        text.contains(ORIGINAL_TEXT),
        "the spec changed; pick another line"
    );
    fs::write(&path, text.replace(ORIGINAL_TEXT, ALTERED_TEXT)).expect("spec written");
}

fn generated(root: &Path) -> String {
    fs::read_to_string(root.join(GENERATED)).expect("generated file read")
}

/// Runs the built xtask with `CARGO_MANIFEST_DIR` set to `manifest_dir`, or unset.
fn xtask(manifest_dir: Option<&Path>, current_dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.current_dir(current_dir).args(args);
    // `cargo test` sets it for this test process, to the original's xtask/.
    command.env_remove("CARGO_MANIFEST_DIR");
    if let Some(dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", dir);
    }
    command.output().expect("xtask runs")
}

fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn codegen_reads_and_writes_the_workspace_of_cargo_manifest_dir() {
    let copy = copy_workspace("manifest-dir");
    let original = original_root();
    let original_generated = generated(&original);
    alter_spec(&copy);
    let manifest_dir = copy.join("xtask");

    let check = xtask(Some(&manifest_dir), &original, &["codegen", "--check"]);
    assert!(!check.status.success(), "{}", describe(&check));
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("generated/ is stale"),
        "{}",
        describe(&check)
    );

    let write = xtask(Some(&manifest_dir), &original, &["codegen"]);
    assert!(write.status.success(), "{}", describe(&write));
    assert!(generated(&copy).contains(ALTERED_TEXT));
    assert_eq!(generated(&original), original_generated);

    let again = xtask(Some(&manifest_dir), &original, &["codegen", "--check"]);
    assert!(again.status.success(), "{}", describe(&again));
    let _ = fs::remove_dir_all(&copy);
}

#[test]
fn without_cargo_manifest_dir_the_workspace_is_found_from_the_current_directory() {
    let copy = copy_workspace("located");
    alter_spec(&copy);
    // From a subdirectory: cargo looks upwards for the workspace manifest.
    let check = xtask(None, &copy.join("specs"), &["codegen", "--check"]);
    assert!(!check.status.success(), "{}", describe(&check));
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("generated/ is stale"),
        "{}",
        describe(&check)
    );
    let _ = fs::remove_dir_all(&copy);
}

#[test]
fn a_directory_that_is_no_workspace_is_refused() {
    let empty = Path::new(env!("CARGO_TARGET_TMPDIR")).join("not-a-workspace");
    let _ = fs::remove_dir_all(&empty);
    fs::create_dir_all(empty.join("xtask")).expect("directory created");
    let output = xtask(Some(&empty.join("xtask")), &empty, &["codegen", "--check"]);
    assert_eq!(output.status.code(), Some(2), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("is not the workspace"),
        "{}",
        describe(&output)
    );
    let _ = fs::remove_dir_all(&empty);
}
