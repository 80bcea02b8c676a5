//! The statements provisioning and teardown run, rendered with every identifier quoted.
//!
//! Utility statements (`CREATE ROLE`, `CREATE DATABASE`, ...) cannot take bind parameters, so
//! names are quoted with `escape_identifier` and the only literal, a password verifier, with
//! `escape_literal`. Each statement is sent alone through the extended protocol, which refuses
//! more than one command per message.

use crate::name::Identifier;
use crate::secret::Verifier;
use postgres_protocol::escape::escape_literal;
use std::fmt;

/// Attributes every product role has: it can log in and do nothing else beyond its database.
pub const ROLE_ATTRIBUTES: &str =
    "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

/// Which connection a statement runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The admin connection to the admin URL's database (roles and databases).
    Server,
    /// The admin connection to the product database (schemas and extensions).
    ProductDatabase,
}

/// One provisioning or teardown statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    CreateRole {
        role: Identifier,
        verifier: Verifier,
    },
    AlterRoleAttributes {
        role: Identifier,
    },
    AlterRolePassword {
        role: Identifier,
        verifier: Verifier,
    },
    /// Makes `member` (the admin) a member of `role`, which PostgreSQL requires before a
    /// non-superuser may create a database owned by the role or act on its objects.
    GrantRole {
        role: Identifier,
        member: Identifier,
    },
    CreateDatabase {
        database: Identifier,
        owner: Identifier,
    },
    AlterDatabaseOwner {
        database: Identifier,
        owner: Identifier,
    },
    RevokeConnectFromPublic {
        database: Identifier,
    },
    CreateSchema {
        schema: Identifier,
        owner: Identifier,
    },
    AlterSchemaOwner {
        schema: Identifier,
        owner: Identifier,
    },
    CreateExtension {
        extension: Identifier,
    },
    /// Keeps new sessions out while the database is being dropped.
    DisallowConnections {
        database: Identifier,
    },
    DropDatabase {
        database: Identifier,
    },
    DropRole {
        role: Identifier,
    },
}

impl Statement {
    /// The SQL text sent to the server.
    pub fn sql(&self) -> String {
        self.render(|verifier| escape_literal(verifier.expose()))
    }

    /// The SQL text with the password verifier replaced by `'***'`: for logs and reports.
    pub fn redacted(&self) -> String {
        self.render(|_| "'***'".to_string())
    }

    /// The connection the statement must run on.
    pub fn scope(&self) -> Scope {
        match self {
            Statement::CreateSchema { .. }
            | Statement::AlterSchemaOwner { .. }
            | Statement::CreateExtension { .. } => Scope::ProductDatabase,
            _ => Scope::Server,
        }
    }

    fn render(&self, literal: impl Fn(&Verifier) -> String) -> String {
        match self {
            Statement::CreateRole { role, verifier } => {
                format!(
                    "CREATE ROLE {role} {ROLE_ATTRIBUTES} PASSWORD {}",
                    literal(verifier)
                )
            }
            Statement::AlterRoleAttributes { role } => {
                format!("ALTER ROLE {role} {ROLE_ATTRIBUTES}")
            }
            Statement::AlterRolePassword { role, verifier } => {
                format!("ALTER ROLE {role} PASSWORD {}", literal(verifier))
            }
            Statement::GrantRole { role, member } => format!("GRANT {role} TO {member}"),
            Statement::CreateDatabase { database, owner } => {
                format!("CREATE DATABASE {database} OWNER {owner}")
            }
            Statement::AlterDatabaseOwner { database, owner } => {
                format!("ALTER DATABASE {database} OWNER TO {owner}")
            }
            Statement::RevokeConnectFromPublic { database } => {
                format!("REVOKE CONNECT ON DATABASE {database} FROM PUBLIC")
            }
            Statement::CreateSchema { schema, owner } => {
                format!("CREATE SCHEMA IF NOT EXISTS {schema} AUTHORIZATION {owner}")
            }
            Statement::AlterSchemaOwner { schema, owner } => {
                format!("ALTER SCHEMA {schema} OWNER TO {owner}")
            }
            Statement::CreateExtension { extension } => {
                format!("CREATE EXTENSION IF NOT EXISTS {extension}")
            }
            Statement::DisallowConnections { database } => {
                format!("ALTER DATABASE {database} ALLOW_CONNECTIONS false")
            }
            Statement::DropDatabase { database } => format!("DROP DATABASE IF EXISTS {database}"),
            Statement::DropRole { role } => format!("DROP ROLE IF EXISTS {role}"),
        }
    }
}

impl fmt::Display for Statement {
    /// The redacted SQL.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}
