//! Reading the Site from a manifest file (`--site-file`), checked the way the API server
//! would check it.

use std::path::{Path, PathBuf};
use team_api::Site;
use team_api::manifest::{self, Resource};
use thiserror::Error;

/// Why the Site file cannot be served. Displayed as one line.
#[derive(Debug, Error)]
pub enum SiteFileError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {problems}")]
    Invalid { path: PathBuf, problems: String },
    #[error("{path}: no Site in the file")]
    NoSite { path: PathBuf },
    #[error("{path}: no Site named {name:?} in the file (found: {found})")]
    NotFound {
        path: PathBuf,
        name: String,
        found: String,
    },
    #[error(
        "{path}: the file holds several Sites ({found}); choose one with --site-name or SITE_NAME"
    )]
    Ambiguous { path: PathBuf, found: String },
}

/// The Site of a manifest: the one named `name`, or the only one. Other documents (Secrets,
/// other kinds) are checked and ignored.
pub fn read(path: &Path, name: Option<&str>) -> Result<Site, SiteFileError> {
    let text = std::fs::read_to_string(path).map_err(|source| SiteFileError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let decoded = manifest::read_all(&text).map_err(|error| SiteFileError::Invalid {
        path: path.to_path_buf(),
        problems: error.to_string().lines().collect::<Vec<_>>().join("; "),
    })?;
    let sites: Vec<Site> = decoded
        .into_iter()
        .filter_map(|doc| match doc.resource {
            Resource::Site(site) => Some(*site),
            _ => None,
        })
        .collect();
    let names = || {
        sites
            .iter()
            .map(|site| site.metadata.name.clone().unwrap_or_default())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match name {
        Some(name) => {
            let found = names();
            sites
                .into_iter()
                .find(|site| site.metadata.name.as_deref() == Some(name))
                .ok_or_else(|| SiteFileError::NotFound {
                    path: path.to_path_buf(),
                    name: name.to_string(),
                    found,
                })
        }
        None if sites.len() > 1 => Err(SiteFileError::Ambiguous {
            path: path.to_path_buf(),
            found: names(),
        }),
        None => sites
            .into_iter()
            .next()
            .ok_or_else(|| SiteFileError::NoSite {
                path: path.to_path_buf(),
            }),
    }
}
