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

/// Whether a media type essence is binary content, streamed rather than held whole: anything
/// but JSON, forms, multipart, text and XML (`application/octet-stream`, images, PDFs).
pub fn is_binary(essence: &str) -> bool {
    !(essence.is_empty()
        || is_json(essence)
        || essence == "application/x-www-form-urlencoded"
        || essence.starts_with("multipart/")
        || essence.starts_with("text/")
        || essence.ends_with("/xml")
        || essence.ends_with("+xml"))
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

    #[test]
    fn binary_types_are_what_no_other_reading_claims() {
        for binary in ["application/octet-stream", "image/png", "application/pdf"] {
            assert!(is_binary(binary), "{binary}");
        }
        for kept_whole in [
            "",
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/mixed",
            "text/event-stream",
            "application/atom+xml",
            "text/xml",
        ] {
            assert!(!is_binary(kept_whole), "{kept_whole}");
        }
    }
}
