//! Opening connections: one URL, one database, TLS as its `sslmode` says.

use crate::error::{Error, Reason, describe};
use crate::sql::Statement;
use crate::tls::{self, SslMode};
use crate::url::{ConnectionUrl, Endpoint};
use std::path::Path;
use std::time::Duration;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row};

/// Used when the URL sets no `connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// `application_name` when the URL sets none, so the operator's sessions are recognisable
/// in `pg_stat_activity` and in the server log.
pub const APPLICATION_NAME: &str = "team-operator";

/// An open connection, with what it is connected to for messages.
pub struct Session {
    client: Client,
    pub endpoint: Endpoint,
    pub user: String,
    pub database: String,
}

/// Why a connection attempt failed: the server refused the password, or anything else.
#[derive(Debug)]
pub enum ConnectFailure {
    /// SQLSTATE 28P01: wrong password (or no password for a role that needs one).
    WrongPassword(Error),
    Other(Error),
}

impl ConnectFailure {
    pub fn into_error(self) -> Error {
        match self {
            ConnectFailure::WrongPassword(error) | ConnectFailure::Other(error) => error,
        }
    }
}

impl Session {
    /// Connects with the user and password of `url` to `database`. Failures carry `reason`.
    pub async fn open(url: &ConnectionUrl, database: &str, reason: Reason) -> Result<Self, Error> {
        Self::try_open(url, database, reason)
            .await
            .map_err(ConnectFailure::into_error)
    }

    /// Like [`Session::open`], telling a rejected password apart from other failures.
    pub async fn try_open(
        url: &ConnectionUrl,
        database: &str,
        reason: Reason,
    ) -> Result<Self, ConnectFailure> {
        let user = url.user.clone().unwrap_or_default();
        let fail = |detail: String| {
            ConnectFailure::Other(Error::connection(
                reason,
                &url.endpoint,
                &user,
                database,
                &detail,
            ))
        };
        let (config, timeout) = config(url, database).map_err(fail)?;
        let mode = SslMode::parse(url.parameter("sslmode")).map_err(fail)?;
        let connector =
            tls::connector(mode, url.parameter("sslrootcert").map(Path::new)).map_err(fail)?;
        let attempt = async {
            match connector {
                None => config.connect(NoTls).await.map(|(client, connection)| {
                    tokio::spawn(connection);
                    client
                }),
                Some(tls) => config.connect(tls).await.map(|(client, connection)| {
                    tokio::spawn(connection);
                    client
                }),
            }
        };
        let client = match tokio::time::timeout(timeout, attempt).await {
            Err(_) => {
                return Err(fail(format!(
                    "no answer within {} s",
                    timeout.as_secs_f32()
                )));
            }
            Ok(Err(error)) => {
                let wrong_password = error.code().is_some_and(|code| code.code() == "28P01");
                let error =
                    Error::connection(reason, &url.endpoint, &user, database, &describe(&error));
                return Err(if wrong_password {
                    ConnectFailure::WrongPassword(error)
                } else {
                    ConnectFailure::Other(error)
                });
            }
            Ok(Ok(client)) => client,
        };
        Ok(Self {
            client,
            endpoint: url.endpoint.clone(),
            user,
            database: database.to_string(),
        })
    }

    /// Runs a catalog query with bind parameters.
    pub async fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, Error> {
        self.client
            .query(sql, params)
            .await
            .map_err(|e| Error::sql(&format!("catalog query on {}", self.endpoint), &e))
    }

    /// Runs one statement. The extended protocol refuses a second command in the same text.
    pub async fn execute(&self, statement: &Statement) -> Result<(), Error> {
        self.client
            .execute(statement.sql().as_str(), &[])
            .await
            .map(|_| ())
            .map_err(|e| {
                Error::sql(
                    &format!(
                        "{} (database {:?} on {})",
                        statement, self.database, self.endpoint
                    ),
                    &e,
                )
            })
    }
}

fn config(
    url: &ConnectionUrl,
    database: &str,
) -> Result<(tokio_postgres::Config, Duration), String> {
    let mut config = tokio_postgres::Config::new();
    config
        .host(url.endpoint.host.bare())
        .port(url.endpoint.port)
        .dbname(database)
        .application_name(
            url.parameter("application_name")
                .unwrap_or(APPLICATION_NAME),
        );
    if let Some(user) = &url.user {
        config.user(user);
    }
    if let Some(password) = &url.password {
        config.password(password.expose());
    }
    if let Some(options) = url.parameter("options") {
        config.options(options);
    }
    let timeout = match url.parameter("connect_timeout") {
        None | Some("") => DEFAULT_CONNECT_TIMEOUT,
        Some(seconds) => seconds
            .parse::<u64>()
            .ok()
            .filter(|seconds| *seconds > 0)
            .map(Duration::from_secs)
            .ok_or_else(|| {
                format!("connect_timeout {seconds:?} is not a positive number of seconds")
            })?,
    };
    config.connect_timeout(timeout);
    match url.parameter("target_session_attrs") {
        None | Some("") | Some("any") => {}
        Some("read-write") => {
            config.target_session_attrs(tokio_postgres::config::TargetSessionAttrs::ReadWrite);
        }
        Some(other) => {
            return Err(format!(
                "target_session_attrs {other:?} is not supported (any, read-write)"
            ));
        }
    }
    let mode = SslMode::parse(url.parameter("sslmode"))?;
    config.ssl_mode(mode.wire());
    Ok((config, timeout))
}
