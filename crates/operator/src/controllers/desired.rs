//! From the builders' desired objects to apply instructions.

use crate::runtime::apply::{DesiredObject, Policy};
use team_desired::{ApplyPolicy, Desired};

/// Converts builder output into what the applier writes.
pub fn to_apply(desired: &[Desired]) -> Vec<DesiredObject> {
    desired
        .iter()
        .map(|d| match &d.policy {
            ApplyPolicy::Apply => DesiredObject::apply(d.object.to_value()),
            ApplyPolicy::CreateOnce { generate } => DesiredObject {
                object: d.object.to_value(),
                policy: Policy::CreateOnce,
                generate: generate.clone(),
            },
        })
        .collect()
}
