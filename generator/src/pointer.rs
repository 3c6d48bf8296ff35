//! JSON pointers (RFC 6901): every stage names places in a document with them, so they are
//! built and read here only.

/// Escapes one segment: `~` and `/` would otherwise read as syntax.
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped segment back.
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// The pointer of `pointer`'s child named `segment`.
pub fn child(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_segment(segment))
}

/// The pointer of the node reached through `segments` from the document.
pub fn from_segments(segments: &[&str]) -> String {
    segments
        .iter()
        .fold(String::new(), |at, segment| child(&at, segment))
}

/// The pointer of item `index` of the list at `pointer`.
pub fn item(pointer: &str, index: usize) -> String {
    format!("{pointer}/{index}")
}

/// The unescaped segments of `pointer`; none for the whole document (`""`).
pub fn segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    let body = pointer.strip_prefix('/').unwrap_or(pointer);
    (!pointer.is_empty())
        .then(|| body.split('/').map(unescape_segment))
        .into_iter()
        .flatten()
}

/// The last segment of `pointer` (or of a `$ref`), unescaped: the key of the node it names.
pub fn last_segment(pointer: &str) -> String {
    unescape_segment(pointer.rsplit('/').next().unwrap_or(pointer))
}

/// Whether `pointer` is `ancestor` or a node below it.
pub fn is_within(ancestor: &str, pointer: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The key of a component, when `pointer` is `/components/<kind>/<key>` itself (not a node
/// inside one).
pub fn component_key(pointer: &str, kind: &str) -> Option<String> {
    let key = pointer
        .strip_prefix("/components/")?
        .strip_prefix(kind)?
        .strip_prefix('/')?;
    (!key.contains('/')).then(|| unescape_segment(key))
}

/// The pointer in a local `$ref` (`#/a/b`), percent-decoded as URI fragments are; `None` for a
/// reference into another file.
pub fn from_reference(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    String::from_utf8(crate::percent::percent_decode(fragment, false)).ok()
}

/// The pointer of the place a decoding error names.
pub fn from_serde_path(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = item(&pointer, *index),
            Segment::Map { key } => pointer = child(&pointer, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_round_trip_through_escaping() {
        let pointer = child(&child("/paths", "/a~b/{id}"), "get");
        assert_eq!(pointer, "/paths/~1a~0b~1{id}/get");
        assert_eq!(
            segments(&pointer).collect::<Vec<_>>(),
            ["paths", "/a~b/{id}", "get"]
        );
        assert_eq!(segments("").count(), 0);
        assert_eq!(from_segments(&["paths", "/a~b/{id}", "get"]), pointer);
    }

    #[test]
    fn within_means_the_node_or_below() {
        assert!(is_within("/a/b", "/a/b"));
        assert!(is_within("/a/b", "/a/b/c"));
        assert!(!is_within("/a/b", "/a/bc"));
        assert!(is_within("", "/a"));
    }

    #[test]
    fn component_keys_and_references() {
        assert_eq!(
            component_key("/components/schemas/a~1b", "schemas").as_deref(),
            Some("a/b")
        );
        assert_eq!(
            component_key("/components/schemas/A/properties", "schemas"),
            None
        );
        assert_eq!(component_key("/components/schemasX/A", "schemas"), None);
        assert_eq!(from_reference("#/a%20b/c").as_deref(), Some("/a b/c"));
        assert_eq!(from_reference("other.yaml#/a"), None);
    }
}
