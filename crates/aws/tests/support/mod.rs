//! A local stand-in for AWS on 127.0.0.1: Secrets Manager `GetSecretValue` (every request's
//! SigV4 signature verified independently), STS `AssumeRoleWithWebIdentity` and the EKS Pod
//! Identity agent, with scripted failures and a log of what it received.

#![allow(dead_code)]

pub mod verify;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use team_aws::sigv4::amz_date;
use team_aws::{Clock, Environment, HttpClient};
use verify::{Received, expected_signature, parse_authorization};

/// The region the mock serves.
pub const REGION: &str = "us-east-2";
/// The STS role the mock accepts.
pub const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/team-operator";
/// How long credentials the mock issues live, unless a test says otherwise.
pub const ISSUED_LIFETIME: Duration = Duration::from_secs(3600);

/// A clock the test moves by hand, shared by client and mock.
#[derive(Debug)]
pub struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    pub fn new() -> Arc<Self> {
        // 2024-03-01T12:00:00Z
        Arc::new(Self(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_294_400),
        )))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Which service a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    SecretsManager,
    Sts,
    PodIdentity,
}

/// A canned answer, given instead of the normal one to the next request of its kind.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub kind: Kind,
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl Scripted {
    /// A JSON 1.1 error answer of Secrets Manager.
    pub fn secrets_manager_error(status: u16, code: &str, message: &str) -> Self {
        Self {
            kind: Kind::SecretsManager,
            status,
            body: json!({"__type": code, "message": message}).to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn sts_error(status: u16, code: &str, message: &str) -> Self {
        Self {
            kind: Kind::Sts,
            status,
            body: format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(kind: Kind, delay: Duration) -> Self {
        Self {
            kind,
            status: 500,
            body: String::new(),
            delay,
        }
    }
}

/// A request the mock received.
#[derive(Debug, Clone)]
pub struct Logged {
    pub kind: Kind,
    pub headers: BTreeMap<String, Vec<String>>,
    pub body: String,
    /// Why the mock refused it, if it did.
    pub refused: Option<String>,
}

impl Logged {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// The form fields of an STS request.
    pub fn form(&self) -> BTreeMap<String, String> {
        self.body
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (decode(k), decode(v)))
            .collect()
    }
}

/// Credentials the mock knows: secret key, the session token that must come with them, and
/// the time after which it refuses them.
#[derive(Debug, Clone)]
pub struct Known {
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub expires_at: Option<SystemTime>,
}

#[derive(Debug, Default)]
pub struct State {
    /// Secret id to the GetSecretValue answer.
    pub secrets: BTreeMap<String, Value>,
    /// Secret ids the caller may not read.
    pub denied: BTreeSet<String>,
    /// Access key id to what the mock knows of it.
    pub known: BTreeMap<String, Known>,
    pub scripted: VecDeque<Scripted>,
    pub log: Vec<Logged>,
    /// Web identity tokens STS accepts.
    pub web_identity_tokens: BTreeSet<String>,
    /// The `Authorization` value the Pod Identity agent expects.
    pub pod_identity_token: Option<String>,
    /// Lifetime of issued credentials.
    pub issued_lifetime: Option<Duration>,
    issued: u32,
}

/// The running mock. Dropping it stops the server.
pub struct MockAws {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<State>>,
    clock: Arc<ManualClock>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for MockAws {
    fn drop(&mut self) {
        self.server.abort();
    }
}

type Shared = (Arc<Mutex<State>>, Arc<ManualClock>);

impl MockAws {
    pub async fn start(clock: Arc<ManualClock>) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let app = router(state.clone(), clock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            state,
            clock,
            server,
        }
    }

    /// The mock's handler, to serve on another transport (TLS) with the same state.
    pub fn router(&self) -> axum::Router {
        router(self.state.clone(), self.clock.clone())
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stores a secret whose SecretString is `secret_string`.
    pub fn put_secret(&self, id: &str, secret_string: &str) {
        self.put_answer(
            id,
            json!({
                "ARN": format!("arn:aws:secretsmanager:{REGION}:123456789012:secret:{id}-AbCdEf"),
                "Name": id,
                "VersionId": "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
                "SecretString": secret_string,
                "VersionStages": ["AWSCURRENT"],
                "CreatedDate": 1.523477145713E9
            }),
        );
    }

    pub fn put_answer(&self, id: &str, answer: Value) {
        self.state
            .lock()
            .unwrap()
            .secrets
            .insert(id.to_string(), answer);
    }

    /// Long-term credentials the mock accepts.
    pub fn know(&self, access_key_id: &str, secret_access_key: &str, session_token: Option<&str>) {
        self.state.lock().unwrap().known.insert(
            access_key_id.to_string(),
            Known {
                secret_access_key: secret_access_key.to_string(),
                session_token: session_token.map(str::to_string),
                expires_at: None,
            },
        );
    }

    pub fn script(&self, scripted: Scripted) {
        self.state.lock().unwrap().scripted.push_back(scripted);
    }

    pub fn log(&self) -> Vec<Logged> {
        self.state.lock().unwrap().log.clone()
    }

    pub fn count(&self, kind: Kind) -> usize {
        self.log().iter().filter(|l| l.kind == kind).count()
    }

    /// Every Secrets Manager request was accepted (signature, token, body).
    pub fn assert_no_refusals(&self) {
        let refused: Vec<String> = self.log().into_iter().filter_map(|l| l.refused).collect();
        assert!(refused.is_empty(), "the mock refused requests: {refused:?}");
    }
}

/// An environment whose endpoints all point at the mock.
pub fn environment(mock: &MockAws, extra: &[(&str, &str)]) -> Environment {
    let mut pairs: Vec<(String, String)> = vec![("AWS_ENDPOINT_URL".into(), mock.url())];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Environment::from_pairs(pairs)
}

/// A plain client (the mock speaks HTTP) with a short deadline.
pub fn http_client() -> HttpClient {
    HttpClient::with_root_certificates(rustls::RootCertStore::empty())
        .unwrap()
        .with_timeout(Duration::from_secs(5))
}

/// A retry policy that does not make tests wait.
pub fn quick_retry() -> team_aws::RetryPolicy {
    team_aws::RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
    }
}

fn router(state: Arc<Mutex<State>>, clock: Arc<ManualClock>) -> axum::Router {
    axum::Router::new()
        .fallback(handle)
        .with_state((state, clock))
}

async fn handle(
    AxumState((state, clock)): AxumState<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut received: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, value) in &headers {
        received
            .entry(name.as_str().to_string())
            .or_default()
            .push(String::from_utf8_lossy(value.as_bytes()).into_owned());
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    let kind = if method == Method::GET && uri.path() == "/v1/credentials" {
        Kind::PodIdentity
    } else if received.contains_key("x-amz-target") {
        Kind::SecretsManager
    } else {
        Kind::Sts
    };
    let scripted = {
        let mut state = state.lock().unwrap();
        let position = state.scripted.iter().position(|s| s.kind == kind);
        position.and_then(|i| state.scripted.remove(i))
    };
    let mut logged = Logged {
        kind,
        headers: received.clone(),
        body: text.clone(),
        refused: None,
    };
    if let Some(scripted) = scripted {
        state.lock().unwrap().log.push(logged);
        tokio::time::sleep(scripted.delay).await;
        return reply(scripted.status, scripted.body);
    }
    let now = clock.now();
    let (status, answer) = {
        let mut state = state.lock().unwrap();
        let result = match kind {
            Kind::SecretsManager => {
                let request = Received {
                    method: method.as_str(),
                    path: uri.path(),
                    query: uri.query().unwrap_or(""),
                    headers: &received,
                    body: &body,
                };
                get_secret_value(&state, &request, now)
            }
            Kind::Sts => assume_role(&mut state, &logged, now),
            Kind::PodIdentity => pod_identity(&mut state, &logged, now),
        };
        if result.0 != 200 {
            logged.refused = Some(result.1.clone());
        }
        state.log.push(logged);
        result
    };
    reply(status, answer)
}

fn reply(status: u16, body: String) -> Response {
    (StatusCode::from_u16(status).unwrap(), body).into_response()
}

fn sm_error(code: &str, message: &str) -> (u16, String) {
    (400, json!({"__type": code, "message": message}).to_string())
}

fn get_secret_value(state: &State, request: &Received<'_>, now: SystemTime) -> (u16, String) {
    let header = |name: &str| request.headers.get(name).and_then(|v| v.first()).cloned();
    let Some(authorization) = header("authorization") else {
        return sm_error("MissingAuthenticationTokenException", "no Authorization");
    };
    let authorization = match parse_authorization(&authorization) {
        Ok(parsed) => parsed,
        Err(why) => return sm_error("IncompleteSignatureException", &why),
    };
    for required in ["content-type", "host", "x-amz-date", "x-amz-target"] {
        if !authorization.signed_headers.iter().any(|h| h == required) {
            return sm_error(
                "IncompleteSignatureException",
                &format!("{required} is not signed"),
            );
        }
    }
    if header("x-amz-security-token").is_some()
        && !authorization
            .signed_headers
            .iter()
            .any(|h| h == "x-amz-security-token")
    {
        return sm_error("IncompleteSignatureException", "the token is not signed");
    }
    if authorization.region != REGION || authorization.service != "secretsmanager" {
        return sm_error(
            "InvalidSignatureException",
            "wrong region or service in scope",
        );
    }
    let date = header("x-amz-date").unwrap_or_default();
    if date != amz_date(now) || !date.starts_with(&authorization.date) {
        return sm_error(
            "InvalidSignatureException",
            "Signature expired or not yet valid",
        );
    }
    let Some(known) = state.known.get(&authorization.access_key_id) else {
        return sm_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
    };
    if known.session_token.as_deref() != header("x-amz-security-token").as_deref() {
        return sm_error(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        );
    }
    if known.expires_at.is_some_and(|expiry| now >= expiry) {
        return sm_error(
            "ExpiredTokenException",
            "The security token included in the request is expired",
        );
    }
    match expected_signature(request, &authorization, &known.secret_access_key) {
        Ok(expected) if expected == authorization.signature => {}
        Ok(_) => return sm_error("InvalidSignatureException", "signature mismatch"),
        Err(why) => return sm_error("InvalidSignatureException", &why),
    }
    if header("content-type").as_deref() != Some("application/x-amz-json-1.1")
        || header("x-amz-target").as_deref() != Some("secretsmanager.GetSecretValue")
    {
        return sm_error("UnknownOperationException", "not GetSecretValue");
    }
    let input: Value = serde_json::from_slice(request.body).unwrap_or(Value::Null);
    if input["VersionStage"] != "AWSCURRENT" || input.as_object().map(|o| o.len()) != Some(2) {
        return sm_error(
            "ValidationException",
            "expected SecretId and VersionStage AWSCURRENT",
        );
    }
    let id = input["SecretId"].as_str().unwrap_or_default();
    if state.denied.contains(id) {
        return sm_error(
            "AccessDeniedException",
            &format!(
                "User: arn:aws:sts::123456789012:assumed-role/team-operator/s is not authorized \
                 to perform: secretsmanager:GetSecretValue on resource: {id}"
            ),
        );
    }
    match state.secrets.get(id) {
        Some(answer) => (200, answer.to_string()),
        None => sm_error(
            "ResourceNotFoundException",
            "Secrets Manager can't find the specified secret.",
        ),
    }
}

/// Issues fresh credentials and remembers them for signature checks.
fn issue(state: &mut State, now: SystemTime) -> (String, String, String, SystemTime) {
    state.issued += 1;
    let n = state.issued;
    let (id, secret, token) = (
        format!("ASIAISSUED{n:04}"),
        format!("issued-secret-{n}/+="),
        format!("issued-token-{n}"),
    );
    let expiry = now + state.issued_lifetime.unwrap_or(ISSUED_LIFETIME);
    state.known.insert(
        id.clone(),
        Known {
            secret_access_key: secret.clone(),
            session_token: Some(token.clone()),
            expires_at: Some(expiry),
        },
    );
    (id, secret, token, expiry)
}

/// `YYYY-MM-DDTHH:MM:SSZ`, from the `x-amz-date` form.
fn rfc3339(time: SystemTime) -> String {
    let d = amz_date(time);
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

fn assume_role(state: &mut State, logged: &Logged, now: SystemTime) -> (u16, String) {
    let form = logged.form();
    let sts_error = |code: &str, message: &str| {
        (
            400,
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ),
        )
    };
    if logged.header("authorization").is_some() {
        return sts_error(
            "InvalidParameterValue",
            "AssumeRoleWithWebIdentity is unsigned",
        );
    }
    if form.get("Action").map(String::as_str) != Some("AssumeRoleWithWebIdentity")
        || form.get("Version").map(String::as_str) != Some("2011-06-15")
    {
        return sts_error("InvalidAction", "unknown action or version");
    }
    if form.get("RoleArn").map(String::as_str) != Some(ROLE_ARN) {
        return sts_error(
            "AccessDenied",
            "Not authorized to perform sts:AssumeRoleWithWebIdentity",
        );
    }
    let token = form.get("WebIdentityToken").cloned().unwrap_or_default();
    if !state.web_identity_tokens.contains(&token) {
        return sts_error("InvalidIdentityToken", "Couldn't verify the token");
    }
    let (id, secret, token, expiry) = issue(state, now);
    (
        200,
        format!(
            r#"<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:posit-team:team-operator</SubjectFromWebIdentityToken>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/team-operator/session</Arn>
      <AssumedRoleId>AROA:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>{token}</SessionToken>
      <SecretAccessKey>{}</SecretAccessKey>
      <Expiration>{}</Expiration>
      <AccessKeyId>{id}</AccessKeyId>
    </Credentials>
    <Provider>oidc.eks.us-east-2.amazonaws.com/id/EXAMPLE</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>"#,
            secret.replace('&', "&amp;"),
            rfc3339(expiry)
        ),
    )
}

fn pod_identity(state: &mut State, logged: &Logged, now: SystemTime) -> (u16, String) {
    if logged.header("authorization") != state.pod_identity_token.as_deref() {
        return (
            400,
            json!({"code": "InvalidTokenException", "message": "the token is not valid"})
                .to_string(),
        );
    }
    let (id, secret, token, expiry) = issue(state, now);
    (
        200,
        json!({
            "AccessKeyId": id,
            "SecretAccessKey": secret,
            "Token": token,
            "AccountId": "123456789012",
            "Expiration": rfc3339(expiry),
        })
        .to_string(),
    )
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
