//! Percent-decoding, as query strings and URI fragments need it. Free of dependencies, so the
//! generator compiles this same file to read the `$ref` fragments of a spec.

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`, as in query strings). A
/// broken escape stays as it is written.
pub fn percent_decode(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], escaped_byte(&bytes[i..])) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The byte of a `%XX` escape at the start of `bytes`.
pub fn escaped_byte(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [b'%', high, low, ..] => Some((hex_digit(*high)? << 4) | hex_digit(*low)?),
        _ => None,
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_plus_decode() {
        assert_eq!(
            percent_decode("x+y%2Fz%E2%82%AC", true),
            "x y/z€".as_bytes()
        );
        assert_eq!(percent_decode("x+y%2f", false), b"x+y/");
    }

    #[test]
    fn broken_escapes_are_kept_as_text() {
        assert_eq!(percent_decode("100%", true), b"100%");
        assert_eq!(percent_decode("%zz%4", true), b"%zz%4");
        assert_eq!(percent_decode("%+1%41", true), b"% 1A");
    }
}
