//! Keeping secrets out of `Debug` output and error messages.

use std::fmt;

/// What `Debug` shows instead of a secret.
pub const REDACTED: &str = "** redacted **";

/// Longest AWS message kept in an error, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// A secret string (secret access key, session token, web identity token). `Debug` shows
/// [`REDACTED`]; there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The cleartext, for signing or sending.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// An AWS error message made fit for logs: its first line (some services echo the canonical
/// request, session token included, on the next lines), at most 300 characters, and every
/// occurrence of the given secrets replaced.
pub fn service_message(message: &str, secrets: &[&str]) -> String {
    let first_line = message.lines().next().unwrap_or("").trim();
    let mut text = first_line.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, "[redacted]");
    }
    if text.chars().count() > MAX_MESSAGE_CHARS {
        text = text.chars().take(MAX_MESSAGE_CHARS).collect::<String>() + "...";
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_debug_is_redacted() {
        let secret = Sensitive::new("wJalrXUtnFEMI");
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert_eq!(secret.expose(), "wJalrXUtnFEMI");
    }

    #[test]
    fn messages_keep_their_first_line_without_secrets() {
        let message = "The request signature we calculated does not match token-ABCD.\n\
                       The Canonical String for this request should have been\n\
                       'x-amz-security-token:token-ABCD'";
        let text = service_message(message, &["token-ABCD", ""]);
        assert_eq!(
            text,
            "The request signature we calculated does not match [redacted]."
        );
    }

    #[test]
    fn long_messages_are_cut_on_a_character_boundary() {
        let text = service_message(&"é".repeat(1000), &[]);
        assert_eq!(text.chars().count(), MAX_MESSAGE_CHARS + 3);
        assert!(text.ends_with("..."));
    }
}
