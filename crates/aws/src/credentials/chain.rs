//! The default credential chain for pods: environment, web identity, container endpoint.

use super::container::AuthorizationToken;
use super::{
    ContainerProvider, Credentials, CredentialsFuture, ProvideCredentials, WebIdentityProvider,
};
use crate::endpoint::{Endpoint, Region, Service};
use crate::environment::{Environment, var};
use crate::error::CredentialsError;
use crate::http::HttpClient;
use crate::redact::Sensitive;
use crate::retry::RetryPolicy;
use std::time::SystemTime;

/// The first configured source of the environment, chosen once: a configured source that
/// fails is an error, not a reason to try the next one (as in the AWS SDKs).
#[derive(Debug)]
pub struct DefaultChain {
    selected: Selected,
}

#[derive(Debug)]
enum Selected {
    Environment(Credentials),
    WebIdentity(WebIdentityProvider),
    Container(ContainerProvider),
    Misconfigured(CredentialsError),
    NotFound(Vec<String>),
}

/// One source's verdict on the environment.
enum Lookup<T> {
    Found(T),
    /// Not configured, and why (listed when no source is).
    Skipped(String),
}

impl DefaultChain {
    /// Chooses the source from `env`. STS is called in `region` (or at its endpoint override).
    pub fn from_environment(
        env: &Environment,
        region: &Region,
        http: &HttpClient,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            selected: select(env, region, http, retry),
        }
    }

    /// The chosen source: `environment`, `web identity` or `container`; `None` when none is
    /// configured or the configured one is invalid.
    pub fn source(&self) -> Option<&'static str> {
        match self.selected {
            Selected::Environment(_) => Some("environment"),
            Selected::WebIdentity(_) => Some("web identity"),
            Selected::Container(_) => Some("container"),
            Selected::Misconfigured(_) | Selected::NotFound(_) => None,
        }
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        match &self.selected {
            Selected::Environment(credentials) => credentials.provide_credentials(),
            Selected::WebIdentity(provider) => provider.provide_credentials(),
            Selected::Container(provider) => provider.provide_credentials(),
            Selected::Misconfigured(error) => {
                let error = error.clone();
                Box::pin(async move { Err(error) })
            }
            Selected::NotFound(reasons) => {
                let error = CredentialsError::NotFound(reasons.clone());
                Box::pin(async move { Err(error) })
            }
        }
    }
}

fn select(env: &Environment, region: &Region, http: &HttpClient, retry: RetryPolicy) -> Selected {
    let mut skipped = Vec::new();
    match environment(env) {
        Lookup::Found(credentials) => return Selected::Environment(credentials),
        Lookup::Skipped(why) => skipped.push(why),
    }
    match web_identity(env, region, http, retry) {
        Ok(Lookup::Found(provider)) => return Selected::WebIdentity(provider),
        Ok(Lookup::Skipped(why)) => skipped.push(why),
        Err(error) => return Selected::Misconfigured(error),
    }
    match container(env, http, retry) {
        Ok(Lookup::Found(provider)) => return Selected::Container(provider),
        Ok(Lookup::Skipped(why)) => skipped.push(why),
        Err(error) => return Selected::Misconfigured(error),
    }
    Selected::NotFound(skipped)
}

fn environment(env: &Environment) -> Lookup<Credentials> {
    match (env.get(var::ACCESS_KEY_ID), env.get(var::SECRET_ACCESS_KEY)) {
        (Some(id), Some(secret)) => Lookup::Found(Credentials::new(
            id,
            secret,
            env.get(var::SESSION_TOKEN).map(str::to_string),
            None,
        )),
        (None, None) => Lookup::Skipped("environment: AWS_ACCESS_KEY_ID is not set".into()),
        (Some(_), None) => Lookup::Skipped(
            "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into(),
        ),
        (None, Some(_)) => Lookup::Skipped(
            "environment: AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into(),
        ),
    }
}

fn web_identity(
    env: &Environment,
    region: &Region,
    http: &HttpClient,
    retry: RetryPolicy,
) -> Result<Lookup<WebIdentityProvider>, CredentialsError> {
    let Some(token_file) = env.get(var::WEB_IDENTITY_TOKEN_FILE) else {
        return Ok(Lookup::Skipped(
            "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set".into(),
        ));
    };
    let role_arn = env
        .get(var::ROLE_ARN)
        .ok_or_else(|| CredentialsError::Invalid {
            provider: "web identity",
            message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not".into(),
        })?;
    let session_name = env
        .get(var::ROLE_SESSION_NAME)
        .map(str::to_string)
        .unwrap_or_else(default_session_name);
    let endpoint = Endpoint::resolve(Service::Sts, region, env).map_err(|error| {
        CredentialsError::Invalid {
            provider: "web identity",
            message: error.0,
        }
    })?;
    let provider =
        WebIdentityProvider::new(token_file, role_arn, &session_name, endpoint, http.clone())?
            .with_retry(retry);
    Ok(Lookup::Found(provider))
}

fn container(
    env: &Environment,
    http: &HttpClient,
    retry: RetryPolicy,
) -> Result<Lookup<ContainerProvider>, CredentialsError> {
    let token = if let Some(file) = env.get(var::CONTAINER_AUTHORIZATION_TOKEN_FILE) {
        AuthorizationToken::File(file.into())
    } else if let Some(value) = env.get(var::CONTAINER_AUTHORIZATION_TOKEN) {
        AuthorizationToken::Value(Sensitive::new(value))
    } else {
        AuthorizationToken::None
    };
    // The relative URI wins when both are set, as in the AWS SDKs.
    let provider = if let Some(path) = env.get(var::CONTAINER_CREDENTIALS_RELATIVE_URI) {
        ContainerProvider::relative_uri(path, token, http.clone())?
    } else if let Some(uri) = env.get(var::CONTAINER_CREDENTIALS_FULL_URI) {
        ContainerProvider::full_uri(uri, token, http.clone())?
    } else {
        return Ok(Lookup::Skipped(
            "container: neither AWS_CONTAINER_CREDENTIALS_FULL_URI nor \
             AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set"
                .into(),
        ));
    };
    Ok(Lookup::Found(provider.with_retry(retry)))
}

/// `team-operator-<unix milliseconds>`, so that CloudTrail tells sessions apart.
fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or(0);
    format!("team-operator-{millis}")
}
