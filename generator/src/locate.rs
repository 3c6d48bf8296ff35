//! Maps a JSON pointer to a line and column in YAML or JSON text.
//!
//! Runs only when a diagnostic is reported, so the normal path parses each file once; the
//! first diagnostic of a file indexes every node, the others look up.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};

/// JSON pointer -> 1-based line and column of every node (a mapping entry at its key).
pub type Index = HashMap<String, (usize, usize)>;

/// Indexes every node of `text` in one pass (as far as the text parses).
pub fn index(text: &str) -> Index {
    let mut index = Index::new();
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // The pointer of each open container, so a child's pointer is one push away.
    let mut pointers: Vec<String> = Vec::new();
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
                        pointers.push(String::new());
                    }
                    continue;
                }
                Some(Frame::Key) => {}
                parent => {
                    let parent_pointer = pointers.last().map(String::as_str).unwrap_or("");
                    let (segment, at) = match parent {
                        Some(Frame::Map {
                            key: Some((name, at)),
                        }) => (escape(name), *at),
                        Some(Frame::Seq { index }) => (index.to_string(), here),
                        _ => (String::new(), here),
                    };
                    let full = if stack.is_empty() {
                        String::new()
                    } else {
                        format!("{parent_pointer}/{segment}")
                    };
                    index.entry(full.clone()).or_insert(at);
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

/// The position of `pointer`, or of its deepest indexed ancestor.
pub fn lookup(index: &Index, pointer: &str) -> Option<(usize, usize)> {
    let mut current = pointer.strip_prefix('#').unwrap_or(pointer);
    loop {
        if let Some(at) = index.get(current) {
            return Some(*at);
        }
        let cut = current.rfind('/')?;
        current = &current[..cut];
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
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
    fn works_on_json() {
        let json = "{\n  \"a\": {\n    \"b\": [1, 2]\n  }\n}";
        assert_eq!(line_col(json, "/a/b/1"), Some((3, 14)));
    }
}
