//! AWS Signature Version 4, with the signature in the `Authorization` header.
//!
//! Pure functions over a [`SignableRequest`]: the canonical request, the string to sign, the
//! signing key and the header value. They are checked against the official SigV4 test suite.

use ring::{digest, hmac};
use std::fmt::Write as _;
use std::time::SystemTime;

/// The only algorithm AWS services accept for SigV4 header signing.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A request as the signer sees it. Strings are raw (not URI-encoded): the canonical form
/// encodes them.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    pub method: &'a str,
    /// The absolute path, `/` for the JSON and query protocols.
    pub path: &'a str,
    /// Query parameters in any order.
    pub query: &'a [(&'a str, &'a str)],
    /// Every header to sign, `host` and `x-amz-date` included. Names are case-insensitive; a
    /// name given more than once is signed as one comma-joined value, in the order given.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

/// Where and when a signature is valid: `20150830/us-east-1/service/aws4_request`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// `YYYYMMDDTHHMMSSZ`, the value of the `x-amz-date` header.
    pub amz_date: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

impl Scope<'_> {
    /// The date part of [`Scope::amz_date`].
    pub fn date(&self) -> &str {
        self.amz_date.get(..8).unwrap_or(self.amz_date)
    }

    /// The credential scope, as it appears in the string to sign.
    pub fn credential_scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date(),
            self.region,
            self.service
        )
    }
}

/// The canonical request and the list of signed header names (`host;x-amz-date`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    pub text: String,
    pub signed_headers: String,
}

/// Builds the canonical request of SigV4 task 1.
pub fn canonical_request(request: &SignableRequest<'_>) -> CanonicalRequest {
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in request.headers {
        let name = name.to_ascii_lowercase();
        let value = collapse_whitespace(value);
        match headers.iter_mut().find(|(existing, _)| *existing == name) {
            Some((_, joined)) => {
                joined.push(',');
                joined.push_str(&value);
            }
            None => headers.push((name, value)),
        }
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));

    let mut query: Vec<(String, String)> = request
        .query
        .iter()
        .map(|(key, value)| (uri_encode(key, true), uri_encode(value, true)))
        .collect();
    query.sort();

    let mut text = String::new();
    text.push_str(request.method);
    text.push('\n');
    text.push_str(&canonical_path(request.path));
    text.push('\n');
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    text.push_str(&query.join("&"));
    text.push('\n');
    for (name, value) in &headers {
        let _ = writeln!(text, "{name}:{value}");
    }
    text.push('\n');
    let signed_headers = headers
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    text.push_str(&signed_headers);
    text.push('\n');
    text.push_str(&sha256_hex(request.body));
    CanonicalRequest {
        text,
        signed_headers,
    }
}

/// The string to sign of SigV4 task 2.
pub fn string_to_sign(scope: &Scope<'_>, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}\n{}\n{}",
        scope.amz_date,
        scope.credential_scope(),
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The signing key of SigV4 task 3: HMACs of date, region, service and `aws4_request`.
pub fn signing_key(secret_access_key: &str, scope: &Scope<'_>) -> [u8; 32] {
    let mut key = hmac_sha256(
        format!("AWS4{secret_access_key}").as_bytes(),
        scope.date().as_bytes(),
    );
    for part in [scope.region, scope.service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

/// A computed signature and the `Authorization` header that carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    pub canonical_request: String,
    pub string_to_sign: String,
    /// Lowercase hex.
    pub signature: String,
    pub authorization: String,
}

/// Signs `request` for the given access key, secret key and scope.
pub fn sign(
    request: &SignableRequest<'_>,
    scope: &Scope<'_>,
    access_key_id: &str,
    secret_access_key: &str,
) -> Signature {
    let canonical = canonical_request(request);
    let string_to_sign = string_to_sign(scope, &canonical.text);
    let key = signing_key(secret_access_key, scope);
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    let authorization = format!(
        "{ALGORITHM} Credential={access_key_id}/{}, SignedHeaders={}, Signature={signature}",
        scope.credential_scope(),
        canonical.signed_headers
    );
    Signature {
        canonical_request: canonical.text,
        string_to_sign,
        signature,
        authorization,
    }
}

/// The `x-amz-date` form of a time: `20150830T123600Z` (UTC).
pub fn amz_date(time: SystemTime) -> String {
    match jiff::Timestamp::try_from(time) {
        Ok(timestamp) => timestamp.strftime("%Y%m%dT%H%M%SZ").to_string(),
        // Outside jiff's range (years -9999..=9999): no clock of a running pod is there.
        Err(_) => "19700101T000000Z".to_string(),
    }
}

/// Lowercase hex SHA-256 of `data`: the payload hash of a canonical request.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(digest::digest(&digest::SHA256, data).as_ref())
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Trims a header value and turns every run of spaces, tabs or line breaks into one space.
fn collapse_whitespace(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each path segment URI-encoded once; `/` kept.
fn canonical_path(path: &str) -> String {
    if path.is_empty() {
        return "/".to_string();
    }
    path.split('/')
        .map(|segment| uri_encode(segment, true))
        .collect::<Vec<_>>()
        .join("/")
}

/// Percent-encodes everything except the unreserved characters `A-Z a-z 0-9 - _ . ~`
/// (uppercase hex, as SigV4 requires). With `encode_slash` false, `/` is kept.
pub fn uri_encode(text: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let unreserved = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~');
        if unreserved || (byte == b'/' && !encode_slash) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn amz_date_is_utc_with_no_separators() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(at), "20150830T123600Z");
        assert_eq!(amz_date(SystemTime::UNIX_EPOCH), "19700101T000000Z");
        let leap_day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_164_800 + 86_399);
        assert_eq!(amz_date(leap_day), "20240229T235959Z");
    }

    #[test]
    fn uri_encoding_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("a-b_c.d~e", true), "a-b_c.d~e");
        assert_eq!(uri_encode("a b+c/d=é", true), "a%20b%2Bc%2Fd%3D%C3%A9");
        assert_eq!(uri_encode("a/b c", false), "a/b%20c");
    }

    #[test]
    fn header_values_are_trimmed_and_collapsed() {
        assert_eq!(collapse_whitespace("  a \t b\n  c  "), "a b c");
        assert_eq!(collapse_whitespace(""), "");
    }

    #[test]
    fn an_empty_path_is_the_root() {
        assert_eq!(canonical_path(""), "/");
        assert_eq!(canonical_path("/"), "/");
        assert_eq!(canonical_path("/a b/c"), "/a%20b/c");
    }
}
