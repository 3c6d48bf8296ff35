//! What a route alone cannot decide: whether a request fits an operation's path template when a
//! segment mixes parameters with text (`{p0.0}.json`, `{p0.0}:cancel`, `items('{p0.0}')`), is
//! text axum cannot route (`:batchGet`), or the template carries a query (`?city={q0}`). The
//! router captures such a segment whole; this splits it against the template.
//!
//! Templates are the spec's paths with every parameter renamed for the route; the generator
//! writes them, so they are well formed (no two parameters without text between them).

/// The parameters a request path (percent-encoded, as it arrived) holds in the segments of
/// `template` (its path part) that are neither plain text nor one whole parameter, decoded;
/// `None` when the text of such a segment does not match. Segments are compared from the end,
/// so a router nested under a prefix changes nothing.
pub fn fit_path(template: &str, path: &str) -> Option<Vec<(String, String)>> {
    let template = template.strip_prefix('/').unwrap_or(template);
    let mut segments = path.rsplit('/');
    let mut found = Vec::new();
    for expected in template.rsplit('/') {
        let segment = segments.next()?;
        if !is_whole_parameter(expected) {
            fit_segment(expected, segment, &mut found)?;
        }
    }
    Some(found)
}

/// The parameters a template's query (`city={q0}&country={q1}`, `full=true`) takes from a
/// request's decoded query pairs; `None` when a key is missing or a fixed value differs.
pub fn fit_query(template: &str, query: &[(String, String)]) -> Option<Vec<(String, String)>> {
    let mut found = Vec::new();
    for pair in template.split('&').filter(|pair| !pair.is_empty()) {
        let (key, expected) = pair.split_once('=').unwrap_or((pair, ""));
        let value = query.iter().find(|(k, _)| k == key).map(|(_, v)| v)?;
        match parameter_name(expected) {
            Some(name) => found.push((name.to_owned(), value.clone())),
            None if pair.contains('=') && value != expected => return None,
            None => {}
        }
    }
    Some(found)
}

fn is_whole_parameter(segment: &str) -> bool {
    parameter_name(segment).is_some()
}

/// `name` of a text that is exactly `{name}`.
fn parameter_name(text: &str) -> Option<&str> {
    let name = text.strip_prefix('{')?.strip_suffix('}')?;
    (!name.contains(['{', '}'])).then_some(name)
}

/// A piece of a template segment.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Piece<'t> {
    Text(&'t [u8]),
    Parameter(&'t str),
}

fn pieces(segment: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        if open > 0 {
            pieces.push(Piece::Text(&rest.as_bytes()[..open]));
        }
        pieces.push(Piece::Parameter(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.as_bytes()));
    }
    pieces
}

/// A byte of a request's path segment: as written, or from a `%XX` escape.
#[derive(Clone, Copy, Debug)]
struct Unit {
    byte: u8,
    /// Escaped, and not an unreserved character (RFC 3986 makes `%2E` and `.` the same
    /// thing, but `%3A` is data where `:` is a delimiter).
    escaped: bool,
}

fn units(segment: &str) -> Vec<Unit> {
    let bytes = segment.as_bytes();
    let mut units = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match super::percent::escaped_byte(&bytes[i..]) {
            Some(byte) => {
                units.push(Unit {
                    byte,
                    escaped: !is_unreserved(byte),
                });
                i += 3;
            }
            None => {
                units.push(Unit {
                    byte: bytes[i],
                    escaped: false,
                });
                i += 1;
            }
        }
    }
    units
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Bytes a path segment may hold as they are; any other byte of a template's text only
/// arrives escaped.
fn allowed_as_is(byte: u8) -> bool {
    is_unreserved(byte) || b"!$&'()*+,;=:@".contains(&byte)
}

/// Whether the template text `text` stands in `units` at `at`.
fn text_at(units: &[Unit], at: usize, text: &[u8]) -> bool {
    units.get(at..at + text.len()).is_some_and(|found| {
        found
            .iter()
            .zip(text)
            .all(|(unit, &byte)| unit.byte == byte && (!unit.escaped || !allowed_as_is(byte)))
    })
}

fn decoded(units: &[Unit]) -> String {
    let bytes: Vec<u8> = units.iter().map(|unit| unit.byte).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Splits one segment against its template: texts must match, each parameter takes at least
/// one byte. A text between two parameters is looked for leftmost (which finds a split
/// whenever there is one); the last text must end the segment.
fn fit_segment(template: &str, segment: &str, found: &mut Vec<(String, String)>) -> Option<()> {
    let units = units(segment);
    let pieces = pieces(template);
    let mut at = 0;
    // A parameter that starts at `at` and waits for the text that ends it.
    let mut open: Option<&str> = None;
    for (index, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Parameter(name) => {
                if open.is_some() {
                    return None;
                }
                open = Some(name);
            }
            Piece::Text(text) => {
                let start = match open.take() {
                    None => at,
                    Some(name) => {
                        let last = index + 1 == pieces.len();
                        let latest = units.len().checked_sub(text.len())?;
                        let start = if last {
                            Some(latest).filter(|&s| s > at)
                        } else {
                            (at + 1..=latest).find(|&s| text_at(&units, s, text))
                        }?;
                        found.push((name.to_owned(), decoded(&units[at..start])));
                        start
                    }
                };
                if !text_at(&units, start, text) {
                    return None;
                }
                at = start + text.len();
            }
        }
    }
    if let Some(name) = open {
        if at == units.len() {
            return None;
        }
        found.push((name.to_owned(), decoded(&units[at..])));
        at = units.len();
    }
    (at == units.len()).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn fit(template: &str, path: &str) -> Option<Vec<(String, String)>> {
        fit_path(template, path)
    }

    #[test]
    fn a_suffix_splits_off_and_must_match() {
        let t = "/files/{p0.0}.json";
        assert_eq!(
            fit(t, "/files/report.json"),
            Some(pairs(&[("p0.0", "report")]))
        );
        assert_eq!(fit(t, "/files/a.b.json"), Some(pairs(&[("p0.0", "a.b")])));
        assert_eq!(fit(t, "/files/report.txt"), None);
        // A parameter is never empty, as a whole segment never is.
        assert_eq!(fit(t, "/files/.json"), None);
    }

    #[test]
    fn prefixes_infixes_and_several_parameters() {
        let odata = "/items('{p0.0}')";
        assert_eq!(
            fit(odata, "/items('a%20b')"),
            Some(pairs(&[("p0.0", "a b")]))
        );
        assert_eq!(fit(odata, "/items(a)"), None);
        let range = "/a/{p0.0}-{p0.1}";
        assert_eq!(
            fit(range, "/a/x-y-z"),
            Some(pairs(&[("p0.0", "x"), ("p0.1", "y-z")]))
        );
        assert_eq!(fit(range, "/a/-y"), None);
        assert_eq!(fit(range, "/a/xy"), None);
        let compare = "/compare/{p0.0}...{p0.1}";
        assert_eq!(
            fit(compare, "/compare/v1.0...v2.0"),
            Some(pairs(&[("p0.0", "v1.0"), ("p0.1", "v2.0")]))
        );
        let call = "/f(a={p0.0},b='{p0.1}')";
        assert_eq!(
            fit(call, "/f(a=1,b='x,y')"),
            Some(pairs(&[("p0.0", "1"), ("p0.1", "x,y")]))
        );
    }

    #[test]
    fn whole_parameters_and_text_are_the_routes_business() {
        // Only the mixed segment is read; the others were matched by the router.
        assert_eq!(
            fit(
                "/v1/{p0}/ops/{p1.0}:cancel",
                "/v1/anything/ops/op%2F1:cancel"
            ),
            Some(pairs(&[("p1.0", "op/1")]))
        );
        // Text axum cannot route as such is compared here.
        assert_eq!(fit("/v1/:batchGet", "/v1/:batchGet"), Some(Vec::new()));
        assert_eq!(fit("/v1/:batchGet", "/v1/:batchSet"), None);
    }

    #[test]
    fn segments_are_compared_from_the_end_under_a_prefix() {
        assert_eq!(
            fit("/files/{p0.0}.json", "/api/files/r.json"),
            Some(pairs(&[("p0.0", "r")]))
        );
    }

    #[test]
    fn escaped_delimiters_are_data_escaped_unreserved_characters_are_not() {
        let cancel = "/v1/{p0.0}:cancel";
        // `abc%3Acancel` is the whole name `abc:cancel`, as a client sends a plain `{name}`.
        assert_eq!(fit(cancel, "/v1/abc%3Acancel"), None);
        assert_eq!(
            fit(cancel, "/v1/a%3Ab:cancel"),
            Some(pairs(&[("p0.0", "a:b")]))
        );
        // `%2E` and `.` are the same character.
        assert_eq!(
            fit("/files/{p0.0}.json", "/files/r%2Ejson"),
            Some(pairs(&[("p0.0", "r")]))
        );
        // Text that is never sent as it is matches its escape.
        assert_eq!(
            fit("/x/{p0.0} é", "/x/a%20%C3%A9"),
            Some(pairs(&[("p0.0", "a")]))
        );
        // A broken escape is text, and values decode to UTF-8.
        assert_eq!(
            fit("/x/{p0.0}.j", "/x/100%.j"),
            Some(pairs(&[("p0.0", "100%")]))
        );
        assert_eq!(
            fit("/x/{p0.0}.j", "/x/%E2%82%AC.j"),
            Some(pairs(&[("p0.0", "€")]))
        );
    }

    #[test]
    fn parameters_next_to_each_other_never_fit() {
        assert_eq!(fit("/x/{a}{b}", "/x/ab"), None);
    }

    #[test]
    fn a_query_in_the_template_needs_its_keys() {
        let query = pairs(&[("city", "Oslo"), ("country", "NO"), ("full", "true")]);
        assert_eq!(
            fit_query("city={q0}&country={q1}", &query),
            Some(pairs(&[("q0", "Oslo"), ("q1", "NO")]))
        );
        assert_eq!(fit_query("city_id={q0}", &query), None);
        assert_eq!(fit_query("full=true", &query), Some(Vec::new()));
        assert_eq!(fit_query("full=false", &query), None);
        assert_eq!(fit_query("full", &query), Some(Vec::new()));
    }
}
