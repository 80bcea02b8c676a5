//! HTML building where escaping is the default: markup can only come from string literals,
//! every runtime value goes through [`Html::text`], which escapes it for both element content
//! and double-quoted attribute values.

use std::fmt::Write;

/// An HTML document under construction.
#[derive(Debug, Default)]
pub struct Html {
    out: String,
}

impl Html {
    pub fn new() -> Self {
        Self {
            out: String::with_capacity(8 * 1024),
        }
    }

    /// Appends trusted markup. Only `'static` strings are accepted, so a value computed at
    /// run time cannot be appended unescaped by accident.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// Appends a value, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        escape_into(&mut self.out, value);
        self
    }

    /// Appends a number.
    pub fn number(&mut self, value: u64) -> &mut Self {
        let _ = write!(self.out, "{value}");
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Escapes `& < > " '`: safe in element content and in quoted attribute values.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(&mut out, value);
    out
}

fn escape_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("plain text é"), "plain text é");
    }

    #[test]
    fn builder_escapes_text_only() {
        let mut html = Html::new();
        html.raw("<p title=\"")
            .text("a\"b")
            .raw("\">")
            .text("<b>")
            .raw("</p>");
        assert_eq!(html.finish(), "<p title=\"a&quot;b\">&lt;b&gt;</p>");
    }
}
