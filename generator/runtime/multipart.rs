//! `multipart/form-data` bodies (RFC 7578): the clients write a body struct's fields as parts
//! ([`MultipartWriter`], through [`ToMultipart`] and [`PartValue`]); the servers read them back
//! (`multipart_read`). A file part ([`FilePart`]) is held in memory or read as it is sent.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};

#[cfg(any(feature = "client", feature = "server"))]
use super::ByteStream;

/// A file in a multipart body: its bytes, held in memory or read as they are sent, and the
/// file name and media type sent with them.
///
/// A file read as it is sent (from a path, an open file or a stream) is read once: a clone
/// shares its stream, whose bytes go to whichever copy is sent or read first.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FilePart {
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    body: FileBody,
}

/// A file's bytes: in memory, or a stream shared by the clones of its part.
#[derive(Clone)]
pub(crate) enum FileBody {
    Bytes(Vec<u8>),
    #[cfg(any(feature = "client", feature = "server"))]
    Stream(std::sync::Arc<SharedStream>),
}

/// A stream that the first reader takes, and its length when known.
#[cfg(any(feature = "client", feature = "server"))]
pub(crate) struct SharedStream {
    stream: std::sync::Mutex<Option<ByteStream>>,
    len: Option<u64>,
}

impl Default for FileBody {
    fn default() -> Self {
        FileBody::Bytes(Vec::new())
    }
}

/// Bytes compare by value; streams are equal only to their own clones.
impl PartialEq for FileBody {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (FileBody::Bytes(mine), FileBody::Bytes(theirs)) => mine == theirs,
            #[cfg(any(feature = "client", feature = "server"))]
            (FileBody::Stream(mine), FileBody::Stream(theirs)) => {
                std::sync::Arc::ptr_eq(mine, theirs)
            }
            #[cfg(any(feature = "client", feature = "server"))]
            _ => false,
        }
    }
}

impl Eq for FileBody {}

impl FilePart {
    /// A file of these bytes, without a file name or a media type.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FilePart::from_body(FileBody::Bytes(bytes.into()))
    }

    pub(crate) fn from_body(body: FileBody) -> Self {
        FilePart {
            file_name: None,
            content_type: None,
            body,
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

    /// Its bytes, when it is held in memory.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.body {
            FileBody::Bytes(bytes) => Some(bytes),
            #[cfg(any(feature = "client", feature = "server"))]
            FileBody::Stream(_) => None,
        }
    }

    /// Its length in bytes, when known before reading.
    pub fn len(&self) -> Option<u64> {
        match &self.body {
            FileBody::Bytes(bytes) => Some(bytes.len() as u64),
            #[cfg(any(feature = "client", feature = "server"))]
            FileBody::Stream(shared) => shared.len,
        }
    }

    /// Whether it is known to be empty before reading.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Whether it is read as it is sent rather than held in memory.
    pub fn is_streamed(&self) -> bool {
        self.bytes().is_none()
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl FilePart {
    /// A file read from a stream as it is sent (length included when the stream knows it).
    pub fn from_stream(stream: ByteStream) -> Self {
        FilePart::from_body(FileBody::stream(stream))
    }

    /// The file at `path`, read as it is sent, named after the path's last component.
    pub async fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let part = FilePart::from_stream(ByteStream::from_path(path).await?);
        Ok(match path.file_name() {
            Some(name) => part.file_name(name.to_string_lossy()),
            None => part,
        })
    }

    /// An open file, read from where it stands as it is sent, with its length.
    pub async fn from_file(file: tokio::fs::File) -> std::io::Result<Self> {
        let len = file.metadata().await?.len();
        Ok(FilePart::from_stream(
            ByteStream::from_file(file).with_len(len),
        ))
    }

    /// Its bytes as a stream. A file whose stream a clone has taken yields an error.
    pub fn into_stream(self) -> ByteStream {
        match self.body {
            FileBody::Bytes(bytes) => bytes.into(),
            FileBody::Stream(shared) => shared.take(),
        }
    }

    /// Reads it whole, into memory.
    pub async fn collect(self) -> Result<bytes::Bytes, super::BoxError> {
        self.into_stream().collect().await
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl FileBody {
    pub(crate) fn stream(stream: ByteStream) -> Self {
        let len = stream.len();
        let shared = SharedStream {
            stream: std::sync::Mutex::new(Some(stream)),
            len,
        };
        FileBody::Stream(std::sync::Arc::new(shared))
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl SharedStream {
    /// The stream, for its first reader; later ones get a stream that fails.
    pub(crate) fn take(&self) -> ByteStream {
        let taken = self
            .stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
        taken.unwrap_or_else(|| {
            ByteStream::unfold(true, |first| async move {
                first.then(|| {
                    (
                        Err("a clone of this file part has read its stream already".into()),
                        false,
                    )
                })
            })
        })
    }
}

/// The size rather than the bytes, which may be large and binary.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.len())
            .field("streamed", &self.is_streamed())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// JSON has no bytes, and a `format: binary` property may sit in a JSON schema too: the bytes
/// are written as text, lossily where they are not UTF-8. A file read as it is sent has no
/// JSON form until it is collected.
impl serde::Serialize for FilePart {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.bytes() {
            Some(bytes) => serializer.serialize_str(&String::from_utf8_lossy(bytes)),
            None => Err(serde::ser::Error::custom(
                "a file part read as it is sent has no JSON form: collect it first",
            )),
        }
    }
}

/// From a string (its UTF-8 bytes, without a name or a type), or from the map a server makes
/// of a received file part: `file_name`, `content_type` and `part`, its place among the files.
impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(FilePartVisitor)
    }
}

struct FilePartVisitor;

impl<'de> Visitor<'de> for FilePartVisitor {
    type Value = FilePart;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a file: its text, or a received file part")
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
        let (mut file_name, mut content_type, mut place) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "file_name" => file_name = map.next_value()?,
                "content_type" => content_type = map.next_value()?,
                "part" => place = Some(map.next_value::<usize>()?),
                _ => {
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        let place = place.ok_or_else(|| de::Error::missing_field("part"))?;
        let body = super::multipart_read::received_file(place)
            .ok_or_else(|| de::Error::custom("no such file among the parts received"))?;
        Ok(FilePart {
            file_name,
            content_type,
            body,
        })
    }
}

impl super::Validate for FilePart {
    fn check(&self, _: &mut super::Checker) {}
}

/// Builds a `multipart/form-data` body under a boundary of its own. File parts read as they
/// are sent stay streams: the body is read as it is sent.
pub struct MultipartWriter {
    boundary: String,
    /// What follows the last streamed file (all of the body when none streams).
    body: Vec<u8>,
    /// Each streamed file, after the bytes written before it.
    #[cfg(any(feature = "client", feature = "server"))]
    streamed: Vec<(Vec<u8>, ByteStream)>,
}

impl MultipartWriter {
    /// A writer with a fresh boundary, so unlikely to occur in any part that no part is
    /// checked for it.
    pub fn new() -> Self {
        Self::with_boundary(format!("----runtime-{}", fresh_token()))
    }

    pub(crate) fn with_boundary(boundary: String) -> Self {
        MultipartWriter {
            boundary,
            body: Vec::new(),
            #[cfg(any(feature = "client", feature = "server"))]
            streamed: Vec::new(),
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
        self.head(name, None, Some("application/json"));
        self.body.extend_from_slice(&json);
        self.body.extend_from_slice(b"\r\n");
    }

    /// The request's Content-Type, naming the boundary.
    pub fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }

    /// A text part: no Content-Type, which is `text/plain` to the reader.
    fn text(&mut self, name: &str, text: &str) {
        self.head(name, None, None);
        self.body.extend_from_slice(text.as_bytes());
        self.body.extend_from_slice(b"\r\n");
    }

    /// Servers tell files from fields by the filename, so a file without one is sent under
    /// its field's name.
    fn file(&mut self, name: &str, file: &FilePart) {
        let file_name = file.file_name.as_deref().unwrap_or(name);
        let content_type = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        self.head(name, Some(file_name), Some(content_type));
        match &file.body {
            FileBody::Bytes(bytes) => self.body.extend_from_slice(bytes),
            #[cfg(any(feature = "client", feature = "server"))]
            FileBody::Stream(shared) => {
                let before = std::mem::take(&mut self.body);
                self.streamed.push((before, shared.take()));
            }
        }
        self.body.extend_from_slice(b"\r\n");
    }

    /// A part's delimiter and headers.
    fn head(&mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>) {
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
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl MultipartWriter {
    /// The Content-Type and the body, closed by its final delimiter: held whole, unless a
    /// file part streams, and then with its length when every streamed file knows its own.
    pub fn finish(mut self) -> (String, ByteStream) {
        let content_type = self.content_type();
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body.extend_from_slice(b"--\r\n");
        let mut pieces = Vec::with_capacity(2 * self.streamed.len() + 1);
        for (before, stream) in self.streamed {
            pieces.push(ByteStream::from(before));
            pieces.push(stream);
        }
        pieces.push(ByteStream::from(self.body));
        (content_type, ByteStream::concat(pieces))
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

/// 128 bits as hex from std's randomly keyed SipHash, over a process-wide counter and the
/// time so that no two calls share one (std has no other randomness, and `rand` is not a
/// dependency): boundaries, and the names of files a server spools.
pub(crate) fn fresh_token() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static TOKENS: AtomicU64 = AtomicU64::new(0);
    let count = TOKENS.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    use std::hash::BuildHasher as _;
    let keys = std::collections::hash_map::RandomState::new();
    let high = keys.hash_one((count, nanos, 0u8));
    let low = keys.hash_one((count, nanos, 1u8));
    format!("{high:016x}{low:016x}")
}

/// A name or file name as the WHATWG writes it inside quotes: `"`, CR and LF escaped, so no
/// input can end the quotes or the header line.
pub(crate) fn escape_quoted(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
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

#[cfg(all(test, any(feature = "client", feature = "server")))]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    pub(crate) const BOUNDARY: &str = "XyZ";

    /// The body `write` makes under the boundary `XyZ`, as text.
    pub(crate) fn written(write: impl FnOnce(&mut MultipartWriter)) -> String {
        let mut writer = MultipartWriter::with_boundary(BOUNDARY.into());
        write(&mut writer);
        let (content_type, body) = writer.finish();
        assert_eq!(content_type, "multipart/form-data; boundary=XyZ");
        assert!(
            body.is_replayable(),
            "a body of parts in memory is held whole"
        );
        let body = body.into_whole().unwrap_or_default();
        String::from_utf8_lossy(&body).into_owned()
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
            assert!(writer.boundary.len() <= super::super::multipart_read::MAX_BOUNDARY_LEN);
            let expected = format!("multipart/form-data; boundary={}", writer.boundary);
            assert_eq!(writer.content_type(), expected);
        }
    }
}
