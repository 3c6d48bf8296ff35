//! `specs/manifest.yaml`: which spec files make which API module.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::naming;
use crate::ApiInput;

pub const FILE_NAME: &str = "manifest.yaml";

/// Module names the generated crate uses itself.
pub const RESERVED_MODULES: &[&str] = &["runtime", "tests"];

/// API module name -> spec files, relative to the specs directory, in manifest order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub apis: IndexMap<String, Vec<String>>,
    /// `strict: true`: refuse the spec defects otherwise repaired with a warning, as
    /// `codegen --strict` does.
    pub strict: bool,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    strict: bool,
    apis: IndexMap<String, Vec<String>>,
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
            apis: raw.apis,
            strict: raw.strict,
        })
    }

    /// The APIs to generate, with spec paths joined onto `specs_dir`.
    pub fn inputs(&self, specs_dir: &Path) -> Vec<ApiInput> {
        self.apis
            .iter()
            .map(|(module, files)| ApiInput {
                module: module.clone(),
                specs: files
                    .iter()
                    .map(|f| specs_dir.join(f))
                    .collect::<Vec<PathBuf>>(),
            })
            .collect()
    }

    /// Adds `file` to `api` (creating the API) unless it is listed already.
    pub fn add(&mut self, api: &str, file: &str) {
        let files = self.apis.entry(api.to_owned()).or_default();
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
        for (api, files) in &self.apis {
            out.push_str(&format!("  {api}:\n"));
            for file in files {
                out.push_str(&format!("    - {file}\n"));
            }
        }
        out
    }
}

fn manifest_error(path: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: Code::Manifest,
        message,
        location: Some(diag::file_only(path)),
        hint: Some(
            "the manifest is `apis:` mapping each snake_case API name to a list of spec files, and an optional `strict: true`"
                .into(),
        ),
    }
}
