//! `/config`: the product images and each product's settings from the Site, escaped and
//! redacted (see [`crate::redact`]).

use super::layout::{self, Frame, Nav};
use crate::html::Html;
use crate::redact::{self, REDACTED};
use crate::site_source::SiteIdentity;
use serde::Serialize;
use serde_json::Value;
use team_api::Site;

/// One row of the image table.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageRow {
    pub product: &'static str,
    /// Which of the product's images, e.g. `default session`.
    pub role: &'static str,
    /// `None` when the Site leaves it to the operator's default.
    pub image: Option<String>,
}

/// One product's settings, as YAML.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub product: &'static str,
    /// `None` when the Site has no block for the product.
    pub yaml: Option<String>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigPage {
    pub site: SiteIdentity,
    pub domain: String,
    pub images: Vec<ImageRow>,
    pub sections: Vec<Section>,
}

impl ConfigPage {
    pub fn from_site(identity: &SiteIdentity, site: &Site) -> Self {
        let spec = &site.spec;
        let workbench = spec.workbench.as_ref();
        let connect = spec.connect.as_ref();
        let chronicle = spec.chronicle.as_ref();
        let mut images = vec![
            row("Workbench", "server", workbench.map(|w| w.image.as_str())),
            row(
                "Workbench",
                "default session",
                workbench.map(|w| w.default_session_image.as_str()),
            ),
        ];
        for extra in workbench
            .map(|w| w.extra_session_images.as_slice())
            .unwrap_or_default()
        {
            images.push(row("Workbench", "extra session", Some(extra.as_str())));
        }
        images.extend([
            row("Connect", "server", connect.map(|c| c.image.as_str())),
            row(
                "Connect",
                "content runtime",
                connect.map(|c| c.session_image.as_str()),
            ),
            row(
                "Package Manager",
                "server",
                spec.package_manager.as_ref().map(|p| p.image.as_str()),
            ),
            row("Chronicle", "server", chronicle.map(|c| c.image.as_str())),
            row(
                "Chronicle",
                "agent",
                chronicle.map(|c| c.agent_image.as_str()),
            ),
            row(
                "Flightdeck",
                "server",
                spec.flightdeck.as_ref().map(|f| f.image.as_str()),
            ),
        ]);
        let sections = vec![
            section("Workbench", &spec.workbench),
            section("Connect", &spec.connect),
            section("Package Manager", &spec.package_manager),
            section("Chronicle", &spec.chronicle),
            section("Flightdeck", &spec.flightdeck),
        ];
        Self {
            site: identity.clone(),
            domain: spec.domain.clone(),
            images,
            sections,
        }
    }
}

fn row(product: &'static str, role: &'static str, image: Option<&str>) -> ImageRow {
    let image = image.filter(|image| !image.is_empty()).map(|image| {
        if redact::is_secret_value(image) {
            REDACTED.to_string()
        } else {
            image.to_string()
        }
    });
    ImageRow {
        product,
        role,
        image,
    }
}

fn section<T: Serialize>(product: &'static str, block: &Option<T>) -> Section {
    let yaml = block.as_ref().map(|block| {
        let value = serde_json::to_value(block).unwrap_or(Value::Null);
        let redacted = redact::redact(&value);
        // Values of the API types always serialize; an error here would be a bug, shown
        // rather than hidden.
        serde_saphyr::to_string(&redacted)
            .unwrap_or_else(|error| format!("# cannot render: {error}\n"))
    });
    Section { product, yaml }
}

pub fn render(page: &ConfigPage) -> String {
    let frame = Frame {
        title: "Configuration",
        domain: Some(&page.domain),
        config_link: true,
        current: Nav::Configuration,
        status_script: false,
    };
    let mut html = Html::new();
    layout::open(&mut html, &frame);
    html.raw("<div class=\"intro\">\n<h1>Configuration</h1>\n<p class=\"lead\">Site <code>")
        .text(&page.site.name)
        .raw("</code> in namespace <code>")
        .text(&page.site.namespace)
        .raw("</code>. Secrets, keys, tokens and database URLs are redacted.</p>\n</div>\n")
        .raw("<section class=\"panel\" aria-labelledby=\"images\">\n<h2 id=\"images\">Images</h2>\n")
        .raw("<div class=\"table-scroll\">\n<table>\n<thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Image</th></tr></thead>\n<tbody>\n");
    for row in &page.images {
        html.raw("<tr><td>")
            .raw(row.product)
            .raw(" ")
            .raw(row.role)
            .raw("</td><td>");
        match &row.image {
            Some(image) => {
                html.raw("<code>").text(image).raw("</code>");
            }
            None => {
                html.raw("<span class=\"muted\">operator default</span>");
            }
        }
        html.raw("</td></tr>\n");
    }
    html.raw("</tbody>\n</table>\n</div>\n</section>\n");
    for section in &page.sections {
        html.raw("<section class=\"panel\">\n<h2>")
            .raw(section.product)
            .raw("</h2>\n");
        match &section.yaml {
            Some(yaml) => {
                html.raw("<pre><code>").text(yaml).raw("</code></pre>\n");
            }
            None => {
                html.raw(
                    "<p class=\"muted\">Not set in the Site: the operator's defaults apply.</p>\n",
                );
            }
        }
        html.raw("</section>\n");
    }
    layout::close(&mut html, &frame);
    html.finish()
}
