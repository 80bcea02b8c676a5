//! Standard conditions (Ready, Progressing, Degraded) computed from the previous status, so
//! `lastTransitionTime` moves only when a condition's status actually changes.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;
use team_api::status::{
    CONDITION_DEGRADED, CONDITION_PROGRESSING, CONDITION_READY, ConditionsStatus, HasConditions,
};

/// Status after a successful reconcile: Ready, neither progressing nor degraded.
pub fn succeeded(
    previous: Option<&ConditionsStatus>,
    generation: Option<i64>,
    reason: &str,
    message: &str,
) -> ConditionsStatus {
    build(previous, generation, [true, false, false], reason, message)
}

/// Status after a failed reconcile: not Ready, Degraded with the failure's reason.
pub fn failed(
    previous: Option<&ConditionsStatus>,
    generation: Option<i64>,
    reason: &str,
    message: &str,
) -> ConditionsStatus {
    build(previous, generation, [false, false, true], reason, message)
}

fn build(
    previous: Option<&ConditionsStatus>,
    generation: Option<i64>,
    [ready, progressing, degraded]: [bool; 3],
    reason: &str,
    message: &str,
) -> ConditionsStatus {
    let conditions = [
        (CONDITION_READY, ready),
        (CONDITION_PROGRESSING, progressing),
        (CONDITION_DEGRADED, degraded),
    ]
    .into_iter()
    .map(|(type_, value)| {
        let status = if value { "True" } else { "False" };
        let old = previous.and_then(|previous| previous.condition(type_));
        let last_transition_time = match old {
            Some(old) if old.status == status => old.last_transition_time.clone(),
            _ => Time(Timestamp::now()),
        };
        Condition {
            type_: type_.to_string(),
            status: status.to_string(),
            reason: reason.to_string(),
            message: message.to_string(),
            last_transition_time,
            observed_generation: generation,
        }
    })
    .collect();
    ConditionsStatus {
        conditions,
        observed_generation: generation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_time_changes_only_with_the_status() {
        let first = failed(None, Some(1), "AdminConnectionFailed", "down");
        let again = failed(Some(&first), Some(1), "AdminConnectionFailed", "down");
        assert_eq!(
            first, again,
            "the same outcome gives the same status: no write"
        );

        let recovered = succeeded(Some(&first), Some(2), "Provisioned", "ok");
        let ready = recovered.condition(CONDITION_READY).unwrap();
        assert_eq!(
            (ready.status.as_str(), ready.reason.as_str()),
            ("True", "Provisioned")
        );
        assert_eq!(recovered.observed_generation, Some(2));
        assert_eq!(ready.observed_generation, Some(2));
        let progressing = |status: &ConditionsStatus| {
            status
                .condition(CONDITION_PROGRESSING)
                .unwrap()
                .last_transition_time
                .clone()
        };
        // Progressing stayed False: its time is kept. Ready flipped: its time is new.
        assert_eq!(progressing(&recovered), progressing(&first));
        assert!(recovered.is_ready() && !first.is_ready());
        let degraded = recovered.condition(CONDITION_DEGRADED).unwrap();
        assert_eq!(degraded.status, "False");
    }
}
