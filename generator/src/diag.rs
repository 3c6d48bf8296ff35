//! Diagnostics: every problem found in a spec, with its place, collected in one sink so a user
//! sees all of them in one run.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::locate;

/// How bad a diagnostic is: errors stop generation at the next stage boundary, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// Stable diagnostic codes, so scripts and docs can refer to a problem by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The file could not be read.
    Io,
    /// The text is not valid YAML or JSON.
    Syntax,
    /// The document is valid YAML/JSON but not an OpenAPI object.
    NotAnObject,
    /// Swagger 2.0 or an unknown OpenAPI version.
    UnsupportedVersion,
    /// The document does not match the OpenAPI schema.
    InvalidDocument,
    /// A `$ref` points at nothing.
    DanglingRef,
    /// A `$ref` chain that only leads back to itself.
    CircularRef,
    /// A `$ref` into another file.
    ExternalRef,
    /// Two fragments of one API define the same thing differently.
    MergeConflict,
    /// Two names map to one Rust identifier; one was renamed.
    NameCollision,
    /// A construct the generator skips; the rest is still generated.
    Unsupported,
    /// A defect whose intent is unmistakable, repaired (an error under `--strict`).
    Repaired,
    /// Valid but likely not what the vendor meant; generated as written.
    Suspect,
    /// A docs page holds no spec block.
    NoSpecBlock,
    /// The specs manifest is malformed or names missing files.
    Manifest,
    /// The generator itself failed.
    Internal,
}

impl Code {
    /// The short stable identifier printed in brackets.
    pub fn id(self) -> &'static str {
        match self {
            Code::Io => "E0001",
            Code::Syntax => "E0002",
            Code::NotAnObject => "E0003",
            Code::UnsupportedVersion => "E0004",
            Code::InvalidDocument => "E0005",
            Code::DanglingRef => "E0010",
            Code::CircularRef => "E0011",
            Code::ExternalRef => "E0012",
            Code::MergeConflict => "E0020",
            Code::NoSpecBlock => "E0030",
            Code::Manifest => "E0031",
            Code::Internal => "E0099",
            Code::NameCollision => "W0100",
            Code::Unsupported => "W0101",
            Code::Repaired => "W0102",
            Code::Suspect => "W0103",
        }
    }
}

/// A place in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    /// 1-based line and column, when the place could be found in the text.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
}

/// One problem with a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]: {}", self.code.id(), self.message)?;
        if let Some(loc) = &self.location {
            write!(f, "\n  --> {}", loc.file.display())?;
            if let Some((line, col)) = loc.line_col {
                write!(f, ":{line}:{col}")?;
            }
            write!(f, " (#{})", loc.pointer)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// A source file the diagnostics can point into.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path as the user gave it (printed in diagnostics).
    pub path: PathBuf,
    pub text: String,
    /// Lines before the spec inside the file (non-zero for a docs page).
    pub line_offset: usize,
    /// Where the file is on disk (external `$ref`s are relative to it).
    pub disk_path: PathBuf,
    /// Where the file's document sits in the API's document: empty for a spec file, the mount
    /// point for a file reached through an external `$ref`.
    pub mount: String,
    /// Positions of every node, built on the first diagnostic.
    positions: std::sync::OnceLock<locate::Index>,
}

impl Source {
    pub fn new(path: PathBuf, text: String, line_offset: usize) -> Self {
        Source {
            disk_path: path.clone(),
            path,
            text,
            line_offset,
            mount: String::new(),
            positions: std::sync::OnceLock::new(),
        }
    }
}

/// A defect of a spec that other tools tolerate and whose intent is unmistakable: what is
/// wrong, and how the generator reads it instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// The error the defect is when repairs are refused.
    pub code: Code,
    /// What is wrong, the same whether repaired or refused.
    pub message: String,
    /// What is assumed instead, said after "assumed" (`` `id` is a required string ``).
    pub assumed: String,
}

/// Whether defects are repaired (with a warning) or refused (as errors, `--strict`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Repairs {
    #[default]
    Warn,
    Refuse,
}

/// Collects diagnostics for one API; positions are looked up lazily, only when reported.
#[derive(Debug, Default)]
pub struct Sink {
    diagnostics: Vec<Diagnostic>,
    repairs: Repairs,
}

impl Sink {
    /// A sink that treats repairs as `repairs` says.
    pub fn new(repairs: Repairs) -> Self {
        Sink {
            diagnostics: Vec::new(),
            repairs,
        }
    }

    /// Reports a repaired defect at a JSON pointer inside `source`: a warning saying what was
    /// assumed, or, when repairs are refused, an error with the same message. The stages apply
    /// the repair either way, so a refused one hides no other problem; the error stops the run.
    pub fn repair(&mut self, source: &Source, pointer: &str, repair: Repair) {
        let (severity, code, hint) = match self.repairs {
            Repairs::Warn => (
                Severity::Warning,
                Code::Repaired,
                format!("assumed {}; `--strict` refuses this repair", repair.assumed),
            ),
            Repairs::Refuse => (
                Severity::Error,
                repair.code,
                format!("`--strict` refused to assume {}", repair.assumed),
            ),
        };
        self.at(severity, code, source, pointer, repair.message, Some(hint));
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports a problem at a JSON pointer inside `source`.
    pub fn at(
        &mut self,
        severity: Severity,
        code: Code,
        source: &Source,
        pointer: &str,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        self.push(Diagnostic {
            severity,
            code,
            message: message.into(),
            location: Some(locate_in(source, pointer)),
            hint,
        });
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// Finds the line and column of `pointer` (or of its nearest existing ancestor) in `source`.
pub fn locate_in(source: &Source, pointer: &str) -> Location {
    let index = source.positions.get_or_init(|| locate::index(&source.text));
    let pointer = pointer
        .strip_prefix(source.mount.as_str())
        .unwrap_or(pointer);
    let line_col =
        locate::lookup(index, pointer).map(|(line, col)| (line + source.line_offset, col));
    Location {
        file: source.path.clone(),
        line_col,
        pointer: pointer.to_owned(),
    }
}

/// A location with only a file, for problems that have no place inside it.
pub fn file_only(path: &Path) -> Location {
    Location {
        file: path.to_path_buf(),
        line_col: None,
        pointer: String::new(),
    }
}
