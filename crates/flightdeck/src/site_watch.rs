//! Keeping the Site current from the Kubernetes API: one watch on the Site's name (a list,
//! then a stream of changes, restarted with back-off on errors), never a read per request.

use crate::StartupError;
use crate::site_source::{SiteIdentity, SiteSource, SiteView};
use futures_util::StreamExt;
use kube::api::Api;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};
use std::sync::Arc;
use team_api::Site;
use tokio::sync::watch;

/// Connects to the API server (in-cluster configuration, else the kubeconfig) and names the
/// Site to watch: `name` in `namespace` (default: the client's namespace).
pub async fn connect(
    name: String,
    namespace: Option<String>,
) -> Result<(kube::Client, SiteIdentity), StartupError> {
    let client = kube::Client::try_default()
        .await
        .map_err(|error| StartupError::Kubernetes(one_line(&error.to_string())))?;
    let namespace = namespace.unwrap_or_else(|| client.default_namespace().to_string());
    Ok((client, SiteIdentity { name, namespace }))
}

/// Starts the watch with a given client, in the background.
pub fn watch_with(client: kube::Client, identity: SiteIdentity) -> SiteSource {
    let api: Api<Site> = Api::namespaced(client, &identity.namespace);
    let (sender, receiver) = watch::channel(SiteView::Loading);
    tokio::spawn(run(api, identity.clone(), sender));
    SiteSource::watched(identity, receiver)
}

async fn run(api: Api<Site>, identity: SiteIdentity, sender: watch::Sender<SiteView>) {
    let config = watcher::Config::default().fields(&format!("metadata.name={}", identity.name));
    let mut events = watcher::watcher(api, config).default_backoff().boxed();
    let mut tracker = SiteTracker::default();
    while let Some(event) = events.next().await {
        match event {
            Ok(event) => {
                if let Some(view) = tracker.apply(event) {
                    log_view(&identity, &view);
                    sender.send_replace(view);
                }
            }
            // The watcher retries with back-off; the last known Site stays on the page.
            Err(error) => tracing::warn!(
                site = %identity.name,
                namespace = %identity.namespace,
                error = %one_line(&error.to_string()),
                "cannot watch the Site"
            ),
        }
        if sender.is_closed() {
            break;
        }
    }
}

fn log_view(identity: &SiteIdentity, view: &SiteView) {
    match view {
        SiteView::Ready(site) => tracing::info!(
            site = %identity.name,
            namespace = %identity.namespace,
            resource_version = site.metadata.resource_version.as_deref().unwrap_or(""),
            "Site loaded"
        ),
        SiteView::Missing => tracing::warn!(
            site = %identity.name,
            namespace = %identity.namespace,
            "Site not found"
        ),
        SiteView::Loading => {}
    }
}

/// Turns watcher events into the current view. A relist (`Init` .. `InitDone`) replaces the
/// view only once complete, so a restarted watch never shows a gap.
#[derive(Debug, Default)]
pub struct SiteTracker {
    relisting: Option<Option<Arc<Site>>>,
}

impl SiteTracker {
    /// The new view after `event`, if it changes.
    pub fn apply(&mut self, event: Event<Site>) -> Option<SiteView> {
        match event {
            Event::Init => {
                self.relisting = Some(None);
                None
            }
            Event::InitApply(site) => {
                self.relisting = Some(Some(Arc::new(site)));
                None
            }
            Event::InitDone => match self.relisting.take() {
                Some(Some(site)) => Some(SiteView::Ready(site)),
                _ => Some(SiteView::Missing),
            },
            Event::Apply(site) => Some(SiteView::Ready(Arc::new(site))),
            Event::Delete(_) => Some(SiteView::Missing),
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(domain: &str) -> Site {
        Site::new(
            "main",
            serde_json::from_value(serde_json::json!({ "domain": domain })).expect("spec"),
        )
    }

    fn domain(view: Option<SiteView>) -> Option<String> {
        match view {
            Some(SiteView::Ready(site)) => Some(site.spec.domain.clone()),
            Some(SiteView::Missing) => Some("<missing>".into()),
            _ => None,
        }
    }

    #[test]
    fn relist_publishes_only_when_done() {
        let mut tracker = SiteTracker::default();
        assert_eq!(domain(tracker.apply(Event::Init)), None);
        assert_eq!(
            domain(tracker.apply(Event::InitApply(site("a.example.com")))),
            None
        );
        assert_eq!(
            domain(tracker.apply(Event::InitDone)).as_deref(),
            Some("a.example.com")
        );
    }

    #[test]
    fn empty_relist_means_missing() {
        let mut tracker = SiteTracker::default();
        tracker.apply(Event::Init);
        assert_eq!(
            domain(tracker.apply(Event::InitDone)).as_deref(),
            Some("<missing>")
        );
    }

    #[test]
    fn changes_and_deletion() {
        let mut tracker = SiteTracker::default();
        assert_eq!(
            domain(tracker.apply(Event::Apply(site("b.example.com")))).as_deref(),
            Some("b.example.com")
        );
        assert_eq!(
            domain(tracker.apply(Event::Delete(site("b.example.com")))).as_deref(),
            Some("<missing>")
        );
    }
}
