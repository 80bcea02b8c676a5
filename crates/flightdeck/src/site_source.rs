//! Where the page gets its Site: a file read at start-up, or a watch on the API server.

use crate::site_file::{self, SiteFileError};
use std::path::Path;
use std::sync::Arc;
use team_api::Site;
use tokio::sync::watch;

/// The Site being shown, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteIdentity {
    pub name: String,
    pub namespace: String,
}

/// What is known about the Site right now.
#[derive(Debug, Clone, PartialEq)]
pub enum SiteView {
    /// Not read yet (the first list from the API server is pending).
    Loading,
    /// The API server has no such Site.
    Missing,
    Ready(Arc<Site>),
}

/// A source of the current Site.
#[derive(Debug, Clone)]
pub struct SiteSource {
    identity: SiteIdentity,
    current: watch::Receiver<SiteView>,
}

impl SiteSource {
    /// A source whose view is published by `current` (the Kubernetes watch).
    pub fn watched(identity: SiteIdentity, current: watch::Receiver<SiteView>) -> Self {
        Self { identity, current }
    }

    /// A fixed Site.
    pub fn fixed(identity: SiteIdentity, site: Site) -> Self {
        let (_sender, current) = watch::channel(SiteView::Ready(Arc::new(site)));
        Self { identity, current }
    }

    /// The Site in a manifest file; see [`site_file::read`].
    pub fn from_file(
        path: &Path,
        name: Option<&str>,
        namespace: Option<&str>,
    ) -> Result<Self, SiteFileError> {
        let site = site_file::read(path, name)?;
        let namespace = namespace
            .map(str::to_string)
            .or_else(|| site.metadata.namespace.clone())
            .unwrap_or_else(|| "default".to_string());
        let identity = SiteIdentity {
            name: site.metadata.name.clone().unwrap_or_default(),
            namespace,
        };
        Ok(Self::fixed(identity, site))
    }

    pub fn identity(&self) -> SiteIdentity {
        self.identity.clone()
    }

    pub fn current(&self) -> SiteView {
        self.current.borrow().clone()
    }
}
