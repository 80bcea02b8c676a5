//! Short pages that explain why there is nothing else to show: not found, Site unavailable.

use super::layout::{self, Frame, Nav};
use crate::html::Html;

/// A page with a heading and one paragraph.
pub fn render(title: &str, message: &str) -> String {
    let frame = Frame {
        title,
        domain: None,
        config_link: false,
        current: Nav::None,
        status_script: false,
    };
    let mut html = Html::new();
    layout::open(&mut html, &frame);
    html.raw("<div class=\"intro\">\n<h1>")
        .text(title)
        .raw("</h1>\n<p class=\"lead\">")
        .text(message)
        .raw("</p>\n<p><a href=\"/\">Go to the start page</a></p>\n</div>\n");
    layout::close(&mut html, &frame);
    html.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_its_text() {
        let html = super::render("Not <found>", "x & y");
        assert!(html.contains("<h1>Not &lt;found&gt;</h1>"));
        assert!(html.contains("x &amp; y"));
    }
}
