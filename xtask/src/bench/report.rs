//! The figures every benchmark shares, and the report they make up
//! (`target/bench/report.{md,json}`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::compile::CompileCost;
use super::runtime::Runtime;
use super::scaling::Scaling;

/// One value per generation stage, in pipeline order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stages<T> {
    pub load: T,
    pub normalize: T,
    pub resolve: T,
    pub emit: T,
    pub format: T,
    pub write: T,
}

impl<T: Copy> Stages<T> {
    /// Each stage with its name, in pipeline order.
    pub fn named(&self) -> [(&'static str, T); 6] {
        [
            ("load", self.load),
            ("normalize", self.normalize),
            ("resolve", self.resolve),
            ("emit", self.emit),
            ("format", self.format),
            ("write", self.write),
        ]
    }
}

impl Stages<f64> {
    pub fn total(&self) -> f64 {
        self.named().iter().map(|(_, value)| value).sum()
    }
}

/// The most heap bytes live at once, per part of the pipeline.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeapPeaks {
    pub load_to_resolve: usize,
    pub emit_and_format: usize,
    pub all: usize,
}

/// One generation of one API, as `bench-spec` measures it and prints it (one JSON line).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    pub module: String,
    pub input_bytes: u64,
    /// Wall time of each stage, in milliseconds.
    pub ms: Stages<f64>,
    pub emit_cpu_ms: f64,
    pub format_cpu_ms: f64,
    pub threads: usize,
    /// Only from a run that counts heap use (which slows allocation).
    pub peak_heap_bytes: Option<HeapPeaks>,
    /// `None` where the platform does not tell.
    pub peak_rss_bytes: Option<usize>,
    pub warnings: usize,
    pub operations: usize,
    pub types: usize,
    pub types_sharing_a_schema: usize,
    pub output_lines: usize,
    pub output_bytes: usize,
    /// Lines of client, server, webhooks and validation code.
    #[serde(default)]
    pub operation_lines: usize,
}

impl Figures {
    pub fn total_ms(&self) -> f64 {
        self.ms.total()
    }

    /// Peak heap over the whole generation; zero when heap use was not counted.
    pub fn peak_heap(&self) -> usize {
        self.peak_heap_bytes.map_or(0, |peaks| peaks.all)
    }

    /// Peak heap bytes per input byte.
    pub fn heap_per_input(&self) -> f64 {
        self.peak_heap() as f64 / self.input_bytes.max(1) as f64
    }
}

/// The figures of one spec, under the label the tables give it. Flattened, so the report
/// holds one object per spec (serde cannot deny unknown fields through a flatten).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpecRow {
    pub label: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// `target/bench/report.json`: every figure of one `cargo xtask bench`; the parts not run
/// are left out.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub stages: Vec<SpecRow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compile: Vec<CompileCost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<Runtime>,
}

/// Writes the tables to `report.md` and the figures to `report.json` in `dir`.
pub fn write(dir: &Path, text: &str, report: &Report) -> Result<(), String> {
    let json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("report.md"), text)
        .and_then(|()| std::fs::write(dir.join("report.json"), json))
        .map_err(|e| e.to_string())
}

pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures() -> Figures {
        Figures {
            module: "yuno".into(),
            input_bytes: 4301,
            ms: Stages {
                load: 1.0,
                normalize: 0.5,
                resolve: 0.5,
                emit: 0.25,
                format: 1.75,
                write: 1.0,
            },
            emit_cpu_ms: 0.3,
            format_cpu_ms: 2.0,
            threads: 2,
            peak_heap_bytes: Some(HeapPeaks {
                load_to_resolve: 100,
                emit_and_format: 300,
                all: 300,
            }),
            peak_rss_bytes: None,
            warnings: 0,
            operations: 1,
            types: 4,
            types_sharing_a_schema: 0,
            output_lines: 2537,
            output_bytes: 90_000,
            operation_lines: 1_200,
        }
    }

    #[test]
    fn figures_cross_the_process_boundary_unchanged() {
        let line = serde_json::to_string(&figures()).unwrap();
        let read: Figures = serde_json::from_str(&line).unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), line);
        assert_eq!(read.total_ms(), 5.0);
        assert_eq!(read.peak_heap(), 300);
    }

    #[test]
    fn a_misspelt_figure_is_refused_rather_than_read_as_zero() {
        let line = serde_json::to_string(&figures()).unwrap();
        let misspelt = line.replace("\"output_lines\"", "\"output_line\"");
        assert!(serde_json::from_str::<Figures>(&misspelt).is_err());
        let misspelt_stage = line.replace("\"normalize\"", "\"normalise\"");
        assert!(serde_json::from_str::<Figures>(&misspelt_stage).is_err());
    }

    #[test]
    fn a_spec_row_is_one_object_with_its_label() {
        let row = SpecRow {
            label: "yuno".into(),
            figures: figures(),
        };
        let json = serde_json::to_value(&row).unwrap();
        assert_eq!(json["label"], "yuno");
        assert_eq!(json["output_lines"], 2537);
        assert_eq!(json["ms"]["format"], 1.75);
    }
}
