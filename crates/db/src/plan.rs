//! Pure planning: from what the server has to the statements that bring it to what is wanted.
//! An up-to-date server gives empty plans, so a re-apply changes (and logs) nothing.

use crate::catalog::{ContentState, PUBLIC_SCHEMA, ServerState};
use crate::error::{Error, Reason};
use crate::name::{Identifier, NameKind};
use crate::secret::Verifier;
use crate::sql::Statement;

/// Owner of `public` in databases created by PostgreSQL 15 and later: whoever owns the
/// database, so the product role already owns it.
const DATABASE_OWNER_ROLE: &str = "pg_database_owner";

/// Role and database statements, run on the admin's own database. `verifier` is asked for
/// only when the role has to be created.
pub fn server(
    role: &Identifier,
    database: &Identifier,
    admin: &Identifier,
    state: &ServerState,
    verifier: impl FnOnce() -> Verifier,
) -> Vec<Statement> {
    let mut statements = Vec::new();
    match &state.role {
        None => statements.push(Statement::CreateRole {
            role: role.clone(),
            verifier: verifier(),
        }),
        Some(existing) if !existing.has_product_attributes() => {
            statements.push(Statement::AlterRoleAttributes { role: role.clone() });
        }
        Some(_) => {}
    }
    if needs_membership(state) {
        statements.push(Statement::GrantRole {
            role: role.clone(),
            member: admin.clone(),
        });
    }
    match &state.database {
        None => statements.push(Statement::CreateDatabase {
            database: database.clone(),
            owner: role.clone(),
        }),
        Some(existing) if existing.owner != role.as_str() => {
            statements.push(Statement::AlterDatabaseOwner {
                database: database.clone(),
                owner: role.clone(),
            });
        }
        Some(_) => {}
    }
    if state
        .database
        .as_ref()
        .is_none_or(|db| db.public_can_connect)
    {
        statements.push(Statement::RevokeConnectFromPublic {
            database: database.clone(),
        });
    }
    statements
}

/// Schema and extension statements, run as the admin inside the product database.
pub fn content(
    role: &Identifier,
    schemas: &[Identifier],
    extensions: &[Identifier],
    state: &ContentState,
) -> Vec<Statement> {
    let mut statements = Vec::new();
    let owned_by_role = |owner: &str| owner == role.as_str();
    if let Some(owner) = state.schema_owners.get(PUBLIC_SCHEMA)
        && !owned_by_role(owner)
        && owner != DATABASE_OWNER_ROLE
        && !schemas
            .iter()
            .any(|schema| schema.as_str() == PUBLIC_SCHEMA)
    {
        statements.push(Statement::AlterSchemaOwner {
            schema: public_schema(),
            owner: role.clone(),
        });
    }
    for schema in schemas {
        match state.schema_owners.get(schema.as_str()) {
            None => statements.push(Statement::CreateSchema {
                schema: schema.clone(),
                owner: role.clone(),
            }),
            Some(owner) if schema.as_str() == PUBLIC_SCHEMA && owner == DATABASE_OWNER_ROLE => {}
            Some(owner) if !owned_by_role(owner) => statements.push(Statement::AlterSchemaOwner {
                schema: schema.clone(),
                owner: role.clone(),
            }),
            Some(_) => {}
        }
    }
    for extension in extensions {
        if !state.extensions.contains(extension.as_str()) {
            statements.push(Statement::CreateExtension {
                extension: extension.clone(),
            });
        }
    }
    statements
}

/// Teardown statements: the database, then the role. What is already gone is skipped. A
/// database owned by another role is never dropped.
///
/// New sessions are refused first; the caller ends the remaining ones between that and the
/// drop. (`DROP DATABASE ... WITH (FORCE)` is not used: it fails for a non-superuser whenever
/// an autovacuum worker happens to be in the database.)
pub fn teardown(
    role: &Identifier,
    database: &Identifier,
    admin: &Identifier,
    state: &ServerState,
) -> Result<Vec<Statement>, Error> {
    let mut statements = Vec::new();
    if let Some(existing) = &state.database {
        if existing.owner != role.as_str() {
            return Err(Error::new(
                Reason::DatabaseOwnedByOtherRole,
                format!(
                    "database {database} is owned by role {:?}, not by {role}: not dropping it",
                    existing.owner
                ),
            ));
        }
        // Dropping needs ownership; a non-superuser admin gets it through membership.
        if needs_membership(state) {
            statements.push(Statement::GrantRole {
                role: role.clone(),
                member: admin.clone(),
            });
        }
        statements.push(Statement::DisallowConnections {
            database: database.clone(),
        });
        statements.push(Statement::DropDatabase {
            database: database.clone(),
        });
    }
    if state.role.is_some() {
        statements.push(Statement::DropRole { role: role.clone() });
    }
    Ok(statements)
}

/// A non-superuser admin must be a member of the role to create a database owned by it, to
/// re-own schemas to it, and to drop its database.
fn needs_membership(state: &ServerState) -> bool {
    !state.admin_is_superuser && !state.role.as_ref().is_some_and(|role| role.admin_is_member)
}

fn public_schema() -> Identifier {
    Identifier::new(NameKind::Schema, PUBLIC_SCHEMA).expect("public is a valid schema name")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{DatabaseState, RoleState};
    use std::collections::{BTreeMap, BTreeSet};

    fn id(kind: NameKind, name: &str) -> Identifier {
        Identifier::new(kind, name).unwrap()
    }

    fn names() -> (Identifier, Identifier, Identifier) {
        (
            id(NameKind::Role, "site_connect"),
            id(NameKind::Database, "site_connect"),
            id(NameKind::Role, "team_admin"),
        )
    }

    fn product_role() -> RoleState {
        RoleState {
            can_login: true,
            admin_is_member: true,
            ..RoleState::default()
        }
    }

    fn provisioned() -> ServerState {
        ServerState {
            admin_is_superuser: false,
            role: Some(product_role()),
            database: Some(DatabaseState {
                owner: "site_connect".into(),
                public_can_connect: false,
            }),
        }
    }

    fn redacted(statements: &[Statement]) -> Vec<String> {
        statements.iter().map(Statement::redacted).collect()
    }

    fn verifier() -> Verifier {
        Verifier::from_text("SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy")
    }

    #[test]
    fn empty_server_gets_role_membership_database_and_revoke() {
        let (role, database, admin) = names();
        let statements = server(&role, &database, &admin, &ServerState::default(), verifier);
        insta::assert_yaml_snapshot!(redacted(&statements), @r#"
        - "CREATE ROLE \"site_connect\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '***'"
        - "GRANT \"site_connect\" TO \"team_admin\""
        - "CREATE DATABASE \"site_connect\" OWNER \"site_connect\""
        - "REVOKE CONNECT ON DATABASE \"site_connect\" FROM PUBLIC"
        "#);
        assert_eq!(
            statements[0].sql(),
            "CREATE ROLE \"site_connect\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION \
             NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$c3RvcmVk:c2VydmVy'"
        );
    }

    #[test]
    fn provisioned_server_needs_nothing_and_no_verifier() {
        let (role, database, admin) = names();
        let statements = server(&role, &database, &admin, &provisioned(), || {
            panic!("no verifier is needed for an existing role")
        });
        assert_eq!(statements, vec![]);
    }

    #[test]
    fn a_superuser_admin_needs_no_membership() {
        let (role, database, admin) = names();
        let state = ServerState {
            admin_is_superuser: true,
            ..ServerState::default()
        };
        let statements = server(&role, &database, &admin, &state, verifier);
        assert!(
            !statements
                .iter()
                .any(|s| matches!(s, Statement::GrantRole { .. }))
        );
    }

    #[test]
    fn drift_is_repaired() {
        let (role, database, admin) = names();
        let mut state = provisioned();
        state.role = Some(RoleState {
            create_db: true,
            admin_is_member: false,
            ..product_role()
        });
        state.database = Some(DatabaseState {
            owner: "someone_else".into(),
            public_can_connect: true,
        });
        let statements = server(&role, &database, &admin, &state, verifier);
        insta::assert_yaml_snapshot!(redacted(&statements), @r#"
        - "ALTER ROLE \"site_connect\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        - "GRANT \"site_connect\" TO \"team_admin\""
        - "ALTER DATABASE \"site_connect\" OWNER TO \"site_connect\""
        - "REVOKE CONNECT ON DATABASE \"site_connect\" FROM PUBLIC"
        "#);
    }

    #[test]
    fn hostile_names_stay_inside_their_quotes() {
        let role = id(NameKind::Role, "r\"; DROP ROLE team_admin; --");
        let database = id(NameKind::Database, "d b;\"x");
        let admin = id(NameKind::Role, "team_admin");
        let schemas = [
            id(NameKind::Schema, "s'; DROP SCHEMA public CASCADE; --"),
            id(NameKind::Schema, "ünï \"cødé\""),
        ];
        let extensions = [id(NameKind::Extension, "ext\"; SELECT 1; --")];
        let mut statements = server(&role, &database, &admin, &ServerState::default(), verifier);
        statements.extend(content(
            &role,
            &schemas,
            &extensions,
            &ContentState::default(),
        ));
        statements.extend(
            teardown(&role, &database, &admin, &{
                let mut state = provisioned();
                state.database.as_mut().unwrap().owner = role.as_str().to_string();
                state
            })
            .unwrap(),
        );
        insta::assert_yaml_snapshot!(redacted(&statements), @r#"
        - "CREATE ROLE \"r\"\"; DROP ROLE team_admin; --\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '***'"
        - "GRANT \"r\"\"; DROP ROLE team_admin; --\" TO \"team_admin\""
        - "CREATE DATABASE \"d b;\"\"x\" OWNER \"r\"\"; DROP ROLE team_admin; --\""
        - "REVOKE CONNECT ON DATABASE \"d b;\"\"x\" FROM PUBLIC"
        - "CREATE SCHEMA IF NOT EXISTS \"s'; DROP SCHEMA public CASCADE; --\" AUTHORIZATION \"r\"\"; DROP ROLE team_admin; --\""
        - "CREATE SCHEMA IF NOT EXISTS \"ünï \"\"cødé\"\"\" AUTHORIZATION \"r\"\"; DROP ROLE team_admin; --\""
        - "CREATE EXTENSION IF NOT EXISTS \"ext\"\"; SELECT 1; --\""
        - "ALTER DATABASE \"d b;\"\"x\" ALLOW_CONNECTIONS false"
        - "DROP DATABASE IF EXISTS \"d b;\"\"x\""
        - "DROP ROLE IF EXISTS \"r\"\"; DROP ROLE team_admin; --\""
        "#);
    }

    #[test]
    fn content_creates_missing_and_reowns_foreign_schemas() {
        let (role, ..) = names();
        let schemas = [
            id(NameKind::Schema, "connect"),
            id(NameKind::Schema, "instrumentation"),
            id(NameKind::Schema, "metrics"),
        ];
        let extensions = [
            id(NameKind::Extension, "pgcrypto"),
            id(NameKind::Extension, "citext"),
        ];
        let state = ContentState {
            schema_owners: BTreeMap::from([
                ("public".into(), "pg_database_owner".into()),
                ("connect".into(), "site_connect".into()),
                ("instrumentation".into(), "team_admin".into()),
            ]),
            extensions: BTreeSet::from(["citext".into()]),
        };
        insta::assert_yaml_snapshot!(redacted(&content(&role, &schemas, &extensions, &state)), @r#"
        - "ALTER SCHEMA \"instrumentation\" OWNER TO \"site_connect\""
        - "CREATE SCHEMA IF NOT EXISTS \"metrics\" AUTHORIZATION \"site_connect\""
        - "CREATE EXTENSION IF NOT EXISTS \"pgcrypto\""
        "#);
    }

    #[test]
    fn public_is_reowned_only_when_an_older_server_left_it_elsewhere() {
        let (role, ..) = names();
        let older = ContentState {
            schema_owners: BTreeMap::from([("public".into(), "postgres".into())]),
            ..ContentState::default()
        };
        assert_eq!(
            redacted(&content(&role, &[], &[], &older)),
            ["ALTER SCHEMA \"public\" OWNER TO \"site_connect\""]
        );
        let current = ContentState {
            schema_owners: BTreeMap::from([("public".into(), "pg_database_owner".into())]),
            ..ContentState::default()
        };
        assert_eq!(content(&role, &[], &[], &current), vec![]);
        let public = [id(NameKind::Schema, "public")];
        assert_eq!(content(&role, &public, &[], &current), vec![]);
    }

    #[test]
    fn teardown_of_nothing_is_nothing() {
        let (role, database, admin) = names();
        assert_eq!(
            teardown(&role, &database, &admin, &ServerState::default()).unwrap(),
            vec![]
        );
    }

    #[test]
    fn teardown_closes_the_database_drops_it_then_the_role() {
        let (role, database, admin) = names();
        let mut state = provisioned();
        state.role.as_mut().unwrap().admin_is_member = false;
        assert_eq!(
            redacted(&teardown(&role, &database, &admin, &state).unwrap()),
            [
                "GRANT \"site_connect\" TO \"team_admin\"",
                "ALTER DATABASE \"site_connect\" ALLOW_CONNECTIONS false",
                "DROP DATABASE IF EXISTS \"site_connect\"",
                "DROP ROLE IF EXISTS \"site_connect\""
            ]
        );
    }

    #[test]
    fn teardown_refuses_a_database_of_another_role() {
        let (role, database, admin) = names();
        let mut state = provisioned();
        state.database.as_mut().unwrap().owner = "finance".into();
        let error = teardown(&role, &database, &admin, &state).unwrap_err();
        assert_eq!(error.reason, Reason::DatabaseOwnedByOtherRole);
        assert_eq!(
            error.message,
            "database \"site_connect\" is owned by role \"finance\", not by \"site_connect\": not dropping it"
        );
    }
}
