//! The frame around every page: head, skip link, header with navigation, footer.

use crate::assets;
use crate::html::Html;

/// Which navigation entry is the current page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Products,
    Configuration,
    None,
}

/// What the frame shows.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Page title, before " · Posit Team".
    pub title: &'a str,
    /// The Site's domain, when known.
    pub domain: Option<&'a str>,
    /// Link to `/config` in the navigation.
    pub config_link: bool,
    pub current: Nav,
    /// Load the status script.
    pub status_script: bool,
}

/// Writes everything up to and including the opening `<main>`.
pub fn open(html: &mut Html, frame: &Frame) {
    html.raw("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .raw("<meta name=\"color-scheme\" content=\"light dark\">\n")
        .raw("<meta name=\"referrer\" content=\"no-referrer\">\n<title>")
        .text(frame.title)
        .raw(" · Posit Team</title>\n<link rel=\"icon\" type=\"image/svg+xml\" href=\"")
        .text(&assets::by_name("posit-team.svg").path)
        .raw("\">\n<link rel=\"stylesheet\" href=\"")
        .text(&assets::by_name("flightdeck.css").path)
        .raw("\">\n");
    if frame.status_script {
        html.raw("<script src=\"")
            .text(&assets::by_name("status.js").path)
            .raw("\" defer></script>\n");
    }
    html.raw("</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">Skip to content</a>\n")
        .raw("<header class=\"masthead\">\n<div class=\"bar\">\n<a class=\"brand\" href=\"/\"><img src=\"")
        .text(&assets::by_name("posit-team.svg").path)
        .raw("\" alt=\"\" width=\"32\" height=\"32\"><span>Posit Team</span></a>\n");
    if frame.config_link {
        html.raw("<nav aria-label=\"Site\">\n<ul>\n");
        nav_item(html, "/", "Products", frame.current == Nav::Products);
        nav_item(
            html,
            "/config",
            "Configuration",
            frame.current == Nav::Configuration,
        );
        html.raw("</ul>\n</nav>\n");
    }
    html.raw("</div>\n</header>\n<main id=\"main\" tabindex=\"-1\">\n");
}

fn nav_item(html: &mut Html, href: &'static str, label: &'static str, current: bool) {
    html.raw("<li><a href=\"").raw(href).raw("\"");
    if current {
        html.raw(" aria-current=\"page\"");
    }
    html.raw(">").raw(label).raw("</a></li>\n");
}

/// Writes the closing `</main>`, the footer and the end of the document.
pub fn close(html: &mut Html, frame: &Frame) {
    html.raw("</main>\n<footer class=\"footer\">\n<p>Posit Team");
    if let Some(domain) = frame.domain {
        html.raw(" on ").text(domain);
    }
    html.raw("</p>\n</footer>\n</body>\n</html>\n");
}
