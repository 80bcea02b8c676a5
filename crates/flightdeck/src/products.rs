//! The products shown on the page and where each one lives.

use crate::cli::is_dns_name;
use team_api::Site;
use team_api::site::{InternalConnectSpec, InternalPackageManagerSpec, InternalWorkbenchSpec};

/// A card on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Product {
    Workbench,
    Connect,
    PackageManager,
    Academy,
}

impl Product {
    /// Every product, in page order.
    pub const ALL: [Product; 4] = [
        Product::Workbench,
        Product::Connect,
        Product::PackageManager,
        Product::Academy,
    ];

    /// Stable identifier used in HTML attributes and the status JSON.
    pub fn id(self) -> &'static str {
        match self {
            Product::Workbench => "workbench",
            Product::Connect => "connect",
            Product::PackageManager => "package-manager",
            Product::Academy => "academy",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Product::Workbench => "Workbench",
            Product::Connect => "Connect",
            Product::PackageManager => "Package Manager",
            Product::Academy => "Posit Academy",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Product::Workbench => {
                "Write and run R and Python in RStudio, JupyterLab, VS Code or Positron, with sessions on shared compute."
            }
            Product::Connect => {
                "Publish apps, dashboards, reports and APIs, and share them with the people who need them."
            }
            Product::PackageManager => {
                "Install R and Python packages from curated, versioned mirrors of CRAN, PyPI and Bioconductor."
            }
            Product::Academy => {
                "Learn R and Python in guided courses built around real data problems."
            }
        }
    }

    /// Name of the logo in [`crate::assets`].
    pub fn logo(self) -> &'static str {
        match self {
            Product::Workbench => "workbench.svg",
            Product::Connect => "connect.svg",
            Product::PackageManager => "package-manager.svg",
            Product::Academy => "academy.svg",
        }
    }

    /// Suffix of the product's Service name (`<site>-<suffix>`), for products the Site runs.
    pub fn service_suffix(self) -> Option<&'static str> {
        match self {
            Product::Workbench => Some("workbench"),
            Product::Connect => Some("connect"),
            Product::PackageManager => Some("packagemanager"),
            Product::Academy => None,
        }
    }

    /// Path of the product's health endpoint on its Service.
    pub fn health_path(self) -> Option<&'static str> {
        match self {
            Product::Workbench => Some("/health-check"),
            Product::Connect | Product::PackageManager => Some("/__ping__"),
            Product::Academy => None,
        }
    }
}

/// Host prefix of a product in the Site (`<prefix>.<domain>`).
fn domain_prefix(site: &Site, product: Product) -> String {
    let spec = &site.spec;
    match product {
        Product::Workbench => spec.workbench.as_ref().map_or_else(
            || InternalWorkbenchSpec::default().domain_prefix,
            |w| w.domain_prefix.clone(),
        ),
        Product::Connect => spec.connect.as_ref().map_or_else(
            || InternalConnectSpec::default().domain_prefix,
            |c| c.domain_prefix.clone(),
        ),
        Product::PackageManager => spec.package_manager.as_ref().map_or_else(
            || InternalPackageManagerSpec::default().domain_prefix,
            |p| p.domain_prefix.clone(),
        ),
        Product::Academy => "academy".to_string(),
    }
}

/// `https://<prefix>.<domain>`, or `None` when that would not be a valid host name (the CRD
/// forbids it, but a link is never built from a value that could break out of it).
pub fn product_url(site: &Site, product: Product) -> Option<String> {
    let host = format!("{}.{}", domain_prefix(site, product), site.spec.domain);
    is_dns_name(&host, 253).then(|| format!("https://{host}"))
}

/// The products of a Site, in page order. The Site always runs Workbench, Connect and
/// Package Manager; Academy is an external service shown on request.
pub fn shown_products(show_academy: bool) -> Vec<Product> {
    Product::ALL
        .into_iter()
        .filter(|product| *product != Product::Academy || show_academy)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(yaml: &str) -> Site {
        serde_saphyr::from_str(yaml).expect("site parses")
    }

    #[test]
    fn urls_use_the_domain_prefixes() {
        let site = site(
            "apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\nspec:\n  domain: posit.example.com\n  connect: {domainPrefix: rsc}\n",
        );
        assert_eq!(
            product_url(&site, Product::Connect).as_deref(),
            Some("https://rsc.posit.example.com")
        );
        assert_eq!(
            product_url(&site, Product::Workbench).as_deref(),
            Some("https://workbench.posit.example.com")
        );
        assert_eq!(
            product_url(&site, Product::PackageManager).as_deref(),
            Some("https://packagemanager.posit.example.com")
        );
        assert_eq!(
            product_url(&site, Product::Academy).as_deref(),
            Some("https://academy.posit.example.com")
        );
    }

    #[test]
    fn no_link_from_an_invalid_host() {
        let site = site(
            "apiVersion: core.posit.team/v1beta1\nkind: Site\nmetadata: {name: main}\nspec:\n  domain: 'x\" onclick=\"alert(1)'\n",
        );
        assert_eq!(product_url(&site, Product::Connect), None);
    }

    #[test]
    fn academy_only_on_request() {
        assert_eq!(shown_products(false).len(), 3);
        assert_eq!(shown_products(true).last(), Some(&Product::Academy));
    }
}
