//! Spec text to rustdoc: one `#[doc]` attribute per line, made safe for rustdoc.
//!
//! Spec descriptions are CommonMark (or HTML) written for a docs site. HTML becomes Markdown
//! first. Rustdoc would read `[x]` as an intra-doc link, raw `<tags>` as HTML, bare URLs as
//! lint errors, and indented or unlabelled code blocks as doctests to compile; each is
//! neutralised here.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes for `text`, or nothing when there is none.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => {
            let lines = rustdoc_lines(text);
            quote! { #( #[doc = #lines] )* }
        }
        None => TokenStream::new(),
    }
}

/// The lines of `text` as rustdoc-safe markdown, each with a leading space.
pub fn rustdoc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    // The column a list item's text starts at, until a blank line ends the item.
    let mut item_content: Option<usize> = None;
    let text = super::html::html_to_markdown(&text.replace("\r\n", "\n").replace('\r', "\n"));
    for raw in text.lines() {
        let line: String = raw
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .filter(|c| !c.is_control())
            .collect();
        let trimmed = line.trim_start();
        let marker = fence_marker(trimmed);
        match (&fence, marker) {
            (None, Some(marker)) => {
                fence = Some(marker.clone());
                lines.push(format!(" {marker}text"));
            }
            (Some(open), Some(marker)) if marker == *open && trimmed.trim_end() == marker => {
                fence = None;
                lines.push(format!(" {marker}"));
            }
            (Some(_), _) => lines.push(format!(" {}", line.trim_end())),
            (None, None) => {
                // Four spaces would start a code block (a doctest); up to three keep list
                // continuations attached to their item.
                let mut indent = (line.len() - trimmed.len()).min(3);
                if trimmed.is_empty() {
                    item_content = None;
                } else if let Some(width) = list_marker_width(trimmed) {
                    item_content = Some(indent + width);
                } else if let Some(content) = item_content {
                    // A continuation line, aligned with its item's text (a lazy one is read
                    // the same way, but rustdoc lints it).
                    indent = indent.max(content);
                }
                lines.push(format!(
                    " {}{}",
                    " ".repeat(indent),
                    escape_markdown(trimmed.trim_end())
                ));
            }
        }
    }
    if let Some(open) = fence {
        lines.push(format!(" {open}"));
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    lines
}

/// The width of the list marker `line` starts with (`- `, `* `, `+ `, `1. `, `1) `).
fn list_marker_width(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|m| line.starts_with(m)) {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

fn fence_marker(line: &str) -> Option<String> {
    for c in ['`', '~'] {
        let n = line.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(c.to_string().repeat(n));
        }
    }
    None
}

/// Escapes link brackets and what would open an HTML tag outside inline code, and wraps bare
/// URLs in `<>`. A `>` stays: it opens a quote (GitHub's `> [!NOTE]`) and closes nothing.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            in_code = !in_code;
            out.push(c);
            rest = &rest[1..];
            continue;
        }
        if !in_code {
            if let Some(len) = url_len(rest) {
                let url = &rest[..len];
                if out.ends_with("](") || out.ends_with('<') {
                    out.push_str(url);
                } else {
                    out.push('<');
                    out.push_str(url);
                    out.push('>');
                }
                rest = &rest[len..];
                continue;
            }
            if c == '[' {
                if let Some(len) = markdown_link_len(rest) {
                    out.push_str(&escape_markdown_link(&rest[..len]));
                    rest = &rest[len..];
                    continue;
                }
            }
            match c {
                '[' => out.push_str("\\["),
                ']' => out.push_str("\\]"),
                '<' => out.push_str("&lt;"),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    if in_code {
        // An unclosed code span would swallow the rest of the paragraph.
        out.push('`');
    }
    out
}

/// Length of a `[text](url)` link at the start of `text`.
fn markdown_link_len(text: &str) -> Option<usize> {
    let close = text.find("](")?;
    if text[1..close].contains(['[', ']']) {
        return None;
    }
    let end = text[close..].find(')')? + close;
    Some(end + 1)
}

/// A markdown link with HTML-escaped text; brackets kept since it is a real link.
fn escape_markdown_link(link: &str) -> String {
    link.replace('<', "&lt;").replace('>', "&gt;")
}

/// Length of a URL starting at the beginning of `text`, trailing punctuation excluded.
fn url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end = text
        .find(|c: char| {
            c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']' | '[' | '(')
        })
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '*']);
    Some(url.len())
}

#[cfg(test)]
mod tests {
    use super::rustdoc_lines;

    #[test]
    fn escapes_brackets_html_and_wraps_urls() {
        assert_eq!(
            rustdoc_lines("See [docs] at https://x.io/a. <b>bold</b> <x> `a[0] <x>`"),
            vec![" See \\[docs\\] at <https://x.io/a>. **bold** &lt;x> `a[0] <x>`"]
        );
    }

    #[test]
    fn code_blocks_become_text_and_indentation_stays_below_a_code_block() {
        let text = "Example:\n\n    indented\n```json\n{\"a\": [1]}\n```\n- item\n  more\n";
        assert_eq!(
            rustdoc_lines(text),
            vec![
                " Example:",
                " ",
                "    indented",
                " ```text",
                " {\"a\": [1]}",
                " ```",
                " - item",
                "   more"
            ]
        );
    }

    #[test]
    fn continuation_lines_align_with_their_list_item() {
        let text = "Load it:\n  * if you can,\n  search first.\n  * else\nask the origin\n\nDone\n12. twelve\n  more";
        assert_eq!(
            rustdoc_lines(text),
            vec![
                " Load it:",
                "   * if you can,",
                "     search first.",
                "   * else",
                "     ask the origin",
                " ",
                " Done",
                " 12. twelve",
                "     more"
            ]
        );
    }

    #[test]
    fn markdown_links_keep_their_url() {
        assert_eq!(
            rustdoc_lines("[site](https://x.io) and [`code`](https://x.io/c)"),
            vec![" [site](https://x.io) and [`code`](https://x.io/c)"]
        );
    }

    #[test]
    fn control_characters_are_removed() {
        assert_eq!(rustdoc_lines("a\u{0}b\u{1b}c\td"), vec![" abc d"]);
    }
}
