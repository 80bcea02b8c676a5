//! A recording, fault-injecting wrapper around a `kube::Client` (typically kube-fake-client's
//! in-memory API): every request is recorded as a [`Call`] (verb and resource), so tests can
//! count writes and list the API calls the controllers make, and chosen requests can fail
//! with a status code or a client-side timeout.

use bytes::Bytes;
use futures::future::BoxFuture;
use http::{Request, Response};
use kube::client::Body;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// One API request, as RBAC sees it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Call {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`.
    pub verb: String,
    /// API group (`""` for core).
    pub group: String,
    /// Plural resource, with `/subresource` when there is one (`deployments/status`).
    pub resource: String,
    /// Namespace, empty for cluster-wide requests.
    pub namespace: String,
    /// Object name, empty for collections.
    pub name: String,
}

impl Call {
    /// True for requests that change something.
    pub fn is_write(&self) -> bool {
        matches!(self.verb.as_str(), "create" | "update" | "patch" | "delete")
    }

    pub(crate) fn parse(method: &http::Method, uri: &http::Uri) -> Call {
        let segments: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
        // /api/v1/... or /apis/<group>/<version>/...
        let (group, rest) = match segments.as_slice() {
            ["api", _version, rest @ ..] => (String::new(), rest),
            ["apis", group, _version, rest @ ..] => (group.to_string(), rest),
            _ => (String::new(), &segments[..0]),
        };
        let (namespace, rest) = match rest {
            ["namespaces", namespace, rest @ ..] if !rest.is_empty() => {
                (namespace.to_string(), rest)
            }
            rest => (String::new(), rest),
        };
        let (resource, name) = match rest {
            [resource] => (resource.to_string(), String::new()),
            [resource, name] => (resource.to_string(), name.to_string()),
            [resource, name, sub, ..] => (format!("{resource}/{sub}"), name.to_string()),
            _ => (String::new(), String::new()),
        };
        let watch = uri
            .query()
            .unwrap_or("")
            .split('&')
            .any(|p| p == "watch=true" || p == "watch=1");
        let verb = match *method {
            http::Method::GET if watch => "watch",
            http::Method::GET if name.is_empty() => "list",
            http::Method::GET => "get",
            http::Method::POST => "create",
            http::Method::PUT => "update",
            http::Method::PATCH => "patch",
            http::Method::DELETE => "delete",
            _ => "other",
        };
        Call {
            verb: verb.to_string(),
            group,
            resource,
            namespace,
            name,
        }
    }
}

/// How a matched request fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The API server answers with this status code (409, 500, 503, ...).
    Status(u16),
    /// The request never completes: the client gives up (as a tower timeout would).
    Timeout,
}

type Matcher = Box<dyn Fn(&Call) -> bool + Send + Sync>;

struct Fault {
    matches: Matcher,
    failure: Failure,
    remaining: usize,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// Every distinct call since the start, kept across [`Recorder::clear`].
    distinct: std::collections::BTreeSet<Call>,
    faults: Vec<Fault>,
}

/// The record of a wrapped client, and its fault plan.
#[derive(Clone, Default)]
pub struct Recorder {
    state: Arc<Mutex<State>>,
}

impl Recorder {
    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Every distinct call since the client was made, whatever was cleared since.
    pub fn distinct_calls(&self) -> Vec<Call> {
        self.state
            .lock()
            .unwrap()
            .distinct
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets the calls so far (for [`Recorder::calls`] and [`Recorder::writes`]).
    pub fn clear(&self) {
        self.state.lock().unwrap().calls.clear();
    }

    /// The writes so far, as `verb resource namespace/name`.
    pub fn writes(&self) -> Vec<String> {
        self.calls()
            .iter()
            .filter(|c| c.is_write())
            .map(|c| format!("{} {} {}/{}", c.verb, c.resource, c.namespace, c.name))
            .collect()
    }

    /// How many planned failures have not happened yet.
    pub fn pending_failures(&self) -> usize {
        self.state
            .lock()
            .unwrap()
            .faults
            .iter()
            .map(|f| f.remaining)
            .sum()
    }

    /// Makes the next `times` calls matching `matches` fail.
    pub fn fail(
        &self,
        times: usize,
        failure: Failure,
        matches: impl Fn(&Call) -> bool + Send + Sync + 'static,
    ) {
        self.state.lock().unwrap().faults.push(Fault {
            matches: Box::new(matches),
            failure,
            remaining: times,
        });
    }

    /// The failure planned for this call, if any (consuming one occurrence).
    fn planned(&self, call: &Call) -> Option<Failure> {
        let mut state = self.state.lock().unwrap();
        state.calls.push(call.clone());
        state.distinct.insert(call.clone());
        let fault = state
            .faults
            .iter_mut()
            .find(|f| f.remaining > 0 && (f.matches)(call))?;
        fault.remaining -= 1;
        Some(fault.failure)
    }
}

/// Wraps `inner`: the returned client records and possibly fails each request, then
/// forwards it.
pub fn recording(inner: kube::Client) -> (kube::Client, Recorder) {
    let recorder = Recorder::default();
    let service = Recording {
        inner,
        recorder: recorder.clone(),
    };
    (kube::Client::new(service, "default"), recorder)
}

#[derive(Clone)]
struct Recording {
    inner: kube::Client,
    recorder: Recorder,
}

/// What a timed-out request reports.
#[derive(Debug)]
struct TimedOut;

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request timed out")
    }
}

impl std::error::Error for TimedOut {}

impl tower::Service<Request<Body>> for Recording {
    type Response = Response<Body>;
    type Error = Box<dyn std::error::Error + Send + Sync>;
    type Future = BoxFuture<'static, Result<Response<Body>, Self::Error>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let call = Call::parse(request.method(), request.uri());
        let planned = self.recorder.planned(&call);
        let inner = self.inner.clone();
        Box::pin(async move {
            match planned {
                Some(Failure::Timeout) => Err(Box::new(TimedOut) as Self::Error),
                Some(Failure::Status(code)) => Ok(status_response(code)),
                None => inner
                    .send(request)
                    .await
                    .map_err(|e| Box::new(e) as Self::Error),
            }
        })
    }
}

fn status_response(code: u16) -> Response<Body> {
    let reason = match code {
        409 => "Conflict",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        _ => "InternalError",
    };
    let body = serde_json::json!({
        "kind": "Status", "apiVersion": "v1", "status": "Failure",
        "message": format!("injected failure {code}"), "reason": reason, "code": code
    });
    Response::builder()
        .status(code)
        .header("content-type", "application/json")
        .body(Body::from(
            Bytes::from(serde_json::to_vec(&body).unwrap()).to_vec(),
        ))
        .unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(method: &str, uri: &str) -> Call {
        Call::parse(&method.parse().unwrap(), &uri.parse().unwrap())
    }

    #[test]
    fn calls_are_read_as_rbac_sees_them() {
        let get = call("GET", "/apis/apps/v1/namespaces/ns/deployments/web");
        assert_eq!(
            (get.verb.as_str(), get.group.as_str(), get.resource.as_str()),
            ("get", "apps", "deployments")
        );
        let status = call(
            "PATCH",
            "/apis/core.posit.team/v1beta1/namespaces/ns/sites/main/status?fieldManager=x",
        );
        assert_eq!(
            (status.verb.as_str(), status.resource.as_str()),
            ("patch", "sites/status")
        );
        let list = call("GET", "/api/v1/namespaces/ns/secrets?labelSelector=a%3Db");
        assert_eq!(
            (
                list.verb.as_str(),
                list.group.as_str(),
                list.resource.as_str()
            ),
            ("list", "", "secrets")
        );
        let watch = call("GET", "/api/v1/configmaps?watch=true");
        assert_eq!(
            (watch.verb.as_str(), watch.namespace.as_str()),
            ("watch", "")
        );
        let pv = call("POST", "/api/v1/persistentvolumes");
        assert_eq!(
            (
                pv.verb.as_str(),
                pv.resource.as_str(),
                pv.namespace.as_str()
            ),
            ("create", "persistentvolumes", "")
        );
    }
}
