//! What the tests of the wire check share. Each test calls one operation through the generated
//! client against a mock server of its spec (Stoplight Prism, `prism mock --errors`) and prints
//! its outcome on one line: `wire-outcome {"module", "operation", "class", "message", "notes",
//! "test"}`.
//!
//! Ordinary Rust, compiled and tested in the generator's workspace and copied as it is beside
//! the tests, whose `main.rs` names the generated crate `api_crate`.
// Some of it serves only some operations (multipart bodies, say).
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api_crate::runtime::client::{self as rt, ApiClient, Builder, RetryPolicy};
use crate::api_crate::runtime::Validate;

/// The credential of every security scheme: a mock only checks that one is there.
pub const CREDENTIAL: &str = "wire:check";
/// The boundary of the multipart bodies the check writes.
const BOUNDARY: &str = "wire-check-boundary";
/// Where Prism's problem types live; a problem of another type is the spec's own answer.
const PRISM_PROBLEM: &str = "https://stoplight.io/prism/errors#";
/// Prism's answer when its own response breaks the spec (under `--errors`).
const PRISM_VIOLATIONS: &str = "VIOLATIONS";
/// Prism's answer to an invalid request when the spec documents neither a 422 nor a 400.
const PRISM_INVALID_REQUEST: &str = "UNPROCESSABLE_ENTITY";

/// How a call went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The mock accepted the request and its answer decoded into the typed result.
    Passed,
    /// The mock found the request invalid; what it said.
    Rejected(String),
    /// A value the check made is at fault: a guessed `pattern`, a raw body it wrote, or a
    /// value its type's `validate()` refuses.
    Synthesis(String),
    /// A value made from the schema does not decode into the argument's type.
    Argument(String),
    /// The mock accepted the request, but its answer does not decode into the typed result.
    Decode(String),
    /// The mock's own answer breaks the spec (an example that does not fit its schema).
    Mock(String),
    /// The client refused to send the request.
    Request(String),
    /// No answer.
    Transport(String),
    /// The mock cannot route the operation's path template (a query or a fragment in it).
    Unroutable(String),
}

impl Outcome {
    pub fn class(&self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Rejected(_) => "rejected",
            Outcome::Synthesis(_) => "synthesis",
            Outcome::Argument(_) => "argument",
            Outcome::Decode(_) => "decode",
            Outcome::Mock(_) => "mock",
            Outcome::Request(_) => "request",
            Outcome::Transport(_) => "transport",
            Outcome::Unroutable(_) => "unroutable",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Outcome::Passed => "",
            Outcome::Rejected(m)
            | Outcome::Synthesis(m)
            | Outcome::Argument(m)
            | Outcome::Decode(m)
            | Outcome::Mock(m)
            | Outcome::Request(m)
            | Outcome::Transport(m)
            | Outcome::Unroutable(m) => m,
        }
    }
}

/// The values of one argument, as the generator wrote them.
#[derive(Debug, Clone, serde::Deserialize)]
struct Argument {
    example: Option<Value>,
    synthesized: Value,
    #[serde(default)]
    guessed: bool,
}

/// What the mock answered, as the client's observer saw it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seen {
    pub status: u16,
    pub content_type: String,
    /// Prism's `sl-violations` header: what it found wrong with the request or its answer.
    pub violations: Option<String>,
    pub body: Vec<u8>,
}

/// One violation Prism reports.
#[derive(Debug, Clone, serde::Deserialize)]
struct Violation {
    #[serde(default)]
    location: Vec<Value>,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    code: Value,
    #[serde(default)]
    message: String,
}

impl Violation {
    /// The argument it is about: `body`, `query.limit`, ...; `None` for the request as a whole.
    fn key(&self) -> Option<String> {
        let parts: Vec<String> = self
            .location
            .iter()
            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
            .collect();
        match parts
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
        {
            ["request", "body", ..] => Some("body".into()),
            ["request", place @ ("query" | "path" | "header" | "cookie"), name, ..] => {
                Some(format!("{place}.{}", name.to_ascii_lowercase()))
            }
            _ => None,
        }
    }

    fn text(&self) -> String {
        let location: Vec<String> = self
            .location
            .iter()
            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
            .collect();
        format!("{}: {}", location.join("."), self.message)
    }
}

/// The arguments of one attempt: the example of each where there is one (and it was not set
/// aside), else the value made from the schema.
pub struct Values {
    arguments: BTreeMap<String, Argument>,
    set_aside: BTreeSet<String>,
    /// Keys whose example this attempt sends.
    from_example: RefCell<BTreeSet<String>>,
    /// Keys of raw bodies the check wrote itself.
    written: RefCell<BTreeSet<String>>,
    notes: RefCell<Vec<String>>,
}

impl Values {
    fn argument(&self, key: &str) -> Result<&Argument, Outcome> {
        self.arguments
            .get(key)
            .ok_or_else(|| Outcome::Argument(format!("no value for `{key}`")))
    }

    /// The argument at `key` as its type: the example if it decodes and validates, else the
    /// value made from the schema, which must.
    pub fn get<T: DeserializeOwned + Validate>(&self, key: &str) -> Result<T, Outcome> {
        let argument = self.argument(key)?;
        if let Some(example) = argument
            .example
            .as_ref()
            .filter(|_| !self.set_aside.contains(key))
        {
            match typed::<T>(example) {
                Ok(value) => {
                    self.from_example.borrow_mut().insert(key.to_owned());
                    return Ok(value);
                }
                Err(why) => self
                    .notes
                    .borrow_mut()
                    .push(format!("example of `{key}` set aside: {why}")),
            }
        }
        let value: T = serde_json::from_value(argument.synthesized.clone())
            .map_err(|err| Outcome::Argument(format!("`{key}`: {err}")))?;
        match value.validate() {
            Ok(()) => Ok(value),
            Err(errors) => Err(Outcome::Synthesis(format!(
                "`{key}` breaks its rules: {errors}"
            ))),
        }
    }

    /// A body the client sends as it is, written from the argument for `content_type`.
    pub fn raw(&self, key: &str, content_type: &str) -> Result<Vec<u8>, Outcome> {
        let argument = self.argument(key)?;
        self.written.borrow_mut().insert(key.to_owned());
        let value = match argument
            .example
            .as_ref()
            .filter(|_| !self.set_aside.contains(key))
        {
            Some(example) => {
                self.from_example.borrow_mut().insert(key.to_owned());
                example
            }
            None => &argument.synthesized,
        };
        Ok(write_body(value, content_type))
    }

    /// The content type to send a body of `content_type` with: a multipart one names the
    /// boundary of the bodies [`Values::raw`] writes.
    pub fn content_type(&self, content_type: &str) -> String {
        if content_type.starts_with("multipart/") {
            format!("{content_type}; boundary={BOUNDARY}")
        } else {
            content_type.to_owned()
        }
    }
}

/// A JSON value as its type, validated.
fn typed<T: DeserializeOwned + Validate>(value: &Value) -> Result<T, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|err| err.to_string())?;
    typed.validate().map_err(|errors| errors.to_string())?;
    Ok(typed)
}

/// The check of one operation: up to two attempts (examples first; values made from the
/// schemas where the mock refused an example), then the outcome.
pub struct Check {
    module: &'static str,
    operation: &'static str,
    /// The operation's path template.
    path: &'static str,
    base_url: String,
    arguments: BTreeMap<String, Argument>,
    set_aside: BTreeSet<String>,
    attempts: usize,
    retry: bool,
    /// Whether the mock is asked for an answer made from the schema (`Prefer: dynamic=true`)
    /// rather than the spec's example.
    dynamic: bool,
    outcome: Option<Outcome>,
    /// The status and body of an answer that did not decode, for a judge of the answer.
    answer: Option<(u16, serde_json::Value)>,
    notes: Vec<String>,
    seen: Arc<Mutex<Option<Seen>>>,
}

impl Check {
    /// The check of `operation` (at the path template `path`) of `module`, with its arguments
    /// as JSON (the generator's), against the mock whose URL is in `WIRE_URL_<module>`.
    pub fn new(
        module: &'static str,
        operation: &'static str,
        path: &'static str,
        arguments: &str,
    ) -> Check {
        let variable = format!("WIRE_URL_{module}");
        let base_url = std::env::var(&variable).unwrap_or_else(|_| {
            panic!("set {variable} to the URL of a mock server of the spec (`cargo xtask corpus DIR --wire` does)")
        });
        Check::with_url(module, operation, path, arguments, base_url)
    }

    /// [`Check::new`] against the mock at `base_url`.
    pub fn with_url(
        module: &'static str,
        operation: &'static str,
        path: &'static str,
        arguments: &str,
        base_url: String,
    ) -> Check {
        Check {
            module,
            operation,
            path,
            base_url,
            arguments: serde_json::from_str(arguments).expect("the generator writes valid JSON"),
            set_aside: BTreeSet::new(),
            attempts: 0,
            retry: false,
            dynamic: false,
            outcome: None,
            answer: None,
            notes: Vec::new(),
            seen: Arc::default(),
        }
    }

    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The client `builder` makes, without retries and with an observer that keeps the
    /// mock's answer for [`Check::record`].
    pub fn client<A: ApiClient>(&self, builder: Builder<A>) -> A {
        let seen = self.seen.clone();
        let builder = match self.dynamic {
            true => builder.default_header("Prefer", "dynamic=true"),
            false => builder,
        };
        builder
            .retry(RetryPolicy::none())
            .timeout(Duration::from_secs(60))
            .on_response(move |response| {
                let header = |name: &str| {
                    let value = response.headers.get(name)?;
                    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
                };
                keep(
                    &seen,
                    Seen {
                        status: response.status,
                        content_type: header("content-type").unwrap_or_default(),
                        violations: header("sl-violations"),
                        body: response.body.clone(),
                    },
                );
            })
            .build()
            .expect("a client for the mock builds")
    }

    /// Keeps what the mock answered, for [`Check::record`].
    pub fn saw(&self, seen: Seen) {
        keep(&self.seen, seen);
    }

    /// The outcome of the last attempt.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The arguments of the next attempt, if one is due.
    pub fn attempt(&mut self) -> Option<Values> {
        let due = self.attempts == 0 || std::mem::take(&mut self.retry);
        if !due {
            return None;
        }
        self.attempts += 1;
        Some(Values {
            arguments: self.arguments.clone(),
            set_aside: self.set_aside.clone(),
            from_example: RefCell::default(),
            written: RefCell::default(),
            notes: RefCell::default(),
        })
    }

    /// Judges an attempt by what the client returned and what the mock said.
    pub fn record<S, E: Debug>(
        &mut self,
        values: &Values,
        sent: Result<Result<S, rt::Error<E>>, Outcome>,
    ) {
        self.notes.extend(values.notes.take());
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.answer = match &sent {
            Ok(Err(rt::Error::Decode { status, body, .. })) => Some((*status, answer_json(body))),
            _ => None,
        };
        let outcome = match sent {
            Err(outcome) => outcome,
            Ok(result) => judge(&result, seen.as_ref(), values),
        };
        let outcome = match outcome {
            // Prism routes by the path alone; a query or fragment in a template never matches.
            Outcome::Rejected(message)
                if message.contains("NO_PATH_MATCHED") && self.path.contains(['?', '#']) =>
            {
                Outcome::Unroutable(message)
            }
            other => other,
        };
        if let Outcome::Rejected(message) = &outcome {
            let refused = examples_refused(seen.as_ref(), values);
            if self.attempts == 1 && !refused.is_empty() {
                self.notes.push(format!("example refused: {message}"));
                self.set_aside.extend(refused);
                self.retry = true;
            }
        }
        // The spec's example of the answer breaks its own schema: an answer Prism makes from
        // the schema still tests the decoding.
        if let Outcome::Mock(message) = &outcome {
            if !self.dynamic {
                self.notes
                    .push(format!("answer's example refused: {message}"));
                self.dynamic = true;
                self.retry = true;
            }
        }
        self.outcome = Some(outcome);
    }

    /// Prints the outcome line; fails the test unless the call passed.
    pub fn finish(self) {
        let outcome = self
            .outcome
            .unwrap_or_else(|| Outcome::Request("no attempt was made".into()));
        let line = serde_json::json!({
            "module": self.module,
            "operation": self.operation,
            "class": outcome.class(),
            "message": outcome.message(),
            "notes": self.notes,
            "answer": self.answer.map(|(status, body)| serde_json::json!({"status": status, "body": body})),
            // libtest names each test's thread after the test.
            "test": std::thread::current().name(),
        });
        println!("wire-outcome {line}");
        assert_eq!(
            outcome,
            Outcome::Passed,
            "{} {}",
            self.module,
            self.operation
        );
    }
}

/// An answer's body as JSON; text that is not JSON as a string.
fn answer_json(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(body).into_owned()))
}

fn keep(slot: &Mutex<Option<Seen>>, seen: Seen) {
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(seen);
}

/// The outcome of a call the client made.
pub fn judge<S, E: Debug>(
    result: &Result<S, rt::Error<E>>,
    seen: Option<&Seen>,
    values: &Values,
) -> Outcome {
    if let Some(seen) = seen {
        let refused = request_violations(seen);
        if !refused.is_empty() {
            let message = refused
                .iter()
                .map(Violation::text)
                .collect::<Vec<_>>()
                .join("; ");
            return if refused.iter().all(|v| made_up(v, values)) {
                Outcome::Synthesis(message)
            } else {
                Outcome::Rejected(message)
            };
        }
        if let Some(problem) = prism_problem(seen) {
            return problem;
        }
    }
    match result {
        Ok(_) | Err(rt::Error::Api(_)) => Outcome::Passed,
        Err(rt::Error::Decode {
            status,
            path,
            message,
            ..
        }) => Outcome::Decode(format!("{status} at `{path}`: {message}")),
        // The spec documents no such status: the mock failed of itself.
        Err(rt::Error::UnexpectedStatus { status, body, .. }) if *status >= 500 => {
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            Outcome::Mock(format!("undocumented status {status}: {text}"))
        }
        Err(rt::Error::UnexpectedStatus { status, .. }) => {
            Outcome::Decode(format!("undocumented status {status}"))
        }
        Err(err @ (rt::Error::Timeout | rt::Error::Transport(_))) => {
            Outcome::Transport(err.to_string())
        }
        Err(err) => Outcome::Request(err.to_string()),
    }
}

/// The errors Prism found in the request: in its `sl-violations` header, or, when no
/// response of the spec fits an invalid request, in the `validation` of its own 422 problem.
fn request_violations(seen: &Seen) -> Vec<Violation> {
    let Some(header) = &seen.violations else {
        return problem_violations(seen);
    };
    let Ok(all) = serde_json::from_str::<Vec<Violation>>(header) else {
        // Cut short ("Too many violations! ..."): a refusal if any is about the request.
        if !header.contains("[\"request\"") {
            return Vec::new();
        }
        return vec![Violation {
            location: vec![Value::from("request")],
            severity: "Error".into(),
            code: Value::Null,
            message: header.chars().take(300).collect(),
        }];
    };
    all.into_iter()
        .filter(|v| {
            v.severity == "Error" && v.location.first().and_then(Value::as_str) == Some("request")
        })
        .collect()
}

/// The violations of Prism's 422 problem, placed in the request as the header places them.
fn problem_violations(seen: &Seen) -> Vec<Violation> {
    let Some((kind, problem)) = prism_problem_body(seen) else {
        return Vec::new();
    };
    if kind != PRISM_INVALID_REQUEST {
        return Vec::new();
    }
    let listed = problem.get("validation").and_then(Value::as_array);
    listed
        .into_iter()
        .flatten()
        .filter_map(|v| serde_json::from_value::<Violation>(v.clone()).ok())
        .filter(|v| v.severity == "Error")
        .map(|mut v| {
            v.location.insert(0, Value::from("request"));
            v
        })
        .collect()
}

/// Whether a violation is about a value the check made up: a guessed `pattern`, or a raw
/// body it wrote.
fn made_up(violation: &Violation, values: &Values) -> bool {
    let Some(key) = violation.key() else {
        return false;
    };
    let guessed = values
        .arguments
        .iter()
        .any(|(k, a)| k.eq_ignore_ascii_case(&key) && a.guessed);
    let guessable = matches!(violation.code.as_str(), Some("pattern" | "oneOf"));
    (guessed && guessable)
        || values
            .written
            .borrow()
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&key))
}

/// The keys of the examples the mock refused, when it refused nothing else.
fn examples_refused(seen: Option<&Seen>, values: &Values) -> Vec<String> {
    let violations = seen.map(request_violations).unwrap_or_default();
    let from_example = values.from_example.borrow();
    let keys: Option<Vec<String>> = violations
        .iter()
        .map(|v| {
            let key = v.key()?;
            from_example
                .iter()
                .find(|k| k.eq_ignore_ascii_case(&key))
                .cloned()
        })
        .collect();
    keys.unwrap_or_default()
}

/// The problem type (after Prism's prefix) and body of an answer Prism made up itself.
fn prism_problem_body(seen: &Seen) -> Option<(String, Value)> {
    if !seen.content_type.starts_with("application/problem+json") {
        return None;
    }
    let problem: Value = serde_json::from_slice(&seen.body).ok()?;
    let kind = problem
        .get("type")?
        .as_str()?
        .strip_prefix(PRISM_PROBLEM)?
        .to_owned();
    Some((kind, problem))
}

/// An answer Prism made up itself (not the spec's): why it refused the request, or that its
/// own answer breaks the spec.
fn prism_problem(seen: &Seen) -> Option<Outcome> {
    let (kind, problem) = prism_problem_body(seen)?;
    let text = |key: &str| problem.get(key).and_then(Value::as_str).unwrap_or("");
    let mut message = format!("{} {kind}: {}", seen.status, text("title"));
    if let Some(found) = problem.get("validation").and_then(Value::as_array) {
        for violation in found
            .iter()
            .filter_map(|v| serde_json::from_value::<Violation>(v.clone()).ok())
        {
            message.push_str(&format!("; {}", violation.text()));
        }
    } else if !text("detail").is_empty() {
        message.push_str(&format!(" ({})", text("detail")));
    }
    Some(if kind == PRISM_VIOLATIONS || seen.status >= 500 {
        Outcome::Mock(message)
    } else {
        Outcome::Rejected(message)
    })
}

/// A body for `content_type` from a JSON value: a form, a multipart body, the text of a
/// string, or the JSON text.
pub fn write_body(value: &Value, content_type: &str) -> Vec<u8> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/x-www-form-urlencoded" {
        let mut pairs = Vec::new();
        form_pairs(value, None, &mut pairs);
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect();
        return encoded.join("&").into_bytes();
    }
    if essence.starts_with("multipart/") {
        let mut body = String::new();
        for (name, part) in value.as_object().into_iter().flatten() {
            body.push_str(&format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{}\r\n",
                text_of(part)
            ));
        }
        body.push_str(&format!("--{BOUNDARY}--\r\n"));
        return body.into_bytes();
    }
    text_of(value).into_bytes()
}

/// A string's text, or any other value's JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The form pairs of a value: arrays repeat their key, objects nest as `key[name]`.
fn form_pairs(value: &Value, key: Option<&str>, pairs: &mut Vec<(String, String)>) {
    match (value, key) {
        (Value::Object(fields), _) => {
            for (name, field) in fields {
                let nested = key.map_or_else(|| name.clone(), |key| format!("{key}[{name}]"));
                form_pairs(field, Some(&nested), pairs);
            }
        }
        (Value::Array(items), Some(key)) => {
            for item in items {
                form_pairs(item, Some(key), pairs);
            }
        }
        (Value::Null, _) => {}
        (other, Some(key)) => pairs.push((key.to_owned(), text_of(other))),
        (_, None) => {}
    }
}

fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}
