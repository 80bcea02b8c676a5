//! Standard status conditions, updated so that `lastTransitionTime` only moves when a
//! condition's status really changes.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use k8s_openapi::jiff::Timestamp;
use team_api::status::{CONDITION_DEGRADED, CONDITION_PROGRESSING, CONDITION_READY};

/// What a reconcile concluded about a resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Health {
    /// Everything applied and serving.
    Ready { reason: String, message: String },
    /// Applied; workloads are still rolling out.
    Progressing { reason: String, message: String },
    /// The desired state could not be applied.
    Degraded { reason: String, message: String },
}

impl Health {
    /// The three conditions this health implies.
    fn conditions(&self) -> [(&'static str, bool, &str, &str); 3] {
        match self {
            Health::Ready { reason, message } => [
                (CONDITION_READY, true, reason, message),
                (CONDITION_PROGRESSING, false, reason, message),
                (CONDITION_DEGRADED, false, reason, message),
            ],
            Health::Progressing { reason, message } => [
                (CONDITION_READY, false, reason, message),
                (CONDITION_PROGRESSING, true, reason, message),
                (CONDITION_DEGRADED, false, reason, message),
            ],
            Health::Degraded { reason, message } => [
                (CONDITION_READY, false, reason, message),
                (CONDITION_PROGRESSING, false, reason, message),
                (CONDITION_DEGRADED, true, reason, message),
            ],
        }
    }

    /// True for [`Health::Ready`].
    pub fn is_ready(&self) -> bool {
        matches!(self, Health::Ready { .. })
    }
}

/// The new condition list for `health`, keeping `lastTransitionTime` of every condition whose
/// status did not change. `now` is the time used for conditions that do change.
pub fn updated(
    previous: &[Condition],
    health: &Health,
    generation: Option<i64>,
    now: Timestamp,
) -> Vec<Condition> {
    health
        .conditions()
        .into_iter()
        .map(|(type_, is_true, reason, message)| {
            let status = if is_true { "True" } else { "False" };
            let last_transition_time = previous
                .iter()
                .find(|c| c.type_ == type_ && c.status == status)
                .map(|c| c.last_transition_time.clone())
                .unwrap_or(Time(now));
            Condition {
                type_: type_.to_string(),
                status: status.to_string(),
                reason: reason.to_string(),
                message: message.to_string(),
                observed_generation: generation,
                last_transition_time,
            }
        })
        .collect()
}

/// True when the Ready condition changes status between `before` and `after` (the moment to
/// publish an Event).
pub fn ready_changed(before: &[Condition], after: &[Condition]) -> bool {
    let status = |list: &[Condition]| {
        list.iter()
            .find(|c| c.type_ == CONDITION_READY)
            .map(|c| (c.status.clone(), c.reason.clone()))
    };
    status(before) != status(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready() -> Health {
        Health::Ready {
            reason: "Available".into(),
            message: "all replicas available".into(),
        }
    }

    fn degraded(message: &str) -> Health {
        Health::Degraded {
            reason: "SecretMissing".into(),
            message: message.into(),
        }
    }

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(seconds).unwrap()
    }

    #[test]
    fn transition_time_moves_only_on_status_changes() {
        let first = updated(&[], &degraded("no secret"), Some(1), at(100));
        assert!(first.iter().all(|c| c.last_transition_time.0 == at(100)));
        // Same status, new message: times are kept.
        let second = updated(&first, &degraded("still no secret"), Some(2), at(200));
        assert!(second.iter().all(|c| c.last_transition_time.0 == at(100)));
        assert_eq!(second[2].message, "still no secret");
        assert_eq!(second[0].observed_generation, Some(2));
        // Degraded -> Ready: Ready and Degraded move, Progressing (False both times) stays.
        let third = updated(&second, &ready(), Some(2), at(300));
        assert_eq!(third[0].last_transition_time.0, at(300));
        assert_eq!(third[1].last_transition_time.0, at(100));
        assert_eq!(third[2].last_transition_time.0, at(300));
        assert_eq!(third[0].status, "True");
    }

    #[test]
    fn an_unchanged_health_gives_identical_conditions() {
        let first = updated(&[], &ready(), Some(3), at(100));
        let again = updated(&first, &ready(), Some(3), at(500));
        assert_eq!(first, again);
        assert!(!ready_changed(&first, &again));
    }

    #[test]
    fn ready_changes_are_detected() {
        let before = updated(&[], &degraded("x"), None, at(1));
        let after = updated(&before, &ready(), None, at(2));
        assert!(ready_changed(&before, &after));
        assert!(ready_changed(&[], &after));
    }
}
