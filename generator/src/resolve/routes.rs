//! Server routes: how axum routes each operation's path, and what the router checks beyond
//! the route when a segment mixes parameters with text (`/files/{name}.json`,
//! `/v1/{name}:cancel`, `/items('{id}')`) or the path carries a query (`/current?city={city}`).
//!
//! axum captures whole segments only, so such a segment becomes a capture of its own and the
//! generated router splits it against the template (`generator/runtime/route.rs`); a query
//! in the path is matched against the request's query. Operations whose templates share a
//! route and method share one handler that tries their templates in turn.

use super::Resolver;
use crate::diag::{Code, Severity};
use crate::ir::{ParamLocation, Parameter};

/// How the server routes one path template.
#[derive(Debug, PartialEq)]
pub(super) struct RoutePlan {
    /// axum's route: the text segments, and `{p<k>}` for every other segment.
    pub route: String,
    /// The template with every parameter renamed for the route, when the route alone cannot
    /// tell ([`crate::ir::Operation::route_match`]).
    pub route_match: Option<String>,
    /// (name in the template, name in the route) of each parameter.
    pub names: Vec<(String, String)>,
    /// Requests of two operations with one method and one key cannot be told apart.
    pub key: String,
}

/// A piece of a path segment.
#[derive(Debug, PartialEq)]
enum Piece<'p> {
    Text(&'p str),
    Parameter(&'p str),
}

/// The pieces of a segment; an error names what a router cannot split.
fn pieces(segment: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut pieces = Vec::new();
    let mut rest = segment;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => break,
            (Some(open), Some(close)) if open < close => {
                let name = &rest[open + 1..close];
                if name.contains('{') {
                    return Err(format!("path segment `{segment}` has nested braces"));
                }
                if open > 0 {
                    pieces.push(Piece::Text(&rest[..open]));
                } else if let Some(Piece::Parameter(previous)) = pieces.last() {
                    return Err(format!(
                        "path segment `{segment}` has two parameters (`{{{previous}}}` and `{{{name}}}`) with no text between them, so a request cannot be split between them"
                    ));
                }
                pieces.push(Piece::Parameter(name));
                rest = &rest[close + 1..];
            }
            _ => return Err(format!("path segment `{segment}` has unbalanced braces")),
        }
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    Ok(pieces)
}

/// How the server routes `path`, or why it cannot. `required_query` names the operation's
/// required query parameters: a fragment made of `key=value` pairs of those (`#Action=Describe`,
/// as AWS descriptions tell operations of one path apart) is matched as the query the client
/// sends; any other fragment never reaches a server.
pub(super) fn plan(path: &str, required_query: &[&str]) -> Result<RoutePlan, String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` does not start with `/`"));
    }
    let (path_part, query) = split_query(path, required_query)?;
    let mut names = Vec::new();
    let segments = route_segments(path_part, &mut names)?;
    let query = query.map(|q| query_template(&q, &mut names)).transpose()?;
    let key = match &query {
        Some(pairs) => query_key(&segments.template, pairs),
        None => segments.template.clone(),
    };
    let route_match = match query {
        Some(pairs) => Some(format!("{}?{}", segments.template, pairs.join("&"))),
        None => segments.checked.then_some(segments.template),
    };
    Ok(RoutePlan {
        route: segments.route,
        route_match,
        names,
        key,
    })
}

/// The path without its query and fragment, and the query the client sends: the path's own
/// (`?city={city}`), with a fragment of required query pairs added to it.
fn split_query<'p>(
    path: &'p str,
    required_query: &[&str],
) -> Result<(&'p str, Option<String>), String> {
    let (path, fragment) = match path.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (path, None),
    };
    let (path_part, mut query) = match path.split_once('?') {
        Some((path_part, query)) => (path_part, Some(query.to_owned())),
        None => (path, None),
    };
    if let Some(fragment) = fragment {
        let is_query = !fragment.is_empty()
            && fragment.split('&').all(|pair| {
                pair.split_once('=').is_some_and(|(key, value)| {
                    required_query.contains(&key) && !value.contains(['{', '}'])
                })
            });
        if !is_query {
            return Err(format!(
                "the path ends in a fragment (`#{fragment}`), which clients never send, so a server cannot tell this operation's requests by it"
            ));
        }
        query = Some(match query {
            Some(query) if !query.is_empty() => format!("{query}&{fragment}"),
            _ => fragment.to_owned(),
        });
    }
    Ok((path_part, query))
}

/// The axum route of a path and its template with parameters renamed by capture.
struct Segments {
    route: String,
    template: String,
    /// Whether some segment must be split against the template after axum matched it.
    checked: bool,
}

fn route_segments(path: &str, names: &mut Vec<(String, String)>) -> Result<Segments, String> {
    let mut route = Vec::new();
    let mut template = Vec::new();
    let mut captures = 0;
    let mut checked = false;
    for segment in path.split('/').skip(1) {
        let pieces = pieces(segment)?;
        let capture = format!("p{captures}");
        match pieces.as_slice() {
            // axum refuses text segments that start with `:` or `*` (its older capture syntax):
            // they are captured and compared like mixed ones.
            [] | [Piece::Text(_)] if !segment.starts_with([':', '*']) => {
                route.push(segment.to_owned());
                template.push(segment.to_owned());
                continue;
            }
            [Piece::Parameter(name)] => {
                names.push((name.to_string(), capture.clone()));
                template.push(format!("{{{capture}}}"));
            }
            _ => {
                template.push(mixed_template(&pieces, &capture, names));
                checked = true;
            }
        }
        route.push(format!("{{{capture}}}"));
        captures += 1;
    }
    Ok(Segments {
        route: format!("/{}", route.join("/")),
        template: format!("/{}", template.join("/")),
        checked,
    })
}

/// A mixed segment's template, its parameters renamed `<capture>.<i>`.
fn mixed_template(
    pieces: &[Piece<'_>],
    capture: &str,
    names: &mut Vec<(String, String)>,
) -> String {
    let mut index = 0;
    pieces
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.to_string(),
            Piece::Parameter(name) => {
                let renamed = format!("{capture}.{index}");
                index += 1;
                names.push((name.to_string(), renamed.clone()));
                format!("{{{renamed}}}")
            }
        })
        .collect()
}

/// What tells a route with a query apart: neither the order of the pairs nor the names of
/// their parameters do.
fn query_key(template: &str, pairs: &[String]) -> String {
    let mut sorted: Vec<String> = pairs
        .iter()
        .map(|pair| match pair.split_once("={") {
            Some((key, _)) => format!("{key}={{}}"),
            None => pair.clone(),
        })
        .collect();
    sorted.sort();
    format!("{template}?{}", sorted.join("&"))
}

/// The pairs of a query a path carries (`city={city}&country={country}`, `full=true`), each
/// parameter renamed `q<i>`: a key is text, a value text or one whole parameter.
fn query_template(query: &str, names: &mut Vec<(String, String)>) -> Result<Vec<String>, String> {
    let mut index = 0;
    let mut pairs = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = match pair.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (pair, None),
        };
        if key.contains(['{', '}']) {
            return Err(format!(
                "the query `?{query}` in the path names a key by a parameter (`{key}`)"
            ));
        }
        let value = match value.map(pieces).transpose()?.as_deref() {
            None => None,
            Some([]) => Some(String::new()),
            Some([Piece::Text(text)]) => Some(text.to_string()),
            Some([Piece::Parameter(name)]) => {
                let renamed = format!("q{index}");
                index += 1;
                names.push((name.to_string(), renamed.clone()));
                Some(format!("{{{renamed}}}"))
            }
            Some(_) => {
                return Err(format!(
                    "the query `?{query}` in the path mixes a parameter with text in the value of `{key}`"
                ))
            }
        };
        pairs.push(match value {
            Some(value) => format!("{key}={value}"),
            None => key.to_owned(),
        });
    }
    Ok(pairs)
}

/// The server's route of one operation and what it checks beyond it.
pub(super) struct Route {
    pub route: Option<String>,
    pub route_match: Option<String>,
}

impl Resolver<'_> {
    /// The server route of an operation, naming its path parameters as the route does; no
    /// route (with a warning) when axum cannot route the template or an earlier operation's
    /// requests cannot be told from this one's. `site` is the operation's path, lower-case
    /// method and pointer; `routes` holds the (key, method) of every operation routed so far.
    pub(super) fn route(
        &mut self,
        (path, method, pointer): (&str, &str, &str),
        parameters: &mut [Parameter],
        routes: &mut Vec<(String, String)>,
    ) -> Route {
        let required_query: Vec<&str> = parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Query && p.required)
            .map(|p| p.wire.as_str())
            .collect();
        let problem = match plan(path, &required_query) {
            Ok(plan) if routes.iter().any(|(k, m)| *k == plan.key && m == method) => Err(format!(
                "another operation already serves `{} {}` (the same path up to parameter names)",
                method.to_ascii_uppercase(),
                plan.key
            )),
            other => other,
        };
        match problem {
            Ok(plan) => {
                for parameter in parameters
                    .iter_mut()
                    .filter(|p| p.location == ParamLocation::Path)
                {
                    parameter.route_name = plan
                        .names
                        .iter()
                        .find(|(name, _)| *name == parameter.wire)
                        .map(|(_, route_name)| route_name.clone());
                }
                routes.push((plan.key, method.to_owned()));
                Route {
                    route: Some(plan.route),
                    route_match: plan.route_match,
                }
            }
            Err(why) => {
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    pointer,
                    format!(
                        "{why}; the server stub does not route this operation (the client has it)"
                    ),
                    None,
                );
                Route {
                    route: None,
                    route_match: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(path: &str) -> (String, Option<String>, Vec<(String, String)>) {
        let plan = plan(path, &[]).unwrap();
        (plan.route, plan.route_match, plan.names)
    }

    fn names(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn whole_parameters_are_captured_by_position() {
        assert_eq!(
            planned("/items/{item_id}/tags/{tag}"),
            (
                "/items/{p0}/tags/{p1}".into(),
                None,
                names(&[("item_id", "p0"), ("tag", "p1")])
            )
        );
        assert_eq!(planned("/").0, "/");
        assert_eq!(planned("/a/").0, "/a/");
    }

    #[test]
    fn mixed_segments_are_captured_whole_and_split_by_the_template() {
        assert_eq!(
            planned("/v1/{parent}/files/{name}.json"),
            (
                "/v1/{p0}/files/{p1}".into(),
                Some("/v1/{p0}/files/{p1.0}.json".into()),
                names(&[("parent", "p0"), ("name", "p1.0")])
            )
        );
        assert_eq!(
            planned("/f(a={a},b='{b}')/{c}"),
            (
                "/{p0}/{p1}".into(),
                Some("/f(a={p0.0},b='{p0.1}')/{p1}".into()),
                names(&[("a", "p0.0"), ("b", "p0.1"), ("c", "p1")])
            )
        );
        // Text axum would read as its older capture syntax.
        assert_eq!(
            planned("/v1/:batchGet"),
            ("/v1/{p0}".into(), Some("/v1/:batchGet".into()), Vec::new())
        );
    }

    #[test]
    fn a_query_in_the_path_is_matched_against_the_request_query() {
        assert_eq!(
            planned("/current?city={city}&country={country}"),
            (
                "/current".into(),
                Some("/current?city={q0}&country={q1}".into()),
                names(&[("city", "q0"), ("country", "q1")])
            )
        );
        assert_eq!(
            planned("/t/{id}?full=true&x"),
            (
                "/t/{p0}".into(),
                Some("/t/{p0}?full=true&x".into()),
                names(&[("id", "p0")])
            )
        );
        assert_eq!(
            plan("/a?x={x}&y={y}", &[]).unwrap().key,
            plan("/a?y={y}&x={x}", &[]).unwrap().key
        );
    }

    #[test]
    fn a_fragment_of_required_query_pairs_is_matched_as_the_query() {
        let describe = plan("/#Action=Describe", &["Action", "Version"]).unwrap();
        assert_eq!(
            (describe.route.as_str(), describe.route_match.as_deref()),
            ("/", Some("/?Action=Describe"))
        );
        let run = plan("/a?x={x}#Action=Run", &["Action"]).unwrap();
        assert_eq!(run.route_match.as_deref(), Some("/a?x={q0}&Action=Run"));
        assert_ne!(
            run.key,
            plan("/a?x={x}#Action=Stop", &["Action"]).unwrap().key
        );
    }

    #[test]
    fn templates_that_differ_only_in_names_share_a_key() {
        assert_eq!(
            plan("/v1/{a}:cancel", &[]).unwrap().key,
            plan("/v1/{b}:cancel", &[]).unwrap().key
        );
        assert_ne!(
            plan("/v1/{a}:cancel", &[]).unwrap().key,
            plan("/v1/{a}:get", &[]).unwrap().key
        );
        assert_eq!(
            plan("/v1/{a}:cancel", &[]).unwrap().route,
            plan("/v1/{a}", &[]).unwrap().route
        );
    }

    #[test]
    fn what_cannot_be_split_says_why() {
        let why = |path: &str| plan(path, &["Action"]).unwrap_err();
        assert!(why("/blog/{page}{ext}").contains("no text between them"));
        assert!(why("/files/{id}#add_link").contains("fragment (`#add_link`)"));
        assert!(why("/#Other=X").contains("fragment (`#Other=X`)"));
        assert!(why("/a/b}").contains("unbalanced"));
        assert!(why("/a?{key}=1").contains("names a key by a parameter"));
        assert!(why("/a?k=x{v}").contains("mixes a parameter with text"));
        assert!(why("items").contains("does not start with `/`"));
    }
}
