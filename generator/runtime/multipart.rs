//! `multipart/form-data` bodies (RFC 7578): the clients write a body struct's fields as parts
//! ([`MultipartWriter`], through [`ToMultipart`] and [`PartValue`]); the servers parse the parts
//! ([`parse_multipart`]) and read them into the struct through [`multipart_value`] and
//! `from_form`, whose lenient reading turns text parts into numbers and single parts into lists.

use std::collections::BTreeMap;
use std::fmt;
use std::hash::BuildHasher;

use serde::de::{self, MapAccess, Unexpected, Visitor};
use serde_json::{Map, Value};

/// A file in a multipart body: its bytes, and the file name and media type sent with them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    pub bytes: Vec<u8>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes, without a file name or a media type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart {
            bytes: bytes.into(),
            ..Self::default()
        }
    }

    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }
}

/// The size rather than the bytes, which may be large and binary.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// JSON has no bytes, and a `format: binary` property may sit in a JSON schema too: the bytes
/// are written as text, lossily where they are not UTF-8.
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&String::from_utf8_lossy(&self.bytes))
    }
}

/// From a string (its UTF-8 bytes, without a name or a type), or from the map
/// [`multipart_value`] makes of a file part: `file_name`, `content_type` and `base64`.
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FilePartVisitor)
    }
}

struct FilePartVisitor;

impl<'de> Visitor<'de> for FilePartVisitor {
    type Value = FilePart;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a file: its text, or a map of file_name, content_type and base64")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<FilePart, E> {
        Ok(FilePart::new(text))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<FilePart, E> {
        Ok(FilePart::new(text))
    }

    fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<FilePart, E> {
        Ok(FilePart::new(bytes))
    }

    fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<FilePart, E> {
        Ok(FilePart::new(bytes))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FilePart, A::Error> {
        let mut file = FilePart::default();
        let mut base64 = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "file_name" => file.file_name = map.next_value()?,
                "content_type" => file.content_type = map.next_value()?,
                "base64" => base64 = Some(map.next_value::<String>()?),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let text = base64.ok_or_else(|| de::Error::missing_field("base64"))?;
        // Not the text itself in the error: a file can be large.
        file.bytes = super::base64::decode(&text).ok_or_else(|| {
            de::Error::invalid_value(Unexpected::Other("text that is not base64"), &self)
        })?;
        Ok(file)
    }
}

impl super::Validate for FilePart {
    fn check(&self, _: &mut super::Checker) {}
}

/// Builds a `multipart/form-data` body under a boundary of its own.
pub struct MultipartWriter {
    boundary: String,
    body: Vec<u8>,
}

impl MultipartWriter {
    /// A writer with a fresh boundary, so unlikely to occur in any part that no part is
    /// checked for it.
    pub fn new() -> Self {
        Self::with_boundary(fresh_boundary())
    }

    fn with_boundary(boundary: String) -> Self {
        MultipartWriter {
            boundary,
            body: Vec::new(),
        }
    }

    /// The parts of `value` under `name`: none for `None`, one per item of a list.
    pub fn part<V: PartValue + ?Sized>(&mut self, name: &str, value: &V) {
        value.write_part(name, self);
    }

    /// One `application/json` part. A value serde cannot write as JSON (a map with keys that
    /// are not strings) is sent as `null`, which the server then refuses with a reason.
    pub fn json<V: serde::Serialize + ?Sized>(&mut self, name: &str, value: &V) {
        let json = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
        self.raw_part(name, None, Some("application/json"), &json);
    }

    /// The request's Content-Type, naming the boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// The Content-Type and the body, closed by its final delimiter.
    pub fn finish(mut self) -> (String, Vec<u8>) {
        let content_type = self.content_type();
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body.extend_from_slice(b"--\r\n");
        (content_type, self.body)
    }

    /// A text part: no Content-Type, which is `text/plain` to the reader.
    fn text(&mut self, name: &str, text: &str) {
        self.raw_part(name, None, None, text.as_bytes());
    }

    /// Servers tell files from fields by the filename, so a file without one is sent under
    /// its field's name.
    fn file(&mut self, name: &str, file: &FilePart) {
        let file_name = file.file_name.as_deref().unwrap_or(name);
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        self.raw_part(name, Some(file_name), Some(content_type), &file.bytes);
    }

    fn raw_part(
        &mut self,
        name: &str,
        file_name: Option<&str>,
        content_type: Option<&str>,
        bytes: &[u8],
    ) {
        let mut head = format!("--{}\r\n", self.boundary);
        head.push_str("Content-Disposition: form-data; name=\"");
        head.push_str(&escape_quoted(name));
        head.push('"');
        if let Some(file_name) = file_name {
            head.push_str("; filename=\"");
            head.push_str(&escape_quoted(file_name));
            head.push('"');
        }
        head.push_str("\r\n");
        if let Some(content_type) = content_type {
            head.push_str("Content-Type: ");
            // A line end would start a header of the caller's choosing.
            head.push_str(&content_type.replace(['\r', '\n'], " "));
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
    }
}

impl Default for MultipartWriter {
    fn default() -> Self {
        Self::new()
    }
}

/// The boundary and the size, not the body.
impl fmt::Debug for MultipartWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultipartWriter")
            .field("boundary", &self.boundary)
            .field("len", &self.body.len())
            .finish()
    }
}

/// 128 bits from std's randomly keyed SipHash, over a process-wide counter and the time so
/// that no two writers share one (std has no other randomness, and `rand` is not a
/// dependency).
fn fresh_boundary() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITERS: AtomicU64 = AtomicU64::new(0);
    let count = WRITERS.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let keys = std::collections::hash_map::RandomState::new();
    let high = keys.hash_one((count, nanos, 0u8));
    let low = keys.hash_one((count, nanos, 1u8));
    format!("----runtime-{high:016x}{low:016x}")
}

/// A name or file name as the WHATWG writes it inside quotes: `"`, CR and LF escaped, so no
/// input can end the quotes or the header line.
fn escape_quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// The reverse of [`escape_quoted`].
fn unescape_quoted(text: &str) -> String {
    text.replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
}

/// How a field's value is written as parts.
pub trait PartValue {
    fn write_part(&self, name: &str, out: &mut MultipartWriter);
}

impl PartValue for FilePart {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        out.file(name, self);
    }
}

/// Scalars are text parts, spelled as parameters are.
macro_rules! text_parts {
    ($($ty:ty),* $(,)?) => {
        $(impl PartValue for $ty {
            fn write_part(&self, name: &str, out: &mut MultipartWriter) {
                out.text(name, &super::ToParam::to_param(self));
            }
        })*
    };
}

text_parts! {
    str, String, bool, i32, i64, f32, f64, uuid::Uuid, chrono::NaiveDate,
    chrono::DateTime<chrono::Utc>, super::Base64,
}

impl<T: PartValue> PartValue for Option<T> {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        if let Some(value) = self {
            value.write_part(name, out);
        }
    }
}

/// Each item is a part of the same name, as browsers send a multiple file input.
impl<T: PartValue> PartValue for [T] {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        for item in self {
            item.write_part(name, out);
        }
    }
}

impl<T: PartValue> PartValue for Vec<T> {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        self.as_slice().write_part(name, out);
    }
}

impl<T: PartValue + ?Sized> PartValue for Box<T> {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        (**self).write_part(name, out);
    }
}

impl<T: PartValue + ?Sized> PartValue for &T {
    fn write_part(&self, name: &str, out: &mut MultipartWriter) {
        (**self).write_part(name, out);
    }
}

/// A type written as a multipart body, field by field (generated code implements it).
pub trait ToMultipart {
    fn write_parts(&self, parts: &mut MultipartWriter);
}

/// A body that may be `null` (a nullable schema): no parts for `None`.
impl<T: ToMultipart> ToMultipart for Option<T> {
    fn write_parts(&self, parts: &mut MultipartWriter) {
        if let Some(body) = self {
            body.write_parts(parts);
        }
    }
}

/// One part of a received multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// RFC 2046's limit; it also bounds the cost of looking for the boundary on every line.
const MAX_BOUNDARY_LEN: usize = 70;

/// Parses a `multipart/form-data` body; `content_type` is the request's Content-Type, which
/// names the boundary (quoted or not). The preamble and the epilogue are ignored, lines may
/// end in CRLF or a bare LF, and `filename*` is ignored (browsers send `filename`).
///
/// The error is a short reason: no boundary, no closing delimiter, a part without a `name`,
/// or malformed part headers.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let boundary = boundary_of(content_type)?;
    let delimiter = [b"--", boundary.as_bytes()].concat();
    let mut next =
        find_delimiter(body, 0, &delimiter).ok_or("the body has no delimiter of its boundary")?;
    let mut parts = Vec::new();
    while let DelimiterLine::Open { part_start } = next.line {
        let (headers, content_start) = read_headers(body, part_start)?;
        next = find_delimiter(body, content_start, &delimiter)
            .ok_or("the body has no closing delimiter")?;
        let content_end = before_line_end(body, content_start, next.start);
        let content = body.get(content_start..content_end).unwrap_or_default();
        parts.push(part_from(&headers, content)?);
    }
    Ok(parts)
}

fn boundary_of(content_type: &str) -> Result<String, String> {
    let boundary = parameters(content_type)
        .ok()
        .and_then(|params| params.into_iter().find(|(name, _)| name == "boundary"))
        .map(|(_, boundary)| boundary)
        .filter(|boundary| !boundary.is_empty())
        .ok_or("the Content-Type names no boundary")?;
    if boundary.len() > MAX_BOUNDARY_LEN {
        return Err(format!(
            "the boundary is longer than {MAX_BOUNDARY_LEN} characters"
        ));
    }
    Ok(boundary)
}

/// A delimiter line: where it starts, and whether a part follows it.
struct Delimiter {
    start: usize,
    line: DelimiterLine,
}

enum DelimiterLine {
    /// `--boundary` and a line end: a part starts at `part_start`.
    Open { part_start: usize },
    /// `--boundary--`: the epilogue follows.
    Close,
}

/// The first delimiter line at or after `from`. It must start a line: bytes that merely
/// contain the boundary, or a line that goes on after it, belong to the part.
fn find_delimiter(body: &[u8], from: usize, delimiter: &[u8]) -> Option<Delimiter> {
    let mut line = from;
    loop {
        let rest = body.get(line..)?;
        let at_line_start = line == 0 || body.get(line - 1) == Some(&b'\n');
        if at_line_start {
            if let Some(kind) = delimiter_line(rest, delimiter, line) {
                return Some(Delimiter {
                    start: line,
                    line: kind,
                });
            }
        }
        line += rest.iter().position(|byte| *byte == b'\n')? + 1;
    }
}

/// Whether `rest` (at offset `at` of the body) starts with a delimiter line; RFC 2046 lets
/// spaces and tabs follow the boundary.
fn delimiter_line(rest: &[u8], delimiter: &[u8], at: usize) -> Option<DelimiterLine> {
    let after = rest.strip_prefix(delimiter)?;
    if after.starts_with(b"--") {
        return Some(DelimiterLine::Close);
    }
    let padding = after
        .iter()
        .take_while(|byte| matches!(byte, b' ' | b'\t'))
        .count();
    let line_end = match after.get(padding..)? {
        [b'\r', b'\n', ..] => 2,
        [b'\n', ..] => 1,
        _ => return None,
    };
    Some(DelimiterLine::Open {
        part_start: at + delimiter.len() + padding + line_end,
    })
}

/// The end of a part's content: the line end before its delimiter belongs to the delimiter.
fn before_line_end(body: &[u8], content_start: usize, delimiter_start: usize) -> usize {
    let mut end = delimiter_start;
    if end > content_start && body.get(end - 1) == Some(&b'\n') {
        end -= 1;
        if end > content_start && body.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
    }
    end
}

/// The headers of the part starting at `from` (names lowercased) and where its content
/// starts, after the empty line. A line starting with a space or tab continues the header
/// before it (obsolete folding).
fn read_headers(body: &[u8], from: usize) -> Result<(Vec<(String, String)>, usize), String> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut start = from;
    loop {
        let rest = body.get(start..).unwrap_or_default();
        let length = rest
            .iter()
            .position(|byte| *byte == b'\n')
            .ok_or("a part's headers have no end")?;
        let line = rest.get(..length).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        start += length + 1;
        if line.is_empty() {
            return Ok((headers, start));
        }
        let line = String::from_utf8_lossy(line);
        match headers.last_mut() {
            Some((_, value)) if line.starts_with([' ', '\t']) => {
                value.push(' ');
                value.push_str(line.trim());
            }
            _ => {
                let (name, value) = line
                    .split_once(':')
                    .filter(|(name, _)| !name.trim().is_empty())
                    .ok_or("a malformed part header")?;
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
    }
}

fn part_from(headers: &[(String, String)], bytes: &[u8]) -> Result<Part, String> {
    let mut part = Part {
        name: String::new(),
        file_name: None,
        content_type: None,
        bytes: bytes.to_vec(),
    };
    let mut name = None;
    for (header, value) in headers {
        match header.as_str() {
            "content-disposition" => {
                for (parameter, text) in parameters(value)? {
                    match parameter.as_str() {
                        "name" => name = Some(unescape_quoted(&text)),
                        "filename" => part.file_name = Some(unescape_quoted(&text)),
                        _ => {}
                    }
                }
            }
            "content-type" => part.content_type = Some(value.clone()),
            _ => {}
        }
    }
    part.name = name.ok_or("a part has no name")?;
    Ok(part)
}

/// The `name=value` parameters after the first `;` of a header value, names lowercased. A
/// quoted value ends at the next quote, as browsers write them (they escape quotes as
/// `%22`, not with a backslash, so a Windows path keeps its backslashes); a parameter
/// without `=` is skipped.
fn parameters(value: &str) -> Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    let Some((_, mut rest)) = value.split_once(';') else {
        return Ok(params);
    };
    loop {
        rest = rest.trim_start_matches([';', ' ', '\t']);
        if rest.is_empty() {
            return Ok(params);
        }
        let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
        let (name, after_name) = rest.split_at(name_end);
        let Some(value) = after_name.strip_prefix('=') else {
            rest = after_name;
            continue;
        };
        let value = value.trim_start();
        let (text, after) = match value.strip_prefix('"') {
            Some(quoted) => quoted
                .split_once('"')
                .ok_or("a quoted header parameter has no closing quote")?,
            None => {
                let (text, after) = value.split_at(value.find(';').unwrap_or(value.len()));
                (text.trim_end(), after)
            }
        };
        params.push((name.trim().to_ascii_lowercase(), text.to_owned()));
        rest = after;
    }
}

/// The parts as a JSON object for `from_form`: a part with a file name, or with a
/// Content-Type that is neither `text/*` nor JSON, becomes a [`FilePart`] map
/// (`file_name`, `content_type`, `base64`); a JSON part (`application/json`, `+json`) its
/// parsed JSON (invalid JSON stays a string); any other part a string (text that is not
/// UTF-8 a file map too). A name sent several times becomes a list, in order.
pub fn multipart_value(parts: Vec<Part>) -> Value {
    let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for part in parts {
        let Part {
            name,
            file_name,
            content_type,
            bytes,
        } = part;
        let value = part_value(file_name, content_type, bytes);
        grouped.entry(name).or_default().push(value);
    }
    let members = grouped.into_iter().map(|(name, mut values)| {
        let value = match values.len() {
            1 => values.pop().unwrap_or_default(),
            _ => Value::Array(values),
        };
        (name, value)
    });
    Value::Object(members.collect::<Map<String, Value>>())
}

/// One part's value, as [`multipart_value`] says; an empty Content-Type counts as none.
fn part_value(file_name: Option<String>, content_type: Option<String>, bytes: Vec<u8>) -> Value {
    let essence = content_type.as_deref().map(super::media::essence);
    let is_json = essence.as_deref().is_some_and(super::media::is_json);
    let is_text = essence
        .as_deref()
        .is_none_or(|essence| essence.is_empty() || essence.starts_with("text/"));
    if file_name.is_some() || !(is_json || is_text) {
        return file_value(file_name, content_type, &bytes);
    }
    if is_json {
        if let Ok(value) = serde_json::from_slice(&bytes) {
            return value;
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Value::String(text),
        Err(not_utf8) => file_value(file_name, content_type, not_utf8.as_bytes()),
    }
}

/// The map [`FilePart`] deserializes from.
fn file_value(file_name: Option<String>, content_type: Option<String>, bytes: &[u8]) -> Value {
    let mut file = Map::new();
    file.insert(
        "file_name".into(),
        file_name.map_or(Value::Null, Value::String),
    );
    let content_type = content_type.map_or(Value::Null, Value::String);
    file.insert("content_type".into(), content_type);
    let base64 = Value::String(super::base64::encode(bytes));
    file.insert("base64".into(), base64);
    Value::Object(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BOUNDARY: &str = "XyZ";

    fn written(write: impl FnOnce(&mut MultipartWriter)) -> String {
        let mut writer = MultipartWriter::with_boundary(BOUNDARY.into());
        write(&mut writer);
        let (content_type, body) = writer.finish();
        assert_eq!(content_type, "multipart/form-data; boundary=XyZ");
        String::from_utf8_lossy(&body).into_owned()
    }

    fn text_part(name: &str, text: &str) -> Part {
        Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            bytes: text.into(),
        }
    }

    #[test]
    fn a_text_part_is_written_byte_for_byte() {
        let body = written(|parts| {
            parts.part("purpose", "fine-tune");
            parts.part("count", &-3i64);
            parts.part("ok", &true);
        });
        assert_eq!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n-3\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\ntrue\r\n\
             --XyZ--\r\n"
        );
        assert_eq!(written(|_| {}), "--XyZ--\r\n");
    }

    #[test]
    fn a_file_part_defaults_its_file_name_and_media_type() {
        let named = FilePart::new("a,b\n")
            .file_name("data.csv")
            .content_type("text/csv");
        assert_eq!(
            written(|parts| parts.part("file", &named)),
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.csv\"\r\n\
             Content-Type: text/csv\r\n\r\na,b\n\r\n--XyZ--\r\n"
        );
        let bare = FilePart::new(vec![0u8, 255]);
        let body = written(|parts| parts.part("file", &bare));
        assert_eq!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\0\u{FFFD}\r\n--XyZ--\r\n"
        );
    }

    #[test]
    fn options_and_lists_write_one_part_per_item() {
        let tags = vec!["a".to_owned(), "b".to_owned()];
        let body = written(|parts| {
            parts.part("absent", &None::<String>);
            parts.part("present", &Some(7i32));
            parts.part("tags", &tags);
            parts.part("slice", &[1.5f64][..]);
            parts.part("boxed", &Box::new(false));
        });
        let head = |name: &str| format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"");
        let expected = format!(
            "{}\r\n\r\n7\r\n{}\r\n\r\na\r\n{}\r\n\r\nb\r\n{}\r\n\r\n1.5\r\n{}\r\n\r\nfalse\r\n--XyZ--\r\n",
            head("present"),
            head("tags"),
            head("tags"),
            head("slice"),
            head("boxed"),
        );
        assert_eq!(body, expected);
    }

    #[test]
    fn a_json_part_is_marked_as_json() {
        let meta = json!({"k": [1, null]});
        let body = written(|parts| parts.json("meta", &meta));
        let head = "--XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\n\
                    Content-Type: application/json\r\n\r\n";
        assert_eq!(body, format!("{head}{meta}\r\n--XyZ--\r\n"));
    }

    #[test]
    fn names_and_file_names_are_escaped_so_the_framing_holds() {
        let file = FilePart::new("x")
            .file_name("a\"b\r\nc.txt")
            .content_type("text/plain\r\nX-Injected: 1");
        let body = written(|parts| {
            parts.part("q\"\r\nContent-Type: evil", "v");
            parts.part("f", &file);
        });
        assert_eq!(
            body,
            "--XyZ\r\nContent-Disposition: form-data; name=\"q%22%0D%0AContent-Type: evil\"\r\n\
             \r\nv\r\n\
             --XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a%22b%0D%0Ac.txt\"\r\n\
             Content-Type: text/plain  X-Injected: 1\r\n\r\nx\r\n--XyZ--\r\n"
        );
        let parts = parse_multipart("multipart/form-data; boundary=XyZ", body.as_bytes());
        let parts = parts.unwrap();
        assert_eq!(parts[0].name, "q\"\r\nContent-Type: evil");
        assert_eq!(parts[1].file_name.as_deref(), Some("a\"b\r\nc.txt"));
    }

    #[test]
    fn every_writer_has_a_boundary_of_its_own() {
        let (first, second) = (MultipartWriter::new(), MultipartWriter::default());
        assert_ne!(first.boundary, second.boundary);
        for writer in [&first, &second] {
            let hex = writer
                .boundary
                .strip_prefix("----runtime-")
                .unwrap_or_default();
            assert_eq!(hex.len(), 32, "{}", writer.boundary);
            assert!(hex.bytes().all(|byte| byte.is_ascii_hexdigit()));
            assert!(writer.boundary.len() <= MAX_BOUNDARY_LEN);
            let expected = format!("multipart/form-data; boundary={}", writer.boundary);
            assert_eq!(writer.content_type(), expected);
        }
    }

    #[test]
    fn written_parts_parse_back_the_same() {
        let file = FilePart::new(b"\r\na--XyZ\r\n--XyZx\r\n--XyZ \tno\r\n--XyZ-\xff".to_vec())
            .file_name("ünï.bin")
            .content_type("application/x-thing; v=1");
        let mut writer = MultipartWriter::with_boundary(BOUNDARY.into());
        writer.part("note", "two\r\nlines\n");
        writer.part("empty", "");
        writer.part("doc", &file);
        writer.part("bare", &FilePart::new(""));
        writer.json("meta", &json!({"a": 1}));
        let (content_type, body) = writer.finish();
        let expected = vec![
            text_part("note", "two\r\nlines\n"),
            text_part("empty", ""),
            Part {
                name: "doc".into(),
                file_name: file.file_name.clone(),
                content_type: file.content_type.clone(),
                bytes: file.bytes.clone(),
            },
            Part {
                name: "bare".into(),
                file_name: Some("bare".into()),
                content_type: Some("application/octet-stream".into()),
                bytes: Vec::new(),
            },
            Part {
                content_type: Some("application/json".into()),
                ..text_part("meta", r#"{"a":1}"#)
            },
        ];
        assert_eq!(parse_multipart(&content_type, &body), Ok(expected));
    }

    #[test]
    fn a_browser_like_body_with_a_preamble_and_bare_line_feeds_parses() {
        let body = "This is the preamble.\n\
                    --a'b()+_,-./:=?\n\
                    content-disposition: Form-Data; NAME=\"title\"\n\
                    \n\
                    Hello\n\
                    --a'b()+_,-./:=?  \n\
                    Content-Disposition: form-data;name=upload; filename=\"C:\\dir\\r.txt\";\n \
                    filename*=UTF-8''r%C3%A9.txt\n\
                    CONTENT-TYPE:text/plain\n\
                    X-Other: ignored\n\
                    \n\
                    line one\r\n--a'b()+_,-./:=?not-a-delimiter\n\
                    \n\
                    --a'b()+_,-./:=?--\n\
                    This is the epilogue.\n\
                    --a'b()+_,-./:=?\n";
        let content_type = "Multipart/Form-Data; charset=utf-8; boundary=\"a'b()+_,-./:=?\"";
        let parts = parse_multipart(content_type, body.as_bytes());
        let expected = vec![
            text_part("title", "Hello"),
            Part {
                name: "upload".into(),
                file_name: Some("C:\\dir\\r.txt".into()),
                content_type: Some("text/plain".into()),
                bytes: b"line one\r\n--a'b()+_,-./:=?not-a-delimiter\n".to_vec(),
            },
        ];
        assert_eq!(parts, Ok(expected));
        let unquoted = "--abc\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--abc--";
        let parts = parse_multipart("multipart/form-data; boundary=abc", unquoted.as_bytes());
        assert_eq!(parts, Ok(vec![text_part("x", "1")]));
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let ok = "--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--b--\r\n";
        let content_type = "multipart/form-data; boundary=b";
        assert!(parse_multipart(content_type, ok.as_bytes()).is_ok());
        let refused = |content_type: &str, body: &str| {
            parse_multipart(content_type, body.as_bytes()).unwrap_err()
        };
        assert_eq!(
            refused("multipart/form-data", ok),
            "the Content-Type names no boundary"
        );
        assert_eq!(
            refused("multipart/form-data; boundary=\"\"", ok),
            "the Content-Type names no boundary"
        );
        let long = format!("multipart/form-data; boundary={}", "b".repeat(71));
        assert!(refused(&long, ok).contains("longer than 70"));
        assert_eq!(
            refused("multipart/form-data; boundary=\"b", ok),
            "the Content-Type names no boundary"
        );
        let cases = [
            ("", "the body has no delimiter of its boundary"),
            ("--bb\r\n", "the body has no delimiter of its boundary"),
            (&ok[..ok.len() - 7], "the body has no closing delimiter"),
            (
                "--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--",
                "a part has no name",
            ),
            (
                "--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--",
                "a part has no name",
            ),
            (
                "--b\r\nno colon here\r\n\r\n1\r\n--b--",
                "a malformed part header",
            ),
            (
                "--b\r\n: no name\r\n\r\n1\r\n--b--",
                "a malformed part header",
            ),
            (
                "--b\r\nContent-Disposition: form-data; name=x",
                "a part's headers have no end",
            ),
            (
                "--b\r\nContent-Disposition: form-data; name=\"x\r\n\r\n1\r\n--b--",
                "a quoted header parameter has no closing quote",
            ),
        ];
        for (body, reason) in cases {
            assert_eq!(refused(content_type, body), reason, "{body:?}");
        }
    }

    #[test]
    fn no_prefix_or_corruption_of_a_body_panics() {
        let mut writer = MultipartWriter::with_boundary(BOUNDARY.into());
        writer.part("a", "x\r\n--XyZ");
        writer.part("f", &FilePart::new("\n\n--").file_name("n\"m"));
        let (content_type, body) = writer.finish();
        for end in 0..body.len() {
            let _ = parse_multipart(&content_type, &body[..end]);
            let mut corrupted = body.clone();
            corrupted[end] = b'\n';
            let _ = parse_multipart(&content_type, &corrupted);
            corrupted[end] = b'"';
            let _ = parse_multipart(&content_type, &corrupted);
        }
        let deep = "--XyZ\n".repeat(1000);
        assert!(parse_multipart(&content_type, deep.as_bytes()).is_err());
    }

    #[test]
    fn mixed_parts_become_a_json_object_for_from_form() {
        let part =
            |name: &str, file_name: Option<&str>, content_type: Option<&str>, bytes: &[u8]| Part {
                name: name.into(),
                file_name: file_name.map(Into::into),
                content_type: content_type.map(Into::into),
                bytes: bytes.to_vec(),
            };
        let parts = vec![
            part("text", None, None, b"plain"),
            part("typed", None, Some("Text/Plain; charset=utf-8"), b"7"),
            part("json", None, Some("application/json"), br#"{"a":[1]}"#),
            part("problem", None, Some("application/problem+json"), b"[1,2]"),
            part("broken", None, Some("application/json"), b"{oops"),
            part("file", Some("a.txt"), Some("application/json"), b"{}"),
            part("blob", None, Some("image/png"), b"\x89PNG"),
            part("latin", None, None, b"caf\xe9"),
            part("tag", None, None, b"x"),
            part("tag", None, Some("application/json"), b"[2]"),
            part("tag", None, None, b"z"),
        ];
        let file = |file_name: Value, content_type: &str, base64: &str| json!({"file_name": file_name, "content_type": content_type, "base64": base64});
        let latin = json!({"file_name": null, "content_type": null, "base64": "Y2Fm6Q=="});
        let expected = json!({
            "text": "plain",
            "typed": "7",
            "json": {"a": [1]},
            "problem": [1, 2],
            "broken": "{oops",
            "file": file(json!("a.txt"), "application/json", "e30="),
            "blob": file(Value::Null, "image/png", "iVBORw=="),
            "latin": latin,
            "tag": ["x", [2], "z"],
        });
        assert_eq!(multipart_value(parts), expected);
        assert_eq!(multipart_value(Vec::new()), json!({}));
    }

    #[test]
    fn a_file_part_reads_from_text_or_from_its_map() {
        let from_text: FilePart = serde_json::from_value(json!("héllo")).unwrap();
        assert_eq!(from_text, FilePart::new("héllo"));
        let from_str: FilePart = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(from_str, FilePart::new("x"));
        let map = json!({"file_name": "a.bin", "content_type": null, "base64": "AP8=", "x": 1});
        let expected = FilePart::new(vec![0u8, 255]).file_name("a.bin");
        assert_eq!(
            serde_json::from_value::<FilePart>(map.clone()).ok(),
            Some(expected.clone())
        );
        assert_eq!(
            super::super::from_form::<FilePart>(map),
            Ok(expected.clone())
        );
        let from_form: FilePart = super::super::from_form(json!("text")).unwrap();
        assert_eq!(from_form, FilePart::new("text"));
        let err = serde_json::from_value::<FilePart>(json!({"base64": "%%"})).unwrap_err();
        assert!(err.to_string().contains("not base64"), "{err}");
        assert!(serde_json::from_value::<FilePart>(json!({"file_name": "a"})).is_err());
        assert!(serde_json::from_value::<FilePart>(json!(3)).is_err());
        assert_eq!(
            serde_json::to_value(&expected).ok(),
            Some(json!("\0\u{FFFD}"))
        );
        assert_eq!(
            format!("{expected:?}"),
            r#"FilePart { len: 2, file_name: Some("a.bin"), content_type: None }"#
        );
        use super::super::Validate;
        assert!(expected.validate().is_ok());
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(remote = "Self")]
    struct Meta {
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<i64>,
    }
    crate::runtime::object_only!(Meta);

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(remote = "Self")]
    struct Upload {
        file: FilePart,
        files: Vec<FilePart>,
        purpose: String,
        count: i64,
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meta: Option<Meta>,
    }
    crate::runtime::object_only!(Upload);

    impl ToMultipart for Upload {
        fn write_parts(&self, parts: &mut MultipartWriter) {
            parts.part("file", &self.file);
            parts.part("files", &self.files);
            parts.part("purpose", &self.purpose);
            parts.part("count", &self.count);
            parts.part("tags", &self.tags);
            if let Some(meta) = &self.meta {
                parts.json("meta", meta);
            }
        }
    }

    fn round_trip(upload: &Upload) -> Result<Upload, String> {
        let mut writer = MultipartWriter::new();
        upload.write_parts(&mut writer);
        let (content_type, body) = writer.finish();
        let parts = parse_multipart(&content_type, &body)?;
        super::super::from_form(multipart_value(parts))
    }

    #[test]
    fn a_typed_body_round_trips_through_write_parse_and_from_form() {
        let upload = Upload {
            file: FilePart::new(b"\r\n------runtime-\r\n\xff\x00".to_vec())
                .file_name("report \"final\".pdf")
                .content_type("application/pdf"),
            files: vec![
                FilePart::new("a")
                    .file_name("a.txt")
                    .content_type("text/plain"),
                FilePart::new("{}")
                    .file_name("b.json")
                    .content_type("application/json"),
            ],
            purpose: "fine-tune\r\n--".into(),
            count: -42,
            tags: vec!["x".into(), "7".into()],
            meta: Some(Meta {
                label: "m".into(),
                size: Some(3),
            }),
        };
        assert_eq!(round_trip(&upload).as_ref(), Ok(&upload));
        // One item of a list, and an absent option, take other paths back.
        let sparse = Upload {
            files: vec![FilePart::new("")
                .file_name("empty")
                .content_type("text/plain")],
            tags: vec!["solo".into()],
            meta: None,
            ..upload
        };
        assert_eq!(round_trip(&sparse).as_ref(), Ok(&sparse));
    }

    #[test]
    fn a_typed_body_refuses_what_does_not_fit() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\nmany\r\n--b--\r\n";
        let parts = parse_multipart("multipart/form-data; boundary=b", body.as_bytes());
        let read = super::super::from_form::<Upload>(multipart_value(parts.unwrap_or_default()));
        let err = read.unwrap_err();
        assert!(err.starts_with("count: \"many\" is not valid"), "{err}");
        let not_an_object = super::super::from_form::<Upload>(json!(["a", 1]));
        assert!(not_an_object.is_err());
    }
}
