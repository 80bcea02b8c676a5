//! Product databases: the `PostgresDatabase` resources the products declare, the URLs the
//! products connect with, and the admin URL the Site derives the server from.

use crate::labels::Labels;
use crate::meta::{self, Owner};
use crate::names;
use crate::object::Object;
use team_api::PostgresDatabase;
use team_api::postgres_database::{PostgresDatabaseSpec, PostgresDatabaseTeardown};
use team_api::shared::SecretConfig;

/// The PostgreSQL server of a Site, as derived from `main-database-url`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbServer {
    /// `host:port` (or `host`) exactly as written in the URL.
    pub host: String,
    /// The URL's `sslmode`, empty when none.
    pub ssl_mode: String,
}

/// Reads host and sslmode of a `postgres://` or `postgresql://` URL. The error never
/// contains the URL (it holds the admin password).
pub fn parse_server(url: &str) -> Result<DbServer, String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or("must start with postgres:// or postgresql://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_empty() || host.starts_with(':') {
        return Err("has no host".to_string());
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("has an invalid host".to_string());
    }
    let query = rest[end..]
        .split_once('?')
        .map(|(_, q)| q.split('#').next().unwrap_or(""))
        .unwrap_or("");
    let ssl_mode = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| key.eq_ignore_ascii_case("sslmode"))
        .map(|(_, value)| value.to_string())
        .unwrap_or_default();
    Ok(DbServer {
        host: host.to_string(),
        ssl_mode,
    })
}

/// The `sslmode` values libpq knows.
pub const SSL_MODES: [&str; 6] = [
    "disable",
    "allow",
    "prefer",
    "require",
    "verify-ca",
    "verify-full",
];

/// What a product declares about its database.
pub struct Declaration<'a> {
    /// The PostgresDatabase name: the component name (`<site>-connect`).
    pub component: &'a str,
    pub host: &'a str,
    pub schemas: Vec<String>,
    pub password_key: &'a str,
    pub drop_on_teardown: bool,
    pub secret: &'a SecretConfig,
    pub workload_secret: &'a SecretConfig,
    pub main_database_credential_secret: &'a SecretConfig,
}

/// The PostgresDatabase of a product (database and role `<component>` with every
/// character outside `[a-z0-9]` replaced by `_`).
pub fn database(declaration: &Declaration<'_>, owner: &Owner, labels: Labels) -> Object {
    let db = names::database_name(declaration.component);
    let mut metadata = meta::owned(declaration.component, owner, labels);
    // Created with the database controller's finalizer, which would otherwise add it in a
    // second write.
    metadata.finalizers = Some(vec![
        team_api::postgres_database::POSTGRES_DATABASE_FINALIZER.to_string(),
    ]);
    Object::PostgresDatabase(Box::new(PostgresDatabase {
        metadata,
        spec: PostgresDatabaseSpec {
            url: format!("postgres://{db}@{}/{db}", declaration.host),
            secret_vault: declaration.secret.vault_name.clone(),
            secret_password_key: declaration.password_key.to_string(),
            secret: declaration.secret.clone(),
            workload_secret: declaration.workload_secret.clone(),
            main_db_credential_secret: declaration.main_database_credential_secret.clone(),
            extensions: Vec::new(),
            schemas: declaration.schemas.clone(),
            teardown: Some(PostgresDatabaseTeardown {
                drop: declaration.drop_on_teardown,
            }),
        },
        status: None,
    }))
}

/// The URL a product connects with (the password comes from the environment):
/// `postgres://<db>@<host>/<db>?options=-csearch_path=<schema>[&sslmode=<mode>]`.
pub fn product_url(component: &str, server: &DbServer, schema: &str) -> String {
    let db = names::database_name(component);
    let mut url = format!(
        "postgres://{db}@{}/{db}?options=-csearch_path={schema}",
        server.host
    );
    if !server.ssl_mode.is_empty() {
        url.push_str("&sslmode=");
        url.push_str(&server.ssl_mode);
    }
    url
}

/// Secret the PostgresDatabase controller creates, once, when the product's password key is
/// absent from the vault: keys `username`, `password`, `host`, `port`, `database`, `uri`.
/// The products then read their password from its `password` key.
pub fn generated_credentials_secret(component: &str) -> String {
    names::database_credentials_secret(component)
}

/// Key of the password in [`generated_credentials_secret`].
pub const GENERATED_PASSWORD_KEY: &str = "password";

/// True for a PostgreSQL schema name the products' URLs can carry unquoted.
pub fn is_plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= names::MAX_IDENTIFIER
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_of_admin_url() {
        let server =
            parse_server("postgres://admin:p%40ss@db.example.com:5432/postgres?sslmode=require")
                .unwrap();
        assert_eq!(server.host, "db.example.com:5432");
        assert_eq!(server.ssl_mode, "require");
        let server =
            parse_server("postgresql://u@[::1]:6543/x?application_name=a&SSLMode=verify-full")
                .unwrap();
        assert_eq!(server.host, "[::1]:6543");
        assert_eq!(server.ssl_mode, "verify-full");
        assert_eq!(parse_server("postgres://db/x").unwrap().host, "db");
    }

    #[test]
    fn bad_admin_urls_are_refused_without_echoing_them() {
        for url in [
            "mysql://root:secret@db/x",
            "postgres://root:secret@/x",
            "postgres://",
        ] {
            let error = parse_server(url).unwrap_err();
            assert!(!error.contains("secret"), "{error}");
        }
    }

    #[test]
    fn product_url_has_schema_and_sslmode() {
        let server = DbServer {
            host: "db:5432".into(),
            ssl_mode: "require".into(),
        };
        assert_eq!(
            product_url("main-connect", &server, "connect"),
            "postgres://main_connect@db:5432/main_connect?options=-csearch_path=connect&sslmode=require"
        );
    }
}
