//! What the server already has, read from the catalogs with bind parameters only.

use crate::error::Error;
use crate::name::Identifier;
use crate::session::Session;
use std::collections::{BTreeMap, BTreeSet};

/// The admin, the role and the database as the server sees them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerState {
    pub admin_is_superuser: bool,
    pub role: Option<RoleState>,
    pub database: Option<DatabaseState>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleState {
    pub can_login: bool,
    pub superuser: bool,
    pub create_db: bool,
    pub create_role: bool,
    pub replication: bool,
    pub bypass_rls: bool,
    /// The admin is a member of the role (directly or not).
    pub admin_is_member: bool,
}

impl RoleState {
    /// True when the attributes are exactly `LOGIN` and nothing more.
    pub fn has_product_attributes(&self) -> bool {
        self.can_login
            && !self.superuser
            && !self.create_db
            && !self.create_role
            && !self.replication
            && !self.bypass_rls
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatabaseState {
    pub owner: String,
    /// Every role may connect (the PostgreSQL default for a new database).
    pub public_can_connect: bool,
}

/// Schemas and extensions inside the product database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContentState {
    /// Owner of each schema that exists, by schema name.
    pub schema_owners: BTreeMap<String, String>,
    pub extensions: BTreeSet<String>,
}

/// The schema every database starts with.
pub const PUBLIC_SCHEMA: &str = "public";

const SERVER_STATE: &str = "\
SELECT admin.rolsuper, \
       role.rolcanlogin, role.rolsuper, role.rolcreatedb, role.rolcreaterole, \
       role.rolreplication, role.rolbypassrls, pg_has_role(current_user, role.oid, 'MEMBER'), \
       pg_get_userbyid(db.datdba), has_database_privilege('public', db.oid, 'CONNECT') \
FROM pg_roles AS admin \
LEFT JOIN pg_roles AS role ON role.rolname = $1 \
LEFT JOIN pg_database AS db ON db.datname = $2 \
WHERE admin.rolname = current_user";

const SCHEMA_OWNERS: &str = "\
SELECT nspname::text, pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ANY($1)";

const EXTENSIONS: &str = "SELECT extname::text FROM pg_extension WHERE extname = ANY($1)";

/// Reads the admin, role and database facts in one query.
pub async fn server_state(
    session: &Session,
    role: &Identifier,
    database: &Identifier,
) -> Result<ServerState, Error> {
    let rows = session
        .query(SERVER_STATE, &[&role.as_str(), &database.as_str()])
        .await?;
    let Some(row) = rows.first() else {
        return Ok(ServerState::default());
    };
    let role = row.get::<_, Option<bool>>(1).map(|can_login| RoleState {
        can_login,
        superuser: row.get(2),
        create_db: row.get(3),
        create_role: row.get(4),
        replication: row.get(5),
        bypass_rls: row.get(6),
        admin_is_member: row.get::<_, Option<bool>>(7).unwrap_or(false),
    });
    let database = row.get::<_, Option<String>>(8).map(|owner| DatabaseState {
        owner,
        public_can_connect: row.get::<_, Option<bool>>(9).unwrap_or(false),
    });
    Ok(ServerState {
        admin_is_superuser: row.get(0),
        role,
        database,
    })
}

/// Reads the owners of `public` and of `schemas`, and which of `extensions` exist.
pub async fn content_state(
    session: &Session,
    schemas: &[Identifier],
    extensions: &[Identifier],
) -> Result<(ContentState, usize), Error> {
    let mut names: Vec<&str> = vec![PUBLIC_SCHEMA];
    names.extend(schemas.iter().map(Identifier::as_str));
    let mut queries = 1;
    let schema_owners = session
        .query(SCHEMA_OWNERS, &[&names])
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let extensions = if extensions.is_empty() {
        BTreeSet::new()
    } else {
        queries += 1;
        let names: Vec<&str> = extensions.iter().map(Identifier::as_str).collect();
        session
            .query(EXTENSIONS, &[&names])
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect()
    };
    Ok((
        ContentState {
            schema_owners,
            extensions,
        },
        queries,
    ))
}
