//! Helpers shared by the test suites of the workspace.
//!
//! External validators (kubernetes-validate, jsonschema) are installed by
//! `scripts/install-test-tools` into `$TEAM_TEST_TOOLS` (default `target/test-tools`). A test
//! that needs one fails, with the command to run, when it is missing: such checks are never
//! skipped.

pub mod api;
pub mod control_plane;
pub mod feed;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The oldest Kubernetes version the operator supports; rendered manifests are validated
/// against its schemas.
pub const KUBERNETES_VERSION: &str = "1.32";

/// Root of the Cargo workspace.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .find(|dir| {
            std::fs::read_to_string(dir.join("Cargo.toml"))
                .is_ok_and(|text| text.contains("[workspace]"))
        })
        .expect("the test-support crate lives inside the workspace")
        .to_path_buf()
}

/// Every manifest under `examples/`, sorted by name.
pub fn examples() -> Vec<PathBuf> {
    yaml_files_in(&workspace_root().join("examples"))
}

/// The `.yaml` files of a directory, sorted by name.
pub fn yaml_files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// Where the test tools are installed.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("TEAM_TEST_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/test-tools"))
}

/// Path of an installed tool, or a panic telling how to install it.
pub fn tool(relative: &str) -> PathBuf {
    let path = tools_dir().join(relative);
    assert!(
        path.exists(),
        "{} is missing: run scripts/install-test-tools (or scripts/test) first",
        path.display()
    );
    path
}

/// A fresh, empty scratch directory under `target/test-scratch`.
pub fn scratch_dir(label: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = workspace_root()
        .join("target/test-scratch")
        .join(format!("{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory can be created");
    dir
}

/// A directory for files a reviewer may want to look at after the run (screenshots, ...).
pub fn artifacts_dir(label: &str) -> PathBuf {
    let dir = workspace_root().join("target/test-artifacts").join(label);
    std::fs::create_dir_all(&dir).expect("artifacts directory can be created");
    dir
}

/// Result of running an external validator.
#[derive(Debug)]
pub struct ToolRun {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl ToolRun {
    /// Panics with the tool's output unless it succeeded.
    pub fn assert_success(&self, what: &str) {
        assert!(
            self.success,
            "{what} failed\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
    }
}

fn run(mut command: Command) -> ToolRun {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    ToolRun {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Validates built-in Kubernetes objects with the official schemas, strictly (unknown fields
/// are errors), against [`KUBERNETES_VERSION`].
pub fn kubernetes_validate(files: &[PathBuf]) -> ToolRun {
    let mut command = Command::new(tool("venv/bin/kubernetes-validate"));
    command
        .args(["--strict", "-k", KUBERNETES_VERSION])
        .args(files);
    run(command)
}

/// Writes CRDs (as JSON values) into a scratch directory as YAML and returns their paths.
pub fn write_crds(crds: &[serde_json::Value]) -> Vec<PathBuf> {
    let dir = scratch_dir("crds");
    crds.iter()
        .map(|crd| {
            let name = crd["metadata"]["name"].as_str().unwrap_or("crd");
            let path = dir.join(format!("{name}.yaml"));
            let yaml = serde_saphyr::to_string(crd).expect("CRD renders");
            std::fs::write(&path, yaml).expect("CRD file can be written");
            path
        })
        .collect()
}

/// Validates the custom resources in `files` against the given CRDs with Python jsonschema
/// (the OpenAPI part; CEL rules are checked by `team_api::schema_check`). Pass
/// `team_api::crd::all()`.
pub fn validate_custom_resources(crds: &[serde_json::Value], files: &[PathBuf]) -> ToolRun {
    let mut command = Command::new(tool("venv/bin/python"));
    command.arg(workspace_root().join("scripts/validate-custom-resources.py"));
    for crd in write_crds(crds) {
        command.arg("--crd").arg(crd);
    }
    command.args(files);
    run(command)
}

/// The throwaway PostgreSQL server `scripts/with-postgres` (run by `scripts/test`) starts for
/// the test run, as it describes itself in `TEAM_TEST_PG_*` variables.
#[derive(Clone, Debug)]
pub struct Postgres {
    pub host: String,
    pub port: u16,
    /// A role with CREATEDB CREATEROLE and nothing more: what the tests provision with.
    pub admin_user: String,
    pub admin_password: String,
    /// For test setup and assertions only.
    pub superuser: String,
    pub superuser_password: String,
    /// The server log (log_statement=all).
    pub log: PathBuf,
    /// The CA certificate that signed the server's certificate.
    pub ca: PathBuf,
}

/// The test server, or a panic telling how to start one.
pub fn postgres() -> Postgres {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!(
                "{name} is not set: these tests need the throwaway PostgreSQL server; run them \
                 through scripts/test or scripts/with-postgres (e.g. scripts/with-postgres cargo \
                 test -p team-db)"
            )
        })
    };
    Postgres {
        host: var("TEAM_TEST_PG_HOST"),
        port: var("TEAM_TEST_PG_PORT")
            .parse()
            .expect("TEAM_TEST_PG_PORT is a port number"),
        admin_user: var("TEAM_TEST_PG_ADMIN_USER"),
        admin_password: var("TEAM_TEST_PG_ADMIN_PASSWORD"),
        superuser: var("TEAM_TEST_PG_SUPERUSER"),
        superuser_password: var("TEAM_TEST_PG_SUPERUSER_PASSWORD"),
        log: PathBuf::from(var("TEAM_TEST_PG_LOG")),
        ca: PathBuf::from(var("TEAM_TEST_PG_CA")),
    }
}

impl Postgres {
    /// `postgresql://user:password@host:port/database`, with user and password URL-encoded.
    pub fn url(&self, user: &str, password: &str, database: &str) -> String {
        format!(
            "postgresql://{}:{}@{}:{}/{}",
            url_encode(user),
            url_encode(password),
            self.host,
            self.port,
            url_encode(database)
        )
    }

    /// The admin URL (non-superuser), to the `postgres` database.
    pub fn admin_url(&self) -> String {
        self.url(&self.admin_user, &self.admin_password, "postgres")
    }

    /// The superuser URL, to the `postgres` database.
    pub fn superuser_url(&self) -> String {
        self.url(&self.superuser, &self.superuser_password, "postgres")
    }

    /// A PostgresDatabase named `name` for `role` and `database` on this server: the admin
    /// URL in the Secret [`WORKLOAD_SECRET`], the role's password in [`PRODUCT_SECRET`] under
    /// [`PASSWORD_KEY`], dropped on deletion when `drop`.
    pub fn database_resource(
        &self,
        name: &str,
        role: &str,
        database: &str,
        schemas: &[&str],
        drop: bool,
    ) -> team_api::PostgresDatabase {
        use team_api::enums::SecretType;
        use team_api::postgres_database::{PostgresDatabaseSpec, PostgresDatabaseTeardown};
        use team_api::shared::SecretConfig;
        let kubernetes = |vault: &str| SecretConfig {
            type_: SecretType::Kubernetes,
            vault_name: vault.to_string(),
        };
        let spec = PostgresDatabaseSpec {
            url: format!(
                "postgres://{}@{}:{}/{}",
                url_encode(role),
                self.host,
                self.port,
                url_encode(database)
            ),
            secret_vault: PRODUCT_SECRET.to_string(),
            secret_password_key: PASSWORD_KEY.to_string(),
            secret: kubernetes(PRODUCT_SECRET),
            workload_secret: kubernetes(WORKLOAD_SECRET),
            schemas: schemas.iter().map(|schema| schema.to_string()).collect(),
            teardown: Some(PostgresDatabaseTeardown { drop }),
            ..PostgresDatabaseSpec::default()
        };
        team_api::PostgresDatabase::new(name, spec)
    }

    /// The Secret [`WORKLOAD_SECRET`] with this server's admin URL as `main-database-url`.
    pub fn workload_secret(&self, namespace: Option<&str>) -> k8s_openapi::api::core::v1::Secret {
        secret(
            WORKLOAD_SECRET,
            namespace,
            &[("main-database-url", &self.admin_url())],
        )
    }

    /// The server log as it is now.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", self.log.display()))
    }
}

/// Secret holding `main-database-url` in the database fixtures.
pub const WORKLOAD_SECRET: &str = "site-workload";
/// Secret holding the product role's password in the database fixtures.
pub const PRODUCT_SECRET: &str = "site-secrets";
/// Key of the product role's password.
pub const PASSWORD_KEY: &str = "pub-db-password";

/// The Secret [`PRODUCT_SECRET`], with `password` under [`PASSWORD_KEY`] or without the key.
pub fn product_secret(
    namespace: Option<&str>,
    password: Option<&str>,
) -> k8s_openapi::api::core::v1::Secret {
    let data: Vec<(&str, &str)> = password.map(|p| (PASSWORD_KEY, p)).into_iter().collect();
    secret(PRODUCT_SECRET, namespace, &data)
}

/// A Secret named `name` holding `data` (as the API server returns it: in `data`).
pub fn secret(
    name: &str,
    namespace: Option<&str>,
    data: &[(&str, &str)],
) -> k8s_openapi::api::core::v1::Secret {
    use k8s_openapi::ByteString;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    k8s_openapi::api::core::v1::Secret {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: namespace.map(str::to_string),
            ..ObjectMeta::default()
        },
        data: Some(
            data.iter()
                .map(|(key, value)| (key.to_string(), ByteString(value.as_bytes().to_vec())))
                .collect(),
        ),
        ..Default::default()
    }
}

/// A name no other test of this run uses: `<prefix>_<pid>_<n>`, lower case.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}_{}_{n}", std::process::id())
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Reads a key=value file back as Workbench does (Boost.Program_options): every setting as
/// (`key` or `section.key`, value), in file order. Panics with the parser's message when it
/// rejects the file.
pub fn boost_config_read(path: &Path) -> Vec<(String, String)> {
    let mut command = Command::new(tool("bin/boost-config-read"));
    command.arg(path);
    let run = run(command);
    run.assert_success(&format!("boost-config-read {}", path.display()));
    let fields: Vec<&str> = run.stdout.split('\0').collect();
    fields
        .chunks(2)
        .filter(|pair| pair.len() == 2)
        .map(|pair| (pair[0].to_string(), pair[1].to_string()))
        .collect()
}

/// Reads Workbench files back with `scripts/config-readers/read-config.py` (`supervisord`:
/// programs as supervisord loads them; `dcf`: DCF records). The JSON it prints, or the
/// parser's failure.
pub fn read_config(format: &str, files: &[PathBuf]) -> Result<serde_json::Value, String> {
    let mut command = Command::new(tool("venv/bin/python"));
    command
        .arg(workspace_root().join("scripts/config-readers/read-config.py"))
        .arg(format)
        .args(files);
    let run = run(command);
    if !run.success {
        return Err(run.stderr);
    }
    serde_json::from_str(&run.stdout).map_err(|e| format!("{e}: {}", run.stdout))
}
