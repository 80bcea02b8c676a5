//! Provisioning and teardown against the server: read the catalogs, plan, execute.

use crate::catalog::{self, ServerState};
use crate::error::{Error, Reason};
use crate::plan;
use crate::resolve::{Admin, Names, Provisioning, Teardown};
use crate::session::{ConnectFailure, Session};
use crate::sql::Statement;

/// Ends the client sessions still connected to database `$1`. A session the admin may not
/// end (another role's) makes this fail with InsufficientPrivilege, as the drop would.
const END_SESSIONS: &str = "\
SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'";

/// What one apply or teardown did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The statements executed, redacted (password verifiers shown as `'***'`).
    pub executed: Vec<String>,
    /// Catalog queries run.
    pub queries: usize,
    /// Connections opened (admin, admin in the product database, role check).
    pub connections: usize,
    /// The role's password was set on an existing role (rotation or drift).
    pub password_changed: bool,
}

impl Report {
    /// True when nothing had to change.
    pub fn is_noop(&self) -> bool {
        self.executed.is_empty()
    }

    async fn run(&mut self, session: &Session, statement: &Statement) -> Result<(), Error> {
        session.execute(statement).await?;
        self.executed.push(statement.redacted());
        Ok(())
    }

    /// Connects as the admin to its own database and reads the role and database facts.
    async fn server_state(
        &mut self,
        admin: &Admin,
        names: &Names,
    ) -> Result<(Session, ServerState), Error> {
        let server = self
            .open(&admin.url, &admin.database, Reason::AdminConnectionFailed)
            .await?;
        let state = catalog::server_state(&server, &names.role, &names.database).await?;
        self.queries += 1;
        Ok((server, state))
    }

    async fn open(
        &mut self,
        url: &crate::url::ConnectionUrl,
        database: &str,
        reason: Reason,
    ) -> Result<Session, Error> {
        self.connections += 1;
        Session::open(url, database, reason).await
    }
}

/// Brings the server to the state `provisioning` describes; idempotent.
///
/// 1. As the admin: create or repair the role, make the admin a member of it (when not a
///    superuser), create or re-own the database, revoke `CONNECT` from `PUBLIC`.
/// 2. As the admin inside the product database: create or re-own the schemas, create the
///    extensions.
/// 3. As the role: log in to its database. A rejected password on an existing role means
///    the password changed (rotation): set it, and log in again.
pub async fn apply(provisioning: &Provisioning) -> Result<Report, Error> {
    let names = &provisioning.names;
    let admin = &provisioning.admin;
    let mut report = Report::default();

    let (server, state) = report.server_state(admin, names).await?;
    let statements = plan::server(&names.role, &names.database, &admin.user, &state, || {
        provisioning.password.scram_verifier()
    });
    for statement in &statements {
        report.run(&server, statement).await?;
    }
    let role_created = state.role.is_none();

    let product = report
        .open(
            &admin.url,
            names.database.as_str(),
            Reason::AdminConnectionFailed,
        )
        .await?;
    let (content, queries) =
        catalog::content_state(&product, &provisioning.schemas, &provisioning.extensions).await?;
    report.queries += queries;
    for statement in plan::content(
        &names.role,
        &provisioning.schemas,
        &provisioning.extensions,
        &content,
    ) {
        report.run(&product, &statement).await?;
    }
    drop(product);

    let role_url = &provisioning.role_url;
    let database = names.database.as_str();
    report.connections += 1;
    match Session::try_open(role_url, database, Reason::RoleLoginFailed).await {
        Ok(_) => {}
        Err(ConnectFailure::WrongPassword(_)) if !role_created => {
            let rotate = Statement::AlterRolePassword {
                role: names.role.clone(),
                verifier: provisioning.password.scram_verifier(),
            };
            report.run(&server, &rotate).await?;
            report.password_changed = true;
            report
                .open(role_url, database, Reason::RoleLoginFailed)
                .await?;
        }
        Err(failure) => return Err(failure.into_error()),
    }
    Ok(report)
}

/// Drops the database (ending its sessions) and then the role; what is already gone counts
/// as done. Sessions are ended after new ones are refused, so none can slip in before the
/// drop; autovacuum workers are left to `DROP DATABASE`, which stops them itself.
pub async fn teardown(teardown: &Teardown) -> Result<Report, Error> {
    let names = &teardown.names;
    let admin = &teardown.admin;
    let mut report = Report::default();
    let (server, state) = report.server_state(admin, names).await?;
    for statement in plan::teardown(&names.role, &names.database, &admin.user, &state)? {
        if let Statement::DropDatabase { .. } = statement {
            server
                .query(END_SESSIONS, &[&names.database.as_str()])
                .await?;
            report.queries += 1;
        }
        report.run(&server, &statement).await?;
    }
    Ok(report)
}
