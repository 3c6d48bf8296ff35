//! The client's side of server-sent events: [`EventStream`] reads a response's events as
//! they arrive and, when the connection breaks, sends the request again with
//! `Last-Event-ID` to resume after the last event read.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use http_body::Body as _;

use std::future::Future;

use super::client::Resume;
use super::events::{Event, EventParser, RawEvent};

/// Resuming after a break: the reader comes back, with the error that ended it if it could
/// not resume.
type Resuming<T> = Pin<Box<dyn Future<Output = (Box<Reader<T>>, Option<EventError>)> + Send>>;

/// The events of a `text/event-stream` response, each one's data decoded into `T`.
///
/// Read them with [`EventStream::next_event`], or as a [`Stream`]. An event whose data does
/// not decode is an [`EventError::Decode`] item, and the stream goes on; a broken connection
/// is resumed as the client's retry policy allows, then ends the stream with an error.
pub struct EventStream<T> {
    state: State<T>,
}

enum State<T> {
    /// Reading: events of the chunks read so far are handed out without waiting.
    Reading(Box<Reader<T>>),
    Resuming(Resuming<T>),
    Done,
}

// Nothing inside is pinned in place: the reader moves into the boxed read and back.
impl<T> Unpin for EventStream<T> {}

/// Why an event could not be read.
#[derive(Debug)]
pub enum EventError {
    /// The event's data does not decode into its documented type; the stream goes on.
    Decode {
        event: Option<String>,
        id: Option<String>,
        data: String,
        message: String,
    },
    /// The connection broke and could not be resumed; the stream ends.
    Transport(reqwest::Error),
    /// The request sent again to resume was answered with this status; the stream ends.
    Resume { status: u16 },
}

impl fmt::Display for EventError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Decode {
                event, id, message, ..
            } => {
                let event = event.as_deref().unwrap_or("message");
                match id {
                    Some(id) => write!(f, "event `{event}` (id {id}) does not decode: {message}"),
                    None => write!(f, "event `{event}` does not decode: {message}"),
                }
            }
            EventError::Transport(err) => write!(f, "the event stream broke off: {err}"),
            EventError::Resume { status } => {
                write!(
                    f,
                    "resuming the event stream was answered with status {status}"
                )
            }
        }
    }
}

impl std::error::Error for EventError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EventError::Transport(err) => Some(err),
            _ => None,
        }
    }
}

/// How an event's data is read, given the event's name and its data.
pub type Decoder<T> = fn(&str, &str) -> Result<T, String>;

/// An event's data read as JSON of its type, naming where it does not fit.
pub fn read_json_data<T: serde::de::DeserializeOwned>(
    _event: &str,
    data: &str,
) -> Result<T, String> {
    if let Ok(value) = serde_json::from_str(data) {
        return Ok(value);
    }
    // Only a failure pays for tracking the path.
    super::client::json_with_path(data.as_bytes()).map_err(|(path, message)| match path.as_str() {
        "." => message,
        _ => format!("at `{path}`: {message}"),
    })
}

/// An event's data of a text schema: the text itself.
pub fn read_text_data(_event: &str, data: &str) -> Result<String, String> {
    Ok(data.to_owned())
}

impl<T: Send + 'static> EventStream<T> {
    pub(super) fn new(
        response: reqwest::Response,
        resume: Option<Resume>,
        decode: Decoder<T>,
    ) -> Self {
        let reader = Reader {
            body: Some(body_of(response)),
            resume,
            parser: EventParser::default(),
            ready: VecDeque::new(),
            decode,
            failures: 0,
        };
        EventStream {
            state: State::Reading(Box::new(reader)),
        }
    }

    /// The next event, or `None` when the stream has ended.
    pub async fn next_event(&mut self) -> Option<Result<Event<T>, EventError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: Send + 'static> Stream for EventStream<T> {
    type Item = Result<Event<T>, EventError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                State::Reading(reader) => {
                    if let Some(raw) = reader.ready.pop_front() {
                        reader.failures = 0;
                        return Poll::Ready(Some(reader.decode(raw)));
                    }
                    let Some(body) = reader.body.as_mut() else {
                        this.state = State::Done;
                        return Poll::Ready(None);
                    };
                    match std::task::ready!(Pin::new(body).poll_frame(cx)) {
                        Some(Ok(frame)) => {
                            if let Some(chunk) = frame.data_ref() {
                                reader.parser.push_into(chunk, &mut reader.ready);
                            }
                        }
                        None => reader.body = None,
                        Some(Err(err)) => {
                            let State::Reading(reader) =
                                std::mem::replace(&mut this.state, State::Done)
                            else {
                                return Poll::Ready(None);
                            };
                            this.state = State::Resuming(Box::pin(reader.resume_after(err)));
                        }
                    }
                }
                State::Resuming(resuming) => {
                    let (reader, ended) = std::task::ready!(resuming.as_mut().poll(cx));
                    this.state = State::Reading(reader);
                    if let Some(err) = ended {
                        return Poll::Ready(Some(Err(err)));
                    }
                }
                State::Done => return Poll::Ready(None),
            }
        }
    }
}

/// A response's body, read frame by frame without a future per read.
fn body_of(response: reqwest::Response) -> reqwest::Body {
    http::Response::from(response).into_body()
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EventStream")
    }
}

/// The state of an event stream between two events.
struct Reader<T> {
    /// `None` once the stream has ended.
    body: Option<reqwest::Body>,
    resume: Option<Resume>,
    parser: EventParser,
    ready: VecDeque<RawEvent>,
    decode: Decoder<T>,
    /// Reconnections since the last event.
    failures: u32,
}

impl<T> Reader<T> {
    fn decode(&self, raw: RawEvent) -> Result<Event<T>, EventError> {
        // An event without a name is a `message` (the HTML standard's default).
        let name = raw.event.as_deref().unwrap_or("message");
        match (self.decode)(name, &raw.data) {
            Ok(data) => Ok(Event {
                data,
                event: raw.event,
                id: raw.id,
                retry: raw.retry,
            }),
            Err(message) => Err(EventError::Decode {
                event: raw.event,
                id: raw.id,
                data: raw.data,
                message,
            }),
        }
    }

    /// Sends the request again after the stream broke with `err`, waiting as the stream or
    /// the retry policy says, until it answers or the policy gives up; the error that ends
    /// the stream when it cannot resume.
    async fn resume_after(
        mut self: Box<Self>,
        err: reqwest::Error,
    ) -> (Box<Self>, Option<EventError>) {
        let mut last = err.without_url();
        // What was read of an event the break cut off is not an event.
        self.parser.reset();
        self.body = None;
        let Some(resume) = self.resume.as_mut() else {
            return (self, Some(EventError::Transport(last)));
        };
        loop {
            if self.failures >= resume.max_reconnects() {
                return (self, Some(EventError::Transport(last)));
            }
            self.failures += 1;
            tokio::time::sleep(resume.delay(self.failures, self.parser.reconnect_after())).await;
            match resume.reconnect(self.parser.last_id()).await {
                // 204 is how a server says there is nothing more to resume.
                Ok(response) if response.status().as_u16() == 204 => return (self, None),
                Ok(response) if response.status().is_success() => {
                    self.body = Some(body_of(response));
                    return (self, None);
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    return (self, Some(EventError::Resume { status }));
                }
                Err(Some(err)) => last = err.without_url(),
                // The answer's head did not come in time: another try, as for a lost one.
                Err(None) => {}
            }
        }
    }
}
