//! Commands shared by `cargo xtask` and the `generator` binary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::diag::Diagnostic;
use crate::manifest::Manifest;
use crate::output::Tree;
pub use crate::pipeline::Failure;
use crate::pipeline::{self, BuildOptions, Finish, Finished};
use crate::render::CrateOptions;
use crate::select::Selection;
use crate::{display_path, ApiInput};

/// Exit status: the specs (or the manifest) are at fault, or `generated/` is stale.
pub const EXIT_BAD_INPUT: u8 = 1;
/// Exit status: the command line is wrong.
pub const EXIT_USAGE: u8 = 2;
/// Exit status: the generator itself failed (a bug, or the disk).
pub const EXIT_INTERNAL: u8 = 3;

const USAGE: &str = "\
usage:
  codegen [--check] [--strict]            regenerate generated/ from specs/manifest.yaml;
                                          --check only reports drift (exit 1 when stale)
  generate --spec FILE [--spec FILE...] --out DIR [--name CRATE] [--module MODULE] [--strict]
           [--tag T] [--operation ID] [--path-prefix P] [--exclude-tag T] [--exclude-operation ID]
           [--exclude-path-prefix P]
                                          write a standalone crate for one API; several --spec
                                          files are fragments of it and merge; a docs page
                                          (.md/.txt) contributes its fenced spec block; the
                                          selection flags (repeatable) keep the operations a
                                          --tag/--operation/--path-prefix names (all when none
                                          does) minus those an --exclude-... names, and the
                                          types they reach
  --strict                                refuse the spec defects otherwise repaired with a
                                          warning (W0102): each is an error
  import PAGE --api NAME                  vendor the spec in a docs page into specs/";

/// Builds the IR of every API and renders the crate. Warnings are returned with the tree.
pub use crate::pipeline::render;

/// The tree `cargo xtask codegen` writes to `<root>/generated`.
pub fn render_workspace(root: &Path) -> Result<(Tree, Vec<Diagnostic>), Failure> {
    render_workspace_with(root, BuildOptions::default())
}

/// [`render_workspace`], strict when `build` or the manifest says so.
pub fn render_workspace_with(
    root: &Path,
    build: BuildOptions,
) -> Result<(Tree, Vec<Diagnostic>), Failure> {
    let specs = root.join("specs");
    let manifest = Manifest::read(&specs).map_err(|d| Failure::Specs(vec![d]))?;
    let build = BuildOptions {
        strict: build.strict || manifest.strict,
        ..build
    };
    let options = CrateOptions {
        crate_name: "generated".into(),
        command: "cargo xtask codegen".into(),
        sources_label: "specs/manifest.yaml".into(),
        ..Default::default()
    };
    render(&manifest.inputs(&specs), root, &options, build)
}

/// Runs a command line (without the program name) in the workspace at `root`.
pub fn run(args: &[String], root: &Path) -> ExitCode {
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(EXIT_USAGE);
    };
    let result = match command.as_str() {
        "codegen" => codegen(rest, root),
        "generate" => generate(rest),
        "import" => import(rest, root),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(usage(&format!("unknown command `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

fn usage(message: &str) -> u8 {
    eprintln!("error: {message}\n{USAGE}");
    EXIT_USAGE
}

fn report_failure(failure: Failure, what: &str) -> u8 {
    match failure {
        Failure::Specs(diagnostics) => {
            print_diagnostics(&diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!("error: {errors} error(s) in the specs; {what}");
            EXIT_BAD_INPUT
        }
        Failure::Internal(message) => {
            eprintln!("internal error (a generator bug, please report it with the spec): {message}; {what}");
            EXIT_INTERNAL
        }
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}\n");
    }
}

fn codegen(args: &[String], root: &Path) -> Result<(), u8> {
    let mut check = false;
    let mut build = BuildOptions::default();
    for arg in args {
        match arg.as_str() {
            "--check" => check = true,
            "--strict" => build.strict = true,
            _ => return Err(usage("codegen takes only --check and --strict")),
        }
    }
    let (tree, warnings) = render_workspace_with(root, build)
        .map_err(|f| report_failure(f, "generated/ was left unchanged"))?;
    print_diagnostics(&warnings);
    let (finish, verb) = if check {
        (Finish::Check, "read")
    } else {
        (Finish::Write, "write")
    };
    let finished = pipeline::finish(&tree, &root.join("generated"), finish)
        .map_err(|err| internal(&format!("cannot {verb} generated/: {err}")))?;
    match finished {
        Finished::Written(written) => {
            println!("generated/: {} files, {written} updated", tree.files.len());
            Ok(())
        }
        Finished::Checked(drifts) if drifts.is_empty() => {
            println!("generated/ is up to date ({} files)", tree.files.len());
            Ok(())
        }
        Finished::Checked(drifts) => {
            for drift in &drifts {
                eprintln!("{drift}");
            }
            eprintln!("error: generated/ is stale ({} file(s) differ); run `cargo xtask codegen` and commit the result", drifts.len());
            Err(EXIT_BAD_INPUT)
        }
    }
}

/// What `generate` was asked for.
struct GenerateArgs {
    specs: Vec<PathBuf>,
    out: PathBuf,
    crate_name: String,
    module: String,
    build: BuildOptions,
    selection: Selection,
}

fn generate(args: &[String]) -> Result<(), u8> {
    let GenerateArgs {
        specs,
        out,
        crate_name,
        module,
        build,
        selection,
    } = generate_args(args)?;
    let options = CrateOptions {
        crate_name,
        command: "generator generate".into(),
        sources_label: specs
            .iter()
            .map(|s| display_path(s))
            .collect::<Vec<_>>()
            .join(", "),
        ..Default::default()
    };
    let inputs = [ApiInput::new(module, specs).with_selection(selection)];
    let (tree, warnings) = render(&inputs, Path::new(""), &options, build)
        .map_err(|f| report_failure(f, "nothing was written"))?;
    print_diagnostics(&warnings);
    pipeline::finish(&tree, &out, Finish::Write)
        .map_err(|err| internal(&format!("cannot write {}: {err}", out.display())))?;
    println!(
        "wrote crate `{}` to {} ({} files)",
        options.crate_name,
        out.display(),
        tree.files.len()
    );
    Ok(())
}

fn generate_args(args: &[String]) -> Result<GenerateArgs, u8> {
    let mut specs = Vec::new();
    let mut out = None;
    let mut name = None;
    let mut module = None;
    let mut build = BuildOptions::default();
    let mut selection = Selection::default();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = || {
            iter.next()
                .cloned()
                .ok_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--spec" => specs.push(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--name" => name = Some(value()?),
            "--module" => module = Some(crate::naming::snake_name(&value()?)),
            "--strict" => build.strict = true,
            flag => {
                let Some(list) = selector_list(&mut selection, flag) else {
                    return Err(usage(&format!("unexpected argument `{flag}`")));
                };
                list.push(value()?);
            }
        }
    }
    let out = out.ok_or_else(|| usage("generate needs --out DIR"))?;
    if specs.is_empty() {
        return Err(usage("generate needs at least one --spec FILE"));
    }
    let crate_name = crate_name(name, &out)?;
    let module = module.unwrap_or_else(|| crate::naming::snake_name(&crate_name));
    if crate::manifest::RESERVED_MODULES.contains(&module.as_str()) {
        return Err(usage(&format!(
            "the module name `{module}` is taken by the generated crate; pass --module"
        )));
    }
    Ok(GenerateArgs {
        specs,
        out,
        crate_name,
        module,
        build,
        selection,
    })
}

/// The list a selection flag (`--tag`, `--exclude-path-prefix`, ...) adds to.
fn selector_list<'s>(selection: &'s mut Selection, flag: &str) -> Option<&'s mut Vec<String>> {
    let (selectors, kind) = match flag.strip_prefix("--exclude-") {
        Some(kind) => (&mut selection.exclude, kind),
        None => (&mut selection.include, flag.strip_prefix("--")?),
    };
    match kind {
        "tag" => Some(&mut selectors.tags),
        "operation" => Some(&mut selectors.operations),
        "path-prefix" => Some(&mut selectors.path_prefixes),
        _ => None,
    }
}

/// The `--name` given, checked, or one made from the output directory's name.
fn crate_name(name: Option<String>, out: &Path) -> Result<String, u8> {
    if let Some(name) = name {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(usage(&format!("`{name}` is not a crate name: letters, digits, `-` and `_`, starting with a letter")));
        }
        return Ok(name);
    }
    let stem = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let snake = crate::naming::snake_name(&stem);
    let snake = if snake.starts_with(|c: char| c.is_ascii_alphabetic()) {
        snake
    } else {
        format!("api_{}", snake.trim_start_matches('_'))
    };
    Ok(snake.replace('_', "-"))
}

fn import(args: &[String], root: &Path) -> Result<(), u8> {
    let (page, api) = match args {
        [page, flag, api] if flag == "--api" => (page, api),
        [flag, api, page] if flag == "--api" => (page, api),
        _ => return Err(usage("import takes PAGE --api NAME")),
    };
    let imported =
        crate::import::import_page(Path::new(page), api, &root.join("specs")).map_err(|d| {
            eprintln!("{d}");
            EXIT_BAD_INPUT
        })?;
    println!(
        "vendored \"{}\" into {}; run `cargo xtask codegen` next",
        imported.title,
        imported.spec.display()
    );
    Ok(())
}

fn internal(message: &str) -> u8 {
    eprintln!("internal error: {message}");
    EXIT_INTERNAL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_flags_fill_the_selection_and_others_are_refused() {
        let args: Vec<String> = [
            "--spec",
            "api.json",
            "--out",
            "out/github",
            "--tag",
            "repos",
            "--tag",
            "orgs",
            "--operation",
            "meta/root",
            "--exclude-path-prefix",
            "/repos/{owner}/{repo}/actions",
            "--exclude-tag",
            "apps",
        ]
        .map(String::from)
        .to_vec();
        let parsed = generate_args(&args).expect("the flags parse");
        let selection = parsed.selection;
        assert_eq!(selection.include.tags, ["repos", "orgs"]);
        assert_eq!(selection.include.operations, ["meta/root"]);
        assert_eq!(
            selection.exclude.path_prefixes,
            ["/repos/{owner}/{repo}/actions"]
        );
        assert_eq!(selection.exclude.tags, ["apps"]);
        let mut selection = Selection::default();
        assert!(selector_list(&mut selection, "--exclude-everything").is_none());
        assert!(selector_list(&mut selection, "--tags").is_none());
        assert!(selector_list(&mut selection, "-tag").is_none());
    }
}
