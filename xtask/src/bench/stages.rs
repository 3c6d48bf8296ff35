//! Generation time per stage and peak memory, per spec: the median of a few runs.

use std::fmt::Write as _;
use std::path::Path;

use super::measure;
use super::report::{mb, SpecRow};
use super::specs::BenchSpec;

/// Runs per spec; the median (by total time) is reported.
const RUNS: usize = 3;

/// A row per spec; a spec that fails to generate is reported and left out.
pub fn rows(root: &Path, specs: &[BenchSpec]) -> Vec<SpecRow> {
    let mut rows = Vec::new();
    for spec in specs {
        match measure::spec_row(root, spec, RUNS) {
            Ok(row) => {
                eprintln!("{:>8.0} ms  {}", row.figures.total_ms(), spec.label);
                rows.push(row);
            }
            Err(message) => eprintln!("{}: {message}", spec.label),
        }
    }
    rows
}

pub fn table(rows: &[SpecRow]) -> String {
    let mut out = format!(
        "## Generation, per stage (median of {RUNS} runs, release build)\n\nEmit and format run together on every core; their wall time is split by the CPU time each took.\n\n",
    );
    out.push_str("| spec | input MB | load | normalize | resolve | emit | format | write | total ms | peak heap MB | heap/input | peak RSS MB | ops | lines | lines/op | op code lines/op |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for row in rows {
        out.push_str(&table_row(row));
    }
    out
}

fn per_operation(lines: usize, ops: usize) -> String {
    if ops == 0 {
        "-".into()
    } else {
        format!("{:.0}", lines as f64 / ops as f64)
    }
}

fn table_row(row: &SpecRow) -> String {
    let figures = &row.figures;
    let mut out = format!("| {} | {:.2} |", row.label, mb(figures.input_bytes));
    for (_, ms) in figures.ms.named() {
        let _ = write!(out, " {ms:.0} |");
    }
    let (ops, lines) = (figures.operations, figures.output_lines);
    let _ = writeln!(
        out,
        " {:.0} | {:.0} | {:.1}x | {} | {ops} | {lines} | {} | {} |",
        figures.total_ms(),
        mb(figures.peak_heap() as u64),
        figures.heap_per_input(),
        figures
            .peak_rss_bytes
            .map_or("-".into(), |r| format!("{:.0}", mb(r as u64))),
        per_operation(lines, ops),
        per_operation(figures.operation_lines, ops),
    );
    out
}
