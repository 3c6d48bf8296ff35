//! The async HTTP client shared by every API module (on `reqwest`).

pub use super::events::Event;
pub use super::events_client::{read_json_data, read_text_data, Decoder, EventError, EventStream};
pub use super::stream::ByteStream;
use super::{CredentialSet, Placement, ToParam};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;
use std::time::Duration;

/// An API's client, built from the shared core and its credentials.
pub trait ApiClient: Sized {
    type Credentials: Default;
    /// Whether the API documents redirects (3xx) as answers: then a client built here hands
    /// them back as typed responses instead of following them.
    const DOCUMENTS_REDIRECTS: bool = false;

    fn from_parts(core: Core, credentials: Self::Credentials) -> Self;
}

/// When and how often to retry: on 429, 503 and connection errors, with exponential
/// backoff and jitter, honouring `Retry-After`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Also retry POST and PATCH, which may not be safe to repeat.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// How long to wait before retry number `attempt` (from 1).
    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let exponential = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exponential.min(self.max_backoff);
        // Full jitter: a random point between half and all of the backoff.
        let half = capped / 2;
        half + half.mul_f64(jitter())
    }
}

/// A number in [0, 1) that differs between calls, without a random-number dependency.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};

    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Why a client could not be built.
#[derive(Debug)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the client: {}", self.0)
    }
}

impl std::error::Error for BuildError {}

/// Configures a client: base URL, credentials, timeout, user agent, retries, headers.
pub struct Builder<A: ApiClient> {
    base_url: String,
    credentials: A::Credentials,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    retry: RetryPolicy,
    headers: Vec<(String, String)>,
    observer: Option<Observer>,
}

impl<A: ApiClient> Builder<A> {
    pub fn new(base_url: impl Into<String>) -> Self {
        Builder {
            base_url: base_url.into(),
            credentials: A::Credentials::default(),
            timeout: None,
            user_agent: None,
            http: None,
            retry: RetryPolicy::default(),
            headers: Vec::new(),
            observer: None,
        }
    }

    pub fn credentials(mut self, credentials: A::Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Limit on each attempt, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends through an existing `reqwest::Client` (its pool, proxy and TLS settings).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sends `name: value` on every request, replacing the spec's default for a header
    /// parameter of that name (`x-api-version`, say).
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Calls `observer` with every response before it is decoded (the last attempt's, when
    /// retried): for logging, metrics, or a test that looks at what the server said.
    pub fn on_response(mut self, observer: impl Fn(&Response) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer(std::sync::Arc::new(observer)));
        self
    }

    pub fn build(self) -> Result<A, BuildError> {
        let http = match self.http {
            Some(http) => http,
            None => {
                // A process-wide TLS provider; an error means one is installed already.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let mut http = reqwest::Client::builder();
                if A::DOCUMENTS_REDIRECTS {
                    http = http.redirect(reqwest::redirect::Policy::none());
                }
                http.build().map_err(|err| BuildError(err.to_string()))?
            }
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|err| BuildError(format!("header name {name:?}: {err}")))?;
            let value = HeaderValue::from_str(value)
                .map_err(|err| BuildError(format!("header {name}: {err}")))?;
            headers.insert(name, value);
        }
        if let Some(agent) = &self.user_agent {
            let value = HeaderValue::from_str(agent)
                .map_err(|err| BuildError(format!("user agent: {err}")))?;
            headers.insert(reqwest::header::USER_AGENT, value);
        }
        let base_url = self.base_url.trim_end_matches('/').to_owned();
        reqwest::Url::parse(&base_url)
            .map_err(|err| BuildError(format!("base URL {base_url:?}: {err}")))?;
        let core = Core {
            http,
            base_url,
            timeout: self.timeout,
            retry: self.retry,
            headers,
            observer: self.observer,
        };
        Ok(A::from_parts(core, self.credentials))
    }
}

/// What every API client holds: the HTTP client and its settings.
#[derive(Clone, Debug)]
pub struct Core {
    http: reqwest::Client,
    base_url: String,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    headers: HeaderMap,
    observer: Option<Observer>,
}

/// What [`Builder::on_response`] installs.
#[derive(Clone)]
struct Observer(std::sync::Arc<dyn Fn(&Response) + Send + Sync>);

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

/// An operation's request before it is sent.
pub struct Request {
    method: reqwest::Method,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: HeaderMap,
    defaults: Vec<(&'static str, &'static str)>,
    cookies: Vec<String>,
    body: Option<(HeaderValue, ByteStream)>,
    problem: Option<String>,
    /// The schemes one of which the operation needs, when the client has none of them.
    missing_credentials: Option<String>,
}

impl Request {
    pub fn new(method: reqwest::Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: HeaderMap::new(),
            defaults: Vec::new(),
            cookies: Vec::new(),
            body: None,
            problem: None,
            missing_credentials: None,
        }
    }

    pub fn query<V: ToParam + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.query.push((name, value.to_param()));
    }

    /// A list in `form` style: `name=a&name=b` exploded, else `name=a,b`.
    pub fn query_list<V: ToParam>(&mut self, name: &'static str, values: &[V], explode: bool) {
        if explode {
            for value in values {
                self.query(name, value);
            }
        } else {
            let joined: Vec<String> = values.iter().map(ToParam::to_param).collect();
            self.query.push((name, joined.join(",")));
        }
    }

    pub fn header<V: ToParam + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.set_header(name, &value.to_param(), false);
    }

    /// A cookie parameter.
    pub fn cookie<V: ToParam + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.cookies.push(format!("{name}={}", value.to_param()));
    }

    /// An optional query parameter, sent when set.
    pub fn query_if<V: ToParam>(&mut self, name: &'static str, value: &Option<V>) {
        if let Some(value) = value {
            self.query(name, value);
        }
    }

    /// An optional header parameter, sent when set.
    pub fn header_if<V: ToParam>(&mut self, name: &'static str, value: &Option<V>) {
        if let Some(value) = value {
            self.header(name, value);
        }
    }

    /// An optional cookie parameter, sent when set.
    pub fn cookie_if<V: ToParam>(&mut self, name: &'static str, value: &Option<V>) {
        if let Some(value) = value {
            self.cookie(name, value);
        }
    }

    /// The spec's default for a required header, unless the client sets it.
    pub fn default_header(&mut self, name: &'static str, value: &'static str) {
        self.defaults.push((name, value));
    }

    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        self.json_as("application/json", body);
    }

    /// A JSON body labelled with another JSON media type (`application/merge-patch+json`).
    pub fn json_as<T: serde::Serialize + ?Sized>(&mut self, content_type: &str, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.raw(content_type, bytes),
            Err(err) => self.problem = Some(format!("cannot encode the body: {err}")),
        }
    }

    /// A form body (`application/x-www-form-urlencoded`), its properties written as `styles`
    /// say.
    pub fn form<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &str,
        body: &T,
        styles: &[(&str, super::FormStyle)],
    ) {
        match serde_json::to_value(body) {
            Ok(value) => self.raw(
                content_type,
                super::encode_form(&value, styles).into_bytes(),
            ),
            Err(err) => self.problem = Some(format!("cannot encode the body: {err}")),
        }
    }

    /// A `multipart/form-data` body, written part by part under a boundary of its own; a file
    /// part read as it is sent makes the body a stream, which is not retried.
    pub fn multipart<T: super::ToMultipart + ?Sized>(&mut self, body: &T) {
        let mut parts = super::MultipartWriter::new();
        body.write_parts(&mut parts);
        let (content_type, body) = parts.finish();
        self.stream(&content_type, body);
    }

    /// A body sent as is, for content types other than JSON.
    pub fn raw(&mut self, content_type: &str, body: Vec<u8>) {
        self.stream(content_type, ByteStream::from(body));
    }

    /// A body of bytes, held whole or read as it is sent; one read as it is sent cannot be
    /// sent twice, so the request is not retried.
    pub fn stream(&mut self, content_type: &str, body: ByteStream) {
        match HeaderValue::from_str(content_type) {
            Ok(value) => self.body = Some((value, body)),
            Err(_) => {
                self.problem = Some(format!(
                    "content type {content_type:?} is not a valid header"
                ));
            }
        }
    }

    /// Presents the credentials of the first alternative (OR) whose schemes (AND) are all
    /// set. An empty alternative means anonymous access is allowed. Without any, sending
    /// fails with [`Error::MissingCredentials`].
    pub fn authorize<C: CredentialSet>(
        &mut self,
        credentials: &C,
        schemes: &[(&'static str, Placement)],
        alternatives: &[&[&'static str]],
    ) {
        if alternatives.is_empty() {
            return;
        }
        let chosen = alternatives
            .iter()
            .find(|all| all.iter().all(|scheme| credentials.get(scheme).is_some()));
        let Some(chosen) = chosen else {
            let needed: Vec<String> = alternatives.iter().map(|all| all.join(" and ")).collect();
            self.missing_credentials = Some(needed.join(", or "));
            return;
        };
        for scheme in chosen.iter() {
            let (Some(secret), Some((_, placement))) = (
                credentials.get(scheme),
                schemes.iter().find(|(key, _)| key == scheme),
            ) else {
                continue;
            };
            let secret = secret.expose();
            match placement {
                Placement::Header(name) => self.set_header(name, secret, true),
                Placement::Query(name) => self.query.push((name, secret.to_owned())),
                Placement::Cookie(name) => self.cookies.push(format!("{name}={secret}")),

                Placement::Bearer => {
                    self.set_header("authorization", &format!("Bearer {secret}"), true)
                }
                Placement::Basic => self.set_header(
                    "authorization",
                    &format!("Basic {}", super::base64::encode(secret.as_bytes())),
                    true,
                ),

                Placement::Scheme(scheme) => {
                    self.set_header("authorization", &format!("{scheme} {secret}"), true)
                }
            }
        }
    }

    fn set_header(&mut self, name: &str, value: &str, sensitive: bool) {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(mut value)) => {
                value.set_sensitive(sensitive);
                self.headers.insert(name, value);
            }
            _ => {
                self.problem = Some(format!("header {name} cannot carry the given value"));
            }
        }
    }
}

/// A path parameter, percent-encoded so it stays one path segment.
pub fn path_segment<V: ToParam + ?Sized>(value: &V) -> String {
    let raw = value.to_param();
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A response with its whole body read.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    /// Decodes a documented success body.
    pub fn decode<T: serde::de::DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        if let Ok(value) = serde_json::from_slice(&self.body) {
            return Ok(value);
        }
        if let Some(value) = self.lenient() {
            return Ok(value);
        }
        match json_with_path(&self.body) {
            Ok(value) => Ok(value),
            Err((path, message)) => Err(Error::Decode {
                status: self.status,
                path,
                message,
                body: self.body,
            }),
        }
    }

    /// A body that is not JSON, read as the JSON it stands for: an empty one (a 204 the spec
    /// gives a schema, a HEAD) as `null`, and text in a content type other than JSON (an answer
    /// to `*/*` with a string schema) as a string. `None` when `T` takes neither.
    fn lenient<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return serde_json::from_value(serde_json::Value::Null).ok();
        }
        let content_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)?
            .to_str()
            .ok()?;
        if content_type.to_ascii_lowercase().contains("json") {
            return None;
        }
        let text = std::str::from_utf8(&self.body).ok()?;
        serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
    }

    /// Decodes a documented error body into the operation's error type.
    pub fn error<T: serde::de::DeserializeOwned, E>(self, wrap: impl FnOnce(T) -> E) -> Error<E> {
        match self.decode::<T, E>() {
            Ok(body) => Error::Api(wrap(body)),
            Err(err) => err,
        }
    }

    /// A documented text body (`text/*`), which must be UTF-8.
    pub fn text<E>(self) -> Result<String, Error<E>> {
        let status = self.status;
        String::from_utf8(self.body).map_err(|err| Error::Decode {
            status,
            path: String::new(),
            message: format!("the text is not UTF-8: {}", err.utf8_error()),
            body: err.into_bytes(),
        })
    }

    /// A documented error whose body is text.
    pub fn text_error<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        match self.text::<E>() {
            Ok(body) => Error::Api(wrap(body)),
            Err(err) => err,
        }
    }

    /// A documented error whose body is kept as its bytes.
    pub fn bytes_error<E>(self, wrap: impl FnOnce(Vec<u8>) -> E) -> Error<E> {
        Error::Api(wrap(self.body))
    }

    /// A status the description of the API does not list.
    pub fn unexpected<E>(self) -> Error<E> {
        Error::UnexpectedStatus {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }
}

/// JSON decoded again, for the path to where it does not fit and why: only a failure pays
/// for tracking the path.
pub(super) fn json_with_path<T: serde::de::DeserializeOwned>(
    json: &[u8],
) -> Result<T, (String, String)> {
    let deserializer = &mut serde_json::Deserializer::from_slice(json);
    serde_path_to_error::deserialize(deserializer)
        .map_err(|err| (err.path().to_string(), err.inner().to_string()))
}

/// Why a call failed. `E` is the operation's documented error responses.
#[derive(Debug)]
pub enum Error<E> {
    /// The server answered with a documented error status; the body is decoded.
    Api(E),
    /// A status the description of the API does not list; kept whole.
    UnexpectedStatus {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    },
    /// The body did not match its documented type.
    Decode {
        status: u16,
        body: Vec<u8>,
        path: String,
        message: String,
    },
    /// No attempt finished within the timeout.
    Timeout,
    /// The request could not be sent or the response not read.
    Transport(reqwest::Error),
    /// The operation needs credentials the client was not given.
    MissingCredentials { needed: String },
    /// A parameter or body could not be put on the wire.
    InvalidRequest(String),
    /// The request could not be sent, and the retry policy would have tried again, but its
    /// body was a stream, which cannot be sent twice.
    NotRetried(reqwest::Error),
}

impl<E> Error<E> {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::UnexpectedStatus { status, .. } | Error::Decode { status, .. } => Some(*status),

            Error::Transport(err) => err.status().map(|s| s.as_u16()),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(error) => write!(f, "the API returned an error: {error:?}"),
            Error::UnexpectedStatus { status, body, .. } => {
                write!(
                    f,
                    "undocumented status {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(512)])
                )
            }
            Error::Decode {
                status,
                path,
                message,
                ..
            } => {
                write!(
                    f,
                    "cannot decode the body of a {status} response at `{path}`: {message}"
                )
            }
            Error::Timeout => f.write_str("the request timed out"),
            Error::Transport(err) => write!(f, "transport error: {err}"),
            Error::MissingCredentials { needed } => {
                write!(f, "missing credentials: this operation needs {needed}")
            }
            Error::InvalidRequest(problem) => write!(f, "invalid request: {problem}"),
            Error::NotRetried(err) => write!(
                f,
                "transport error: {err}; not retried: the body was a stream, which cannot be sent twice"
            ),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(err) | Error::NotRetried(err) => Some(err),
            _ => None,
        }
    }
}

/// The future of an operation's call: boxed, so every operation shares one compiled sender
/// instead of a state machine of its own (a tenth of a large API's build).
pub type Call<'a, T, E> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, Error<E>>> + Send + 'a>>;

impl Core {
    /// Sends `request` and reads the whole response with `read`, the operation's decoding of
    /// its documented statuses.
    pub fn call<T: Send + 'static, E: Send + 'static>(
        &self,
        request: Request,
        read: fn(Response) -> Result<T, Error<E>>,
    ) -> Call<'_, T, E> {
        Box::pin(async move { read(self.send(request).await?) })
    }

    /// Sends `request`, retrying per the policy, and reads the whole response.
    pub async fn send<E>(&self, request: Request) -> Result<Response, Error<E>> {
        let (prepared, retry_allowed) = self.prepare(request, false)?;
        let response = self.send_with_retries(prepared, retry_allowed).await?.0;
        self.streamed(response, None).read().await
    }

    /// Sends `request`, retrying per the policy, and returns once the response's head has
    /// arrived: its body is read as the caller goes, without the client's timeout.
    pub async fn send_streamed<E>(&self, request: Request) -> Result<Streamed, Error<E>> {
        let (prepared, retry_allowed) = self.prepare(request, true)?;
        let (response, prepared) = self.send_with_retries(prepared, retry_allowed).await?;
        Ok(self.streamed(response, prepared))
    }

    /// A response as it arrived; `prepared` is kept to resume an event stream.
    fn streamed(&self, response: reqwest::Response, prepared: Option<Prepared>) -> Streamed {
        Streamed {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            response,
            observer: self.observer.clone(),
            resume: prepared.map(|prepared| Resume {
                core: self.clone(),
                prepared,
            }),
        }
    }

    fn prepare<E>(&self, request: Request, streamed: bool) -> Result<(Prepared, bool), Error<E>> {
        if let Some(needed) = request.missing_credentials {
            return Err(Error::MissingCredentials { needed });
        }
        if let Some(problem) = request.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let url = self.url(&request.path, &request.query)?;
        let mut headers = self.headers(request.defaults, request.headers, &request.cookies)?;
        if let Some((content_type, body)) = &request.body {
            headers.insert(reqwest::header::CONTENT_TYPE, content_type.clone());
            if let Some(len) = body.len().filter(|_| !body.is_replayable()) {
                headers.insert(reqwest::header::CONTENT_LENGTH, HeaderValue::from(len));
            }
        }
        let retry_allowed = self.retry.retry_non_idempotent || request.method.is_idempotent();
        let prepared = Prepared {
            method: request.method,
            url,
            headers,
            body: request.body.map(|(_, body)| body),
            streamed,
        };
        Ok((prepared, retry_allowed))
    }

    fn url<E>(
        &self,
        path: &str,
        query: &[(&'static str, String)],
    ) -> Result<reqwest::Url, Error<E>> {
        let mut url = reqwest::Url::parse(&format!("{}{}", self.base_url, path))
            .map_err(|err| Error::InvalidRequest(format!("URL: {err}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        Ok(url)
    }

    /// The client's headers, the operation's defaults unless set, then the request's own.
    fn headers<E>(
        &self,
        defaults: Vec<(&'static str, &'static str)>,
        own: HeaderMap,
        cookies: &[String],
    ) -> Result<HeaderMap, Error<E>> {
        let mut headers = self.headers.clone();
        for (name, value) in defaults {
            let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) else {
                return Err(Error::InvalidRequest(format!(
                    "the default of header {name} is not a valid header"
                )));
            };
            if !headers.contains_key(&name) {
                headers.insert(name, value);
            }
        }
        headers.extend(own);
        if !cookies.is_empty() {
            let mut cookie = HeaderValue::from_str(&cookies.join("; "))
                .map_err(|err| Error::InvalidRequest(format!("cookie: {err}")))?;
            cookie.set_sensitive(true);
            headers.insert(reqwest::header::COOKIE, cookie);
        }
        Ok(headers)
    }

    /// The response, and the request again when its body can be sent again (to resume an
    /// event stream).
    async fn send_with_retries<E>(
        &self,
        mut prepared: Prepared,
        retry_allowed: bool,
    ) -> Result<(reqwest::Response, Option<Prepared>), Error<E>> {
        let replayable = prepared.body.as_ref().is_none_or(ByteStream::is_replayable);
        let mut attempt = 0;
        loop {
            let retry_wanted = retry_allowed && attempt < self.retry.max_retries;
            let can_retry = retry_wanted && replayable;
            // A streamed response keeps the request for a later resumption.
            let keep = can_retry || (prepared.streamed && replayable);
            match self.attempt(&mut prepared, keep, can_retry).await {
                Ok(Ok(response)) => return Ok((response, keep.then_some(prepared))),
                Ok(Err(wait)) => {
                    attempt += 1;
                    tokio::time::sleep(self.retry.delay(attempt, wait)).await;
                }
                Err(Error::Transport(err)) if retry_wanted && !replayable => {
                    return Err(Error::NotRetried(err));
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// One try: the response, or `Err(Retry-After)` when it is worth another. `keep` leaves
    /// the request's parts in `prepared` for another try.
    async fn attempt<E>(
        &self,
        prepared: &mut Prepared,
        keep: bool,
        can_retry: bool,
    ) -> Result<Result<reqwest::Response, Option<Duration>>, Error<E>> {
        let (headers, body) = if keep {
            let body = prepared.body.as_ref().and_then(ByteStream::try_clone);
            (prepared.headers.clone(), body)
        } else {
            (std::mem::take(&mut prepared.headers), prepared.body.take())
        };
        let builder = self.request(prepared, headers, body);
        let Ok(sent) = self.send_head(builder, prepared.streamed).await else {
            return Err(Error::Timeout);
        };
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                if can_retry && (status == 429 || status == 503) {
                    return Ok(Err(retry_after(response.headers())));
                }
                Ok(Ok(response))
            }
            Err(err) if can_retry && err.is_connect() => Ok(Err(None)),
            Err(err) => Err(transport(err)),
        }
    }
}

impl Core {
    /// The request of `prepared`, with these headers and body. A streamed response's timeout
    /// is [`Core::send_head`]'s: reqwest's would also cover reading its body.
    fn request(
        &self,
        prepared: &Prepared,
        headers: HeaderMap,
        body: Option<ByteStream>,
    ) -> reqwest::RequestBuilder {
        let mut builder = self
            .http
            .request(prepared.method.clone(), prepared.url.clone())
            .headers(headers);
        if let (Some(timeout), false) = (self.timeout, prepared.streamed) {
            builder = builder.timeout(timeout);
        }
        if let Some(body) = body {
            builder = builder.body(request_body(body));
        }
        builder
    }

    /// Sends a request; `Err` when a streamed response's head did not arrive in time.
    async fn send_head(
        &self,
        builder: reqwest::RequestBuilder,
        streamed: bool,
    ) -> Result<Result<reqwest::Response, reqwest::Error>, tokio::time::error::Elapsed> {
        match (self.timeout, streamed) {
            (Some(timeout), true) => tokio::time::timeout(timeout, builder.send()).await,
            _ => Ok(builder.send().await),
        }
    }
}

/// A body for reqwest: bytes held whole go as they are, a stream chunk by chunk.
fn request_body(body: ByteStream) -> reqwest::Body {
    if body.is_replayable() {
        return reqwest::Body::from(body.into_whole().unwrap_or_default());
    }
    reqwest::Body::wrap(super::stream::HttpBody(body))
}

/// A request ready to send, kept for its retries.
struct Prepared {
    method: reqwest::Method,
    url: reqwest::Url,
    headers: HeaderMap,
    body: Option<ByteStream>,
    /// The response's body is read as the caller goes: the timeout covers its head only.
    streamed: bool,
}

/// A response whose body is still to be read: a download or an event stream.
pub struct Streamed {
    pub status: u16,
    pub headers: HeaderMap,
    response: reqwest::Response,
    observer: Option<Observer>,
    resume: Option<Resume>,
}

/// What resuming an event stream takes: the client and the request to send again.
pub(super) struct Resume {
    core: Core,
    prepared: Prepared,
}

impl Resume {
    /// Sends the request again, asking for the events after `last_id`; `Ok(Err(None))` when
    /// the answer's head did not arrive within the client's timeout.
    pub(super) async fn reconnect(
        &mut self,
        last_id: Option<&str>,
    ) -> Result<reqwest::Response, Option<reqwest::Error>> {
        let mut headers = self.prepared.headers.clone();
        if let Some(id) = last_id.and_then(|id| HeaderValue::from_str(id).ok()) {
            headers.insert("last-event-id", id);
        }
        let body = self.prepared.body.as_ref().and_then(ByteStream::try_clone);
        let builder = self.core.request(&self.prepared, headers, body);
        match self.core.send_head(builder, true).await {
            Ok(sent) => sent.map_err(Some),
            Err(_) => Err(None),
        }
    }

    pub(super) fn delay(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        asked.unwrap_or_else(|| self.core.retry.delay(attempt, None))
    }

    pub(super) fn max_reconnects(&self) -> u32 {
        self.core.retry.max_retries
    }
}

impl Streamed {
    /// Reads the whole body, for a response that is not streamed after all (an error).
    pub async fn read<E>(self) -> Result<Response, Error<E>> {
        let body = self.response.bytes().await.map_err(transport)?;
        let response = Response {
            status: self.status,
            headers: self.headers,
            body: body.to_vec(),
        };
        if let Some(Observer(observe)) = &self.observer {
            observe(&response);
        }
        Ok(response)
    }

    /// The body as it arrives.
    pub fn into_bytes(self) -> ByteStream {
        let len = self.response.content_length();
        let body = ByteStream::unfold(self.response, |mut response| async move {
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), response)),
                Ok(None) => None,
                Err(err) => Some((Err(err.without_url().into()), response)),
            }
        });
        match len {
            Some(len) => body.with_len(len),
            None => body,
        }
    }

    /// The body's events as they arrive, each one's data decoded by `decode`.
    pub fn into_events<T>(self, decode: Decoder<T>) -> EventStream<T>
    where
        T: Send + 'static,
    {
        EventStream::new(self.response, self.resume, decode)
    }
}

impl fmt::Debug for Streamed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streamed")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish()
    }
}

fn transport<E>(err: reqwest::Error) -> Error<E> {
    // The URL can carry an API key in its query: keep it out of error text.
    if err.is_timeout() {
        Error::Timeout
    } else {
        Error::Transport(err.without_url())
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = std::time::UNIX_EPOCH + Duration::from_secs(u64::try_from(at.timestamp()).ok()?);
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_stay_one_segment() {
        assert_eq!(path_segment("a/b c?d"), "a%2Fb%20c%3Fd");
        assert_eq!(path_segment("é"), "%C3%A9");
        assert_eq!(path_segment("safe-._~"), "safe-._~");
    }

    #[test]
    fn backoff_grows_is_capped_and_yields_to_retry_after() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        for attempt in 1..=5 {
            let full = Duration::from_millis(100 << (attempt - 1)).min(policy.max_backoff);
            let delay = policy.delay(attempt, None);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
        let told = Some(Duration::from_secs(1));
        assert_eq!(policy.delay(1, told), policy.max_backoff);
        assert_eq!(
            RetryPolicy::default().delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_past_dates() {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static(" 7 "),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        let past = "Wed, 21 Oct 2015 07:28:00 GMT";
        headers.insert(reqwest::header::RETRY_AFTER, HeaderValue::from_static(past));
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(
            reqwest::header::RETRY_AFTER,
            HeaderValue::from_static("soon"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
