//! The Site watch end to end: the real kube client and watcher, with a tower-test mock in
//! place of the API server (it answers the list, then streams watch events the test
//! sends). The page follows changes and deletion, and page views never reach the API.

mod common;

use axum::http;
use bytes::Bytes;
use common::{Options, TestServer, eventually};
use flightdeck::site_source::SiteIdentity;
use flightdeck::site_watch;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use serde_json::{Value, json};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;

type Body = UnsyncBoxBody<Bytes, Infallible>;

fn site_json(domain: &str, resource_version: &str) -> Value {
    json!({
        "apiVersion": "core.posit.team/v1beta1",
        "kind": "Site",
        "metadata": {"name": "main", "namespace": "posit-team", "resourceVersion": resource_version, "uid": "0b7c"},
        "spec": {"domain": domain}
    })
}

fn watch_event(kind: &str, object: Value) -> Bytes {
    Bytes::from(format!("{}\n", json!({"type": kind, "object": object})))
}

/// Plays the API server on its own thread: answers lists with the Sites in `initial` and the
/// first watch with the events the test sends. Records every request line.
struct FakeApiServer {
    requests: Arc<Mutex<Vec<String>>>,
    events: mpsc::UnboundedSender<Bytes>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeApiServer {
    fn start(
        mut handle: tower_test::mock::Handle<
            http::Request<kube::client::Body>,
            http::Response<Body>,
        >,
        initial: Vec<Value>,
    ) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (events, receiver) = mpsc::unbounded_channel::<Bytes>();
        let log = requests.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let mut receiver = Some(receiver);
                while let Some((request, respond)) = handle.next_request().await {
                    let uri = request.uri().to_string();
                    log.lock()
                        .expect("log")
                        .push(format!("{} {uri}", request.method()));
                    let body: Body = if uri.contains("watch=true") {
                        match receiver.take() {
                            Some(receiver) => stream_body(receiver),
                            // Later watches stay open and quiet.
                            None => stream_body(mpsc::unbounded_channel().1),
                        }
                    } else {
                        let list = json!({
                            "apiVersion": "core.posit.team/v1beta1",
                            "kind": "SiteList",
                            "metadata": {"resourceVersion": "10"},
                            "items": initial.clone()
                        });
                        Full::new(Bytes::from(list.to_string())).boxed_unsync()
                    };
                    respond.send_response(
                        http::Response::builder()
                            .status(200)
                            .header("content-type", "application/json")
                            .body(body)
                            .expect("response"),
                    );
                }
            });
        });
        Self {
            requests,
            events,
            thread: Some(thread),
        }
    }

    fn send(&self, event: Bytes) {
        self.events.send(event).expect("watch is open");
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("log").clone()
    }
}

impl Drop for FakeApiServer {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn stream_body(receiver: mpsc::UnboundedReceiver<Bytes>) -> Body {
    let frames = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let chunk = receiver.recv().await?;
        Some((Ok::<_, Infallible>(Frame::data(chunk)), receiver))
    });
    StreamBody::new(frames).boxed_unsync()
}

#[test]
fn the_page_follows_the_site_through_the_watch() {
    let (service, handle) =
        tower_test::mock::pair::<http::Request<kube::client::Body>, http::Response<Body>>();
    let api = FakeApiServer::start(handle, vec![site_json("first.example.com", "10")]);
    let identity = SiteIdentity {
        name: "main".into(),
        namespace: "posit-team".into(),
    };
    let server = TestServer::start_with(Options::new(String::new()), move |_| {
        site_watch::watch_with(kube::Client::new(service, "posit-team"), identity)
    });
    let shows = |text: &str| {
        let text = text.to_string();
        let server = &server;
        move || server.get("/").text().contains(&text)
    };

    assert!(eventually(
        Duration::from_secs(10),
        shows("https://connect.first.example.com")
    ));

    api.send(watch_event(
        "MODIFIED",
        site_json("second.example.com", "11"),
    ));
    assert!(eventually(
        Duration::from_secs(10),
        shows("https://connect.second.example.com")
    ));

    api.send(watch_event(
        "DELETED",
        site_json("second.example.com", "12"),
    ));
    assert!(eventually(Duration::from_secs(10), || server
        .get("/")
        .status
        == 503));
    assert!(
        server
            .get("/")
            .text()
            .contains("The Site main does not exist in namespace posit-team.")
    );

    api.send(watch_event("ADDED", site_json("third.example.com", "13")));
    assert!(eventually(
        Duration::from_secs(10),
        shows("https://connect.third.example.com")
    ));

    for _ in 0..20 {
        assert_eq!(server.get("/").status, 200);
    }
    let requests = api.requests();
    assert_eq!(
        requests.len(),
        2,
        "one list and one watch, whatever the page views: {requests:?}"
    );
    assert!(
        requests[0].starts_with("GET /apis/core.posit.team/v1beta1/namespaces/posit-team/sites?")
    );
    assert!(
        requests[0].contains("fieldSelector=metadata.name%3Dmain"),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].contains("watch=true") && requests[1].contains("resourceVersion=10"),
        "{}",
        requests[1]
    );
    drop(server);
}

#[test]
fn a_site_missing_from_the_list_shows_unavailable() {
    let (service, handle) =
        tower_test::mock::pair::<http::Request<kube::client::Body>, http::Response<Body>>();
    let api = FakeApiServer::start(handle, Vec::new());
    let identity = SiteIdentity {
        name: "main".into(),
        namespace: "posit-team".into(),
    };
    let server = TestServer::start_with(Options::new(String::new()), move |_| {
        site_watch::watch_with(kube::Client::new(service, "posit-team"), identity)
    });
    assert!(eventually(Duration::from_secs(10), || server
        .get("/")
        .text()
        .contains("does not exist")));
    api.send(watch_event("ADDED", site_json("late.example.com", "11")));
    assert!(eventually(Duration::from_secs(10), || server
        .get("/")
        .text()
        .contains("https://workbench.late.example.com")));
    drop(server);
}
