//! `rstudio-pm.gcfg`: the user's settings with the operator's on top.

use super::ValidatedPackageManager;
use crate::postgres::{self, DbServer};
use team_api::package_manager::*;
use team_config::{Gcfg, GcfgError};

pub const AZURE_FILES_DIR: &str = "/mnt/azure-files";

/// The settings Package Manager runs with.
pub fn effective(pm: &ValidatedPackageManager) -> PackageManagerConfig {
    let spec = &pm.spec;
    let mut config = spec.config.clone().unwrap_or_default();
    let server = DbServer {
        host: spec.database_config.host.clone(),
        ssl_mode: spec.database_config.ssl_mode.clone(),
    };
    if !spec.url.is_empty() {
        config.server.get_or_insert_with(Default::default).address =
            format!("https://{}", spec.url);
    }
    config.database = Some(PackageManagerDatabaseConfig {
        provider: "postgres".to_string(),
    });
    config.postgres = Some(PackageManagerPostgresConfig {
        url: postgres::product_url(&pm.names.component, &server, "pm"),
        usage_data_url: postgres::product_url(&pm.names.component, &server, "metrics"),
    });
    if spec.azure_files.is_some() {
        config.server.get_or_insert_with(Default::default).data_dir = AZURE_FILES_DIR.to_string();
        config.storage.get_or_insert_with(Default::default).default = "file".to_string();
    }
    config
}

/// Renders the file, sections in Package Manager's order.
pub fn render(config: &PackageManagerConfig) -> Result<String, GcfgError> {
    let mut file = Gcfg::new();
    if let Some(s) = &config.server {
        file.section("Server")
            .string("Address", &s.address)
            .strings("RVersion", &s.r_version)
            .string("LauncherDir", &s.launcher_dir)
            .string("AccessLog", &s.access_log)
            .string("AccessLogFormat", &s.access_log_format)
            .string("DataDir", &s.data_dir);
    }
    if let Some(s) = &config.http {
        file.section("Http").string("Listen", &s.listen);
    }
    if let Some(s) = &config.git {
        file.section("Git")
            .bool("AllowUnsandboxedGitBuilds", s.allow_unsandboxed_git_builds);
    }
    if let Some(s) = &config.database {
        file.section("Database").string("Provider", &s.provider);
    }
    if let Some(s) = &config.postgres {
        file.section("Postgres")
            .string("URL", &s.url)
            .string("UsageDataURL", &s.usage_data_url);
    }
    if let Some(s) = &config.storage {
        file.section("Storage").string("Default", &s.default);
    }
    if let Some(s) = &config.s3_storage {
        file.section("S3Storage")
            .string("Bucket", &s.bucket)
            .string("Prefix", &s.prefix)
            .string("Region", &s.region);
    }
    if let Some(s) = &config.metrics {
        file.section("Metrics").bool("Enabled", s.enabled);
    }
    if let Some(s) = &config.repos {
        file.section("Repos")
            .string("PyPI", &s.pypi)
            .string("CRAN", &s.cran)
            .string("Bioconductor", &s.bioconductor);
    }
    if let Some(s) = &config.cran {
        file.section("Cran").bool("RSF", s.rsf);
    }
    if let Some(s) = &config.debug {
        file.section("Debug").string("Log", &s.log);
    }
    file.finish()
}
