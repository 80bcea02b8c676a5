//! Leader election through a `coordination.k8s.io/v1` Lease, with the semantics client-go
//! uses (holder identity, lease duration, renew time, transitions), so that only one replica
//! writes at a time - including against a Go operator using the same lease.

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime;
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use kube::api::{Api, PostParams};
use kube::{Client, Error as KubeError};
use std::time::Duration;
use tokio::sync::watch;

/// Timing of the election, as in client-go's defaults.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// How long a lease is valid without renewal.
    pub lease_duration: Duration,
    /// How long the leader keeps trying to renew before it gives up.
    pub renew_deadline: Duration,
    /// Pause between attempts.
    pub retry_period: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }
}

/// One candidate in an election.
#[derive(Clone)]
pub struct Elector {
    api: Api<Lease>,
    lease_name: String,
    identity: String,
    timing: Timing,
}

/// The outcome of one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// This candidate holds the lease (newly or still).
    Leading,
    /// Another candidate holds a valid lease.
    Following,
}

impl Elector {
    pub fn new(
        client: Client,
        namespace: &str,
        lease_name: &str,
        identity: &str,
        timing: Timing,
    ) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            lease_name: lease_name.to_string(),
            identity: identity.to_string(),
            timing,
        }
    }

    /// One attempt to acquire or renew the lease at time `now`. Conflicts (another candidate
    /// wrote first) count as following.
    pub async fn try_acquire_or_renew(&self, now: Timestamp) -> Result<Attempt, KubeError> {
        let duration_seconds = self.timing.lease_duration.as_secs().max(1) as i32;
        let Some(current) = self.api.get_opt(&self.lease_name).await? else {
            let lease = Lease {
                metadata: kube::api::ObjectMeta {
                    name: Some(self.lease_name.clone()),
                    ..Default::default()
                },
                spec: Some(LeaseSpec {
                    holder_identity: Some(self.identity.clone()),
                    lease_duration_seconds: Some(duration_seconds),
                    acquire_time: Some(MicroTime(now)),
                    renew_time: Some(MicroTime(now)),
                    lease_transitions: Some(0),
                    ..Default::default()
                }),
            };
            return conflict_means_following(self.api.create(&PostParams::default(), &lease).await);
        };
        let spec = current.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.clone().unwrap_or_default();
        let mut next = current.clone();
        let next_spec = next.spec.get_or_insert_with(Default::default);
        if holder == self.identity {
            next_spec.renew_time = Some(MicroTime(now));
            next_spec.lease_duration_seconds = Some(duration_seconds);
        } else {
            if !holder.is_empty() && !expired(&spec, now) {
                return Ok(Attempt::Following);
            }
            next_spec.holder_identity = Some(self.identity.clone());
            next_spec.lease_duration_seconds = Some(duration_seconds);
            next_spec.acquire_time = Some(MicroTime(now));
            next_spec.renew_time = Some(MicroTime(now));
            next_spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0) + 1);
        }
        // replace carries the resourceVersion we read: a concurrent writer makes it conflict.
        conflict_means_following(
            self.api
                .replace(&self.lease_name, &PostParams::default(), &next)
                .await,
        )
    }

    /// Gives the lease up so a standby takes over at once (on graceful shutdown).
    pub async fn release(&self) -> Result<(), KubeError> {
        let Some(mut lease) = self.api.get_opt(&self.lease_name).await? else {
            return Ok(());
        };
        let spec = lease.spec.get_or_insert_with(Default::default);
        if spec.holder_identity.as_deref() != Some(self.identity.as_str()) {
            return Ok(());
        }
        spec.holder_identity = None;
        spec.lease_duration_seconds = Some(1);
        self.api
            .replace(&self.lease_name, &PostParams::default(), &lease)
            .await
            .map(drop)
    }

    /// Waits until this candidate leads, then renews in the background. The returned receiver
    /// turns `false` when leadership is lost (renewals failed for longer than the renew
    /// deadline); the controllers must then stop writing.
    pub async fn lead(self) -> watch::Receiver<bool> {
        loop {
            match self.try_acquire_or_renew(Timestamp::now()).await {
                Ok(Attempt::Leading) => break,
                Ok(Attempt::Following) => {}
                Err(error) => tracing::warn!(error = %error, "leader election attempt failed"),
            }
            tokio::time::sleep(self.timing.retry_period).await;
        }
        tracing::info!(identity = %self.identity, lease = %self.lease_name, "became leader");
        let (sender, receiver) = watch::channel(true);
        tokio::spawn(async move {
            let mut last_renewal = tokio::time::Instant::now();
            loop {
                tokio::time::sleep(self.timing.retry_period).await;
                match self.try_acquire_or_renew(Timestamp::now()).await {
                    Ok(Attempt::Leading) => last_renewal = tokio::time::Instant::now(),
                    Ok(Attempt::Following) => break,
                    Err(error) => tracing::warn!(error = %error, "lease renewal failed"),
                }
                if last_renewal.elapsed() > self.timing.renew_deadline {
                    break;
                }
            }
            tracing::error!("lost leadership");
            let _ = sender.send(false);
        });
        receiver
    }
}

fn expired(spec: &LeaseSpec, now: Timestamp) -> bool {
    let Some(MicroTime(renewed)) = spec.renew_time else {
        return true;
    };
    let duration = SignedDuration::from_secs(i64::from(spec.lease_duration_seconds.unwrap_or(0)));
    renewed + duration < now
}

fn conflict_means_following(result: Result<Lease, KubeError>) -> Result<Attempt, KubeError> {
    match result {
        Ok(_) => Ok(Attempt::Leading),
        Err(KubeError::Api(status)) if status.code == 409 => Ok(Attempt::Following),
        Err(error) => Err(error),
    }
}
