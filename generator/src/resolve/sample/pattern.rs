//! A best-effort text matching a regular expression: literals, classes, escapes, groups (the
//! first alternative), anchors and quantifiers (one repetition, or the least allowed). What it
//! cannot read it skips, so the guess may miss: the wire check reports it as a guess.

/// A text `pattern` is likely to match; `None` when the pattern cannot be read.
pub(super) fn sample(pattern: &str) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut reader = Reader {
        chars: &chars,
        at: 0,
    };
    let text = reader.alternation()?;
    (reader.at == chars.len()).then_some(text)
}

struct Reader<'p> {
    chars: &'p [char],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(c)
    }

    /// Branches separated by `|`: the first one's text.
    fn alternation(&mut self) -> Option<String> {
        let first = self.sequence()?;
        while self.peek() == Some('|') {
            self.at += 1;
            self.sequence()?;
        }
        Some(first)
    }

    fn sequence(&mut self) -> Option<String> {
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let times = self.quantifier()?;
            for _ in 0..times {
                text.push_str(&atom);
            }
        }
        Some(text)
    }

    fn atom(&mut self) -> Option<String> {
        Some(match self.next()? {
            '^' | '$' => String::new(),
            '.' => "a".into(),
            '(' => self.group()?,
            '[' => self.class()?.to_string(),
            '\\' => self.escape()?,
            c => c.to_string(),
        })
    }

    /// A group after its `(`: lookarounds add nothing, other groups their first branch.
    fn group(&mut self) -> Option<String> {
        let mut lookaround = false;
        if self.peek() == Some('?') {
            self.at += 1;
            match self.next()? {
                ':' => {}
                '=' | '!' => lookaround = true,
                '<' if matches!(self.peek(), Some('=' | '!')) => {
                    self.at += 1;
                    lookaround = true;
                }
                // A named group: `(?<name>...)` or `(?P<name>...)`.
                '<' | 'P' => while self.next()? != '>' {},
                _ => return None,
            }
        }
        let text = self.alternation()?;
        (self.next()? == ')').then_some(if lookaround { String::new() } else { text })
    }

    /// A character class after its `[`: the first character it allows.
    fn class(&mut self) -> Option<char> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut members: Vec<(char, char)> = Vec::new();
        let mut first = true;
        loop {
            let c = self.next()?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = match c {
                '\\' => match self.next()? {
                    'd' => {
                        members.push(('0', '9'));
                        continue;
                    }
                    'w' => {
                        members.extend([('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')]);
                        continue;
                    }
                    's' => {
                        members.push((' ', ' '));
                        continue;
                    }
                    other => escaped_char(other, self)?,
                },
                c => c,
            };
            if self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']') {
                self.at += 1;
                let high = match self.next()? {
                    '\\' => escaped_char(self.next()?, self)?,
                    c => c,
                };
                members.push((low, high));
            } else {
                members.push((low, low));
            }
        }
        if negated {
            return "a0A_- "
                .chars()
                .find(|c| !members.iter().any(|(l, h)| (l..=h).contains(&c)));
        }
        // A letter or digit reads better than whatever comes first.
        let pick = members
            .iter()
            .find(|(l, h)| (l..=h).contains(&&'a') || (l..=h).contains(&&'1'))
            .map(|(l, h)| if (l..=h).contains(&&'a') { 'a' } else { '1' });
        pick.or_else(|| members.first().map(|(low, _)| *low))
    }

    /// An escape after its `\` outside a class.
    fn escape(&mut self) -> Option<String> {
        Some(match self.next()? {
            'd' => "1".into(),
            'w' | 'D' | 'S' => "a".into(),
            'W' => "-".into(),
            's' => " ".into(),
            'b' | 'B' | 'A' | 'z' | 'Z' => String::new(),
            'p' | 'P' => {
                if self.peek() == Some('{') {
                    while self.next()? != '}' {}
                }
                "a".into()
            }
            other => escaped_char(other, self)?.to_string(),
        })
    }

    /// How often the atom before repeats: once, or the least the quantifier allows when that
    /// is more (`{3}`); a lazy or possessive mark is skipped.
    fn quantifier(&mut self) -> Option<usize> {
        let times = match self.peek() {
            Some('*' | '+' | '?') => {
                self.at += 1;
                1
            }
            Some('{') if self.chars[self.at..].contains(&'}') => {
                self.at += 1;
                let mut spec = String::new();
                loop {
                    match self.next()? {
                        '}' => break,
                        c => spec.push(c),
                    }
                }
                let (low, high) = match spec.split_once(',') {
                    Some((low, high)) => (low.trim().parse().ok()?, high.trim().parse().ok()),
                    None => (spec.trim().parse().ok()?, None),
                };
                if low == 0 {
                    high.map_or(1, |high: usize| high.min(1))
                } else {
                    low
                }
            }
            _ => return Some(1),
        };
        if matches!(self.peek(), Some('?' | '+')) {
            self.at += 1;
        }
        Some(times)
    }
}

/// The character an escape stands for (`\n`, `\u0041`, `\.`).
fn escaped_char(c: char, reader: &mut Reader<'_>) -> Option<char> {
    let hex = |reader: &mut Reader<'_>, digits: usize| {
        let text: String = (0..digits).filter_map(|_| reader.next()).collect();
        u32::from_str_radix(&text, 16).ok().and_then(char::from_u32)
    };
    Some(match c {
        'n' => '\n',
        't' => '\t',
        'r' => '\r',
        'u' => hex(reader, 4)?,
        'x' => hex(reader, 2)?,
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn common_patterns_get_a_matching_text() {
        let cases = [
            ("^[A-Z]{3}-[0-9]+$", "AAA-1"),
            ("^[0-9]{5}$", "11111"),
            (r"^\d{4}-\d{2}$", "1111-11"),
            ("^(foo|bar)_[a-z]*$", "foo_a"),
            (r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", "a@a.aa"),
            ("^(?:v[0-9]+)?$", "v1"),
            (r"^\p{L}+\.x$", "a.x"),
            ("^[-_a-z]{0,3}$", "a"),
            (r"^\u0041b(?=c)", "Ab"),
        ];
        for (pattern, expected) in cases {
            assert_eq!(sample(pattern).as_deref(), Some(expected), "{pattern}");
        }
    }

    #[test]
    fn a_pattern_it_cannot_read_gives_nothing() {
        assert_eq!(sample("^(unclosed"), None);
        assert_eq!(sample("[abc"), None);
        assert_eq!(sample("(?#comment)"), None);
    }
}
