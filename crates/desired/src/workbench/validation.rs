//! Checks a Workbench resource before anything is built: every problem is reported with
//! its field, including every value a configuration file could not carry.

use super::config::{self, DEFAULT_SHARED_STORAGE_PATH};
use super::storage::Storage;
use super::{LOGIN_PAGE_LIMIT, ValidatedWorkbench, files};
use crate::error::{BuildError, Problems};
use crate::inputs::Vault;
use crate::labels::ComponentLabels;
use crate::meta::Owner;
use crate::names::ProductNames;
use crate::validate;
use std::collections::BTreeMap;
use team_api::{Workbench, WorkbenchSpec};

const RESOURCES: &str = "spec.config.workbench-ini-config.launcher.kubernetes.resources.conf";
const PROFILES: &str = "spec.config.workbench-profiles-config.launcher.kubernetes.profiles.conf";
const PROGRAMS: &str = "spec.config.supervisord-ini-config.programs.conf";

/// Checks a Workbench resource; every problem is reported with its field.
pub fn validate(workbench: &Workbench, namespace: &str) -> Result<ValidatedWorkbench, BuildError> {
    let name = workbench.metadata.name.clone().unwrap_or_default();
    let spec = &workbench.spec;
    let mut problems = Problems::new();
    validate::resource_name(&mut problems, &name);
    validate::image(&mut problems, "spec.image", &spec.image);
    validate::host(&mut problems, "spec.url", &spec.url);
    parent_url(&mut problems, &spec.parent_url);
    validate::license(&mut problems, "spec.license", &spec.license);
    let vault = Vault::of(&spec.secret);
    validate::auth(&mut problems, "spec.auth", &spec.auth, vault != Vault::None);
    validate::env_names(&mut problems, "spec.addEnv", spec.add_env.keys());
    validate::additional_volumes(
        &mut problems,
        "spec.additionalVolumes",
        &spec.additional_volumes,
    );
    validate::annotations(
        &mut problems,
        "spec.ingressAnnotations",
        &spec.ingress_annotations,
    );
    validate::node_selector(&mut problems, "spec.nodeSelector", &spec.node_selector);
    if let Some(pod) = spec.session_config.as_ref().and_then(|c| c.pod.as_ref()) {
        validate::node_selector(
            &mut problems,
            "spec.sessionConfig.pod.nodeSelector",
            &pod.node_selector,
        );
    }
    validate::database_config(&mut problems, "spec.databaseConfig", &spec.database_config);
    validate::vault(&mut problems, "spec.secret", &spec.secret);
    problems.check(
        !spec.dsn_secret.is_empty() && vault == Vault::None,
        "spec.dsnSecret",
        "needs a vault: set secret.type and secret.vaultName",
    );
    snowflake(&mut problems, spec, vault != Vault::None);
    deprecated_databricks(&mut problems, spec);
    let login_page = login_page(&mut problems, &spec.auth_login_page_html);
    resource_profiles(&mut problems, spec);
    supervisord_files(&mut problems, spec);

    let names = ProductNames::new(&name, "workbench");
    let rserver = spec.config.ini.rserver.clone().unwrap_or_default();
    let shared_path = if rserver.server_shared_storage_path.is_empty() {
        DEFAULT_SHARED_STORAGE_PATH.to_string()
    } else {
        rserver.server_shared_storage_path.clone()
    };
    problems.check(
        !shared_path.starts_with('/'),
        "spec.config.workbench-ini-config.rserver.conf.server-shared-storage-path",
        "must be an absolute path",
    );
    let storage = Storage::new(
        &names,
        spec.volume.as_ref(),
        rserver.load_balancing_enabled == 1,
        &shared_path,
    );
    problems.check(
        spec.replicas > 1 && storage.shared.is_none(),
        "spec.replicas",
        format!(
            "{} replicas share sessions and projects through shared storage: set spec.volume (home directories; the shared-storage claim follows it) and rserver.conf load-balancing-enabled=1",
            spec.replicas
        ),
    );
    let validated = ValidatedWorkbench {
        owner: Owner {
            api_version: team_api::API_VERSION.to_string(),
            kind: "Workbench".to_string(),
            name: name.clone(),
            namespace: namespace.to_string(),
            uid: workbench.metadata.uid.clone(),
        },
        labels: ComponentLabels::new("workbench", &names.component, &name),
        names,
        spec: spec.clone(),
        vault,
        storage,
        login_page,
    };
    config_files(&mut problems, &validated);
    problems.finish(&validated.resource(), validated)
}

/// The origin allowed to frame Workbench goes into a Content-Security-Policy header: a
/// host or an origin, nothing that could end the directive.
fn parent_url(problems: &mut Problems, value: &str) {
    let bad = value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '\'' | '"'));
    if let Some(c) = bad {
        problems.add(
            "spec.parentUrl",
            format!("{value:?} is not a host or origin: it contains {c:?}"),
        );
    }
}

fn snowflake(problems: &mut Problems, spec: &WorkbenchSpec, vault_set: bool) {
    let s = &spec.snowflake;
    problems.check(
        s.account_id.is_empty() && !s.client_id.is_empty(),
        "spec.snowflake.accountId",
        "required with snowflake.clientId",
    );
    problems.check(
        !s.account_id.is_empty() && s.client_id.is_empty(),
        "spec.snowflake.clientId",
        "required with snowflake.accountId",
    );
    problems.check(
        !s.account_id.is_empty() && !s.client_id.is_empty() && !vault_set,
        "spec.snowflake",
        "needs the client secret from the vault: set secret.type and secret.vaultName",
    );
}

fn deprecated_databricks(problems: &mut Problems, spec: &WorkbenchSpec) {
    if spec
        .config
        .ini
        .databricks
        .as_ref()
        .is_some_and(|workspaces| !workspaces.is_empty())
    {
        problems.add(
            "spec.config.workbench-ini-config.databricks.conf",
            "is no longer read here: the file holds client secrets, so it belongs in spec.secretConfig.workbench-secret-ini-config.databricks.conf (a Site sets it from spec.workbench.databricks)",
        );
    }
}

/// The login page, if it is not blank; at most [`LOGIN_PAGE_LIMIT`] bytes.
fn login_page(problems: &mut Problems, page: &str) -> Option<String> {
    if page.trim().is_empty() {
        return None;
    }
    if page.len() > LOGIN_PAGE_LIMIT {
        problems.add(
            "spec.authLoginPageHtml",
            format!(
                "is {} bytes; Workbench accepts at most {LOGIN_PAGE_LIMIT} bytes (UTF-8)",
                page.len()
            ),
        );
        return None;
    }
    Some(page.to_string())
}

fn resource_profiles(problems: &mut Problems, spec: &WorkbenchSpec) {
    let resources = spec.config.ini.launcher_kubernetes_resources.as_ref();
    for (key, profile) in resources.iter().flat_map(|r| r.iter()) {
        for constraint in config::constraints(&profile.placement_constraints) {
            problems.check(
                !config::is_placement_constraint(constraint),
                format!("{RESOURCES}.{key}.placement-constraints"),
                format!(
                    "{constraint:?} is not a placement constraint: write key:value or key=value, without spaces"
                ),
            );
        }
    }
    let sections = spec.config.profiles.launcher_kubernetes_profiles.iter();
    for (section, profile) in sections.flat_map(|s| s.iter()) {
        for key in &profile.resource_profiles {
            problems.check(
                !resources.is_some_and(|r| r.contains_key(key)),
                format!("{PROFILES}.{section}.resource-profiles"),
                format!("{key:?} is not a profile of launcher.kubernetes.resources.conf"),
            );
        }
    }
}

/// supervisord loads `/startup/*/*.conf`: each file becomes a ConfigMap key ending `.conf`.
fn supervisord_files(problems: &mut Problems, spec: &WorkbenchSpec) {
    for (file, programs) in spec.config.supervisord.programs.iter().flatten() {
        for (name, program) in programs {
            for (key, value) in [
                ("numprocs", program.numprocs),
                ("stdout_logfile_maxbytes", program.stdout_logfile_maxbytes),
                ("stderr_logfile_maxbytes", program.stderr_logfile_maxbytes),
            ] {
                problems.check(
                    value < 0,
                    format!("{PROGRAMS}.{file}.{name}.{key}"),
                    "must not be negative",
                );
            }
        }
    }
    for file in spec
        .config
        .supervisord
        .programs
        .iter()
        .flat_map(|p| p.keys())
    {
        let valid_key = !file.is_empty()
            && file
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        problems.check(
            !valid_key || !file.ends_with(".conf") || file.len() <= ".conf".len(),
            format!("{PROGRAMS}.{file}"),
            "must be a file name ending in .conf (letters, digits, '-', '_' and '.'), or supervisord never loads it",
        );
    }
}

/// Renders every file once with placeholders for vault values, so a value a file cannot
/// carry is reported with the others.
fn config_files(problems: &mut Problems, workbench: &ValidatedWorkbench) {
    let database = workbench.names.database();
    let none = BTreeMap::new();
    let context = config::Context {
        namespace: &workbench.owner.namespace,
        component: &workbench.names.component,
        database: &database,
        openid_client_secret: "",
        databricks_client_secrets: &none,
    };
    let spec = &workbench.spec;
    let effective = config::effective(spec, &context);
    let results = [
        files::ini(&effective.ini).err(),
        files::session_ini(&effective.session_ini).err(),
        files::session_newline(&effective.session_newline).err(),
        files::profiles(&effective.profiles).err(),
        files::dcf(&effective.dcf).err(),
        files::supervisord(&effective.supervisord).err(),
        files::secret_ini(&config::effective_secret(spec, &context).ini).err(),
    ];
    for error in results.into_iter().flatten() {
        problems.add(error.field, error.refused.to_string());
    }
}
