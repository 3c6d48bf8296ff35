//! Maps a JSON pointer to a line and column in YAML or JSON text.
//!
//! Runs only when a diagnostic is reported, so the normal path parses each file once; the
//! first diagnostic of a file indexes every node, the others look up.
//!
//! Nodes are keyed by a hash of their pointer, built segment by segment, so indexing a large
//! document builds no pointer strings and keeps a few words per node.

use std::collections::HashMap;
use std::hash::Hasher as _;

use yaml_rust2::parser::{Event, Parser};

/// Hash of a JSON pointer -> 1-based line and column of its node (a mapping entry at its key).
pub type Index = HashMap<u64, (usize, usize)>;

/// The hash of the empty pointer (the document).
const ROOT: u64 = 0;

/// The hash of `parent`'s child named `segment` (unescaped).
fn child_hash(parent: u64, segment: &str) -> u64 {
    // A fixed-key hasher: the same pointer hashes the same in every run.
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write_u64(parent);
    hasher.write(segment.as_bytes());
    hasher.finish()
}

/// Indexes every node of `text` in one pass (as far as the text parses).
pub fn index(text: &str) -> Index {
    // Large specs are mostly JSON, which a byte scan indexes many times faster than a YAML
    // parser, and without its buffers.
    if text.trim_start().starts_with('{') {
        if let Some(index) = index_json(text) {
            return index;
        }
    }
    index_yaml(text)
}

/// An open JSON container while scanning.
enum JsonFrame {
    /// The pointer hash, and the key read and not yet given a value.
    Object(u64, Option<(String, (usize, usize))>),
    Array(u64, usize),
}

/// Indexes well-formed JSON by scanning its bytes; `None` if it is not.
fn index_json(text: &str) -> Option<Index> {
    let bytes = text.as_bytes();
    let mut index = Index::new();
    let mut stack: Vec<JsonFrame> = Vec::new();
    let (mut at, mut line, mut line_start_chars, mut chars) = (0usize, 1usize, 0usize, 0usize);
    while at < bytes.len() {
        let byte = bytes[at];
        let here = (line, chars - line_start_chars + 1);
        match byte {
            b'\n' => {
                line += 1;
                line_start_chars = chars + 1;
            }
            b' ' | b'\t' | b'\r' | b',' | b':' => {}
            b'}' | b']' => {
                stack.pop()?;
                finish_json_value(&mut stack);
            }
            b'"' if matches!(stack.last(), Some(JsonFrame::Object(_, None))) => {
                let end = string_end(bytes, at)?;
                let key: String = serde_json::from_str(&text[at..end]).ok()?;
                if let Some(JsonFrame::Object(_, pending)) = stack.last_mut() {
                    *pending = Some((key, here));
                }
                chars += text[at..end].chars().count();
                at = end;
                continue;
            }
            _ => {
                let hash = start_json_value(&stack, &mut index, here)?;
                match byte {
                    b'{' => stack.push(JsonFrame::Object(hash, None)),
                    b'[' => stack.push(JsonFrame::Array(hash, 0)),
                    _ => {
                        let end = if byte == b'"' {
                            string_end(bytes, at)?
                        } else {
                            at + bytes[at..]
                                .iter()
                                .position(|b| b"\t\r\n ,:]}".contains(b))
                                .unwrap_or(bytes.len() - at)
                        };
                        chars += text[at..end].chars().count();
                        at = end;
                        finish_json_value(&mut stack);
                        continue;
                    }
                }
            }
        }
        if byte & 0xC0 != 0x80 {
            chars += 1;
        }
        at += 1;
    }
    stack.is_empty().then_some(index)
}

/// Indexes the value that starts at `here` and returns its pointer hash; `None` where no value
/// may start (a key is due).
fn start_json_value(stack: &[JsonFrame], index: &mut Index, here: (usize, usize)) -> Option<u64> {
    let (hash, at) = match stack.last() {
        None => (ROOT, here),
        Some(JsonFrame::Object(parent, Some((key, key_at)))) => (child_hash(*parent, key), *key_at),
        Some(JsonFrame::Object(_, None)) => return None,
        Some(JsonFrame::Array(parent, position)) => {
            (child_hash(*parent, &position.to_string()), here)
        }
    };
    index.entry(hash).or_insert(at);
    Some(hash)
}

/// The index just past the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
    None
}

fn finish_json_value(stack: &mut [JsonFrame]) {
    match stack.last_mut() {
        Some(JsonFrame::Object(_, pending)) => *pending = None,
        Some(JsonFrame::Array(_, position)) => *position += 1,
        None => {}
    }
}

/// Indexes YAML (and JSON that the byte scan rejects) with a YAML parser.
fn index_yaml(text: &str) -> Index {
    let mut index = Index::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // The pointer hash of each open container, so a child's is one step away.
    let mut pointers: Vec<u64> = Vec::new();
    while let Ok((event, mark)) = parser.next_token() {
        let here = (mark.line(), mark.col() + 1);
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        let mut pointer = None;
        if starts_node {
            match stack.last_mut() {
                Some(Frame::Map { key }) if key.is_none() => {
                    if let Event::Scalar(name, ..) = &event {
                        *key = Some((name.clone(), here));
                    } else if !matches!(event, Event::Alias(_)) {
                        stack.push(Frame::Key);
                        pointers.push(ROOT);
                    }
                    continue;
                }
                Some(Frame::Key) => {}
                parent => {
                    let parent_pointer = pointers.last().copied().unwrap_or(ROOT);
                    let (full, at) = yaml_node(parent.as_deref(), parent_pointer, here);
                    index.entry(full).or_insert(at);
                    pointer = Some(full);
                }
            }
        }
        match event {
            Event::MappingStart(..) => {
                stack.push(Frame::Map { key: None });
                pointers.push(pointer.unwrap_or_default());
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq { index: 0 });
                pointers.push(pointer.unwrap_or_default());
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let ended = stack.pop();
                pointers.pop();
                if matches!(ended, Some(Frame::Key)) {
                    if let Some(Frame::Map { key }) = stack.last_mut() {
                        *key = Some((String::new(), here));
                    }
                    continue;
                }
                finish_value(&mut stack);
            }
            Event::Scalar(..) | Event::Alias(_) => finish_value(&mut stack),
            Event::StreamEnd => break,
            _ => {}
        }
    }
    index
}

/// The pointer hash of a node opening at `here` under `parent`, and where it is indexed: a
/// mapping entry at its key.
fn yaml_node(
    parent: Option<&Frame>,
    parent_pointer: u64,
    here: (usize, usize),
) -> (u64, (usize, usize)) {
    match parent {
        None => (ROOT, here),
        Some(Frame::Map {
            key: Some((name, at)),
        }) => (child_hash(parent_pointer, name), *at),
        Some(Frame::Seq { index }) => (child_hash(parent_pointer, &index.to_string()), here),
        _ => (child_hash(parent_pointer, ""), here),
    }
}

/// The position of `pointer`, or of its deepest indexed ancestor.
pub fn lookup(index: &Index, pointer: &str) -> Option<(usize, usize)> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    let mut chain = vec![ROOT];
    for segment in crate::pointer::segments(pointer) {
        let parent = chain.last().copied().unwrap_or(ROOT);
        chain.push(child_hash(parent, &segment));
    }
    chain.iter().rev().find_map(|hash| index.get(hash).copied())
}

enum Frame {
    /// A mapping; `key` is the key whose value is being read, if any.
    Map {
        key: Option<(String, (usize, usize))>,
    },
    Seq {
        index: usize,
    },
    /// A complex (non-scalar) mapping key, skipped.
    Key,
}

/// After a value completes, the parent moves to its next key or index.
fn finish_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => *key = None,
        Some(Frame::Seq { index }) => *index += 1,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_col(text: &str, pointer: &str) -> Option<(usize, usize)> {
        lookup(&index(text), pointer)
    }

    const YAML: &str =
        "openapi: 3.0.1\npaths:\n  /users:\n    post:\n      operationId: x\n      tags: [a, b]\n";

    #[test]
    fn finds_nested_keys_and_sequence_items() {
        assert_eq!(
            line_col(YAML, "/paths/~1users/post/operationId"),
            Some((5, 7))
        );
        assert_eq!(line_col(YAML, "/paths/~1users/post/tags/1"), Some((6, 17)));
    }

    #[test]
    fn falls_back_to_the_deepest_existing_ancestor() {
        assert_eq!(
            line_col(YAML, "/paths/~1users/post/requestBody"),
            Some((4, 5))
        );
    }

    #[test]
    fn the_json_scan_agrees_with_the_yaml_parser() {
        let json = "{\"openapi\": \"3.1.0\",\n \"paths\": {\"/a~b/{id}\": {\"get\": {\"tags\": [\"x\", {\"k\\\"q\": [1, -2.5e3, true, null]}],\n  \"summary\": \"caf\u{e9} \\u00e9 [x]: {y}\", \"e\": {}, \"f\": []}}},\n \"z\": \"\u{1F600}\", \"w\": 1}";
        let scanned = index_json(json).expect("well-formed JSON");
        assert_eq!(scanned, index_yaml(json));
        assert_eq!(
            lookup(&scanned, "/paths/~1a~0b~1{id}/get/tags/1/k\"q/2"),
            Some((2, 69))
        );
        assert_eq!(lookup(&scanned, "/w"), Some((4, 12)));
        assert!(index_json("{\"a\": [1, 2}").is_none());
        // Cut anywhere (even inside a character), the text is indexed or refused, never a panic.
        for (cut, _) in json.char_indices() {
            let _ = index(&json[..cut]);
            let _ = index_json(&format!("{}é\\", &json[..cut]));
        }
    }

    #[test]
    fn works_on_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}";
        assert_eq!(line_col(json, "/a/b/1"), Some((3, 14)));
    }
}
