//! HTML in spec descriptions (Stripe writes `<p>`, `<a href>`, `<code>`, lists) turned into the
//! Markdown rustdoc reads. Code spans, code fences and text that only looks like a tag
//! (`/users/<id>`) are left as written.

/// `text` with the HTML tags it knows turned into Markdown and other tags of HTML dropped.
pub fn html_to_markdown(text: &str) -> String {
    if !text.contains('<') {
        return text.to_owned();
    }
    let mut out = Converter::default();
    let mut in_fence = false;
    for line in text.split_inclusive('\n') {
        if is_fence(line) {
            in_fence = !in_fence;
            out.text.push_str(line);
        } else if in_fence {
            out.text.push_str(line);
        } else {
            out.line(line);
        }
    }
    tidy_blank_lines(&out.text)
}

fn is_fence(line: &str) -> bool {
    let line = line.trim_start();
    line.starts_with("```") || line.starts_with("~~~")
}

#[derive(Default)]
struct Converter {
    text: String,
    /// Open lists, innermost last: `Some(n)` numbers items from `n`, `None` bullets them.
    lists: Vec<Option<usize>>,
    /// Targets of open `<a>` elements, written after their text.
    links: Vec<Option<String>>,
    in_pre: bool,
}

impl Converter {
    fn line(&mut self, line: &str) {
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            if c == '`' && !self.in_pre {
                let span = code_span_len(rest);
                self.text.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            if c == '<' {
                if let Some((tag, len)) = Tag::parse(rest) {
                    self.tag(&tag);
                    rest = &rest[len..];
                    continue;
                }
            }
            self.text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }

    fn tag(&mut self, tag: &Tag) {
        if self.in_pre && !(tag.name == "pre" && tag.closing) {
            return;
        }
        let markdown = match (tag.name.as_str(), tag.closing) {
            ("p" | "div" | "table" | "blockquote" | "section", _) => "\n\n".to_owned(),
            ("br" | "tr", _) => "\n".to_owned(),
            ("code" | "tt" | "kbd" | "samp", _) => "`".to_owned(),
            ("strong" | "b", _) => "**".to_owned(),
            ("em" | "i", _) => "*".to_owned(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => "\n\n**".to_owned(),
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => "**\n\n".to_owned(),
            ("pre", closing) => {
                self.in_pre = !closing;
                "\n```\n".to_owned()
            }
            ("ul", false) => self.open_list(None),
            ("ol", false) => self.open_list(Some(1)),
            ("ul" | "ol", true) => {
                self.lists.pop();
                "\n\n".to_owned()
            }
            ("li", false) => self.list_item(),
            ("a", false) => {
                self.links.push(tag.href.clone());
                if tag.href.is_some() { "[" } else { "" }.to_owned()
            }
            ("a", true) => match self.links.pop().flatten() {
                Some(href) => format!("]({href})"),
                None => String::new(),
            },
            ("td" | "th", false) => " ".to_owned(),
            _ => String::new(),
        };
        self.text.push_str(&markdown);
    }

    fn open_list(&mut self, numbered: Option<usize>) -> String {
        self.lists.push(numbered);
        if self.lists.len() == 1 { "\n\n" } else { "" }.to_owned()
    }

    fn list_item(&mut self) -> String {
        let depth = self.lists.len().saturating_sub(1);
        let marker = match self.lists.last_mut() {
            Some(Some(number)) => {
                *number += 1;
                format!("{}.", *number - 1)
            }
            _ => "-".to_owned(),
        };
        format!("\n{}{marker} ", "  ".repeat(depth))
    }
}

/// A tag of HTML at the start of some text.
struct Tag {
    name: String,
    closing: bool,
    href: Option<String>,
}

/// Elements whose tags are read; any other `<word>` is text (a placeholder, a generic type).
const ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "center",
    "cite",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "font",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
];

impl Tag {
    /// The tag `text` starts with and its length, when it is one of [`ELEMENTS`].
    fn parse(text: &str) -> Option<(Tag, usize)> {
        let end = text.find('>')?;
        let inner = &text[1..end];
        let (closing, inner) = match inner.strip_prefix('/') {
            Some(inner) => (true, inner),
            None => (false, inner),
        };
        let inner = inner.strip_suffix('/').unwrap_or(inner);
        let name_len = inner
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(inner.len());
        let name = inner[..name_len].to_ascii_lowercase();
        let attributes = &inner[name_len..];
        let well_formed = attributes.is_empty() || attributes.starts_with(char::is_whitespace);
        if !well_formed || !ELEMENTS.contains(&name.as_str()) {
            return None;
        }
        let href = attribute(attributes, "href");
        Some((
            Tag {
                name,
                closing,
                href,
            },
            end + 1,
        ))
    }
}

/// The value of `name="..."` (or single-quoted) among `attributes`.
fn attribute(attributes: &str, name: &str) -> Option<String> {
    let at = attributes.find(&format!("{name}="))? + name.len() + 1;
    let rest = &attributes[at..];
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let end = value.find(quote)?;
    Some(value[..end].to_owned())
}

/// Length of the code span at the start of `text` (to its closing backtick, or one backtick
/// when it is not closed on the line).
fn code_span_len(text: &str) -> usize {
    let ticks = text.chars().take_while(|&c| c == '`').count();
    match text[ticks..].find(&"`".repeat(ticks)) {
        Some(close) => ticks + close + ticks,
        None => ticks,
    }
}

/// At most one blank line in a row, and none at either end: tags leave extra line breaks.
fn tidy_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    let mut in_fence = false;
    for line in text.lines() {
        if is_fence(line) {
            in_fence = !in_fence;
        }
        let blank = line.trim().is_empty() && !in_fence;
        blank_run = if blank { blank_run + 1 } else { 0 };
        if blank && (blank_run > 1 || out.is_empty()) {
            continue;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_markdown;

    #[test]
    fn paragraphs_links_code_and_emphasis() {
        assert_eq!(
            html_to_markdown(
                "<p>Creates a <a href=\"https://x.io/c\">charge</a> of <code>amount</code>.</p><p><strong>Note</strong>: <em>once</em>.</p>"
            ),
            "Creates a [charge](https://x.io/c) of `amount`.\n\n**Note**: *once*.\n"
        );
    }

    #[test]
    fn lists_nest_and_number() {
        assert_eq!(
            html_to_markdown(
                "Kinds:<ul><li>card</li><li>bank<ol><li>iban</li><li>ach</li></ol></li></ul>Done."
            ),
            "Kinds:\n\n- card\n- bank\n  1. iban\n  2. ach\n\nDone.\n"
        );
    }

    #[test]
    fn placeholders_code_spans_and_fences_stay_as_written() {
        let text = "GET /users/<id> returns `<b>` as is\n```\n<p>kept</p>\n\n\n```\n";
        assert_eq!(html_to_markdown(text), text);
    }

    #[test]
    fn preformatted_text_becomes_a_fence_without_its_inner_tags() {
        assert_eq!(
            html_to_markdown("Try:<pre><code>curl -X POST</code></pre>"),
            "Try:\n```\ncurl -X POST\n```\n"
        );
    }
}
