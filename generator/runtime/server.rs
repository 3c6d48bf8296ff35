//! What the generated axum servers share.

use super::{CredentialSet, FromParam, Placement, Secret, Validate, Violation};
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Why a request was refused before its handler ran. Sent as
/// `{"error": {"status": 400, "code": "...", "message": "...", "violations": [...]}}`:
/// 401 `unauthorized`, 400 `missing_parameter` / `invalid_parameter` / `missing_body` /
/// `invalid_body`, 404 `not_found` (a path whose mixed segments fit no operation), 413
/// `body_too_large`, 415 `unsupported_media_type`, and 422 `validation_failed` with every
/// violation of the schema's rules.
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
        let mut response = json(status.as_u16(), &serde_json::json!({ "error" : self }));
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
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
        let query = uri.query().map(parse_query).unwrap_or_default();
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
        })
    }
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

    /// Decodes and validates a JSON body; `None` when it is empty and optional.
    pub fn json_body<T: serde::de::DeserializeOwned + Validate>(
        &self,
        required: bool,
    ) -> Result<Option<T>, Rejection> {
        if self.body.is_empty() {
            return if required {
                Err(Rejection::new(
                    400,
                    "missing_body",
                    "the request needs a JSON body",
                ))
            } else {
                Ok(None)
            };
        }
        if let Some(content_type) = self
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
        {
            if !super::media::is_json(&super::media::essence(content_type)) {
                return Err(Rejection::new(
                    415,
                    "unsupported_media_type",
                    format!("expected application/json, got {content_type}"),
                ));
            }
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
}
