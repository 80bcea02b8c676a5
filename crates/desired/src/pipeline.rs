//! The per-kind pipeline, once: what every kind's builder says about itself, and the steps
//! that follow the same way for every kind. `render` and the controllers both run it; only
//! where the inputs come from differs (given Secrets offline, the API and AWS in a cluster).
//!
//! read ([`Pipeline::requirements`]) -> validate ([`Pipeline::validate`]) -> build
//! ([`build`]: the objects, the digest of the Secrets they read stamped on their pod
//! templates, the apply order, and the selector of what the resource owns, for pruning).

use crate::environment::Environment;
use crate::error::BuildError;
use crate::inputs::{Inputs, Requirement};
use crate::object::{self, Desired};
use crate::{chronicle, connect, flightdeck, labels, package_manager, site, workbench};
use std::collections::BTreeSet;
use team_api::kind::{self, Kind};
use team_api::{Chronicle, Connect, Flightdeck, PackageManager, Site, Workbench};

/// One kind the operator turns into objects.
pub trait Pipeline {
    /// The resource after validation, everything the build needs from it.
    type Validated: Send + Sync;
    /// The kind itself.
    const KIND: &'static Kind;
    /// Kinds a resource of this kind may create: watched, and pruned when no longer desired.
    const OWNS: &'static [&'static Kind];
    /// Whether a changed referenced Secret rolls the workloads (products: yes; the Site's
    /// own workloads read no product Secrets).
    const STAMP_SECRETS: bool = true;

    /// The resource as a validated value, or every bad field named.
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError>;

    /// The Secrets and keys the build reads.
    fn requirements(_validated: &Self::Validated) -> Vec<Requirement> {
        Vec::new()
    }

    /// Every object of the resource.
    fn objects(
        validated: &Self::Validated,
        inputs: &Inputs,
        environment: &Environment,
    ) -> Result<Vec<Desired>, BuildError>;
}

/// What one resource builds, ready to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Built {
    /// Every object, in apply order.
    pub objects: Vec<Desired>,
    /// Label selector of the objects this resource owns: `managed-by`, narrowed by the
    /// instance (or site) label every owned object shares, so pruning lists only its own.
    pub prune_selector: String,
}

/// Builds a validated resource of kind `P` from its inputs.
pub fn build<P: Pipeline>(
    validated: &P::Validated,
    inputs: &Inputs,
    environment: &Environment,
) -> Result<Built, BuildError> {
    let mut objects = P::objects(validated, inputs, environment)?;
    if P::STAMP_SECRETS {
        object::stamp_secrets_digest(&mut objects, inputs.secrets_digest().as_deref());
    }
    object::sort_for_apply(&mut objects);
    let prune_selector = prune_selector(&objects);
    Ok(Built {
        objects,
        prune_selector,
    })
}

/// The selector of the owned objects (those with an owner reference: claims and volumes
/// that outlive their owner have none, and are never pruned).
fn prune_selector(objects: &[Desired]) -> String {
    let owned: Vec<&Desired> = objects
        .iter()
        .filter(|d| {
            d.object
                .metadata()
                .owner_references
                .as_ref()
                .is_some_and(|refs| !refs.is_empty())
        })
        .collect();
    let mut selector = team_api::labels::managed_selector();
    for label in [labels::INSTANCE, labels::SITE] {
        let values: BTreeSet<&str> = owned
            .iter()
            .map(|d| {
                d.object
                    .metadata()
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(label))
                    .map_or("", String::as_str)
            })
            .collect();
        if let [value] = values.into_iter().collect::<Vec<_>>()[..]
            && !value.is_empty()
        {
            selector.push_str(&format!(",{label}={value}"));
            break;
        }
    }
    selector
}

/// What a product resource creates.
const PRODUCT_OWNS: &[&Kind] = &[
    &kind::CONFIG_MAP,
    &kind::SECRET,
    &kind::SERVICE_ACCOUNT,
    &kind::ROLE,
    &kind::ROLE_BINDING,
    &kind::SERVICE,
    &kind::DEPLOYMENT,
    &kind::STATEFUL_SET,
    &kind::INGRESS,
    &kind::POD_DISRUPTION_BUDGET,
    &kind::PERSISTENT_VOLUME_CLAIM,
    &kind::POSTGRES_DATABASE,
    &kind::SECRET_PROVIDER_CLASS,
    &kind::MIDDLEWARE,
];

/// The products that read Secrets: validate, requirements and build of their module.
macro_rules! product_pipeline {
    ($resource:ty, $module:ident, $validated:ident, $kind:ident) => {
        impl Pipeline for $resource {
            type Validated = $module::$validated;
            const KIND: &'static Kind = &kind::$kind;
            const OWNS: &'static [&'static Kind] = PRODUCT_OWNS;
            fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
                $module::validate(self, namespace)
            }
            fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
                $module::requirements(validated)
            }
            fn objects(
                validated: &Self::Validated,
                inputs: &Inputs,
                environment: &Environment,
            ) -> Result<Vec<Desired>, BuildError> {
                $module::build(validated, inputs, environment)
            }
        }
    };
}

product_pipeline!(Connect, connect, ValidatedConnect, CONNECT);
product_pipeline!(Workbench, workbench, ValidatedWorkbench, WORKBENCH);
product_pipeline!(
    PackageManager,
    package_manager,
    ValidatedPackageManager,
    PACKAGE_MANAGER
);

impl Pipeline for Chronicle {
    type Validated = chronicle::ValidatedChronicle;
    const KIND: &'static Kind = &kind::CHRONICLE;
    const OWNS: &'static [&'static Kind] = &[
        &kind::CONFIG_MAP,
        &kind::SERVICE_ACCOUNT,
        &kind::SERVICE,
        &kind::STATEFUL_SET,
    ];
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        chronicle::validate(self, namespace)
    }
    fn objects(
        v: &Self::Validated,
        _: &Inputs,
        _: &Environment,
    ) -> Result<Vec<Desired>, BuildError> {
        chronicle::build(v)
    }
}

impl Pipeline for Flightdeck {
    type Validated = flightdeck::ValidatedFlightdeck;
    const KIND: &'static Kind = &kind::FLIGHTDECK;
    const OWNS: &'static [&'static Kind] = &[
        &kind::SERVICE_ACCOUNT,
        &kind::ROLE,
        &kind::ROLE_BINDING,
        &kind::DEPLOYMENT,
        &kind::SERVICE,
        &kind::INGRESS,
    ];
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        flightdeck::validate(self, namespace)
    }
    fn objects(
        v: &Self::Validated,
        _: &Inputs,
        _: &Environment,
    ) -> Result<Vec<Desired>, BuildError> {
        flightdeck::build(v)
    }
}

impl Pipeline for Site {
    type Validated = site::ValidatedSite;
    const KIND: &'static Kind = &kind::SITE;
    const OWNS: &'static [&'static Kind] = &[
        &kind::CONNECT,
        &kind::WORKBENCH,
        &kind::PACKAGE_MANAGER,
        &kind::CHRONICLE,
        &kind::FLIGHTDECK,
        &kind::POSTGRES_DATABASE,
        &kind::PERSISTENT_VOLUME_CLAIM,
        &kind::CONFIG_MAP,
        &kind::JOB,
        &kind::DAEMON_SET,
        &kind::DEPLOYMENT,
        &kind::SERVICE_ACCOUNT,
        &kind::NETWORK_POLICY,
        &kind::SECRET_PROVIDER_CLASS,
        &kind::MIDDLEWARE,
        &kind::KEYCLOAK,
    ];
    const STAMP_SECRETS: bool = false;
    fn validate(&self, namespace: &str) -> Result<Self::Validated, BuildError> {
        site::validate(self, namespace)
    }
    fn requirements(validated: &Self::Validated) -> Vec<Requirement> {
        site::requirements(validated)
    }
    fn objects(
        v: &Self::Validated,
        i: &Inputs,
        e: &Environment,
    ) -> Result<Vec<Desired>, BuildError> {
        site::build(v, i, e)
    }
}
