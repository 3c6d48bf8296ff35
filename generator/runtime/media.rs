//! Media types: which bodies are JSON. Free of dependencies, so the generator compiles this
//! same file and decides it for a spec's bodies as the server does for a request's.

/// The essence of a `Content-Type`: type and subtype, lower-cased, without parameters.
pub fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type essence is JSON: a `json` subtype of any type (`application/json`,
/// `text/json`), a `+json` suffix (`application/vnd.github+json`), or `x-json`.
pub fn is_json(essence: &str) -> bool {
    let subtype = essence.split_once('/').map_or("", |(_, subtype)| subtype);
    matches!(subtype, "json" | "x-json") || subtype.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_types_are_known_by_their_essence() {
        assert_eq!(
            essence(" Application/JSON; charset=utf-8"),
            "application/json"
        );
        assert!(is_json(&essence("application/problem+json")));
        assert!(is_json(&essence("text/json; charset=utf-8")));
        assert!(is_json(&essence("application/vnd.github+json")));
        assert!(is_json(&essence("application/x-json")));
        assert!(!is_json(&essence("text/plain")));
        assert!(!is_json(&essence("application/x-ndjson")));
        assert!(!is_json(&essence("application/jsonl")));
        assert!(!is_json(&essence("json")));
    }
}
