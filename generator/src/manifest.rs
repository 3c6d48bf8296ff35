//! `specs/manifest.yaml`: which spec files make which API module.

use std::path::Path;

use indexmap::IndexMap;

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::naming;
use crate::select::{Selection, Selectors};
use crate::ApiInput;

pub const FILE_NAME: &str = "manifest.yaml";

/// Module names the generated crate uses itself.
pub const RESERVED_MODULES: &[&str] = &["runtime", "tests"];

/// API module name -> its spec files and selection, in manifest order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub apis: IndexMap<String, ManifestApi>,
    /// `strict: true`: refuse the spec defects otherwise repaired with a warning, as
    /// `codegen --strict` does.
    pub strict: bool,
}

/// One API: its spec files, relative to the specs directory, and the operations to generate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestApi {
    pub files: Vec<String>,
    pub selection: Selection,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    strict: bool,
    apis: IndexMap<String, RawApi>,
}

/// An API is a list of files, or `files:` with `include:` and `exclude:` selectors.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum RawApi {
    Files(Vec<String>),
    Selected(SelectedApi),
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SelectedApi {
    files: Vec<String>,
    #[serde(default)]
    include: Selectors,
    #[serde(default)]
    exclude: Selectors,
}

impl From<RawApi> for ManifestApi {
    fn from(raw: RawApi) -> Self {
        match raw {
            RawApi::Files(files) => ManifestApi {
                files,
                selection: Selection::default(),
            },
            RawApi::Selected(SelectedApi {
                files,
                include,
                exclude,
            }) => ManifestApi {
                files,
                selection: Selection { include, exclude },
            },
        }
    }
}

impl Manifest {
    pub fn read(specs_dir: &Path) -> Result<Manifest, Diagnostic> {
        let path = specs_dir.join(FILE_NAME);
        let text = std::fs::read_to_string(&path)
            .map_err(|err| manifest_error(&path, format!("cannot read the manifest: {err}")))?;
        let raw: Raw = serde_yaml::from_str(&text)
            .map_err(|err| manifest_error(&path, format!("malformed manifest: {err}")))?;
        for module in raw.apis.keys() {
            if RESERVED_MODULES.contains(&module.as_str()) {
                return Err(manifest_error(
                    &path,
                    format!("API name `{module}` is taken by the generated crate itself"),
                ));
            }
            if naming::snake_name(module) != *module {
                return Err(manifest_error(
                    &path,
                    format!("API name `{module}` must be a snake_case Rust module name"),
                ));
            }
        }
        Ok(Manifest {
            apis: raw
                .apis
                .into_iter()
                .map(|(api, raw)| (api, raw.into()))
                .collect(),
            strict: raw.strict,
        })
    }

    /// The APIs to generate, with spec paths joined onto `specs_dir`.
    pub fn inputs(&self, specs_dir: &Path) -> Vec<ApiInput> {
        self.apis
            .iter()
            .map(|(module, api)| {
                let specs = api.files.iter().map(|f| specs_dir.join(f)).collect();
                ApiInput::new(module.clone(), specs).with_selection(api.selection.clone())
            })
            .collect()
    }

    /// Adds `file` to `api` (creating the API) unless it is listed already.
    pub fn add(&mut self, api: &str, file: &str) {
        let files = &mut self.apis.entry(api.to_owned()).or_default().files;
        if !files.iter().any(|f| f == file) {
            files.push(file.to_owned());
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::from(
            "# Which spec files make which API module of the generated crate. Files listed under one\n\
             # API are fragments of it and are merged; `cargo xtask import PAGE --api NAME` adds to this.\n",
        );
        if self.strict {
            out.push_str(
                "# Spec defects the generator would repair with a warning are errors.\nstrict: true\n",
            );
        }
        out.push_str("apis:\n");
        for (api, entry) in &self.apis {
            out.push_str(&format!("  {api}:\n"));
            if entry.selection == Selection::default() {
                for file in &entry.files {
                    out.push_str(&format!("    - {file}\n"));
                }
                continue;
            }
            out.push_str("    files:\n");
            for file in &entry.files {
                out.push_str(&format!("      - {file}\n"));
            }
            render_selectors(&mut out, "include", &entry.selection.include);
            render_selectors(&mut out, "exclude", &entry.selection.exclude);
        }
        out
    }
}

fn render_selectors(out: &mut String, side: &str, selectors: &Selectors) {
    if selectors.is_empty() {
        return;
    }
    out.push_str(&format!("    {side}:\n"));
    let lists = [
        ("tags", &selectors.tags),
        ("operations", &selectors.operations),
        ("path_prefixes", &selectors.path_prefixes),
    ];
    for (key, values) in lists.into_iter().filter(|(_, v)| !v.is_empty()) {
        out.push_str(&format!("      {key}:\n"));
        for value in values {
            out.push_str(&format!("        - {value:?}\n"));
        }
    }
}

fn manifest_error(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: Code::Manifest,
        message,
        location: Some(diag::file_only(path)),
        hint: Some(
            "the manifest is `apis:` mapping each snake_case API name to a list of spec files (or to `files:` with `include:`/`exclude:` selectors of `tags`, `operations`, `path_prefixes`), and an optional `strict: true`"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Manifest, Diagnostic> {
        let dir = std::env::temp_dir().join(format!("manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory");
        std::fs::write(dir.join(FILE_NAME), text).expect("written");
        let read = Manifest::read(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        read
    }

    #[test]
    fn an_api_is_a_list_of_files_or_files_with_a_selection_and_renders_back() {
        let text = "apis:\n  small:\n    - small/a.yaml\n  github:\n    files:\n      - github/api.json\n    include:\n      tags:\n        - \"repos\"\n      path_prefixes:\n        - \"/orgs\"\n    exclude:\n      operations:\n        - \"repos/delete\"\n";
        let manifest = read(text).expect("it reads");
        assert_eq!(manifest.apis["small"].files, ["small/a.yaml"]);
        assert_eq!(manifest.apis["small"].selection, Selection::default());
        let github = &manifest.apis["github"];
        assert_eq!(github.files, ["github/api.json"]);
        assert_eq!(github.selection.include.tags, ["repos"]);
        assert_eq!(github.selection.include.path_prefixes, ["/orgs"]);
        assert_eq!(github.selection.exclude.operations, ["repos/delete"]);
        let rendered = manifest.render();
        assert!(rendered.ends_with(text), "{rendered}");
        assert_eq!(read(&rendered).expect("it reads back"), manifest);
        let unknown = read("apis:\n  github:\n    files: [a.json]\n    include:\n      tag: [x]\n");
        assert!(unknown.is_err(), "`tag` is no selector key");
    }
}
