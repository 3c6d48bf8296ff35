//! Maps a JSON pointer to a line and column in YAML or JSON text.
//!
//! Runs only when a diagnostic is reported, so the normal path parses each file once.

use yaml_rust2::parser::{Event, Parser};

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

/// Returns the 1-based line and column of the node at `pointer`, or of its deepest existing
/// ancestor, or `None` if the text cannot be parsed.
pub fn line_col(text: &str, pointer: &str) -> Option<(usize, usize)> {
    let target = segments(pointer);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut best: Option<(usize, (usize, usize))> = None;
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let here = (mark.line(), mark.col() + 1);
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::MappingStart(..)
                | Event::SequenceStart(..)
        );
        if starts_node {
            match stack.last_mut() {
                Some(Frame::Map { key }) if key.is_none() => {
                    if let Event::Scalar(name, ..) = &event {
                        *key = Some((name.clone(), here));
                    } else if !matches!(event, Event::Alias(_)) {
                        stack.push(Frame::Key);
                    }
                    continue;
                }
                Some(Frame::Key) => {}
                parent => {
                    // A mapping entry is shown at its key, a list item at itself.
                    let here = match parent {
                        Some(Frame::Map { key: Some((_, at)) }) => *at,
                        _ => here,
                    };
                    if let Some(depth) = matched_depth(&stack, &target) {
                        if depth == target.len() {
                            return Some(here);
                        }
                        if best.is_none_or(|(d, _)| depth > d) {
                            best = Some((depth, here));
                        }
                    }
                }
            }
        }
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map { key: None }),
            Event::SequenceStart(..) => stack.push(Frame::Seq { index: 0 }),
            Event::MappingEnd | Event::SequenceEnd => {
                let ended = stack.pop();
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
    best.map(|(_, at)| at)
}

/// After a value completes, the parent moves to its next key or index.
fn finish_value(stack: &mut [Frame]) {
    match stack.last_mut() {
        Some(Frame::Map { key }) => *key = None,
        Some(Frame::Seq { index }) => *index += 1,
        _ => {}
    }
}

/// How many leading segments of `target` the node about to start matches, if it lies on the
/// target's path at all.
fn matched_depth(stack: &[Frame], target: &[String]) -> Option<usize> {
    if stack.len() > target.len() {
        return None;
    }
    for (frame, want) in stack.iter().zip(target) {
        let same = match frame {
            Frame::Map {
                key: Some((key, _)),
            } => key == want,
            Frame::Seq { index } => index.to_string() == *want,
            _ => false,
        };
        if !same {
            return None;
        }
    }
    Some(stack.len())
}

/// Splits a JSON pointer (with or without the leading `#`) into unescaped segments.
pub fn segments(pointer: &str) -> Vec<String> {
    let pointer = pointer.strip_prefix('#').unwrap_or(pointer);
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
