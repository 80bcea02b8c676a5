//! `/`: one card per product.

use super::layout::{self, Frame, Nav};
use crate::assets;
use crate::health::Status;
use crate::html::Html;
use crate::products::Product;

/// One product card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub product: Product,
    /// Where the card links; `None` renders the card without a link.
    pub url: Option<String>,
    /// Live status; `None` shows no badge (a product without a health endpoint).
    pub status: Option<Status>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexPage {
    pub domain: String,
    pub cards: Vec<Card>,
    pub config_link: bool,
    /// How often the page's script refreshes the badges.
    pub refresh_seconds: u64,
}

/// Where the page's script reads the statuses.
pub const STATUS_PATH: &str = "/api/status";

pub fn render(page: &IndexPage) -> String {
    let frame = Frame {
        title: &page.domain,
        domain: Some(&page.domain),
        config_link: page.config_link,
        current: Nav::Products,
        status_script: true,
    };
    let mut html = Html::new();
    layout::open(&mut html, &frame);
    html.raw("<div class=\"intro\">\n<h1>Posit Team</h1>\n<p class=\"lead\">Data science tools for <strong>")
        .text(&page.domain)
        .raw("</strong>. Choose a product to open it.</p>\n</div>\n")
        .raw("<ul class=\"cards ")
        .raw(if page.cards.len() >= 4 { "cards-4" } else { "cards-3" })
        .raw("\" aria-label=\"Products\" data-status-url=\"")
        .raw(STATUS_PATH)
        .raw("\" data-refresh-seconds=\"")
        .number(page.refresh_seconds)
        .raw("\">\n");
    for card in &page.cards {
        render_card(&mut html, card);
    }
    html.raw("</ul>\n");
    layout::close(&mut html, &frame);
    html.finish()
}

fn render_card(html: &mut Html, card: &Card) {
    let product = card.product;
    html.raw("<li class=\"card\" data-product=\"")
        .text(product.id())
        .raw("\">\n<img class=\"logo\" src=\"")
        .text(&assets::by_name(product.logo()).path)
        .raw("\" alt=\"")
        .text(product.name())
        .raw(" logo\" width=\"56\" height=\"56\">\n<h2>");
    match &card.url {
        Some(url) => {
            html.raw("<a class=\"card-link\" href=\"")
                .text(url)
                .raw("\">")
                .text(product.name())
                .raw("</a>");
        }
        None => {
            html.text(product.name());
        }
    }
    html.raw("</h2>\n<p class=\"description\">")
        .text(product.description())
        .raw("</p>\n");
    if let Some(status) = card.status {
        html.raw("<p class=\"status\" aria-live=\"polite\" data-product=\"")
            .text(product.id())
            .raw("\" data-status=\"")
            .raw(status.as_str())
            .raw("\"><span class=\"status-dot\" aria-hidden=\"true\"></span><span class=\"visually-hidden\">Status: </span><span class=\"status-text\">")
            .raw(status.label())
            .raw("</span></p>\n");
    }
    html.raw("</li>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(cards: Vec<Card>) -> IndexPage {
        IndexPage {
            domain: "posit.example.com".into(),
            cards,
            config_link: false,
            refresh_seconds: 5,
        }
    }

    fn card(product: Product, status: Option<Status>) -> Card {
        Card {
            product,
            url: Some(format!("https://{}.posit.example.com", product.id())),
            status,
        }
    }

    #[test]
    fn three_cards_with_links_logos_and_badges() {
        let html = render(&page(vec![
            card(Product::Workbench, Some(Status::Up)),
            card(Product::Connect, Some(Status::Down)),
            card(Product::PackageManager, Some(Status::Unknown)),
        ]));
        assert!(html.contains("class=\"cards cards-3\""));
        assert_eq!(html.matches("<li class=\"card\"").count(), 3);
        assert!(html.contains("href=\"https://connect.posit.example.com\">Connect</a>"));
        assert!(html.contains("alt=\"Workbench logo\""));
        assert!(html.contains("data-product=\"connect\" data-status=\"down\""));
        assert!(html.contains("<span class=\"status-text\">Unknown</span>"));
        assert!(!html.contains("/config"));
    }

    #[test]
    fn four_cards_layout() {
        let html = render(&page(vec![
            card(Product::Workbench, None),
            card(Product::Connect, None),
            card(Product::PackageManager, None),
            card(Product::Academy, None),
        ]));
        assert!(html.contains("class=\"cards cards-4\""));
        assert!(!html.contains("class=\"status\""));
    }

    #[test]
    fn card_without_url_has_no_link() {
        let html = render(&page(vec![Card {
            product: Product::Connect,
            url: None,
            status: None,
        }]));
        assert!(html.contains("<h2>Connect</h2>"));
        assert!(!html.contains("card-link"));
    }

    #[test]
    fn same_input_same_bytes() {
        let cards = vec![card(Product::Connect, Some(Status::Up))];
        assert_eq!(render(&page(cards.clone())), render(&page(cards)));
    }
}
