//! AWS Secrets Manager as a source of the values a resource refers to.

use super::inputs::SecretSource;
use futures::future::BoxFuture;
use std::collections::BTreeMap;
use team_aws::{HttpClient, Region, SecretsManager};

/// Reads Secrets Manager with the pod's credentials (IRSA, EKS Pod Identity or the
/// environment).
pub struct AwsSecrets {
    client: SecretsManager,
}

impl AwsSecrets {
    /// A reader for `region`, or why none can be made (the error is one line).
    pub fn new(region: &str) -> Result<Self, String> {
        let region = Region::new(region).map_err(|e| format!("AWS region {region:?}: {e}"))?;
        let http = HttpClient::new().map_err(|e| format!("AWS HTTP client: {e}"))?;
        let client =
            SecretsManager::new(region, http).map_err(|e| format!("AWS Secrets Manager: {e}"))?;
        Ok(Self { client })
    }
}

impl From<SecretsManager> for AwsSecrets {
    fn from(client: SecretsManager) -> Self {
        Self { client }
    }
}

impl SecretSource for AwsSecrets {
    fn read<'a>(
        &'a self,
        vault: &'a str,
    ) -> BoxFuture<'a, Result<BTreeMap<String, String>, String>> {
        Box::pin(async move {
            self.client
                .get_secret(vault)
                .await
                .map(|values| values.into_map())
                .map_err(|e| e.to_string())
        })
    }
}
