//! Multipart bodies a server receives as they arrive: text parts in memory, file parts in
//! memory while small and in a temporary file beyond, all within [`MultipartLimits`]. A body
//! refused half way leaves nothing behind: its temporary files go with it.

use std::path::{Path, PathBuf};
use std::pin::Pin;

use super::multipart::{fresh_token, FileBody};
use super::multipart_read::{PartEvent, PartHead, PartsReader, Received};
use super::server::Rejection;
use super::ByteStream;

/// How much of a `multipart/form-data` body a server takes, and where it keeps large files.
/// A router takes other limits as a layer: `.layer(axum::Extension(MultipartLimits { .. }))`.
#[derive(Clone, Debug)]
pub struct MultipartLimits {
    /// The text parts and the files held in memory, together; beyond it a text part is
    /// refused and a file goes to a temporary file (default 2 MiB, as axum's body limit).
    pub memory: usize,
    /// One file part (default 100 MiB).
    pub file: u64,
    /// The whole body (default 1 GiB).
    pub body: u64,
    /// A file larger than this goes to a temporary file (default 256 KiB).
    pub spool_above: usize,
    /// Where temporary files go (default: the system's temporary directory).
    pub spool_dir: Option<PathBuf>,
}

impl Default for MultipartLimits {
    fn default() -> Self {
        MultipartLimits {
            memory: 2 * 1024 * 1024,
            file: 100 * 1024 * 1024,
            body: 1024 * 1024 * 1024,
            spool_above: 256 * 1024,
            spool_dir: None,
        }
    }
}

/// Reads a multipart body as it arrives into its parts; 400 for a malformed body, 413 for
/// one beyond `limits`, 500 when a temporary file cannot be written.
pub(crate) async fn receive(
    content_type: &str,
    body: axum::body::Body,
    limits: &MultipartLimits,
) -> Result<Vec<Received>, Rejection> {
    let mut reader = PartsReader::new(content_type).map_err(invalid)?;
    let mut chunks = ByteStream::from_stream(body.into_data_stream());
    let mut receiving = Receiving {
        limits,
        parts: Vec::new(),
        current: None,
        memory: 0,
    };
    let (mut read, mut at_end) = (0u64, false);
    loop {
        match reader.next(at_end).map_err(invalid)? {
            Some(PartEvent::Finished) => return Ok(receiving.parts),
            Some(event) => receiving.take(event).await?,
            None if at_end => return Err(invalid("the body ended early".into())),
            None => match chunks.next_chunk().await {
                Some(Ok(chunk)) => {
                    read += chunk.len() as u64;
                    if read > limits.body {
                        return Err(too_large("the body is larger than the server accepts"));
                    }
                    reader.push(&chunk);
                }
                Some(Err(err)) => return Err(invalid(format!("cannot read the body: {err}"))),
                None => at_end = true,
            },
        }
    }
}

/// The parts received so far, and the one arriving.
struct Receiving<'l> {
    limits: &'l MultipartLimits,
    parts: Vec<Received>,
    /// The part arriving, whether it is a file, and where its content goes.
    current: Option<(PartHead, bool, Sink)>,
    /// Bytes held in memory by all parts.
    memory: usize,
}

/// Where a part's content goes.
enum Sink {
    Memory(Vec<u8>),
    Spooled {
        file: tokio::fs::File,
        spool: Spool,
        len: u64,
    },
}

impl Receiving<'_> {
    async fn take(&mut self, event: PartEvent) -> Result<(), Rejection> {
        match event {
            PartEvent::Head(head) => {
                let is_file = head.is_file();
                self.current = Some((head, is_file, Sink::Memory(Vec::new())));
            }
            PartEvent::Data(data) => self.data(data).await?,
            PartEvent::End => {
                if let Some((head, _, sink)) = self.current.take() {
                    let body = finish(sink).await?;
                    self.parts.push(Received { head, body });
                }
            }
            PartEvent::Finished => {}
        }
        Ok(())
    }

    async fn data(&mut self, data: Vec<u8>) -> Result<(), Rejection> {
        let limits = self.limits;
        let Some((head, is_file, sink)) = self.current.as_mut() else {
            return Ok(());
        };
        let is_file = *is_file;
        let len = match sink {
            Sink::Memory(held) => held.len() as u64,
            Sink::Spooled { len, .. } => *len,
        } + data.len() as u64;
        if is_file && len > limits.file {
            let name = &head.name;
            let limit = limits.file;
            let reason =
                format!("the file part `{name}` is larger than the server accepts ({limit} bytes)");
            return Err(too_large(&reason));
        }
        match sink {
            Sink::Memory(held) => {
                let in_memory = self.memory + data.len() <= limits.memory;
                if !is_file && !in_memory {
                    let reason = format!("the part `{}` does not fit in the memory the server gives parts ({} bytes)", head.name, limits.memory);
                    return Err(too_large(&reason));
                }
                if !is_file || (in_memory && len <= limits.spool_above as u64) {
                    self.memory += data.len();
                    held.extend_from_slice(&data);
                    return Ok(());
                }
                self.memory -= held.len();
                let (mut file, spool) = create_spool(limits.spool_dir.as_deref()).await?;
                write_all(&mut file, held).await?;
                write_all(&mut file, &data).await?;
                *sink = Sink::Spooled { file, spool, len };
            }
            Sink::Spooled {
                file, len: stored, ..
            } => {
                write_all(file, &data).await?;
                *stored = len;
            }
        }
        Ok(())
    }
}

/// A part's content, once it has all come.
async fn finish(sink: Sink) -> Result<FileBody, Rejection> {
    match sink {
        Sink::Memory(held) => Ok(FileBody::Bytes(held)),
        Sink::Spooled {
            mut file,
            spool,
            len,
        } => {
            std::future::poll_fn(|cx| tokio::io::AsyncWrite::poll_flush(Pin::new(&mut file), cx))
                .await
                .map_err(spool_failed)?;
            drop(file);
            Ok(FileBody::stream(spooled_stream(spool, len)))
        }
    }
}

/// A temporary file, removed when dropped.
struct Spool {
    path: PathBuf,
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

async fn create_spool(dir: Option<&Path>) -> Result<(tokio::fs::File, Spool), Rejection> {
    let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    let path = dir.join(format!("upload-{}.part", fresh_token()));
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .await
        .map_err(spool_failed)?;
    Ok((file, Spool { path }))
}

async fn write_all(file: &mut tokio::fs::File, mut bytes: &[u8]) -> Result<(), Rejection> {
    while !bytes.is_empty() {
        let written = std::future::poll_fn(|cx| {
            tokio::io::AsyncWrite::poll_write(Pin::new(&mut *file), cx, bytes)
        })
        .await
        .map_err(spool_failed)?;
        if written == 0 {
            return Err(spool_failed(std::io::ErrorKind::WriteZero.into()));
        }
        bytes = &bytes[written..];
    }
    Ok(())
}

/// A spooled file's bytes, opened when first read; the file is removed once the stream ends
/// or is dropped.
fn spooled_stream(spool: Spool, len: u64) -> ByteStream {
    enum Read {
        Closed(Spool),
        Open(tokio::fs::File, Spool),
        Failed,
    }
    let stream = ByteStream::unfold(Read::Closed(spool), |state| async move {
        let (mut file, spool) = match state {
            Read::Closed(spool) => match tokio::fs::File::open(&spool.path).await {
                Ok(file) => (file, spool),
                Err(err) => return Some((Err(err.into()), Read::Failed)),
            },
            Read::Open(file, spool) => (file, spool),
            Read::Failed => return None,
        };
        let chunk = super::stream::read_chunk(&mut file).await?;
        Some((chunk, Read::Open(file, spool)))
    });
    stream.with_len(len)
}

fn invalid(reason: String) -> Rejection {
    Rejection::new(400, "invalid_body", reason)
}

fn too_large(reason: &str) -> Rejection {
    Rejection::new(413, "body_too_large", reason)
}

/// The reason names no path: the client has no business knowing the server's files.
fn spool_failed(err: std::io::Error) -> Rejection {
    Rejection::new(
        500,
        "upload_failed",
        format!("the server cannot store the upload: {}", err.kind()),
    )
}
