//! Base64 (RFC 4648), for `Authorization: Basic` and `format: byte`: too little to pull in a
//! dependency for. Free of dependencies, so the generator compiles this same file to compare
//! examples with what the generated code writes.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes with the standard alphabet and `=` padding.
pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes the standard or the URL-safe alphabet, with or without padding; `None` for a
/// character outside them or a length no encoding has.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut digits = 0usize;
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for c in text.trim_end_matches('=').bytes() {
        let value = match c {
            b'-' => 62,
            b'_' => 63,
            _ => ALPHABET.iter().position(|a| *a == c)? as u32,
        };
        digits += 1;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    // One digit left over holds fewer than 8 bits: no input encodes to that.
    (digits % 4 != 1).then_some(out)
}

#[cfg(test)]
mod tests {
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn encodes_the_rfc_4648_vectors() {
        for (plain, encoded) in VECTORS {
            assert_eq!(super::encode(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn decodes_the_rfc_4648_vectors_with_or_without_padding() {
        for (plain, encoded) in VECTORS {
            assert_eq!(super::decode(encoded).as_deref(), Some(plain.as_bytes()));
            let bare = encoded.trim_end_matches('=');
            assert_eq!(super::decode(bare).as_deref(), Some(plain.as_bytes()));
        }
        assert_eq!(super::decode("not base64!"), None);
        assert_eq!(super::decode("Zm9vY"), None, "a lone sixth digit");
    }

    #[test]
    fn decodes_the_url_safe_alphabet() {
        assert_eq!(super::decode("-_-_"), super::decode("+/+/"));
        assert_eq!(
            super::decode("-_-_").as_deref(),
            Some(&[0xfb, 0xff, 0xbf][..])
        );
    }
}
