//! Scaling over a corpus sample: one run per spec, and the exponent of time against size.

use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::measure;
use super::report::{mb, SpecRow, Stages};
use super::specs::{corpus_spec, file_size, spec_files};

/// Specs smaller than this are left out of the fit: fixed costs dominate them.
const FIT_MIN_BYTES: u64 = 64 << 10;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    pub specs: Vec<SpecRow>,
    pub exponents: Exponents,
}

/// The exponent `k` of `time ~ size^k` per stage and in total (1 is linear); `None` with
/// too few points to fit.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exponents {
    pub specs_fitted: usize,
    pub load: Option<f64>,
    pub normalize: Option<f64>,
    pub resolve: Option<f64>,
    pub emit: Option<f64>,
    pub format: Option<f64>,
    pub write: Option<f64>,
    pub total: Option<f64>,
}

/// One run of every spec of the sample, smallest first.
pub fn measure(root: &Path, sample: &Path) -> Scaling {
    let mut specs = spec_files(sample);
    specs.sort_by_key(|p| file_size(p));
    let mut rows = Vec::new();
    for path in specs {
        let spec = corpus_spec(&path);
        match measure::spec_row(root, &spec, 1) {
            Ok(row) => rows.push(row),
            Err(message) => eprintln!("{}: {message}", spec.label),
        }
    }
    let exponents = exponents(&rows);
    Scaling {
        specs: rows,
        exponents,
    }
}

/// Fits the exponents by least squares on a log-log scale, over the specs of at least
/// `FIT_MIN_BYTES`.
fn exponents(rows: &[SpecRow]) -> Exponents {
    let fitted: Vec<_> = rows
        .iter()
        .map(|row| &row.figures)
        .filter(|f| f.input_bytes >= FIT_MIN_BYTES)
        .collect();
    let fit = |ms: &dyn Fn(&Stages<f64>) -> f64| {
        let points: Vec<(f64, f64)> = fitted
            .iter()
            .map(|f| (f.input_bytes as f64, ms(&f.ms)))
            .filter(|(_, t)| *t > 0.0)
            .map(|(x, t)| (x.ln(), t.ln()))
            .collect();
        slope(&points)
    };
    Exponents {
        specs_fitted: fitted.len(),
        load: fit(&|s| s.load),
        normalize: fit(&|s| s.normalize),
        resolve: fit(&|s| s.resolve),
        emit: fit(&|s| s.emit),
        format: fit(&|s| s.format),
        write: fit(&|s| s.write),
        total: fit(&Stages::total),
    }
}

fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 3 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let covariance: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let variance: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    (variance > 0.0).then(|| covariance / variance)
}

pub fn table(scaling: &Scaling) -> String {
    let mut out =
        String::from("\n## Scaling over the sample (one run per spec, smallest first)\n\n");
    out.push_str("| spec | input KB | total ms | ms per MB | load | normalize | resolve | emit | format | write | peak heap / input |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for row in &scaling.specs {
        let figures = &row.figures;
        let total = figures.total_ms();
        let _ = write!(
            out,
            "| {} | {} | {total:.1} | {:.0} |",
            row.label,
            figures.input_bytes / 1024,
            total / mb(figures.input_bytes.max(1)),
        );
        for (_, ms) in figures.ms.named() {
            let _ = write!(out, " {ms:.1} |");
        }
        let _ = writeln!(out, " {:.1}x |", figures.heap_per_input());
    }
    out.push_str(&exponents_line(&scaling.exponents));
    out
}

fn exponents_line(fit: &Exponents) -> String {
    let named = [
        ("load", fit.load),
        ("normalize", fit.normalize),
        ("resolve", fit.resolve),
        ("emit", fit.emit),
        ("format", fit.format),
        ("write", fit.write),
        ("total", fit.total),
    ];
    let exponents: Vec<String> = named
        .iter()
        .map(|(stage, k)| format!("{stage} {}", k.map_or("-".into(), |k| format!("{k:.2}"))))
        .collect();
    format!(
        "\nFitted exponent k of time ~ size^k over the {} specs of {} KB or more (1 = linear): {}\n",
        fit.specs_fitted,
        FIT_MIN_BYTES >> 10,
        exponents.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::super::report::Figures;
    use super::*;

    fn row(input_bytes: u64, ms: Stages<f64>) -> SpecRow {
        SpecRow {
            label: format!("{input_bytes}"),
            figures: Figures {
                module: "api".into(),
                input_bytes,
                ms,
                emit_cpu_ms: 0.0,
                format_cpu_ms: 0.0,
                threads: 1,
                peak_heap_bytes: None,
                peak_rss_bytes: None,
                warnings: 0,
                operations: 0,
                types: 0,
                types_sharing_a_schema: 0,
                output_lines: 0,
                output_bytes: 0,
                operation_lines: 0,
            },
        }
    }

    #[test]
    fn the_fit_finds_the_exponent_of_a_power_law() {
        let rows: Vec<SpecRow> = [100_000u64, 400_000, 1_600_000, 6_400_000]
            .iter()
            .map(|&bytes| {
                let linear = bytes as f64 / 1e3;
                let ms = Stages {
                    load: linear,
                    normalize: linear * linear / 1e3,
                    resolve: 5.0,
                    ..Stages::default()
                };
                row(bytes, ms)
            })
            .collect();
        let fit = exponents(&rows);
        assert_eq!(fit.specs_fitted, 4);
        assert!((fit.load.unwrap() - 1.0).abs() < 1e-9);
        assert!((fit.normalize.unwrap() - 2.0).abs() < 1e-9);
        assert!(fit.resolve.unwrap().abs() < 1e-9);
        // A stage that never ran has no points to fit.
        assert_eq!(fit.emit, None);
    }

    #[test]
    fn small_specs_are_left_out_of_the_fit() {
        let ms = Stages {
            load: 1.0,
            ..Stages::default()
        };
        let rows = [row(FIT_MIN_BYTES - 1, ms)];
        let fit = exponents(&rows);
        assert_eq!(fit.specs_fitted, 0);
        assert_eq!(fit.total, None);
    }
}
