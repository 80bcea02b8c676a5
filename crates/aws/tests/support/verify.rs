//! An independent SigV4 verifier for the mock server: written from the specification, on the
//! `sha2` crate with HMAC built by hand, sharing no code with the signer under test.

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What the verifier needs of a received request.
pub struct Received<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Lowercase name to every value received, in order.
    pub headers: &'a BTreeMap<String, Vec<String>>,
    pub body: &'a [u8],
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug)]
pub struct Authorization {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

pub fn parse_authorization(value: &str) -> Result<Authorization, String> {
    let rest = value
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("the algorithm is not AWS4-HMAC-SHA256")?;
    let mut fields = BTreeMap::new();
    for part in rest.split(", ") {
        let (key, value) = part.split_once('=').ok_or("a field without '='")?;
        fields.insert(key, value);
    }
    let credential = fields.get("Credential").ok_or("no Credential")?;
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, date, region, service, terminator] = scope[..] else {
        return Err(format!("a credential scope of {} parts", scope.len()));
    };
    if terminator != "aws4_request" {
        return Err("the scope does not end in aws4_request".into());
    }
    Ok(Authorization {
        access_key_id: access_key_id.into(),
        date: date.into(),
        region: region.into(),
        service: service.into(),
        signed_headers: fields
            .get("SignedHeaders")
            .ok_or("no SignedHeaders")?
            .split(';')
            .map(str::to_string)
            .collect(),
        signature: fields.get("Signature").ok_or("no Signature")?.to_string(),
    })
}

/// The signature the request should carry, given the secret key of its access key.
pub fn expected_signature(
    received: &Received<'_>,
    authorization: &Authorization,
    secret_access_key: &str,
) -> Result<String, String> {
    let mut sorted = authorization.signed_headers.clone();
    sorted.sort();
    sorted.dedup();
    if sorted != authorization.signed_headers {
        return Err("SignedHeaders is not sorted and unique".into());
    }
    let mut canonical_headers = String::new();
    for name in &authorization.signed_headers {
        let values = received
            .headers
            .get(name)
            .ok_or_else(|| format!("signed header {name} was not sent"))?;
        let joined: Vec<String> = values
            .iter()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        canonical_headers += &format!("{name}:{}\n", joined.join(","));
    }
    let amz_date = received
        .headers
        .get("x-amz-date")
        .and_then(|v| v.first())
        .ok_or("no x-amz-date")?;
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        received.method,
        received.path,
        received.query,
        canonical_headers,
        authorization.signed_headers.join(";"),
        hex(&Sha256::digest(received.body))
    );
    let scope = format!(
        "{}/{}/{}/aws4_request",
        authorization.date, authorization.region, authorization.service
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let mut key = hmac(
        format!("AWS4{secret_access_key}").as_bytes(),
        authorization.date.as_bytes(),
    );
    for part in [
        &authorization.region,
        &authorization.service,
        "aws4_request",
    ] {
        key = hmac(&key, part.as_bytes());
    }
    Ok(hex(&hmac(&key, string_to_sign.as_bytes())))
}

/// HMAC-SHA256 (RFC 2104) over `sha2`.
pub fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let outer_pad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::new()
        .chain_update(&inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(&outer_pad)
        .chain_update(inner)
        .finalize()
        .to_vec()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
