//! Binary bodies that need not fit in memory: [`ByteStream`] is what a client uploads or
//! downloads and what a server receives or sends for `application/octet-stream`, images,
//! PDFs and other binary media types.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

/// Why a chunk of a stream could not be read.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A body of bytes, held whole or read chunk by chunk as it arrives.
///
/// Build one from bytes (`Vec<u8>`, [`Bytes`], `String`, `&'static [u8]`) with `into()`, from
/// a file with [`ByteStream::from_file`], or from any stream of chunks with
/// [`ByteStream::from_stream`]. Read it whole with [`ByteStream::collect`] or chunk by chunk
/// with [`ByteStream::next_chunk`] (it is also a [`Stream`]).
pub struct ByteStream {
    // A mutex only to be `Sync`, which HTTP bodies must be; it is never contended.
    source: std::sync::Mutex<Source>,
    len: Option<u64>,
}

enum Source {
    Whole(Option<Bytes>),
    Chunks(Chunks),
}

impl ByteStream {
    /// A stream of chunks, read once; an upload from it cannot be retried.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        let chunks = Map::new(stream, |chunk: Result<Bytes, E>| chunk.map_err(Into::into));
        ByteStream {
            source: std::sync::Mutex::new(Source::Chunks(Box::pin(chunks))),
            len: None,
        }
    }

    /// Chunks produced by `step` from `state` until it returns `None`: how a reader whose
    /// read is an `async fn` (an HTTP response, a file) becomes a stream.
    pub fn unfold<T, F, Fut>(state: T, step: F) -> Self
    where
        T: Send + 'static,
        F: FnMut(T) -> Fut + Send + 'static,
        Fut: Future<Output = Option<(Result<Bytes, BoxError>, T)>> + Send + 'static,
    {
        Self::from_stream(unfold(state, step))
    }

    /// The stream's length in bytes, sent as `Content-Length` when known.
    pub fn with_len(mut self, len: u64) -> Self {
        self.len = Some(len);
        self
    }

    /// The streams one after the other: held whole when each is, with a length when each
    /// knows its own.
    pub fn concat(pieces: Vec<ByteStream>) -> Self {
        let len = pieces.iter().map(ByteStream::len).sum::<Option<u64>>();
        if pieces.iter().all(ByteStream::is_replayable) {
            let mut whole = Vec::new();
            for piece in pieces {
                whole.extend_from_slice(&piece.into_whole().unwrap_or_default());
            }
            return whole.into();
        }
        let pieces = std::collections::VecDeque::from(pieces);
        let chained = Self::unfold(pieces, |mut pieces| async move {
            loop {
                match pieces.front_mut()?.next_chunk().await {
                    Some(chunk) => return Some((chunk, pieces)),
                    None => pieces.pop_front(),
                };
            }
        });
        ByteStream { len, ..chained }
    }

    /// The length in bytes, when known before reading.
    pub fn len(&self) -> Option<u64> {
        self.len
    }

    /// Whether it is known to be empty before reading.
    pub fn is_empty(&self) -> bool {
        self.len == Some(0)
    }

    /// Whether it is held whole, so a request sending it can be sent again.
    pub fn is_replayable(&self) -> bool {
        matches!(*self.lock(), Source::Whole(_))
    }

    /// A copy of it, when it is held whole.
    pub fn try_clone(&self) -> Option<ByteStream> {
        match &*self.lock() {
            Source::Whole(bytes) => Some(ByteStream {
                source: std::sync::Mutex::new(Source::Whole(bytes.clone())),
                len: self.len,
            }),
            Source::Chunks(_) => None,
        }
    }

    /// Its bytes, when it is held whole.
    pub fn into_whole(mut self) -> Option<Bytes> {
        match self.source() {
            Source::Whole(bytes) => Some(bytes.take().unwrap_or_default()),
            Source::Chunks(_) => None,
        }
    }

    /// The next chunk, or `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, BoxError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Reads it to the end, into memory.
    pub async fn collect(mut self) -> Result<Bytes, BoxError> {
        if let Source::Whole(bytes) = self.source() {
            return Ok(bytes.take().unwrap_or_default());
        }
        let mut whole = Vec::new();
        while let Some(chunk) = self.next_chunk().await {
            whole.extend_from_slice(&chunk?);
        }
        Ok(Bytes::from(whole))
    }

    fn source(&mut self) -> &mut Source {
        self.source
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Source> {
        self.source
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.source() {
            Source::Whole(bytes) => Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(Ok)),
            Source::Chunks(chunks) => chunks.as_mut().poll_next(cx),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        let len = Some(bytes.len() as u64);
        ByteStream {
            source: std::sync::Mutex::new(Source::Whole(Some(bytes))),
            len,
        }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl From<&'static str> for ByteStream {
    fn from(text: &'static str) -> Self {
        Bytes::from_static(text.as_bytes()).into()
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        Bytes::new().into()
    }
}

/// The length rather than the bytes, which may be large, binary or not read yet.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("len", &self.len)
            .field("replayable", &self.is_replayable())
            .finish()
    }
}

#[cfg(any(feature = "client", feature = "server"))]
impl ByteStream {
    /// The file at `path`, read in chunks as it is sent, with its length.
    pub async fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let file = tokio::fs::File::open(path).await?;
        let len = file.metadata().await?.len();
        Ok(Self::from_file(file).with_len(len))
    }

    /// An open file, read in chunks from where it stands as it is sent.
    pub fn from_file(file: tokio::fs::File) -> Self {
        Self::unfold(file, |mut file| async move {
            let chunk = read_chunk(&mut file).await?;
            Some((chunk, file))
        })
    }
}

/// The next chunk of a file, `None` at its end.
#[cfg(any(feature = "client", feature = "server"))]
pub(crate) async fn read_chunk(file: &mut tokio::fs::File) -> Option<Result<Bytes, BoxError>> {
    let mut buffer = vec![0; CHUNK];
    let read = std::future::poll_fn(|cx| {
        let mut filled = tokio::io::ReadBuf::new(&mut buffer);
        match tokio::io::AsyncRead::poll_read(Pin::new(&mut *file), cx, &mut filled) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(filled.filled().len())),
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    })
    .await;
    match read {
        Ok(0) => None,
        Ok(n) => {
            buffer.truncate(n);
            Some(Ok(Bytes::from(buffer)))
        }
        Err(err) => Some(Err(err.into())),
    }
}

/// A [`ByteStream`] as the body of a request the client sends.
#[cfg(feature = "client")]
pub(crate) struct HttpBody(pub(crate) ByteStream);

#[cfg(feature = "client")]
impl http_body::Body for HttpBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let chunk = std::task::ready!(Pin::new(&mut self.get_mut().0).poll_next(cx));
        Poll::Ready(chunk.map(|chunk| chunk.map(http_body::Frame::data)))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.0.len().map_or_else(
            http_body::SizeHint::default,
            http_body::SizeHint::with_exact,
        )
    }
}

/// How much of a file one chunk holds.
#[cfg(any(feature = "client", feature = "server"))]
const CHUNK: usize = 64 * 1024;

/// A stream whose items `f` maps.
pub(crate) struct Map<S, F> {
    inner: Pin<Box<S>>,
    f: F,
}

impl<S, F> Map<S, F> {
    pub(crate) fn new(inner: S, f: F) -> Self {
        Map {
            inner: Box::pin(inner),
            f,
        }
    }
}

// The inner stream is pinned in its box; `f` is never pinned.
impl<S, F> Unpin for Map<S, F> {}

impl<S: Stream, F: FnMut(S::Item) -> I, I> Stream for Map<S, F> {
    type Item = I;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<I>> {
        let this = self.get_mut();
        let polled = this.inner.as_mut().poll_next(cx);
        polled.map(|item| item.map(&mut this.f))
    }
}

/// The items of an iterator, as a stream that never waits (a server's list of events).
#[cfg(feature = "server")]
pub(crate) struct Iter<I>(pub(crate) I);

#[cfg(feature = "server")]
impl<I> Unpin for Iter<I> {}

#[cfg(feature = "server")]
impl<I: Iterator> Stream for Iter<I> {
    type Item = I::Item;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.get_mut().0.next())
    }
}

/// A stream of what `step` makes of the state, one step at a time, until it returns `None`.
pub(crate) fn unfold<T, F, Fut, I>(state: T, step: F) -> Unfold<T, F, Fut>
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Option<(I, T)>>,
{
    Unfold {
        state: Some(state),
        step,
        pending: None,
    }
}

/// [`unfold`]'s stream.
pub(crate) struct Unfold<T, F, Fut> {
    state: Option<T>,
    step: F,
    pending: Option<Pin<Box<Fut>>>,
}

// Nothing inside is ever pinned in place: the state moves into the boxed step.
impl<T, F, Fut> Unpin for Unfold<T, F, Fut> {}

impl<T, F, Fut, I> Stream for Unfold<T, F, Fut>
where
    F: FnMut(T) -> Fut,
    Fut: Future<Output = Option<(I, T)>>,
{
    type Item = I;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.pending.is_none() {
            let Some(state) = this.state.take() else {
                return Poll::Ready(None);
            };
            this.pending = Some(Box::pin((this.step)(state)));
        }
        let Some(pending) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let next = std::task::ready!(pending.as_mut().poll(cx));
        this.pending = None;
        Poll::Ready(next.map(|(item, state)| {
            this.state = Some(state);
            item
        }))
    }
}
