//! Keeping temporary credentials until shortly before they expire.

use super::{Credentials, CredentialsFuture, ProvideCredentials};
use crate::clock::Clock;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// Credentials are refreshed this long before their expiry, so that a request signed with
/// them cannot arrive after it.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Wraps a provider: its credentials are reused until `refresh_before` ahead of their expiry
/// (credentials without an expiry are kept for good). Concurrent callers share one fetch.
/// When a refresh fails while the old credentials are still valid, those are used and the
/// next call tries again.
pub struct CachedCredentials {
    inner: Box<dyn ProvideCredentials>,
    clock: Arc<dyn Clock>,
    refresh_before: Duration,
    cached: Mutex<Option<Credentials>>,
    invalidated: AtomicBool,
}

impl CachedCredentials {
    pub fn new(inner: impl ProvideCredentials + 'static, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner: Box::new(inner),
            clock,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            cached: Mutex::new(None),
            invalidated: AtomicBool::new(false),
        }
    }

    pub fn with_refresh_before(mut self, refresh_before: Duration) -> Self {
        self.refresh_before = refresh_before;
        self
    }

    fn is_fresh(&self, credentials: &Credentials, now: SystemTime) -> bool {
        match credentials.expires_at() {
            None => true,
            Some(expiry) => now
                .checked_add(self.refresh_before)
                .is_some_and(|deadline| deadline < expiry),
        }
    }
}

fn is_unexpired(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expires_at().is_none_or(|expiry| now < expiry)
}

impl ProvideCredentials for CachedCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut cached = self.cached.lock().await;
            if self.invalidated.swap(false, Ordering::SeqCst) {
                *cached = None;
            }
            let now = self.clock.now();
            if let Some(credentials) = cached.as_ref().filter(|c| self.is_fresh(c, now)) {
                return Ok(credentials.clone());
            }
            match self.inner.provide_credentials().await {
                Ok(credentials) => {
                    *cached = Some(credentials.clone());
                    Ok(credentials)
                }
                Err(error) => match cached.as_ref().filter(|c| is_unexpired(c, now)) {
                    Some(still_valid) => {
                        tracing::warn!(%error, "refreshing AWS credentials failed; using the current ones until they expire");
                        Ok(still_valid.clone())
                    }
                    None => Err(error),
                },
            }
        })
    }

    fn invalidate(&self) {
        self.invalidated.store(true, Ordering::SeqCst);
        self.inner.invalidate();
    }
}

impl fmt::Debug for CachedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedCredentials")
            .field("refresh_before", &self.refresh_before)
            .finish_non_exhaustive()
    }
}
