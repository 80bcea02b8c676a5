//! Offline rendering: resources and the Secrets they refer to, to every object the operator
//! would create, grouped by the resource that creates them, each group in apply order.
//!
//! The pipeline is the controllers' (requirements, validate, build); only the inputs come
//! from the given Secrets instead of the API, and AWS Secrets Manager is never read.

use crate::environment::Environment;
use crate::error::BuildError;
use crate::inputs::{self, Requirement, SecretData};
use crate::object::{Desired, Object};
use crate::pipeline::{self, Pipeline};
use crate::site;
use k8s_openapi::api::core::v1::Secret;
use std::collections::{BTreeMap, BTreeSet};
use team_api::manifest::Resource;

/// The objects one resource creates.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// `Kind namespace/name` of the creating resource.
    pub source: String,
    pub objects: Vec<Desired>,
}

/// Everything rendered, with warnings for the user.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    pub groups: Vec<Group>,
    pub warnings: Vec<String>,
}

impl Rendered {
    /// Every object, group after group.
    pub fn objects(&self) -> impl Iterator<Item = &Desired> {
        self.groups.iter().flat_map(|g| g.objects.iter())
    }
}

/// The Secrets among the resources, by namespace and name (`stringData` over `data`).
pub fn secret_data(resources: &[Resource], default_namespace: &str) -> SecretData {
    let mut data = SecretData::new();
    for resource in resources {
        if let Resource::Secret(secret) = resource {
            data.insert(
                (
                    namespace_of(&secret.metadata.namespace, default_namespace),
                    secret.metadata.name.clone().unwrap_or_default(),
                ),
                values(secret),
            );
        }
    }
    data
}

fn values(secret: &Secret) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = secret
        .data
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), String::from_utf8_lossy(&v.0).into_owned()))
        .collect();
    values.extend(
        secret
            .string_data
            .iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    values
}

fn namespace_of(namespace: &Option<String>, default_namespace: &str) -> String {
    namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| default_namespace.to_string())
}

/// Renders every resource; all problems of all resources are reported together.
pub fn render(
    resources: &[Resource],
    default_namespace: &str,
    environment: &Environment,
) -> Result<Rendered, Vec<String>> {
    let secrets = secret_data(resources, default_namespace);
    let mut rendered = Rendered::default();
    let mut errors = Vec::new();
    let mut derived = BTreeSet::new();
    for resource in resources {
        if let Resource::Site(site) = resource {
            let namespace = namespace_of(&site.metadata.namespace, default_namespace);
            derived.insert((namespace, site.metadata.name.clone().unwrap_or_default()));
        }
    }
    for resource in resources {
        let result = match resource {
            Resource::Site(site) => render_site(
                site,
                default_namespace,
                &secrets,
                environment,
                &mut rendered,
            ),
            Resource::Secret(_) | Resource::PostgresDatabase(_) => Ok(()),
            other => {
                let (namespace, name) = identity(other, default_namespace);
                if derived.contains(&(namespace.clone(), name.clone())) {
                    Err(vec![format!(
                        "{} {namespace}/{name}: the Site {namespace}/{name} creates and owns this resource; remove one of them from the input",
                        other.kind()
                    )])
                } else {
                    render_product(
                        other_object(other),
                        &namespace,
                        &secrets,
                        environment,
                        &mut rendered,
                    )
                }
            }
        };
        if let Err(mut problems) = result {
            errors.append(&mut problems);
        }
    }
    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(errors)
    }
}

fn identity(resource: &Resource, default_namespace: &str) -> (String, String) {
    let metadata = match resource {
        Resource::Site(r) => &r.metadata,
        Resource::Connect(r) => &r.metadata,
        Resource::Workbench(r) => &r.metadata,
        Resource::PackageManager(r) => &r.metadata,
        Resource::Chronicle(r) => &r.metadata,
        Resource::Flightdeck(r) => &r.metadata,
        Resource::PostgresDatabase(r) => &r.metadata,
        Resource::Secret(r) => &r.metadata,
    };
    (
        namespace_of(&metadata.namespace, default_namespace),
        metadata.name.clone().unwrap_or_default(),
    )
}

fn other_object(resource: &Resource) -> Object {
    match resource {
        Resource::Connect(r) => Object::Connect(r.clone()),
        Resource::Workbench(r) => Object::Workbench(r.clone()),
        Resource::PackageManager(r) => Object::PackageManager(r.clone()),
        Resource::Chronicle(r) => Object::Chronicle(r.clone()),
        Resource::Flightdeck(r) => Object::Flightdeck(r.clone()),
        _ => unreachable!("only product resources are rendered as products"),
    }
}

fn resolve(
    requirements: &[Requirement],
    secrets: &SecretData,
    rendered: &mut Rendered,
) -> Result<inputs::Inputs, Vec<String>> {
    let resolution = inputs::resolve_offline(requirements, secrets)
        .map_err(|missing| vec![BuildError::MissingInputs(missing).to_string()])?;
    for warning in resolution.warnings {
        if !rendered.warnings.contains(&warning) {
            rendered.warnings.push(warning);
        }
    }
    Ok(resolution.inputs)
}

fn render_site(
    resource: &team_api::Site,
    default_namespace: &str,
    secrets: &SecretData,
    environment: &Environment,
    rendered: &mut Rendered,
) -> Result<(), Vec<String>> {
    let namespace = namespace_of(&resource.metadata.namespace, default_namespace);
    let objects = render_one(resource, &namespace, secrets, environment, rendered)?;
    let products: Vec<Object> = site::product_resources(&objects).cloned().collect();
    rendered.groups.push(Group {
        source: source(resource, &namespace),
        objects,
    });
    let mut errors = Vec::new();
    for product in products {
        if let Err(mut problems) =
            render_product(product, &namespace, secrets, environment, rendered)
        {
            errors.append(&mut problems);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Renders one product resource (from the input or derived from a Site).
pub fn render_product(
    product: Object,
    namespace: &str,
    secrets: &SecretData,
    environment: &Environment,
    rendered: &mut Rendered,
) -> Result<(), Vec<String>> {
    fn group<P: Pipeline + kube::Resource>(
        resource: &P,
        namespace: &str,
        secrets: &SecretData,
        environment: &Environment,
        rendered: &mut Rendered,
    ) -> Result<(), Vec<String>> {
        let objects = render_one(resource, namespace, secrets, environment, rendered)?;
        rendered.groups.push(Group {
            source: source(resource, namespace),
            objects,
        });
        Ok(())
    }
    match product {
        Object::Connect(r) => group(r.as_ref(), namespace, secrets, environment, rendered),
        Object::Workbench(r) => group(r.as_ref(), namespace, secrets, environment, rendered),
        Object::PackageManager(r) => group(r.as_ref(), namespace, secrets, environment, rendered),
        Object::Chronicle(r) => group(r.as_ref(), namespace, secrets, environment, rendered),
        Object::Flightdeck(r) => group(r.as_ref(), namespace, secrets, environment, rendered),
        _ => Ok(()),
    }
}

/// The pipeline of one resource, its inputs taken from the given Secrets.
fn render_one<P: Pipeline>(
    resource: &P,
    namespace: &str,
    secrets: &SecretData,
    environment: &Environment,
    rendered: &mut Rendered,
) -> Result<Vec<Desired>, Vec<String>> {
    let validated = resource.validate(namespace).map_err(one)?;
    let inputs = resolve(&P::requirements(&validated), secrets, rendered)?;
    let built = pipeline::build::<P>(&validated, &inputs, environment).map_err(one)?;
    Ok(built.objects)
}

/// `Kind namespace/name` of a resource.
fn source<P: Pipeline + kube::Resource>(resource: &P, namespace: &str) -> String {
    format!(
        "{} {namespace}/{}",
        P::KIND,
        resource.meta().name.as_deref().unwrap_or_default()
    )
}

fn one(error: BuildError) -> Vec<String> {
    vec![error.to_string()]
}
