//! The configuration digest put on pod templates.
//!
//! The same digest as the Go operator: SHA-256 over `key:value//` for every entry, keys in
//! byte order, as lower-case hex. Identical data gives the identical digest whatever order
//! the entries come in, so only a real change of a file rolls the pods.

use sha2::{Digest, Sha256};

/// SHA-256 (lower-case hex) of the entries, sorted by key, each written as `key:value//`.
pub fn config_hash<'a, I>(entries: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut sorted: Vec<(&str, &str)> = entries.into_iter().collect();
    sorted.sort_unstable();
    let mut hasher = Sha256::new();
    for (key, value) in sorted {
        hasher.update(key.as_bytes());
        hasher.update(b":");
        hasher.update(value.as_bytes());
        hasher.update(b"//");
    }
    hex(&hasher.finalize())
}

/// SHA-256 of one string, as lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    sha256_hex_bytes(text.as_bytes())
}

/// SHA-256 of bytes, as lower-case hex.
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_map_hashes_the_empty_string() {
        assert_eq!(
            config_hash([]),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn digest_is_sha256_of_sorted_key_value_pairs() {
        let expected = sha256_hex("a:1//b:2//");
        assert_eq!(config_hash([("b", "2"), ("a", "1")]), expected);
        assert_eq!(config_hash([("a", "1"), ("b", "2")]), expected);
    }

    #[test]
    fn any_change_of_a_value_or_key_changes_the_digest() {
        let base = config_hash([("rstudio-connect.gcfg", "x")]);
        assert_ne!(base, config_hash([("rstudio-connect.gcfg", "y")]));
        assert_ne!(base, config_hash([("rstudio-pm.gcfg", "x")]));
    }

    #[test]
    fn known_value() {
        // printf 'abc' | sha256sum
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
