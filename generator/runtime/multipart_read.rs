//! Reading `multipart/form-data` bodies (RFC 7578) as they arrive: [`PartsReader`] splits
//! the bytes into parts, whatever the chunks; [`parse_multipart`] reads a body held whole;
//! [`from_parts`] and the server read the parts into a body struct through `from_form`,
//! whose lenient reading turns text parts into numbers and single parts into lists.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::multipart::FileBody;

/// One part of a received multipart body, held in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// What a part's headers say of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartHead {
    pub name: String,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
}

impl PartHead {
    /// Whether the part is a file: sent with a file name, or of a media type that is
    /// neither text nor JSON. An empty Content-Type counts as none.
    pub fn is_file(&self) -> bool {
        let essence = self.content_type.as_deref().map(super::media::essence);
        let is_json = essence.as_deref().is_some_and(super::media::is_json);
        let is_text = essence
            .as_deref()
            .is_none_or(|essence| essence.is_empty() || essence.starts_with("text/"));
        self.file_name.is_some() || !(is_json || is_text)
    }
}

/// What [`PartsReader::next`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PartEvent {
    /// A part starts.
    Head(PartHead),
    /// Some of its content, in order.
    Data(Vec<u8>),
    /// It ends.
    End,
    /// The closing delimiter: no part follows.
    Finished,
}

/// RFC 2046's limit; it also bounds the cost of looking for the boundary on every line.
pub(crate) const MAX_BOUNDARY_LEN: usize = 70;

/// Spaces and tabs RFC 2046 lets follow a boundary, as many as a reader waits for.
const MAX_PADDING: usize = 256;

/// How long a part's headers may be.
const MAX_HEADERS: usize = 16 * 1024;

/// Splits a multipart body into parts as its bytes arrive, holding back only what may start
/// a delimiter. The preamble and the epilogue are ignored, lines may end in CRLF or a bare
/// LF, and `filename*` is ignored (browsers send `filename`).
pub struct PartsReader {
    /// `--` and the boundary.
    delimiter: Vec<u8>,
    /// Bytes pushed and not yet handed out.
    buffer: Vec<u8>,
    state: ReadState,
}

#[derive(Clone, Copy)]
enum ReadState {
    /// Before the first delimiter; whether the buffer starts a line.
    Preamble {
        line_start: bool,
    },
    Headers,
    /// Inside a part; whether the buffer starts its content (a line start).
    Content {
        line_start: bool,
    },
    Epilogue,
}

/// What the bytes at a line start are.
enum Seen {
    /// A delimiter line of this length, a part after it.
    Open(usize),
    /// The closing delimiter.
    Close,
    Not,
    /// Too few bytes to tell.
    Unknown,
}

/// The outcome of one step of the reader.
enum Step {
    Emit(PartEvent),
    Again,
    Wait,
}

impl PartsReader {
    /// A reader of the body a request's Content-Type describes (its boundary quoted or not).
    pub fn new(content_type: &str) -> Result<Self, String> {
        let boundary = boundary_of(content_type)?;
        Ok(PartsReader {
            delimiter: [b"--", boundary.as_bytes()].concat(),
            buffer: Vec::new(),
            state: ReadState::Preamble { line_start: true },
        })
    }

    /// More of the body.
    pub fn push(&mut self, chunk: &[u8]) {
        self.buffer.extend_from_slice(chunk);
    }

    /// The next event, `None` when it needs more of the body; `at_end` says there is no
    /// more. The error is a short reason: no delimiter, no closing delimiter, a part
    /// without a `name`, or malformed or overlong part headers.
    pub fn next(&mut self, at_end: bool) -> Result<Option<PartEvent>, String> {
        loop {
            let step = match self.state {
                ReadState::Preamble { line_start } => self.preamble(line_start, at_end)?,
                ReadState::Headers => self.headers(at_end)?,
                ReadState::Content { line_start } => self.content(line_start, at_end)?,
                ReadState::Epilogue => {
                    self.buffer.clear();
                    Step::Emit(PartEvent::Finished)
                }
            };
            match step {
                Step::Emit(event) => return Ok(Some(event)),
                Step::Again => {}
                Step::Wait => return Ok(None),
            }
        }
    }

    /// Skips lines up to the first delimiter.
    fn preamble(&mut self, mut line_start: bool, at_end: bool) -> Result<Step, String> {
        let mut at = 0;
        loop {
            if line_start {
                match self.seen_at(at, at_end) {
                    Seen::Open(len) => {
                        self.buffer.drain(..at + len);
                        self.state = ReadState::Headers;
                        return Ok(Step::Again);
                    }
                    Seen::Close => {
                        self.state = ReadState::Epilogue;
                        return Ok(Step::Again);
                    }
                    Seen::Unknown => {
                        self.buffer.drain(..at);
                        self.state = ReadState::Preamble { line_start: true };
                        return Ok(Step::Wait);
                    }
                    Seen::Not => {}
                }
            }
            match line_after(&self.buffer, at) {
                Some(next) => (at, line_start) = (next, true),
                None if at_end => return Err("the body has no delimiter of its boundary".into()),
                None => {
                    self.buffer.clear();
                    self.state = ReadState::Preamble { line_start: false };
                    return Ok(Step::Wait);
                }
            }
        }
    }

    /// A part's headers, once the empty line that ends them has come.
    fn headers(&mut self, at_end: bool) -> Result<Step, String> {
        if headers_end(&self.buffer).is_none() {
            if at_end {
                return Err("a part's headers have no end".into());
            }
            if self.buffer.len() > MAX_HEADERS {
                return Err(format!(
                    "a part's headers are longer than {MAX_HEADERS} bytes"
                ));
            }
            return Ok(Step::Wait);
        }
        let (headers, content_start) = read_headers(&self.buffer, 0)?;
        let head = head_from(&headers)?;
        self.buffer.drain(..content_start);
        self.state = ReadState::Content { line_start: true };
        Ok(Step::Emit(PartEvent::Head(head)))
    }

    /// A part's content up to its delimiter: what cannot start the delimiter's line is
    /// handed out at once.
    fn content(&mut self, line_start: bool, at_end: bool) -> Result<Step, String> {
        let mut ready = self.buffer.len();
        if !at_end && self.buffer.last() == Some(&b'\r') {
            ready -= 1;
        }
        let mut candidate = if line_start {
            Some(0)
        } else {
            line_after(&self.buffer, 0)
        };
        while let Some(at) = candidate {
            let seen = self.seen_at(at, at_end);
            let content_end = before_line_end(&self.buffer, at);
            match seen {
                Seen::Not => candidate = line_after(&self.buffer, at),
                Seen::Unknown => {
                    ready = ready.min(content_end);
                    break;
                }
                Seen::Open(_) | Seen::Close if content_end > 0 => {
                    let data = self.buffer.drain(..content_end).collect();
                    self.state = ReadState::Content { line_start: false };
                    return Ok(Step::Emit(PartEvent::Data(data)));
                }
                Seen::Open(len) => {
                    self.buffer.drain(..at + len);
                    self.state = ReadState::Headers;
                    return Ok(Step::Emit(PartEvent::End));
                }
                Seen::Close => {
                    self.state = ReadState::Epilogue;
                    return Ok(Step::Emit(PartEvent::End));
                }
            }
        }
        if at_end {
            return Err("the body has no closing delimiter".into());
        }
        if ready == 0 {
            return Ok(Step::Wait);
        }
        let data = self.buffer.drain(..ready).collect();
        self.state = ReadState::Content { line_start: false };
        Ok(Step::Emit(PartEvent::Data(data)))
    }

    /// Whether a delimiter line starts at `at` (a line start). It must be the whole line:
    /// bytes that merely contain the boundary, or a line that goes on after it, are content.
    fn seen_at(&self, at: usize, at_end: bool) -> Seen {
        let rest = self.buffer.get(at..).unwrap_or_default();
        let delimiter = self.delimiter.as_slice();
        if rest.len() < delimiter.len() {
            let may_start = !at_end && delimiter.starts_with(rest);
            return if may_start { Seen::Unknown } else { Seen::Not };
        }
        let Some(after) = rest.strip_prefix(delimiter) else {
            return Seen::Not;
        };
        match after {
            [b'-', b'-', ..] => return Seen::Close,
            [] | [b'-'] if !at_end => return Seen::Unknown,
            _ => {}
        }
        let padding = after
            .iter()
            .take_while(|byte| matches!(byte, b' ' | b'\t'))
            .count();
        if padding > MAX_PADDING {
            return Seen::Not;
        }
        match after.get(padding..).unwrap_or_default() {
            [b'\r', b'\n', ..] => Seen::Open(delimiter.len() + padding + 2),
            [b'\n', ..] => Seen::Open(delimiter.len() + padding + 1),
            [] | [b'\r'] if !at_end => Seen::Unknown,
            _ => Seen::Not,
        }
    }
}

/// Where the line after the one at `from` starts, if its end has come.
fn line_after(buffer: &[u8], from: usize) -> Option<usize> {
    let rest = buffer.get(from..)?;
    rest.iter()
        .position(|byte| *byte == b'\n')
        .map(|n| from + n + 1)
}

/// Where the content before a delimiter at `at` ends: the line end before the delimiter
/// belongs to it.
fn before_line_end(buffer: &[u8], at: usize) -> usize {
    let mut end = at;
    if end > 0 && buffer.get(end - 1) == Some(&b'\n') {
        end -= 1;
        if end > 0 && buffer.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
    }
    end
}

/// Where the headers at the start of `buffer` end, after their empty line.
fn headers_end(buffer: &[u8]) -> Option<usize> {
    let mut start = 0;
    loop {
        let next = line_after(buffer, start)?;
        let line = &buffer[start..next - 1];
        if line.is_empty() || line == b"\r" {
            return Some(next);
        }
        start = next;
    }
}

/// Parses a `multipart/form-data` body held whole, as [`PartsReader`] reads it.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let mut reader = PartsReader::new(content_type)?;
    reader.push(body);
    let mut parts: Vec<Part> = Vec::new();
    loop {
        match reader.next(true)? {
            Some(PartEvent::Head(head)) => parts.push(Part {
                name: head.name,
                file_name: head.file_name,
                content_type: head.content_type,
                bytes: Vec::new(),
            }),
            Some(PartEvent::Data(bytes)) => {
                if let Some(part) = parts.last_mut() {
                    part.bytes.extend_from_slice(&bytes);
                }
            }
            Some(PartEvent::End) => {}
            Some(PartEvent::Finished) | None => return Ok(parts),
        }
    }
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

/// The part a part's headers (names lowercased) describe.
fn head_from(headers: &[(String, String)]) -> Result<PartHead, String> {
    let (mut name, mut file_name, mut content_type) = (None, None, None);
    for (header, value) in headers {
        match header.as_str() {
            "content-disposition" => {
                for (parameter, text) in parameters(value)? {
                    match parameter.as_str() {
                        "name" => name = Some(unescape_quoted(&text)),
                        "filename" => file_name = Some(unescape_quoted(&text)),
                        _ => {}
                    }
                }
            }
            "content-type" => content_type = Some(value.clone()),
            _ => {}
        }
    }
    Ok(PartHead {
        name: name.ok_or("a part has no name")?,
        file_name,
        content_type,
    })
}

/// The reverse of `escape_quoted`.
fn unescape_quoted(text: &str) -> String {
    text.replace("%22", "\"")
        .replace("%0D", "\r")
        .replace("%0A", "\n")
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

/// A part as a server received it: its head, and its content in memory or spooled.
pub(crate) struct Received {
    pub(crate) head: PartHead,
    pub(crate) body: FileBody,
}

impl From<Part> for Received {
    fn from(part: Part) -> Self {
        let Part {
            name,
            file_name,
            content_type,
            bytes,
        } = part;
        let head = PartHead {
            name,
            file_name,
            content_type,
        };
        Received {
            head,
            body: FileBody::Bytes(bytes),
        }
    }
}

/// Reads parts held in memory into a body struct, as a server does.
pub fn from_parts<T: serde::de::DeserializeOwned>(parts: Vec<Part>) -> Result<T, String> {
    let (fields, files) = received_value(parts.into_iter().map(Received::from).collect());
    with_received_files(files, || super::from_form(fields))
}

/// The parts as a JSON object for `from_form`, and the files among them. A file part (see
/// [`PartHead::is_file`]) becomes a map of `file_name`, `content_type` and `part`, its place
/// among the files, which [`super::FilePart`] reads while [`with_received_files`] lends
/// them; a JSON part (`application/json`, `+json`) its parsed JSON (invalid JSON stays a
/// string); any other part a string (text that is not UTF-8 a file too). A name sent several
/// times becomes a list, in order.
pub(crate) fn received_value(parts: Vec<Received>) -> (Value, Vec<FileBody>) {
    let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut files = Vec::new();
    for Received { head, body } in parts {
        let value = match body {
            FileBody::Bytes(bytes) if !head.is_file() => text_value(&head, bytes)
                .unwrap_or_else(|bytes| file_value(&head, FileBody::Bytes(bytes), &mut files)),
            body => file_value(&head, body, &mut files),
        };
        grouped.entry(head.name).or_default().push(value);
    }
    let members = grouped.into_iter().map(|(name, mut values)| {
        let value = match values.len() {
            1 => values.pop().unwrap_or_default(),
            _ => Value::Array(values),
        };
        (name, value)
    });
    (
        Value::Object(members.collect::<Map<String, Value>>()),
        files,
    )
}

/// A text or JSON part's value; its bytes back when they are not UTF-8.
fn text_value(head: &PartHead, bytes: Vec<u8>) -> Result<Value, Vec<u8>> {
    let essence = head.content_type.as_deref().map(super::media::essence);
    if essence.as_deref().is_some_and(super::media::is_json) {
        if let Ok(value) = serde_json::from_slice(&bytes) {
            return Ok(value);
        }
    }
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|not_utf8| not_utf8.into_bytes())
}

/// The map [`super::FilePart`] deserializes from, its body kept among `files`.
fn file_value(head: &PartHead, body: FileBody, files: &mut Vec<FileBody>) -> Value {
    let mut file = Map::new();
    let file_name = head.file_name.clone().map_or(Value::Null, Value::String);
    file.insert("file_name".into(), file_name);
    let content_type = head.content_type.clone().map_or(Value::Null, Value::String);
    file.insert("content_type".into(), content_type);
    file.insert("part".into(), Value::from(files.len()));
    files.push(body);
    Value::Object(file)
}

thread_local! {
    /// The files of the body being read on this thread ([`with_received_files`]).
    static RECEIVED_FILES: RefCell<Vec<FileBody>> = const { RefCell::new(Vec::new()) };
}

/// Runs `read` (a synchronous `from_form`) with `files` lent to the [`super::FilePart`]s it
/// reads; they are gone afterwards, even if `read` panics.
pub(crate) fn with_received_files<R>(files: Vec<FileBody>, read: impl FnOnce() -> R) -> R {
    struct Clear;
    impl Drop for Clear {
        fn drop(&mut self) {
            RECEIVED_FILES.with(|received| received.borrow_mut().clear());
        }
    }
    RECEIVED_FILES.with(|received| *received.borrow_mut() = files);
    let _clear = Clear;
    read()
}

/// The body of the received file at `place`; cloned, since `from_form` may read twice.
pub(crate) fn received_file(place: usize) -> Option<FileBody> {
    RECEIVED_FILES.with(|received| received.borrow().get(place).cloned())
}

#[cfg(all(test, any(feature = "client", feature = "server")))]
mod tests {
    use super::super::multipart::tests::{written, BOUNDARY};
    use super::super::{FilePart, MultipartWriter, ToMultipart};
    use super::*;
    use serde_json::json;

    fn text_part(name: &str, text: &str) -> Part {
        Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            bytes: text.into(),
        }
    }

    /// The events of `body` pushed in two pieces cut at `cut`, data joined up.
    fn events_cut_at(
        content_type: &str,
        body: &[u8],
        cut: usize,
    ) -> Result<Vec<PartEvent>, String> {
        let mut reader = PartsReader::new(content_type)?;
        let mut events: Vec<PartEvent> = Vec::new();
        let record =
            |event: PartEvent, events: &mut Vec<PartEvent>| match (events.last_mut(), event) {
                (Some(PartEvent::Data(joined)), PartEvent::Data(more)) => joined.extend(more),
                (_, event) => events.push(event),
            };
        reader.push(&body[..cut]);
        while let Some(event) = reader.next(false)? {
            let finished = event == PartEvent::Finished;
            record(event, &mut events);
            if finished {
                return Ok(events);
            }
        }
        reader.push(&body[cut..]);
        while let Some(event) = reader.next(true)? {
            let finished = event == PartEvent::Finished;
            record(event, &mut events);
            if finished {
                break;
            }
        }
        Ok(events)
    }

    #[test]
    fn a_body_cut_anywhere_reads_the_same() {
        let file =
            FilePart::new(b"\r\na--XyZ\r\n--XyZx\r\n--XyZ \tno\r\n--XyZ-\r\r\n\xff".to_vec())
                .file_name("f.bin");
        let body = written(|parts| {
            parts.part("a", "x\r\n--XyZx\r");
            parts.part("f", &file);
            parts.part("e", "");
        });
        let preambled = format!("pre\n--XyZz\n{body}epilogue");
        let bare = "--XyZ\nContent-Disposition: form-data; name=n\n\nline\n--XyZ  \n\
                    Content-Disposition: form-data; name=m\n\n\n--XyZ--";
        let content_type = "multipart/form-data; boundary=XyZ";
        for (body, parts) in [(body.as_str(), 3), (preambled.as_str(), 3), (bare, 2)] {
            let whole = events_cut_at(content_type, body.as_bytes(), body.len());
            let heads = whole
                .iter()
                .flatten()
                .filter(|e| matches!(e, PartEvent::Head(_)));
            assert_eq!(heads.count(), parts, "{whole:?}");
            for cut in 0..body.len() {
                assert_eq!(
                    events_cut_at(content_type, body.as_bytes(), cut),
                    whole,
                    "cut at {cut}"
                );
            }
        }
    }

    #[test]
    fn a_reader_holds_back_only_what_may_start_a_delimiter() {
        let mut reader = PartsReader::new("multipart/form-data; boundary=XyZ").unwrap();
        reader.push(b"--XyZ\r\nContent-Disposition: form-data; name=f; filename=a\r\n\r\n");
        assert!(matches!(reader.next(false), Ok(Some(PartEvent::Head(_)))));
        let chunk = vec![b'x'; 64 * 1024];
        let mut handed_out = 0;
        for _ in 0..16 {
            reader.push(&chunk);
            while let Ok(Some(PartEvent::Data(data))) = reader.next(false) {
                handed_out += data.len();
            }
            assert!(reader.buffer.len() <= 1, "{}", reader.buffer.len());
        }
        reader.push(b"\r\n--Xy");
        assert_eq!(reader.next(false), Ok(None));
        assert_eq!(handed_out, 16 * chunk.len());
        reader.push(b"Z--");
        assert_eq!(reader.next(false), Ok(Some(PartEvent::End)));
        assert_eq!(reader.next(false), Ok(Some(PartEvent::Finished)));
        let mut long = PartsReader::new("multipart/form-data; boundary=b").unwrap();
        long.push(b"--b\r\nX-Long: ");
        long.push(&vec![b'h'; MAX_HEADERS]);
        assert!(long.next(false).unwrap_err().contains("headers are longer"));
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
        let body = body.into_whole().unwrap_or_default();
        let expected = vec![
            text_part("note", "two\r\nlines\n"),
            text_part("empty", ""),
            Part {
                name: "doc".into(),
                file_name: file.file_name.clone(),
                content_type: file.content_type.clone(),
                bytes: file.bytes().unwrap_or_default().to_vec(),
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
        let body = body.into_whole().unwrap_or_default().to_vec();
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
        let file = |file_name: Value, content_type: Value, part: usize| json!({"file_name": file_name, "content_type": content_type, "part": part});
        let expected = json!({
            "text": "plain",
            "typed": "7",
            "json": {"a": [1]},
            "problem": [1, 2],
            "broken": "{oops",
            "file": file(json!("a.txt"), json!("application/json"), 0),
            "blob": file(Value::Null, json!("image/png"), 1),
            "latin": file(Value::Null, Value::Null, 2),
            "tag": ["x", [2], "z"],
        });
        let (value, files) = received_value(parts.into_iter().map(Received::from).collect());
        assert_eq!(value, expected);
        let files: Vec<FilePart> = files.into_iter().map(FilePart::from_body).collect();
        let bytes: Vec<_> = files.iter().map(FilePart::bytes).collect();
        assert_eq!(
            bytes,
            [Some(&b"{}"[..]), Some(b"\x89PNG"), Some(b"caf\xe9")]
        );
        assert_eq!(received_value(Vec::new()).0, json!({}));
    }

    #[test]
    fn a_file_part_reads_from_text_or_from_a_received_part() {
        let from_text: FilePart = serde_json::from_value(json!("héllo")).unwrap();
        assert_eq!(from_text, FilePart::new("héllo"));
        let from_str: FilePart = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(from_str, FilePart::new("x"));
        let map = json!({"file_name": "a.bin", "content_type": null, "part": 1, "x": 1});
        let expected = FilePart::new(vec![0u8, 255]).file_name("a.bin");
        let files = || vec![FileBody::Bytes(Vec::new()), FileBody::Bytes(vec![0, 255])];
        let read = with_received_files(files(), || serde_json::from_value::<FilePart>(map.clone()));
        assert_eq!(read.ok(), Some(expected.clone()));
        let read =
            with_received_files(files(), || super::super::from_form::<FilePart>(map.clone()));
        assert_eq!(read, Ok(expected.clone()));
        let gone = serde_json::from_value::<FilePart>(map).unwrap_err();
        assert!(gone.to_string().contains("no such file"), "{gone}");
        let from_form: FilePart = super::super::from_form(json!("text")).unwrap();
        assert_eq!(from_form, FilePart::new("text"));
        assert!(serde_json::from_value::<FilePart>(json!({"file_name": "a"})).is_err());
        assert!(serde_json::from_value::<FilePart>(json!(3)).is_err());
        assert_eq!(
            serde_json::to_value(&expected).ok(),
            Some(json!("\0\u{FFFD}"))
        );
        assert_eq!(
            format!("{expected:?}"),
            r#"FilePart { len: Some(2), streamed: false, file_name: Some("a.bin"), content_type: None }"#
        );
        use super::super::Validate;
        assert!(expected.validate().is_ok());
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Meta {
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size: Option<i64>,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Upload {
        file: FilePart,
        files: Vec<FilePart>,
        purpose: String,
        count: i64,
        tags: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meta: Option<Meta>,
    }

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
        let body = body.into_whole().unwrap_or_default();
        let parts = parse_multipart(&content_type, &body)?;
        from_parts(parts)
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
        let read = from_parts::<Upload>(parts.unwrap_or_default());
        let err = read.unwrap_err();
        assert!(err.starts_with("count: \"many\" is not valid"), "{err}");
        let not_an_object = super::super::from_form::<Upload>(json!(["a", 1]));
        assert!(not_an_object.is_err());
        // A JSON part is typed JSON: a number is no string, as text parts' numbers are.
        let mut writer = MultipartWriter::new();
        writer.part("file", &FilePart::new("x"));
        writer.part("purpose", "p");
        writer.part("count", "1");
        writer.json("meta", &json!({"label": 5}));
        let (content_type, body) = writer.finish();
        let body = body.into_whole().unwrap_or_default();
        let parts = parse_multipart(&content_type, &body).unwrap_or_default();
        let err = from_parts::<Upload>(parts).unwrap_err();
        assert!(err.contains("meta.label"), "{err}");
    }
}
