//! Just enough XML to read STS answers: the text of a nested element, entities decoded.
//!
//! STS answers are flat, unprefixed, attribute-free documents whose leaves hold text, so a
//! path of element names is all a reader needs. Comments, CDATA and namespace prefixes are
//! not supported (STS sends none).

/// The decoded text of the element reached by `path` (each name searched inside the previous
/// element), or `None` when an element is missing.
pub fn text_at(xml: &str, path: &[&str]) -> Option<String> {
    let mut scope = xml;
    for name in path {
        scope = element_content(scope, name)?;
    }
    Some(unescape(scope.trim()))
}

/// The content of the first `<name>` or `<name ...>` element of `xml`.
fn element_content<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    loop {
        let start = from + xml[from..].find(&format!("<{name}"))?;
        let after_name = start + 1 + name.len();
        let rest = &xml[after_name..];
        match rest.chars().next()? {
            '>' => {
                let content_start = after_name + 1;
                let end = content_start + xml[content_start..].find(&format!("</{name}>"))?;
                return Some(&xml[content_start..end]);
            }
            c if c.is_whitespace() => {
                let tag_end = after_name + rest.find('>')?;
                if xml[..tag_end].ends_with('/') {
                    return Some("");
                }
                let content_start = tag_end + 1;
                let end = content_start + xml[content_start..].find(&format!("</{name}>"))?;
                return Some(&xml[content_start..end]);
            }
            '/' if rest.starts_with("/>") => return Some(""),
            // A longer name with the same prefix (`<Credentials` vs `<CredentialsX`).
            _ => from = after_name,
        }
    }
}

/// Decodes the five predefined entities and numeric character references.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';') else { break };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <AssumedRoleUser><Arn>arn:aws:sts::123:assumed-role/r/s</Arn></AssumedRoleUser>
    <CredentialsCount>9</CredentialsCount>
    <Credentials>
      <SessionToken>tok/+=&amp;&#x41;&#66;</SessionToken>
      <Expiration>2015-08-30T13:36:00Z</Expiration>
      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
      <Empty/>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>"#;

    #[test]
    fn nested_text_is_found_and_decoded() {
        let creds = ["AssumeRoleWithWebIdentityResult", "Credentials"];
        let at = |leaf: &str| text_at(ANSWER, &[creds[0], creds[1], leaf]);
        assert_eq!(at("SessionToken").as_deref(), Some("tok/+=&AB"));
        assert_eq!(at("AccessKeyId").as_deref(), Some("ASIAEXAMPLE"));
        assert_eq!(at("Empty").as_deref(), Some(""));
        assert_eq!(at("Missing"), None);
        assert_eq!(
            text_at(
                ANSWER,
                &[
                    "AssumeRoleWithWebIdentityResponse",
                    "AssumedRoleUser",
                    "Arn"
                ]
            )
            .as_deref(),
            Some("arn:aws:sts::123:assumed-role/r/s")
        );
    }

    #[test]
    fn a_longer_name_with_the_same_prefix_is_not_a_match() {
        assert_eq!(text_at(ANSWER, &["CredentialsCount"]).as_deref(), Some("9"));
        assert!(
            text_at(ANSWER, &["Credentials", "AccessKeyId"]).is_some(),
            "<CredentialsCount> must not be taken for <Credentials>"
        );
    }

    #[test]
    fn unknown_entities_stay_as_they_are() {
        assert_eq!(unescape("a &bogus; b & c &#xZZ;"), "a &bogus; b & c &#xZZ;");
        assert_eq!(unescape("&lt;&gt;&quot;&apos;"), "<>\"'");
    }
}
