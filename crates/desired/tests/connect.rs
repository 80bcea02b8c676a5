//! Connect: the configuration Connect receives for each sign-in method and setting.

use team_api::Connect;
use team_api::manifest;
use team_desired::connect::{self, config};
use team_desired::error::BuildError;

fn connect(extra: &str) -> Connect {
    let mut text = format!(
        "apiVersion: core.posit.team/v1beta1\nkind: Connect\nmetadata: {{name: main}}\nspec:\n  image: posit/connect:1\n{extra}"
    );
    if !extra.contains("  url:") {
        text.push_str("  url: connect.example.com\n");
    }
    if !extra.contains("  databaseConfig:") {
        text.push_str("  databaseConfig: {host: \"db:5432\"}\n");
    }
    match manifest::read_all(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0)
        .resource
    {
        manifest::Resource::Connect(c) => *c,
        _ => unreachable!(),
    }
}

fn gcfg(extra: &str) -> String {
    let validated =
        connect::validate(&connect(extra), "posit-team").unwrap_or_else(|e| panic!("{e}"));
    config::render(&config::effective(&validated)).unwrap()
}

fn errors(extra: &str) -> String {
    match connect::validate(&connect(extra), "posit-team") {
        Err(error @ BuildError::Invalid { .. }) => error.to_string(),
        other => panic!("expected invalid, got {other:?}"),
    }
}

fn section<'a>(text: &'a str, name: &str) -> &'a str {
    let start = text
        .find(&format!("[{name}]\n"))
        .unwrap_or_else(|| panic!("no [{name}] in\n{text}"));
    let rest = &text[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

const VAULT: &str = "  secret: {type: kubernetes, vaultName: vault}\n";

#[test]
fn oidc_defaults() {
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: cid, issuer: \"https://idp\"}}\n"
    ));
    assert_eq!(
        section(&text, "Authentication"),
        "[Authentication]\nProvider = OAuth2\n"
    );
    assert_eq!(
        section(&text, "OAuth2"),
        "[OAuth2]\nClientId = cid\nClientSecretFile = /etc/rstudio-connect/client-secret\nOpenIDConnectIssuer = https://idp\nRequireUsernameClaim = true\nGroupsAutoProvision = false\nUniqueIdClaim = email\nLogging = false\n"
    );
}

#[test]
fn oidc_groups_scopes_and_claims() {
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: c, issuer: i, groups: true}}\n"
    ));
    assert!(
        section(&text, "OAuth2").contains("CustomScope = groups\nGroupsAutoProvision = true\n")
    );
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: c, issuer: i, groups: true, scopes: [openid, email], emailClaim: mail, usernameClaim: preferred_username}}\n"
    ));
    let oauth = section(&text, "OAuth2");
    assert!(
        oauth.contains("CustomScope = openid\nCustomScope = email\n"),
        "{oauth}"
    );
    assert!(
        oauth.contains(
            "UniqueIdClaim = mail\nEmailClaim = mail\nUsernameClaim = preferred_username\n"
        ),
        "{oauth}"
    );
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: c, issuer: i, emailClaim: mail, uniqueIdClaim: sub}}\n"
    ));
    assert!(section(&text, "OAuth2").contains("UniqueIdClaim = sub\n"));
}

#[test]
fn oidc_groups_claim_can_be_set_or_switched_off() {
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: c, issuer: i, groupsClaim: roles}}\n"
    ));
    assert!(section(&text, "OAuth2").contains("GroupsClaim = roles\n"));
    let text = gcfg(&format!(
        "{VAULT}  auth: {{type: oidc, clientId: c, issuer: i, groupsClaim: roles, disableGroupsClaim: true}}\n"
    ));
    assert!(section(&text, "OAuth2").contains("GroupsClaim = \"\"\n"));
}

#[test]
fn saml_profiles_and_attributes() {
    let text = gcfg("  auth: {type: saml, samlMetadataUrl: \"https://idp/metadata\"}\n");
    assert_eq!(
        section(&text, "SAML"),
        "[SAML]\nIdPMetaDataURL = https://idp/metadata\nIdPAttributeProfile = default\n"
    );
    assert!(section(&text, "Authentication").contains("Provider = saml"));
    let text = gcfg("  auth: {type: saml, samlMetadataUrl: m, samlIdPAttributeProfile: azure}\n");
    assert!(section(&text, "SAML").contains("IdPAttributeProfile = azure\n"));
    let text = gcfg(
        "  auth: {type: saml, samlMetadataUrl: m, samlUsernameAttribute: uid, samlEmailAttribute: mail}\n",
    );
    let saml = section(&text, "SAML");
    assert!(saml.contains("UsernameAttribute = uid\n") && saml.contains("EmailAttribute = mail\n"));
    assert!(!saml.contains("IdPAttributeProfile"));
}

#[test]
fn role_mappings_turn_on_group_mapping() {
    let text =
        gcfg("  auth: {viewerRoleMapping: [all], administratorRoleMapping: [admins, ops]}\n");
    let authorization = section(&text, "Authorization");
    assert!(authorization.contains("UserRoleGroupMapping = true\nViewerRoleMapping = all\nAdministratorRoleMapping = admins\nAdministratorRoleMapping = ops\n"), "{authorization}");
}

#[test]
fn database_urls_name_schemas_and_sslmode() {
    let text = gcfg(
        "  databaseConfig: {host: \"db:5432\", sslMode: verify-full, schema: app, instrumentationSchema: metrics}\n",
    );
    assert_eq!(
        section(&text, "Postgres"),
        "[Postgres]\nURL = postgres://main_connect@db:5432/main_connect?options=-csearch_path=app&sslmode=verify-full\nInstrumentationURL = postgres://main_connect@db:5432/main_connect?options=-csearch_path=metrics&sslmode=verify-full\n"
    );
    assert!(text.contains("[Database]\nProvider = postgres\n"));
}

#[test]
fn off_host_execution_configures_the_launcher() {
    let text = gcfg("  offHostExecution: true\n  volume: {create: true}\n");
    assert_eq!(
        section(&text, "Launcher"),
        "[Launcher]\nEnabled = true\nKubernetes = true\nClusterDefinition = /etc/rstudio-connect/runtime.yaml\nKubernetesNamespace = posit-team\nKubernetesProfilesConfig = /etc/rstudio-connect/launcher/launcher.kubernetes.profiles.conf\nDataDirPVCName = main-connect\nKubernetesUseTemplates = true\nScratchPath = /var/lib/rstudio-connect-launcher\n"
    );
    assert!(text.contains("[Python]\nEnabled = true\n"));
}

#[test]
fn debug_turns_on_proxy_and_tableau_logging() {
    let text = gcfg("  debug: true\n");
    assert!(section(&text, "Server").contains("ProxyHeaderLogging = true\n"));
    assert!(text.contains("[TableauIntegration]\nLogging = true\n"));
    assert!(
        section(&text, "Server").starts_with("[Server]\nAddress = https://connect.example.com\n")
    );
}

#[test]
fn invalid_settings_name_their_fields() {
    let message = errors(
        "  auth: {type: oidc}\n  license: {type: KEY}\n  databaseConfig: {host: \"\", sslMode: sometimes}\n",
    );
    for expected in [
        "Connect posit-team/main:",
        "spec.auth.clientId: required when auth.type is oidc",
        "spec.auth.issuer: required when auth.type is oidc",
        "spec.auth.type: oidc needs the client secret from the vault",
        "spec.license.key: required when license.type is KEY",
        "spec.databaseConfig.host: required",
        "spec.databaseConfig.sslMode: must be one of",
    ] {
        assert!(
            message.contains(expected),
            "{expected:?} missing from {message}"
        );
    }
    assert!(errors("  url: \"https://connect.example.com/\"\n").contains("spec.url"));
    assert!(
        errors("  databaseConfig: {host: db, schema: \"a;b\"}\n")
            .contains("spec.databaseConfig.schema")
    );
}
