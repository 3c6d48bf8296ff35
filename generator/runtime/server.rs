//! What the generated axum servers share.

pub use super::events::{
    write_json_data, write_text_data, ClientGone, EventSender, EventStream, Written,
};
pub use super::stream::ByteStream;
pub use super::upload::MultipartLimits;
pub use super::Event;
use super::{CredentialSet, FromParam, Placement, Secret, Validate, Violation};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why a request was refused before its handler ran: 401 `unauthorized`, 400
/// `missing_parameter` / `invalid_parameter` / `missing_body` / `invalid_body`, 404
/// `not_found` (a path whose mixed segments fit no operation), 413 `body_too_large`, 415
/// `unsupported_media_type`, and 422 `validation_failed` with every violation of the
/// schema's rules.
///
/// Where the operation documents a response that fits, the router answers with it ([`refuse`]);
/// elsewhere, and when no documented body can be built, the rejection is sent as JSON:
/// `{"error": {"status": 400, "code": "...", "message": "...", "violations": [...]}}`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
}

impl Rejection {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status,
            code,
            message: message.into(),
            violations: Vec::new(),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        challenge(json(
            status.as_u16(),
            &serde_json::json!({ "error" : self }),
        ))
    }
}

/// A 401 says how to authenticate (RFC 9110).
fn challenge(mut response: Response) -> Response {
    if response.status() == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// Answers `rejection` with `status`, which its operation documents, and a JSON body of the
/// documented type: built by `default`, then handed to `fill` (the implementation's
/// `rejection_body`), which sees the rejection with that status and may change or replace
/// the body. Left `None`, the rejection's JSON error is sent with that status instead.
pub fn refuse<T: serde::Serialize>(
    mut rejection: Rejection,
    status: u16,
    content_type: &'static str,
    default: impl FnOnce(&Rejection, u16) -> Option<T>,
    fill: impl FnOnce(&Rejection, &mut Option<T>),
) -> Response {
    // The default reads the status refused; the implementation sees the one sent.
    let mut body = default(&rejection, status);
    rejection.status = status;
    fill(&rejection, &mut body);
    match body {
        Some(body) => challenge(json_as(status, content_type, &body)),
        None => rejection.into_response(),
    }
}

/// Answers `rejection` with `status` and its message as the documented text body.
pub fn refuse_text(rejection: Rejection, status: u16, content_type: &'static str) -> Response {
    challenge(raw(status, content_type, rejection.message.into_bytes()))
}

/// Answers with `status` and no body, as documented.
pub fn refuse_empty(status: u16) -> Response {
    challenge(empty(status))
}

/// The future of a served operation: boxed, so the waiting is compiled once for every
/// operation instead of a state machine per handler (a twentieth of a large API's build).
pub type Served = std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>;

/// Calls an operation's implementation with its checked input, `call` being
/// `|api, input| Box::pin(api.operation(input))`, and answers with what it returns.
pub fn serve<A, I, R, F>(api: std::sync::Arc<A>, input: I, call: F) -> Served
where
    A: Send + Sync + 'static,
    I: Send + 'static,
    R: IntoResponse,
    F: for<'a> FnOnce(
            &'a A,
            I,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = R> + Send + 'a>>
        + Send
        + 'static,
{
    Box::pin(async move { call(&api, input).await.into_response() })
}

/// Answers at once, without the implementation: a refused request.
pub fn answer(response: Response) -> Served {
    Box::pin(std::future::ready(response))
}

/// Answers `rejection` with `status` and its JSON error, where the documented body is of a
/// media type the router cannot build.
pub fn refuse_error(mut rejection: Rejection, status: u16) -> Response {
    rejection.status = status;
    rejection.into_response()
}

/// A documented error body the router can build from a rejection, before the implementation
/// sees it.
pub trait ErrorBody: Sized {
    /// The body for `rejection` (whose status is the one refused), answered with `status`;
    /// `None` when none can be built.
    fn from_rejection(rejection: &Rejection, status: u16) -> Option<Self>;
}

/// Any JSON value: the rejection's JSON error.
impl ErrorBody for serde_json::Value {
    fn from_rejection(rejection: &Rejection, status: u16) -> Option<Self> {
        let mut error = rejection.clone();
        error.status = status;
        Some(serde_json::json!({ "error": error }))
    }
}

/// A JSON object of anything: the rejection's JSON error.
impl ErrorBody for std::collections::BTreeMap<String, serde_json::Value> {
    fn from_rejection(rejection: &Rejection, status: u16) -> Option<Self> {
        let mut error = rejection.clone();
        error.status = status;
        let error = serde_json::to_value(error).ok()?;
        Some(std::collections::BTreeMap::from([(
            "error".to_owned(),
            error,
        )]))
    }
}

/// A string: the rejection's message.
impl ErrorBody for String {
    fn from_rejection(rejection: &Rejection, _status: u16) -> Option<Self> {
        Some(rejection.message.clone())
    }
}

/// The default of a documented body no rejection can build.
pub fn no_default<T>(_rejection: &Rejection, _status: u16) -> Option<T> {
    None
}

/// What fills a property of a documented error body.
#[derive(Clone, Copy, Debug)]
pub enum Fill {
    /// The rejection's message.
    Message,
    /// The rejection's code (`invalid_body`, `validation_failed`, ...).
    Code,
    /// The status sent.
    Status,
    /// The value listed for the status refused; none leaves the property out.
    Listed(&'static [(u16, &'static str)]),
    /// An object with these properties.
    Object(&'static [(&'static str, Fill)]),
}

/// A body of type `T` with the properties `fields` fill, for `rejection` answered with
/// `status`; `None` when `T` does not decode from them.
pub fn filled<T: serde::de::DeserializeOwned>(
    rejection: &Rejection,
    status: u16,
    fields: &[(&str, Fill)],
) -> Option<T> {
    serde_json::from_value(fill_object(rejection, status, fields)).ok()
}

fn fill_object(rejection: &Rejection, status: u16, fields: &[(&str, Fill)]) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    for (name, fill) in fields {
        let value = match fill {
            Fill::Message => rejection.message.clone().into(),
            Fill::Code => rejection.code.into(),
            Fill::Status => status.into(),
            Fill::Listed(by_status) => {
                match by_status
                    .iter()
                    .find(|(refused, _)| *refused == rejection.status)
                {
                    Some((_, value)) => (*value).into(),
                    None => continue,
                }
            }
            Fill::Object(inner) => fill_object(rejection, status, inner),
        };
        object.insert((*name).to_owned(), value);
    }
    serde_json::Value::Object(object)
}

/// A request taken apart for the checks: path parameters (decoded), headers, query
/// pairs (decoded) and the body, read within axum's `DefaultBodyLimit` (2 MiB unless a
/// layer says otherwise).
pub struct Incoming {
    path: Vec<(String, String)>,
    /// The request's URI, for the segments the route captures whole ([`Incoming::fits`]).
    uri: axum::http::Uri,
    headers: HeaderMap,
    query: Vec<(String, String)>,
    body: Bytes,
    /// A binary or multipart body left unread, read as it arrives ([`Incoming::stream_body`],
    /// [`Incoming::multipart_body`]).
    unread: std::sync::Mutex<Option<axum::body::Body>>,
    multipart_limits: MultipartLimits,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for Incoming {
    type Rejection = Rejection;
    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Rejection> {
        use axum::extract::FromRequestParts as _;

        let (mut parts, body) = request.into_parts();
        let path = axum::extract::RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map(|params| {
                params
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let headers = parts.headers.clone();
        let uri = parts.uri.clone();
        let essence = content_essence(&headers);
        let multipart = essence.as_deref() == Some(MULTIPART);
        // Only a multipart body needs them; the others pay no clone.
        let multipart_limits = multipart
            .then(|| parts.extensions.get::<MultipartLimits>().cloned())
            .flatten()
            .unwrap_or_default();
        let query = uri.query().map(parse_query).unwrap_or_default();
        // A binary or multipart body is read as it arrives instead of from memory.
        let streamed = multipart || essence.is_some_and(|e| super::media::is_binary(&e));
        if streamed {
            return Ok(Incoming {
                path,
                uri,
                headers,
                query,
                body: Bytes::new(),
                unread: std::sync::Mutex::new(Some(body)),
                multipart_limits,
            });
        }
        let body = Bytes::from_request(axum::extract::Request::from_parts(parts, body), state)
            .await
            .map_err(|err| {
                if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Rejection::new(
                        413,
                        "body_too_large",
                        "the body is larger than the server accepts",
                    )
                } else {
                    Rejection::new(400, "invalid_body", format!("cannot read the body: {err}"))
                }
            })?;
        Ok(Incoming {
            path,
            uri,
            headers,
            query,
            body,
            unread: std::sync::Mutex::new(None),
            multipart_limits,
        })
    }
}

/// The request's media type, without parameters, lowercased.
fn content_essence(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(super::media::essence)
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    String::from_utf8_lossy(&super::percent::percent_decode(text, true)).into_owned()
}

fn parse<T: FromParam>(kind: &str, name: &str, raw: &str) -> Result<T, Rejection> {
    T::from_param(raw).map_err(|err| {
        Rejection::new(
            400,
            "invalid_parameter",
            format!("{kind} parameter `{name}`: {err}"),
        )
    })
}

fn missing(kind: &str, name: &str) -> Rejection {
    Rejection::new(
        400,
        "missing_parameter",
        format!("the required {kind} parameter `{name}` is missing"),
    )
}

impl Incoming {
    /// Whether the request fits `template`, an operation's path with its parameters renamed
    /// as the route names them: the route captures a segment that mixes parameters with
    /// text (`{p0.0}.json`) whole, and a template may carry a query (`?city={q0}`). When it
    /// fits, the parameters read from those parts become path parameters; when it does not,
    /// nothing changes and the router tries the next operation of the route.
    pub fn fits(&mut self, template: &str) -> bool {
        let (path, query) = template.split_once('?').unwrap_or((template, ""));
        let Some(mut found) = super::route::fit_path(path, self.uri.path()) else {
            return false;
        };
        match super::route::fit_query(query, &self.query) {
            Some(more) => found.extend(more),
            None => return false,
        }
        self.path.extend(found);
        true
    }

    /// A path parameter: `route_name` is its name in the route, `name` in the spec.
    pub fn path<T: FromParam>(&self, route_name: &str, name: &str) -> Result<T, Rejection> {
        let raw = self
            .path
            .iter()
            .find(|(k, _)| k == route_name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| missing("path", name))?;
        parse("path", name, raw)
    }

    pub fn query<T: FromParam>(&self, name: &str) -> Result<Option<T>, Rejection> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| parse("query", name, v))
            .transpose()
    }

    pub fn required_query<T: FromParam>(&self, name: &str) -> Result<T, Rejection> {
        self.query(name)?.ok_or_else(|| missing("query", name))
    }

    /// A `form` list: repeated keys when exploded, else one comma-separated value.
    pub fn query_list<T: FromParam>(
        &self,
        name: &str,
        explode: bool,
    ) -> Result<Option<Vec<T>>, Rejection> {
        let values: Vec<&str> = self
            .query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        // `ids=` (an empty list, not exploded) has no items.
        let items: Vec<&str> = if explode {
            values
        } else {
            values
                .iter()
                .filter(|v| !v.is_empty())
                .flat_map(|v| v.split(','))
                .collect()
        };
        items
            .into_iter()
            .map(|v| parse("query", name, v))
            .collect::<Result<Vec<T>, _>>()
            .map(Some)
    }

    pub fn required_query_list<T: FromParam>(
        &self,
        name: &str,
        explode: bool,
    ) -> Result<Vec<T>, Rejection> {
        self.query_list(name, explode)?
            .ok_or_else(|| missing("query", name))
    }

    pub fn header<T: FromParam>(&self, name: &str) -> Result<Option<T>, Rejection> {
        match self.headers.get(name) {
            None => Ok(None),
            Some(value) => {
                let text = value.to_str().map_err(|_| {
                    Rejection::new(
                        400,
                        "invalid_parameter",
                        format!("header `{name}` is not text"),
                    )
                })?;
                parse("header", name, text).map(Some)
            }
        }
    }

    pub fn required_header<T: FromParam>(&self, name: &str) -> Result<T, Rejection> {
        self.header(name)?.ok_or_else(|| missing("header", name))
    }

    pub fn cookie<T: FromParam>(&self, name: &str) -> Result<Option<T>, Rejection> {
        self.cookie_text(name)
            .map(|value| parse("cookie", name, &value))
            .transpose()
    }

    pub fn required_cookie<T: FromParam>(&self, name: &str) -> Result<T, Rejection> {
        self.cookie(name)?.ok_or_else(|| missing("cookie", name))
    }

    fn cookie_text(&self, name: &str) -> Option<String> {
        let header = self
            .headers
            .get(axum::http::header::COOKIE)?
            .to_str()
            .ok()?;
        header.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    }

    /// The credentials of the first alternative (OR) whose schemes (AND) were all
    /// presented; 401 when none was.
    pub fn authorize<C: CredentialSet + Default>(
        &self,
        schemes: &[(&'static str, Placement)],
        alternatives: &[&[&'static str]],
    ) -> Result<C, Rejection> {
        let mut credentials = C::default();
        if alternatives.is_empty() {
            return Ok(credentials);
        }
        for alternative in alternatives {
            let presented: Option<Vec<(&str, String)>> = alternative
                .iter()
                .map(|scheme| {
                    let placement = schemes.iter().find(|(key, _)| key == scheme)?.1;
                    self.presented(placement).map(|value| (*scheme, value))
                })
                .collect();
            if let Some(presented) = presented {
                for (scheme, value) in presented {
                    credentials.set(scheme, Secret::new(value));
                }
                return Ok(credentials);
            }
        }
        let needed: Vec<String> = alternatives.iter().map(|all| all.join(" and ")).collect();
        Err(Rejection::new(
            401,
            "unauthorized",
            format!(
                "missing credentials: this operation needs {}",
                needed.join(", or ")
            ),
        ))
    }

    fn presented(&self, placement: Placement) -> Option<String> {
        let header = |name: &str| {
            self.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let authorization = |scheme: &str| {
            let value = header("authorization")?;
            let (given, credential) = value.split_once(' ')?;
            given
                .eq_ignore_ascii_case(scheme)
                .then(|| credential.trim().to_owned())
                .filter(|c| !c.is_empty())
        };
        match placement {
            Placement::Header(name) => header(name).filter(|v| !v.is_empty()),
            Placement::Query(name) => self
                .query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),

            Placement::Cookie(name) => self.cookie_text(name),
            Placement::Bearer => authorization("bearer"),
            Placement::Basic => authorization("basic").and_then(|encoded| decode_base64(&encoded)),

            Placement::Scheme(scheme) => authorization(scheme),
        }
    }

    /// The request's `Content-Type`, when it is readable text.
    fn content_type(&self) -> Option<&str> {
        self.headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// Whether there is a body: `Err` when it is missing but required, or labelled with a
    /// media type `accepts` refuses (`expected` names what it takes, `kind` the body).
    /// Whether the request came without a body: none read, and none left unread.
    fn body_is_empty(&self) -> bool {
        self.body.is_empty()
            && self
                .unread
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_none()
    }

    fn body_of_media(
        &self,
        required: bool,
        (kind, expected): (&str, &str),
        accepts: fn(&str) -> bool,
    ) -> Result<bool, Rejection> {
        if self.body_is_empty() {
            return if required {
                Err(Rejection::new(
                    400,
                    "missing_body",
                    format!("the request needs a {kind} body"),
                ))
            } else {
                Ok(false)
            };
        }
        if let Some(content_type) = self.content_type() {
            if !accepts(&super::media::essence(content_type)) {
                return Err(Rejection::new(
                    415,
                    "unsupported_media_type",
                    format!("expected {expected}, got {content_type}"),
                ));
            }
        }
        Ok(true)
    }

    /// Decodes and validates a form body (`application/x-www-form-urlencoded`), its
    /// properties read as `styles` say; `None` when it is empty and optional.
    pub fn form_body<T: serde::de::DeserializeOwned + Validate>(
        &self,
        required: bool,
        styles: &[(&str, super::FormStyle)],
    ) -> Result<Option<T>, Rejection> {
        if !self.body_of_media(required, ("form", FORM), |essence| essence == FORM)? {
            return Ok(None);
        }
        let text = std::str::from_utf8(&self.body)
            .map_err(|err| Rejection::new(400, "invalid_body", format!("not UTF-8: {err}")))?;
        read_parts(super::decode_form(text, styles))
    }

    /// Decodes and validates a `multipart/form-data` body into a struct whose fields are its
    /// parts, read as it arrives within the router's [`MultipartLimits`]: file parts beyond
    /// a size wait in temporary files, which go when the input does. `None` when it is empty
    /// and optional.
    pub async fn multipart_body<T: serde::de::DeserializeOwned + Validate>(
        &self,
        required: bool,
    ) -> Result<Option<T>, Rejection> {
        if !self.body_of_media(required, ("multipart", MULTIPART), |e| e == MULTIPART)? {
            return Ok(None);
        }
        let content_type = self.content_type().unwrap_or(MULTIPART);
        let unread = self.take_unread();
        let received = match unread {
            Some(body) => {
                super::upload::receive(content_type, body, &self.multipart_limits).await?
            }
            None => super::parse_multipart(content_type, &self.body)
                .map_err(|err| Rejection::new(400, "invalid_body", err))?
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let (fields, files) = super::multipart_read::received_value(received);
        super::multipart_read::with_received_files(files, || read_parts(fields))
    }

    /// The body left unread, for its one reader.
    fn take_unread(&self) -> Option<axum::body::Body> {
        self.unread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// Which of the media types a body is documented in (`documented`) the request's
    /// Content-Type names: its place, by essence, else the first JSON one for JSON of another
    /// name, else 415 listing them; the first when none is named, `None` without a body.
    pub fn media_choice(&self, documented: &[&str]) -> Result<Option<usize>, Rejection> {
        if self.body_is_empty() {
            return Ok(None);
        }
        let Some(content_type) = self.content_type() else {
            return Ok(Some(0));
        };
        let essence = super::media::essence(content_type);
        let essences: Vec<String> = documented
            .iter()
            .map(|d| super::media::essence(d))
            .collect();
        let exact = essences.iter().position(|d| *d == essence);
        let json = || {
            let sent_json = super::media::is_json(&essence);
            essences
                .iter()
                .position(|d| sent_json && super::media::is_json(d))
        };
        match exact.or_else(json) {
            Some(place) => Ok(Some(place)),
            None => Err(Rejection::new(
                415,
                "unsupported_media_type",
                format!(
                    "expected one of {}, got {content_type}",
                    documented.join(", ")
                ),
            )),
        }
    }

    /// Decodes and validates a JSON body; `None` when it is empty and optional.
    pub fn json_body<T: serde::de::DeserializeOwned + Validate>(
        &self,
        required: bool,
    ) -> Result<Option<T>, Rejection> {
        if !self.body_of_media(
            required,
            ("JSON", "application/json"),
            super::media::is_json,
        )? {
            return Ok(None);
        }
        let json: serde_json::Value = serde_json::from_slice(&self.body)
            .map_err(|err| Rejection::new(400, "invalid_body", format!("not JSON: {err}")))?;
        let value: T = serde_path_to_error::deserialize(&json).map_err(|err| {
            let path = err.path().to_string();
            Rejection::new(400, "invalid_body", format!("at `{path}`: {}", err.inner()))
        })?;
        let mut checker = super::Checker::default();
        T::check_strict_json(&json, &mut checker);
        value.check(&mut checker);
        reject_violations(checker)?;
        Ok(Some(value))
    }

    /// A text body (`text/*`), which must be UTF-8.
    pub fn text_body(&self, required: bool) -> Result<Option<String>, Rejection> {
        let Some(bytes) = self.raw_body(required)? else {
            return Ok(None);
        };
        String::from_utf8(bytes).map(Some).map_err(|err| {
            let reason = format!("the text is not UTF-8: {}", err.utf8_error());
            Rejection::new(400, "invalid_body", reason)
        })
    }

    /// A binary body, read as it arrives; one the server has read already (sent with a media
    /// type it keeps whole) comes from memory. No body limit applies: the handler decides how
    /// much it reads.
    pub fn stream_body(&self, required: bool) -> Result<Option<ByteStream>, Rejection> {
        let unread = self.take_unread();
        let declared = self
            .headers
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        let stream = match unread {
            Some(body) if declared != Some(0) => {
                let stream = ByteStream::from_stream(body.into_data_stream());
                match declared {
                    Some(len) => stream.with_len(len),
                    None => stream,
                }
            }
            _ if self.body.is_empty() => {
                if required {
                    return Err(Rejection::new(
                        400,
                        "missing_body",
                        "the request needs a body",
                    ));
                }
                return Ok(None);
            }
            _ => ByteStream::from(self.body.clone()),
        };
        Ok(Some(stream))
    }

    /// A body of another content type, as sent.
    pub fn raw_body(&self, required: bool) -> Result<Option<Vec<u8>>, Rejection> {
        if self.body.is_empty() && required {
            return Err(Rejection::new(
                400,
                "missing_body",
                "the request needs a body",
            ));
        }
        Ok((!self.body.is_empty()).then(|| self.body.to_vec()))
    }
}

/// A form's or multipart body's fields, decoded and checked: the rules, and what JSON parts
/// may say that decoding tolerates (`null` where the schema forbids it, say).
fn read_parts<T: serde::de::DeserializeOwned + Validate>(
    fields: serde_json::Value,
) -> Result<Option<T>, Rejection> {
    let mut checker = super::Checker::default();
    T::check_strict_json(&fields, &mut checker);
    let value: T =
        super::from_form(fields).map_err(|err| Rejection::new(400, "invalid_body", err))?;
    value.check(&mut checker);
    reject_violations(checker)?;
    Ok(Some(value))
}

/// The media type of form bodies.
const FORM: &str = "application/x-www-form-urlencoded";

/// The media type of multipart bodies.
const MULTIPART: &str = "multipart/form-data";

/// 404 `not_found`: the route matched, but no operation's template fits the request.
pub fn not_found() -> Response {
    Rejection::new(404, "not_found", "no operation serves this path").into_response()
}

/// 422 `validation_failed` listing every violation, if there is any.
pub fn reject_violations(checker: super::Checker) -> Result<(), Rejection> {
    let violations = checker.into_violations();
    if violations.is_empty() {
        return Ok(());
    }
    let errors = super::ValidationErrors { violations };

    let mut rejection = Rejection::new(422, "validation_failed", errors.to_string());
    rejection.violations = errors.violations;
    Err(rejection)
}

fn decode_base64(text: &str) -> Option<String> {
    String::from_utf8(super::base64::decode(text)?).ok()
}

/// A JSON response.
pub fn json<T: serde::Serialize + ?Sized>(status: u16, body: &T) -> Response {
    json_as(status, "application/json", body)
}

/// A JSON response labelled with the JSON media type the spec documents (`text/json`, a
/// vendor's `+json`).
pub fn json_as<T: serde::Serialize + ?Sized>(
    status: u16,
    content_type: &'static str,
    body: &T,
) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => raw(status, content_type, bytes),
        Err(err) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot encode the response: {err}"),
        )
            .into_response(),
    }
}

/// A response without a body.
pub fn empty(status: u16) -> Response {
    StatusCode::from_u16(status)
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        .into_response()
}

/// A binary response, sent as its bytes come.
pub fn stream(status: u16, content_type: &'static str, body: ByteStream) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let len = body.len();
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, content_type)],
        axum::body::Body::from_stream(body),
    )
        .into_response();
    if let Some(len) = len {
        response
            .headers_mut()
            .insert(axum::http::header::CONTENT_LENGTH, len.into());
    }
    response
}

/// A response of another content type, sent as is.
pub fn raw(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, content_type)],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_decode_percent_escapes_and_plus() {
        assert_eq!(
            parse_query("a=1&b=x+y%2Fz&&flag&c=%E2%82%AC"),
            [("a", "1"), ("b", "x y/z"), ("flag", ""), ("c", "€")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    #[test]
    fn basic_credentials_decode_with_or_without_padding() {
        assert_eq!(decode_base64("dXNlcjpwYXNz").as_deref(), Some("user:pass"));
        assert_eq!(decode_base64("Zm9vYg==").as_deref(), Some("foob"));
        assert_eq!(decode_base64("Zm9vYg").as_deref(), Some("foob"));
        assert_eq!(decode_base64("not base64!"), None);
    }

    #[test]
    fn rejections_are_json_with_their_status() {
        let rejection = Rejection::new(422, "validation_failed", "2 violations");
        assert_eq!(
            serde_json::to_value(&rejection).unwrap(),
            serde_json::json!({"status": 422, "code": "validation_failed", "message": "2 violations"})
        );
        assert_eq!(
            rejection.into_response().status(),
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Problem {
        message: String,
        code: Option<String>,
        status: Option<u16>,
        error: Option<Inner>,
    }

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Inner {
        reason: Option<String>,
    }

    const PROBLEM: &[(&str, Fill)] = &[
        ("message", Fill::Message),
        ("code", Fill::Listed(&[(422, "invalid")])),
        ("status", Fill::Status),
        ("error", Fill::Object(&[("reason", Fill::Code)])),
    ];

    #[test]
    fn bodies_are_filled_by_the_status_refused_and_sent() {
        let rejection = Rejection::new(422, "validation_failed", "2 violations");
        let body: Option<Problem> = filled(&rejection, 400, PROBLEM);
        assert_eq!(
            body,
            Some(Problem {
                message: "2 violations".into(),
                code: Some("invalid".into()),
                status: Some(400),
                error: Some(Inner {
                    reason: Some("validation_failed".into())
                }),
            })
        );
        let unlisted = Rejection::new(400, "invalid_body", "not JSON");
        let body: Option<Problem> = filled(&unlisted, 400, PROBLEM);
        assert_eq!(body.and_then(|b| b.code), None);
        let unfilled: Option<Problem> = filled(&rejection, 400, &[("status", Fill::Status)]);
        assert_eq!(unfilled, None, "the required message is missing");
    }

    /// The status, the challenge and the JSON body of a response built in memory.
    fn answer(response: Response) -> (u16, Option<String>, serde_json::Value) {
        use std::future::Future as _;
        let status = response.status().as_u16();
        let challenge = response
            .headers()
            .get(axum::http::header::WWW_AUTHENTICATE)
            .map(|v| v.to_str().unwrap().to_owned());
        // A body held in memory is ready at once: no executor needed.
        let read = std::pin::pin!(axum::body::to_bytes(response.into_body(), usize::MAX));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let std::task::Poll::Ready(bytes) = read.poll(&mut context) else {
            panic!("an in-memory body is ready at once")
        };
        (
            status,
            challenge,
            serde_json::from_slice(&bytes.unwrap()).unwrap(),
        )
    }

    #[test]
    fn refusals_take_the_documented_status_and_the_filled_body() {
        let rejection = Rejection::new(422, "validation_failed", "2 violations");
        let response = refuse(
            rejection.clone(),
            400,
            "application/problem+json",
            |r, s| filled::<Problem>(r, s, PROBLEM),
            |seen, body| {
                assert_eq!(seen.status, 400, "the implementation sees the status sent");
                if let Some(body) = body {
                    body.message = format!("{} (checked)", body.message);
                }
            },
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let (status, _, body) = answer(response);
        assert_eq!(
            (status, body["message"].as_str()),
            (400, Some("2 violations (checked)"))
        );

        let unbuilt = refuse(
            rejection,
            400,
            "application/json",
            no_default::<Problem>,
            |_, _| {},
        );
        let (status, _, body) = answer(unbuilt);
        assert_eq!(
            (status, &body["error"]["code"]),
            (400, &serde_json::json!("validation_failed"))
        );
        assert_eq!(body["error"]["status"], 400);

        let anonymous = Rejection::new(401, "unauthorized", "missing credentials");
        let json = serde_json::Value::from_rejection;
        let (status, challenge, body) =
            answer(refuse(anonymous, 401, "application/json", json, |_, _| {}));
        assert_eq!((status, challenge.as_deref()), (401, Some("Bearer")));
        assert_eq!(body["error"]["code"], "unauthorized");
    }
}
