//! Server-sent events (`text/event-stream`, as the HTML standard defines them): an [`Event`]
//! of a typed `data`, the parser the clients read a stream with ([`EventParser`]), and the
//! writer the servers send one with ([`write_event`]).

use std::time::Duration;

/// One event: its data, decoded into the operation's type, and its optional fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Event<T> {
    /// The `data`: JSON of the documented schema, or the text itself for a text schema.
    pub data: T,
    /// The event's name (`event:`); `None` is the default `message`.
    pub event: Option<String>,
    /// The event's id (`id:`), which a client sends back as `Last-Event-ID` to resume.
    pub id: Option<String>,
    /// How long a client waits before reconnecting (`retry:`).
    pub retry: Option<Duration>,
}

impl<T> Event<T> {
    pub fn new(data: T) -> Self {
        Event {
            data,
            event: None,
            id: None,
            retry: None,
        }
    }

    pub fn event(mut self, name: impl Into<String>) -> Self {
        self.event = Some(name.into());
        self
    }

    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn retry(mut self, wait: Duration) -> Self {
        self.retry = Some(wait);
        self
    }
}

/// An event as it stands in the stream, before its data is decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawEvent {
    pub data: String,
    pub event: Option<String>,
    pub id: Option<String>,
    pub retry: Option<Duration>,
}

/// Reads events from a stream's chunks, however the chunks cut its lines.
#[derive(Debug, Default)]
pub struct EventParser {
    pending: Vec<u8>,
    started: bool,
    /// The last `\r` ended a line; a `\n` right after it belongs to that line end.
    after_cr: bool,
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    /// The id of the last event, which stays until an `id:` field changes it.
    last_id: Option<String>,
    /// The last `retry:` the stream asked for.
    reconnect: Option<Duration>,
}

impl EventParser {
    /// Takes the next chunk and returns the events it completes.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<RawEvent> {
        let mut events = Vec::new();
        self.push_into(chunk, &mut events);
        events
    }

    /// Takes the next chunk and adds the events it completes to `events`.
    pub fn push_into(&mut self, mut chunk: &[u8], events: &mut impl Extend<RawEvent>) {
        if chunk.is_empty() {
            return;
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let event = if self.pending.is_empty() {
                self.line(&chunk[..end])
            } else {
                self.pending.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.pending);
                let event = self.line(&line);
                self.pending = line;
                self.pending.clear();
                event
            };
            events.extend(event);
            // A `\r\n` is one line end, even when a chunk ends between the two.
            let crlf = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if crlf {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    None => self.after_cr = true,
                    Some(_) => {}
                }
            }
        }
        self.pending.extend_from_slice(chunk);
    }

    /// The id a client sends back as `Last-Event-ID` after losing the stream here.
    pub fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// How long the stream asked a client to wait before reconnecting, if it did.
    pub fn reconnect_after(&self) -> Option<Duration> {
        self.reconnect
    }

    /// Forgets a half-read event, as after a lost connection; the last id and the
    /// reconnection time stay.
    pub fn reset(&mut self) {
        *self = EventParser {
            last_id: self.last_id.take(),
            reconnect: self.reconnect,
            ..EventParser::default()
        };
    }

    fn line(&mut self, line: &[u8]) -> Option<RawEvent> {
        // `from_utf8` checks faster than `from_utf8_lossy` reads; streams are UTF-8 by rule.
        let mut line = match std::str::from_utf8(line) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(line),
        };
        if !self.started {
            self.started = true;
            if let Some(rest) = line.strip_prefix('\u{feff}') {
                line = rest.to_owned().into();
            }
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*line, ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_owned()),
            },
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => {
                self.id = Some(value.to_owned());
                // The last id's buffer is reused: most streams give every event one.
                match &mut self.last_id {
                    _ if value.is_empty() => self.last_id = None,
                    Some(last) => {
                        last.clear();
                        last.push_str(value);
                    }
                    None => self.last_id = Some(value.to_owned()),
                }
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok().map(Duration::from_millis);
                self.reconnect = self.retry.or(self.reconnect);
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<RawEvent> {
        let data = self.data.take();
        let event = self.event.take();
        let id = self.id.take();
        let retry = self.retry.take();
        // Without a data line there is no event to dispatch; `id` and `retry` still count.
        let data = data?;
        Some(RawEvent {
            data,
            event: event.filter(|name| !name.is_empty()),
            id,
            retry,
        })
    }
}

/// An event as it goes on the wire, `data` already written as text: each of its lines a
/// `data:` line, and the id and name kept to one line so they cannot break the stream.
pub fn write_event(out: &mut Vec<u8>, data: &str, event: &Event<impl Sized>) {
    let one_line = |text: &str| text.replace(['\r', '\n'], " ");
    if let Some(name) = &event.event {
        out.extend_from_slice(b"event: ");
        out.extend_from_slice(one_line(name).as_bytes());
        out.push(b'\n');
    }
    if let Some(id) = &event.id {
        out.extend_from_slice(b"id: ");
        if id.contains(['\r', '\n', '\0']) {
            out.extend_from_slice(one_line(id).replace('\0', "").as_bytes());
        } else {
            out.extend_from_slice(id.as_bytes());
        }
        out.push(b'\n');
    }
    if let Some(retry) = event.retry {
        out.extend_from_slice(format!("retry: {}\n", retry.as_millis()).as_bytes());
    }
    let mut rest = data;
    loop {
        let end = rest.find(['\r', '\n']).unwrap_or(rest.len());
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(&rest.as_bytes()[..end]);
        out.push(b'\n');
        if end == rest.len() {
            break;
        }
        let step = if rest[end..].starts_with("\r\n") {
            2
        } else {
            1
        };
        rest = &rest[end + step..];
    }
    out.push(b'\n');
}

#[cfg(feature = "server")]
pub use sending::{
    write_json_data, write_text_data, ClientGone, EventSender, EventStream, Written,
};

/// What a server's handler returns for a `text/event-stream` response.
#[cfg(feature = "server")]
mod sending {
    use super::Event;
    use crate::runtime::stream::{unfold, BoxError, Iter, Map};
    use axum::response::{IntoResponse as _, Response};
    use futures_core::Stream;
    use std::pin::Pin;

    type Events<T> = Pin<Box<dyn Stream<Item = Result<Event<T>, BoxError>> + Send>>;

    /// An event's data written as JSON.
    pub fn write_json_data<T: serde::Serialize>(data: &T) -> Written<'_> {
        let json = serde_json::to_string(data).map_err(|err| err.to_string())?;
        Ok((None, json))
    }

    /// An event's data of a text schema: the text itself.
    pub fn write_text_data<T: AsRef<str>>(data: &T) -> Written<'_> {
        Ok((None, data.as_ref().to_owned()))
    }

    /// An event's data as text, and the event's name when its data's type decides it (a
    /// stream keyed by name); or why it cannot be written.
    pub type Written<'d> = Result<(Option<&'d str>, String), String>;

    /// The events a server sends, in order, as they come.
    pub struct EventStream<T> {
        events: Events<T>,
    }

    /// Sends events into the [`EventStream`] of [`EventStream::channel`]; the stream ends
    /// when every sender is dropped.
    #[derive(Debug)]
    pub struct EventSender<T> {
        sender: tokio::sync::mpsc::Sender<Result<Event<T>, BoxError>>,
    }

    /// The client of an event stream went away: nothing sent reaches it any more.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct ClientGone;

    impl std::fmt::Display for ClientGone {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("the client of the event stream is gone")
        }
    }

    impl std::error::Error for ClientGone {}

    impl<T> Clone for EventSender<T> {
        fn clone(&self) -> Self {
            EventSender {
                sender: self.sender.clone(),
            }
        }
    }

    impl<T: Send + 'static> EventSender<T> {
        /// Sends an event, once the client has read enough of those before it.
        pub async fn send(&self, event: Event<T>) -> Result<(), ClientGone> {
            self.sender.send(Ok(event)).await.map_err(|_| ClientGone)
        }

        /// Breaks the stream off: the connection is cut, so the client sees it lost and may
        /// resume from the last id it read.
        pub async fn abort(&self, reason: impl Into<BoxError>) {
            let _ = self.sender.send(Err(reason.into())).await;
        }
    }

    impl<T: Send + 'static> EventStream<T> {
        /// The events a stream yields; the response ends with the stream.
        pub fn from_stream<S: Stream<Item = Event<T>> + Send + 'static>(stream: S) -> Self {
            Self::try_from_stream(Map::new(stream, Ok::<_, BoxError>))
        }

        /// The events a stream yields, until it yields an error: then the connection is cut,
        /// so the client sees it lost and may resume from the last id it read.
        pub fn try_from_stream<S, E>(stream: S) -> Self
        where
            S: Stream<Item = Result<Event<T>, E>> + Send + 'static,
            E: Into<BoxError>,
        {
            let events = Map::new(stream, |item: Result<Event<T>, E>| item.map_err(Into::into));
            EventStream {
                events: Box::pin(events),
            }
        }

        /// These events, then the end of the response.
        pub fn from_events<I>(events: I) -> Self
        where
            I: IntoIterator<Item = Event<T>>,
            I::IntoIter: Send + 'static,
        {
            Self::from_stream(Iter(events.into_iter()))
        }

        /// A stream fed through the returned sender, which holds up to `buffer` events the
        /// client has not read yet.
        pub fn channel(buffer: usize) -> (EventSender<T>, Self) {
            let (sender, receiver) = tokio::sync::mpsc::channel(buffer.max(1));
            let events = unfold(receiver, |mut receiver| async move {
                let next = receiver.recv().await?;
                Some((next, receiver))
            });
            let stream = EventStream {
                events: Box::pin(events),
            };
            (EventSender { sender }, stream)
        }

        /// The response: `status`, `text/event-stream`, each event's data written by `data`,
        /// whose name, when it gives one, is the event's. Events are flushed as they come; an
        /// event whose data cannot be written cuts the stream off.
        pub fn into_response(self, status: u16, data: fn(&T) -> Written<'_>) -> Response {
            let frames = Map::new(self.events, move |event: Result<Event<T>, BoxError>| {
                let mut event = event?;
                let (name, text) = data(&event.data)?;
                if let Some(name) = name {
                    event.event = Some(name.to_owned());
                }
                let mut frame = Vec::with_capacity(text.len() + 16);
                super::write_event(&mut frame, &text, &event);
                Ok::<_, BoxError>(bytes::Bytes::from(frame))
            });
            let status = axum::http::StatusCode::from_u16(status)
                .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
            let headers = [
                (axum::http::header::CONTENT_TYPE, "text/event-stream"),
                (axum::http::header::CACHE_CONTROL, "no-cache"),
            ];
            (status, headers, axum::body::Body::from_stream(frames)).into_response()
        }
    }

    impl<T> std::fmt::Debug for EventStream<T> {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("EventStream")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in_pieces(stream: &[u8], piece: usize) -> Vec<RawEvent> {
        let mut parser = EventParser::default();
        stream.chunks(piece).flat_map(|c| parser.push(c)).collect()
    }

    #[test]
    fn events_are_read_however_the_chunks_cut_them() {
        let stream = b"\xEF\xBB\xBF: a comment\r\nevent: add\r\nid: 7\r\ndata: {\"n\":\r\ndata:1}\r\n\r\ndata: plain\rretry: 250\r\rdata\n\n";
        let expected = vec![
            RawEvent {
                data: "{\"n\":\n1}".into(),
                event: Some("add".into()),
                id: Some("7".into()),
                retry: None,
            },
            RawEvent {
                data: "plain".into(),
                retry: Some(Duration::from_millis(250)),
                ..RawEvent::default()
            },
            RawEvent::default(),
        ];
        for piece in 1..stream.len() {
            assert_eq!(
                parse_in_pieces(stream, piece),
                expected,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn an_event_without_data_is_not_dispatched_but_its_id_stays() {
        let mut parser = EventParser::default();
        assert!(parser
            .push(b"id: 3\nevent: ping\n\nretry: x\n\n")
            .is_empty());
        assert_eq!(parser.last_id(), Some("3"));
        assert_eq!(parser.reconnect_after(), None);
        let events = parser.push(b"data: next\n\ndata: cut");
        assert_eq!(events.len(), 1);
        assert_eq!(
            events[0].id, None,
            "the id belongs to the event that named it"
        );
        parser.reset();
        assert!(
            parser.push(b"\n\n").is_empty(),
            "a half-read event is dropped"
        );
        assert_eq!(parser.last_id(), Some("3"));
    }

    #[test]
    fn written_events_read_back_the_same() {
        let event = Event::new(())
            .event("up\ndate")
            .id("4\r2")
            .retry(Duration::from_secs(2));
        let mut out = Vec::new();
        write_event(&mut out, "line one\r\nline two\rthree", &event);
        let events = EventParser::default().push(&out);
        assert_eq!(
            events,
            [RawEvent {
                data: "line one\nline two\nthree".into(),
                event: Some("up date".into()),
                id: Some("4 2".into()),
                retry: Some(Duration::from_secs(2)),
            }]
        );
    }
}
