//! PostgreSQL provisioning of `PostgresDatabase` resources.
//!
//! Each product gets a `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE` role, a database it owns
//! that no other role may connect to, and its schemas. The work is split in two:
//!
//! - pure: [`resolve`] turns a resource and the Secrets it names into validated names, an
//!   admin connection and a password (generating one, kept in an operator-owned Secret, when
//!   the product vault has none); [`plan`] turns what the catalogs show into statements;
//! - I/O: [`apply::apply`] and [`apply::teardown`] read the catalogs with bind parameters,
//!   run the planned statements one by one and check that the role can log in.
//!
//! Identifiers are always quoted, passwords reach the server only as SCRAM-SHA-256 verifiers,
//! and the admin need not be a superuser (`CREATEDB CREATEROLE` is enough, as on RDS or Azure).

pub mod apply;
pub mod catalog;
pub mod credentials;
pub mod error;
pub mod name;
pub mod plan;
pub mod resolve;
pub mod secret;
pub mod secrets;
pub mod session;
pub mod sql;
pub mod tls;
pub mod url;

pub use apply::{Report, apply, teardown};
pub use error::{Error, Reason};
pub use resolve::{Provisioning, Teardown, aws_secrets_to_read, secrets_to_read};
