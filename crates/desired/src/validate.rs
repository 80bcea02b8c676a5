//! Checks shared by the validate steps of every kind. Each records a [`Problems`] entry
//! naming the field; none panics on any input.

use crate::error::Problems;
use team_api::enums::SecretType;
use team_api::enums::{AuthType, LicenseType};
use team_api::shared::{AuthSpec, LicenseSpec, PostgresDatabaseConfig, SecretConfig, VolumeSpec};

/// The name of a resource whose name prefixes Services and label values: a DNS label that
/// starts with a letter (at most 253 characters; long names are shortened in derived names).
pub fn resource_name(problems: &mut Problems, name: &str) {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    problems.check(
        !valid,
        "metadata.name",
        format!("{name:?} cannot name the objects derived from it: use lowercase letters, digits and '-', starting with a letter (Service names are DNS labels)"),
    );
}

/// A DNS host name (what an Ingress rule accepts).
pub fn is_host(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// An optional host name field.
pub fn host(problems: &mut Problems, path: &str, value: &str) {
    problems.check(
        !value.is_empty() && !is_host(value),
        path,
        format!("{value:?} is not a host name (lowercase DNS name, no scheme, port or path)"),
    );
}

/// Environment variable names of an `addEnv` map.
pub fn env_names<'a>(
    problems: &mut Problems,
    path: &str,
    names: impl IntoIterator<Item = &'a String>,
) {
    for name in names {
        let valid = !name.is_empty() && !name.contains('=') && !name.chars().any(char::is_control);
        problems.check(
            !valid,
            format!("{path}.{name}"),
            "is not an environment variable name (non-empty, no '=' and no control characters)",
        );
    }
}

/// The license of a product.
pub fn license(problems: &mut Problems, path: &str, license: &LicenseSpec) {
    problems.check(
        license.type_ == LicenseType::Key && license.key.is_empty(),
        format!("{path}.key"),
        "required when license.type is KEY",
    );
    problems.check(
        license.key.chars().any(char::is_control),
        format!("{path}.key"),
        "must not contain control characters",
    );
}

/// Single sign-on settings.
pub fn auth(problems: &mut Problems, path: &str, auth: &AuthSpec, vault_set: bool) {
    match auth.type_ {
        AuthType::Oidc => {
            problems.check(
                auth.client_id.is_empty(),
                format!("{path}.clientId"),
                "required when auth.type is oidc",
            );
            problems.check(
                auth.issuer.is_empty(),
                format!("{path}.issuer"),
                "required when auth.type is oidc",
            );
            problems.check(
                !vault_set,
                format!("{path}.type"),
                "oidc needs the client secret from the vault: set secret.type and secret.vaultName",
            );
        }
        AuthType::Saml => {
            problems.check(
                auth.saml_metadata_url.is_empty(),
                format!("{path}.samlMetadataUrl"),
                "required when auth.type is saml",
            );
            problems.check(
                !auth.saml_idp_attribute_profile.is_empty() && auth.has_saml_attributes(),
                format!("{path}.samlIdPAttributeProfile"),
                "cannot be combined with the individual SAML attribute fields",
            );
        }
        AuthType::Password | AuthType::Unset | AuthType::None => {}
    }
}

/// Extra volumes mounted in servers and sessions.
pub fn additional_volumes(problems: &mut Problems, path: &str, volumes: &[VolumeSpec]) {
    let mut seen = std::collections::BTreeSet::new();
    for (index, volume) in volumes.iter().enumerate() {
        let at = format!("{path}[{index}]");
        problems.check(
            volume.pvc_name.is_empty(),
            format!("{at}.pvcName"),
            "required",
        );
        problems.check(
            !volume.mount_path.starts_with('/'),
            format!("{at}.mountPath"),
            "required: an absolute path",
        );
        problems.check(
            !seen.insert(volume.pvc_name.clone()),
            format!("{at}.pvcName"),
            format!("{:?} is listed twice", volume.pvc_name),
        );
    }
}

/// A container image reference.
pub fn image(problems: &mut Problems, path: &str, image: &str) {
    problems.check(image.is_empty(), path, "required: the container image");
    problems.check(
        image.chars().any(|c| c.is_whitespace() || c.is_control()),
        path,
        format!("{image:?} is not an image reference"),
    );
}

/// The database settings of a product.
pub fn database_config(problems: &mut Problems, path: &str, config: &PostgresDatabaseConfig) {
    problems.check(
        config.host.is_empty(),
        format!("{path}.host"),
        "required: the PostgreSQL server (host:port) of the product database",
    );
    problems.check(
        !config.ssl_mode.is_empty()
            && !crate::postgres::SSL_MODES.contains(&config.ssl_mode.as_str()),
        format!("{path}.sslMode"),
        format!("must be one of {}", crate::postgres::SSL_MODES.join(", ")),
    );
}

/// A vault: a type without a name is refused.
pub fn vault(problems: &mut Problems, path: &str, secret: &SecretConfig) {
    problems.check(
        secret.type_ != SecretType::Unset && secret.vault_name.is_empty(),
        format!("{path}.vaultName"),
        "required when the type is set",
    );
}

/// A Kubernetes qualified name (`[prefix/]name`): annotation and label keys.
pub fn is_qualified_name(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    prefix.is_none_or(is_host) && is_label_value(name) && !name.is_empty()
}

/// A label value: empty, or at most 63 alphanumerics, `-`, `_`, `.`, starting and ending
/// alphanumeric.
pub fn is_label_value(value: &str) -> bool {
    value.is_empty()
        || (value.len() <= 63
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
}

/// Annotation keys (values are free text).
pub fn annotations(
    problems: &mut Problems,
    path: &str,
    map: &std::collections::BTreeMap<String, String>,
) {
    for key in map.keys() {
        problems.check(
            !is_qualified_name(key),
            format!("{path}.{key}"),
            "is not a valid annotation key ([prefix/]name, name of at most 63 letters, digits, '-', '_', '.')",
        );
    }
}

/// A node selector: label keys and values.
pub fn node_selector(
    problems: &mut Problems,
    path: &str,
    map: &std::collections::BTreeMap<String, String>,
) {
    for (key, value) in map {
        problems.check(
            !is_qualified_name(key),
            format!("{path}.{key}"),
            "is not a valid label key",
        );
        problems.check(
            !is_label_value(value),
            format!("{path}.{key}"),
            format!(
                "{value:?} is not a valid label value (at most 63 letters, digits, '-', '_', '.')"
            ),
        );
    }
}

/// What every product resource is checked for: its name, image, ingress annotations and
/// node selector.
pub fn product(
    problems: &mut Problems,
    name: &str,
    image: &str,
    ingress_annotations: &std::collections::BTreeMap<String, String>,
    node_selector: &std::collections::BTreeMap<String, String>,
) {
    resource_name(problems, name);
    self::image(problems, "spec.image", image);
    annotations(problems, "spec.ingressAnnotations", ingress_annotations);
    self::node_selector(problems, "spec.nodeSelector", node_selector);
}
