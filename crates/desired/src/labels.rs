//! Labels of everything the operator creates, as the Go operator sets them.
//!
//! Selector labels (`managed-by`, `name`, `instance`) are immutable parts of Deployment and
//! StatefulSet selectors; the full set adds `posit.team/site` and `posit.team/component`.
//! Every value is at most 63 characters (see [`crate::names`]).

use crate::names::label_value;
use std::collections::BTreeMap;

pub use team_api::labels::{
    COMPONENT, INSTANCE, LAUNCHER_INSTANCE, MANAGED_BY, NAME, NAMESPACE_NAME, OPERATOR, SITE,
};

/// A label set (sorted, so rendering is stable).
pub type Labels = BTreeMap<String, String>;

/// Labels of one component (a product, the Site itself, or a session kind).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentLabels {
    /// `app.kubernetes.io/name` and `posit.team/component`: `connect`, `site`, ...
    pub kind: &'static str,
    /// `app.kubernetes.io/instance`: the component name (`<site>-connect`), or the Site name.
    pub instance: String,
    /// `posit.team/site`.
    pub site: String,
}

impl ComponentLabels {
    pub fn new(kind: &'static str, instance: &str, site: &str) -> Self {
        Self {
            kind,
            instance: label_value(instance),
            site: label_value(site),
        }
    }

    /// The immutable selector labels.
    pub fn selector(&self) -> Labels {
        Labels::from([
            (MANAGED_BY.to_string(), OPERATOR.to_string()),
            (NAME.to_string(), self.kind.to_string()),
            (INSTANCE.to_string(), self.instance.clone()),
        ])
    }

    /// Selector labels plus site and component.
    pub fn full(&self) -> Labels {
        let mut labels = self.selector();
        labels.insert(SITE.to_string(), self.site.clone());
        labels.insert(COMPONENT.to_string(), self.kind.to_string());
        labels
    }
}

/// Only `app.kubernetes.io/managed-by: team-operator` (what product resources created by a
/// Site carry).
pub fn managed_only() -> Labels {
    Labels::from([(MANAGED_BY.to_string(), OPERATOR.to_string())])
}

/// Labels of session pods, Services and Jobs (`posit.team/component: connect-session`).
pub fn session(site: &str, component: &'static str) -> Labels {
    Labels::from([
        (SITE.to_string(), label_value(site)),
        (COMPONENT.to_string(), component.to_string()),
    ])
}

/// Builds a label set from pairs.
pub fn of<const N: usize>(pairs: [(&str, &str); N]) -> Labels {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}
