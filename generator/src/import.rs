//! Vendoring a spec from a vendor docs page (markdown with a fenced `yaml`/`json` block).

use std::path::{Path, PathBuf};

use crate::diag::{self, Code, Diagnostic, Severity};
use crate::load;
use crate::manifest::Manifest;
use crate::naming;

/// Where a vendored spec was written.
#[derive(Debug)]
pub struct Imported {
    pub spec: PathBuf,
    pub title: String,
}

/// Extracts the spec of `page` into `specs_dir/<api>/<page-slug>.<ext>` with a header naming
/// its source, and lists it under `api` in the manifest.
pub fn import_page(page: &Path, api: &str, specs_dir: &Path) -> Result<Imported, Diagnostic> {
    let text = std::fs::read_to_string(page).map_err(|err| Diagnostic {
        severity: Severity::Error,
        code: Code::Io,
        message: format!("cannot read the docs page: {err}"),
        location: Some(diag::file_only(page)),
        hint: None,
    })?;
    let block = load::extract_spec_block(&text).ok_or_else(|| Diagnostic {
        severity: Severity::Error,
        code: Code::NoSpecBlock,
        message: "the page holds no fenced ```yaml or ```json block with an OpenAPI document"
            .into(),
        location: Some(diag::file_only(page)),
        hint: Some(
            "save the page as markdown (the `.md` view of a docs site usually has the spec)".into(),
        ),
    })?;
    let source = diag::Source::new(page.to_path_buf(), block.body.clone(), block.first_line - 1);
    let document = load::parse(&source)?;
    let title = document
        .pointer("/info/title")
        .and_then(|t| t.as_str())
        .unwrap_or("untitled API")
        .to_owned();
    let page_title = page_heading(&text).unwrap_or_else(|| title.clone());
    let is_json = block.info.to_ascii_lowercase().starts_with("json");
    let module = naming::snake_name(api);
    let file_name = format!(
        "{}.{}",
        naming::snake_name(&page_title).replace('_', "-"),
        if is_json { "json" } else { "yaml" }
    );
    let relative = format!("{module}/{file_name}");
    let spec = specs_dir.join(&module).join(&file_name);
    let operation = block
        .info
        .split_whitespace()
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    let origin =
        docs_host(&text).map_or_else(|| page.display().to_string(), |host| host.to_owned());
    let body = if is_json {
        // JSON has no comments; the manifest and the file name carry the provenance.
        block.body
    } else {
        format!(
            "# Source: {origin}, page \"{page_title}\"{}\n# API: {title}\n# Vendored with `cargo xtask import`; re-import the page rather than editing this file.\n{}",
            if operation.is_empty() { String::new() } else { format!(" ({operation})") },
            block.body
        )
    };
    write(&spec, &body)?;
    let mut manifest = if specs_dir.join(crate::manifest::FILE_NAME).exists() {
        Manifest::read(specs_dir)?
    } else {
        Manifest::default()
    };
    manifest.add(&module, &relative);
    write(
        &specs_dir.join(crate::manifest::FILE_NAME),
        &manifest.render(),
    )?;
    Ok(Imported { spec, title })
}

fn write(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let io_error = |err: std::io::Error| Diagnostic {
        severity: Severity::Error,
        code: Code::Io,
        message: format!("cannot write: {err}"),
        location: Some(diag::file_only(path)),
        hint: None,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error)?;
    }
    std::fs::write(path, text).map_err(io_error)
}

/// The page's first `# ` heading.
fn page_heading(page: &str) -> Option<String> {
    page.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
}

/// The docs site's host, from the first URL on the page.
fn docs_host(page: &str) -> Option<&str> {
    let start = page.find("https://")? + "https://".len();
    let rest = &page[start..];
    let end = rest
        .find(|c: char| c == '/' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end])
}
