//! GetSecretValue against the local mock, which checks every signature with its own SigV4
//! implementation: values, AWS errors, bad secrets, retries, timeouts and redaction.

mod support;

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{Kind, ManualClock, MockAws, REGION, Scripted, http_client, quick_retry};
use team_aws::error::{ErrorKind, HttpError};
use team_aws::{
    AwsError, CachedCredentials, Credentials, CredentialsError, Reason, Region, RetryPolicy,
    SecretsManager,
};

const ACCESS_KEY_ID: &str = "AKIAMOCKEXAMPLE";
const SECRET_ACCESS_KEY: &str = "mock/secret+key=EXAMPLE";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEXAMPLEsessiontoken//////////";

struct Setup {
    clock: Arc<ManualClock>,
    mock: MockAws,
}

async fn setup() -> Setup {
    let clock = ManualClock::new();
    let mock = MockAws::start(clock.clone()).await;
    mock.know(ACCESS_KEY_ID, SECRET_ACCESS_KEY, Some(SESSION_TOKEN));
    Setup { clock, mock }
}

fn credentials() -> Credentials {
    Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        Some(SESSION_TOKEN.to_string()),
        None,
    )
}

fn client(setup: &Setup, retry: RetryPolicy) -> SecretsManager {
    SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .environment(support::environment(&setup.mock, &[]))
        .credentials(credentials())
        .clock(setup.clock.clone())
        .retry(retry)
        .build()
        .unwrap()
}

async fn error_of(client: &SecretsManager, id: &str) -> AwsError {
    client.get_secret(id).await.expect_err("the read fails")
}

#[test]
fn the_mock_verifier_agrees_with_rfc_4231_and_the_suite() {
    // RFC 4231 test case 2.
    assert_eq!(
        support::verify::hex(&support::verify::hmac(
            b"Jefe",
            b"what do ya want for nothing?"
        )),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    // The SigV4 suite's get-vanilla, through the verifier.
    let headers = [
        (
            "host".to_string(),
            vec!["example.amazonaws.com".to_string()],
        ),
        (
            "x-amz-date".to_string(),
            vec!["20150830T123600Z".to_string()],
        ),
    ]
    .into_iter()
    .collect();
    let received = support::verify::Received {
        method: "GET",
        path: "/",
        query: "",
        headers: &headers,
        body: b"",
    };
    let authorization = support::verify::parse_authorization(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=x",
    )
    .unwrap();
    assert_eq!(
        support::verify::expected_signature(
            &received,
            &authorization,
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        )
        .unwrap(),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
}

#[tokio::test]
async fn a_secret_is_read_with_a_signature_the_server_verifies() {
    let setup = setup().await;
    setup.mock.put_secret(
        "posit-team/workload",
        r#"{"main-database-url":"postgres://admin:s3cr%40t@db.internal:5432/postgres?sslmode=require","extra":"x"}"#,
    );
    let client = client(&setup, RetryPolicy::none());

    let values = client.get_secret("posit-team/workload").await.unwrap();

    assert_eq!(
        values.get("main-database-url"),
        Some("postgres://admin:s3cr%40t@db.internal:5432/postgres?sslmode=require")
    );
    assert_eq!(
        values.keys().collect::<Vec<_>>(),
        ["extra", "main-database-url"]
    );
    setup.mock.assert_no_refusals();
    let log = setup.mock.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].header("x-amz-security-token"), Some(SESSION_TOKEN));
    assert_eq!(log[0].header("user-agent"), Some(team_aws::USER_AGENT));
    assert_eq!(
        log[0].body,
        r#"{"SecretId":"posit-team/workload","VersionStage":"AWSCURRENT"}"#
    );
}

#[tokio::test]
async fn rds_managed_secrets_and_arns_are_read_and_one_key_can_be_asked_for() {
    let setup = setup().await;
    let arn = "arn:aws:secretsmanager:us-east-2:123456789012:secret:rds!db-0f1e2d3c-AbCdEf";
    setup.mock.put_secret(
        arn,
        r#"{"username":"postgres","password":"  p@ss\"w0rd\n "}"#,
    );
    let client = client(&setup, RetryPolicy::none());

    assert_eq!(
        client.get_secret_key(arn, "username").await.unwrap(),
        "postgres"
    );
    // Values are returned untouched; trimming is the caller's rule.
    assert_eq!(
        client.get_secret_key(arn, "password").await.unwrap(),
        "  p@ss\"w0rd\n "
    );
    let missing = client.get_secret_key(arn, "host").await.unwrap_err();
    assert_eq!(missing.kind, ErrorKind::MissingKey("host".into()));
    assert_eq!(
        missing.to_string(),
        format!("AWS Secrets Manager secret {arn:?} in us-east-2: the secret has no key \"host\"")
    );
    assert_eq!(missing.reason(), Reason::InvalidSecret);
    setup.mock.assert_no_refusals();
}

#[tokio::test]
async fn aws_errors_name_the_secret_the_region_and_the_code() {
    let setup = setup().await;
    setup
        .mock
        .state
        .lock()
        .unwrap()
        .denied
        .insert("locked".into());
    let client = client(&setup, RetryPolicy::none());

    let not_found = error_of(&client, "missing").await;
    assert_eq!(
        not_found.to_string(),
        "AWS Secrets Manager secret \"missing\" in us-east-2: ResourceNotFoundException: \
         Secrets Manager can't find the specified secret. (HTTP 400)"
    );
    assert_eq!(not_found.code(), Some("ResourceNotFoundException"));
    assert_eq!(not_found.reason(), Reason::SecretNotFound);
    assert!(!not_found.is_retryable());

    let denied = error_of(&client, "locked").await;
    assert_eq!(denied.code(), Some("AccessDeniedException"));
    assert_eq!(denied.reason(), Reason::AccessDenied);
    assert_eq!(denied.reason().as_str(), "AwsAccessDenied");
    let message = denied.to_string();
    assert!(message.starts_with("AWS Secrets Manager secret \"locked\" in us-east-2: AccessDeniedException: User: arn:aws:sts::"), "{message}");

    // Each was asked once: neither error is retried.
    assert_eq!(setup.mock.count(Kind::SecretsManager), 2);
}

#[tokio::test]
async fn wrong_credentials_are_refused_by_the_verifier() {
    let setup = setup().await;
    setup.mock.put_secret("s", r#"{"k":"v"}"#);
    let wrong_secret = SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .environment(support::environment(&setup.mock, &[]))
        .credentials(Credentials::new(
            ACCESS_KEY_ID,
            "not-the-secret",
            Some(SESSION_TOKEN.into()),
            None,
        ))
        .clock(setup.clock.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = error_of(&wrong_secret, "s").await;
    assert_eq!(error.code(), Some("InvalidSignatureException"));
    assert_eq!(error.reason(), Reason::AccessDenied);
    assert!(!error.to_string().contains("not-the-secret"));
}

#[tokio::test]
async fn secrets_that_are_not_objects_of_strings_are_clear_errors_without_values() {
    let setup = setup().await;
    setup
        .mock
        .put_secret("number", r#"{"password": 31337, "user": "u"}"#);
    setup.mock.put_secret("plain", "hunter2-plain-text");
    setup.mock.put_secret("list", r#"["hunter2-in-a-list"]"#);
    setup
        .mock
        .put_secret("nested", r#"{"db": {"password": "hunter2-nested"}}"#);
    setup.mock.put_answer(
        "binary",
        json!({"Name": "binary", "SecretBinary": "aHVudGVyMg==", "VersionStages": ["AWSCURRENT"]}),
    );
    let client = client(&setup, RetryPolicy::none());

    let cases = [
        (
            "number",
            "SecretString is not a JSON object of string values: key \"password\" holds a number, not a string",
        ),
        (
            "plain",
            "SecretString is not a JSON object of string values: invalid JSON at line 1 column 1",
        ),
        (
            "list",
            "SecretString is not a JSON object of string values: found an array instead of an object",
        ),
        (
            "nested",
            "SecretString is not a JSON object of string values: key \"db\" holds an object, not a string",
        ),
        (
            "binary",
            "the secret has no SecretString (only SecretBinary); store a JSON object of strings",
        ),
    ];
    for (id, expected) in cases {
        let error = error_of(&client, id).await;
        assert_eq!(
            error.to_string(),
            format!("AWS Secrets Manager secret {id:?} in us-east-2: {expected}")
        );
        assert_eq!(error.reason(), Reason::InvalidSecret);
        let debug = format!("{error:?}");
        for shown in [error.to_string(), debug] {
            assert!(
                !shown.contains("hunter2") && !shown.contains("31337"),
                "{shown}"
            );
        }
    }
    setup.mock.assert_no_refusals();
}

#[tokio::test]
async fn server_errors_and_throttling_are_tried_again() {
    let setup = setup().await;
    setup.mock.put_secret("s", r#"{"k":"v"}"#);
    setup.mock.script(Scripted::secrets_manager_error(
        500,
        "InternalServiceError",
        "oops",
    ));
    setup.mock.script(Scripted::secrets_manager_error(
        400,
        "ThrottlingException",
        "Rate exceeded",
    ));
    let client = client(&setup, quick_retry());

    let values = client.get_secret("s").await.unwrap();
    assert_eq!(values.get("k"), Some("v"));
    assert_eq!(setup.mock.count(Kind::SecretsManager), 3);
}

#[tokio::test]
async fn retries_stop_after_the_policy_s_attempts() {
    let setup = setup().await;
    setup.mock.put_secret("s", r#"{"k":"v"}"#);
    for _ in 0..5 {
        setup.mock.script(Scripted::secrets_manager_error(
            400,
            "ThrottlingException",
            "Rate exceeded",
        ));
    }
    let client = client(&setup, quick_retry());

    let error = error_of(&client, "s").await;
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert_eq!(error.reason(), Reason::Unavailable);
    assert!(error.is_retryable());
    assert_eq!(setup.mock.count(Kind::SecretsManager), 3);
}

#[tokio::test]
async fn a_slow_server_times_out_within_the_deadline() {
    let setup = setup().await;
    setup.mock.put_secret("s", r#"{"k":"v"}"#);
    setup.mock.script(Scripted::delayed(
        Kind::SecretsManager,
        Duration::from_secs(30),
    ));
    let client = SecretsManager::builder(
        Region::new(REGION).unwrap(),
        http_client().with_timeout(Duration::from_millis(300)),
    )
    .environment(support::environment(&setup.mock, &[]))
    .credentials(credentials())
    .clock(setup.clock.clone())
    .retry(RetryPolicy::none())
    .build()
    .unwrap();

    let started = Instant::now();
    let error = error_of(&client, "s").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let ErrorKind::Http(HttpError::Timeout { endpoint, timeout }) = &error.kind else {
        panic!("not a timeout: {error}");
    };
    assert_eq!(*timeout, Duration::from_millis(300));
    assert_eq!(endpoint, &format!("{}/", setup.mock.url()));
    assert_eq!(
        error.to_string(),
        format!(
            "AWS Secrets Manager secret \"s\" in us-east-2: request to {}/ timed out after 0.3s",
            setup.mock.url()
        )
    );
    assert_eq!(error.reason(), Reason::Unavailable);

    // The next attempt (no delay scripted) succeeds: a timeout leaves the client usable.
    assert!(client.get_secret("s").await.is_ok());
}

#[tokio::test]
async fn an_unreachable_endpoint_is_named() {
    let setup = setup().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .endpoint(team_aws::Endpoint::parse(&format!("http://{closed}")).unwrap())
        .credentials(credentials())
        .clock(setup.clock.clone())
        .retry(quick_retry())
        .build()
        .unwrap();
    let error = error_of(&client, "s").await;
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "AWS Secrets Manager secret \"s\" in us-east-2: cannot reach http://{closed}/: "
        )),
        "{message}"
    );
    assert!(matches!(
        error.kind,
        ErrorKind::Http(HttpError::Transport { .. })
    ));
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let setup = setup().await;
    setup.mock.put_secret("huge", &"x".repeat(2 * 1024 * 1024));
    let client = client(&setup, quick_retry());
    let error = error_of(&client, "huge").await;
    assert!(
        matches!(
            error.kind,
            ErrorKind::Http(HttpError::TooLarge {
                limit: 1_048_576,
                ..
            })
        ),
        "{error}"
    );
    // Not retried: a larger answer will not get smaller.
    assert_eq!(setup.mock.count(Kind::SecretsManager), 1);
}

#[tokio::test]
async fn invalid_secret_ids_are_refused_before_any_request() {
    let setup = setup().await;
    let client = client(&setup, RetryPolicy::none());
    for (id, why) in [("", "it is empty"), ("a\nb", "it holds control characters")] {
        let error = error_of(&client, id).await;
        assert_eq!(error.kind, ErrorKind::InvalidSecretId(why.into()));
        assert_eq!(error.reason(), Reason::InvalidRequest);
    }
    assert_eq!(setup.mock.log().len(), 0);
}

#[tokio::test]
async fn a_token_unfit_for_a_header_is_refused_without_showing_it() {
    let setup = setup().await;
    let client = SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .environment(support::environment(&setup.mock, &[]))
        .credentials(Credentials::new(
            ACCESS_KEY_ID,
            SECRET_ACCESS_KEY,
            Some("token-with\nnewline".into()),
            None,
        ))
        .clock(setup.clock.clone())
        .build()
        .unwrap();
    let error = error_of(&client, "s").await;
    assert!(
        matches!(error.kind, ErrorKind::InvalidRequest(_)),
        "{error}"
    );
    assert_eq!(error.reason(), Reason::InvalidRequest);
    assert!(!format!("{error} {error:?}").contains("newline"));
    assert_eq!(setup.mock.log().len(), 0);
}

#[tokio::test]
async fn credentials_never_reach_error_messages_or_debug_output() {
    let setup = setup().await;
    setup
        .mock
        .put_secret("s", r#"{"password":"hunter2-value"}"#);
    // Some services echo the canonical request, token included, in signature errors.
    setup.mock.script(Scripted::secrets_manager_error(
        400,
        "InvalidSignatureException",
        &format!(
            "The request signature we calculated does not match the signature you provided. \
             Token {SESSION_TOKEN} key {SECRET_ACCESS_KEY}\nThe Canonical String for this request \
             should have been\n'POST\n/\n\nx-amz-security-token:{SESSION_TOKEN}'"
        ),
    ));
    let client = client(&setup, RetryPolicy::none());

    let error = error_of(&client, "s").await;
    let values = client.get_secret("s").await.unwrap();

    let shown = [
        error.to_string(),
        format!("{error:?}"),
        format!("{values:?}"),
        format!("{client:?}"),
        format!("{:?}", credentials()),
    ];
    for text in &shown {
        for secret in [SESSION_TOKEN, SECRET_ACCESS_KEY, "hunter2-value"] {
            assert!(!text.contains(secret), "{secret} shown in: {text}");
        }
    }
    assert_eq!(
        error.to_string(),
        "AWS Secrets Manager secret \"s\" in us-east-2: InvalidSignatureException: The request \
         signature we calculated does not match the signature you provided. Token [redacted] \
         key [redacted] (HTTP 400)"
    );
    assert_eq!(format!("{values:?}"), r#"{"password": "** redacted **"}"#);
}

/// A provider that counts its fetches and hands out whatever the test queued.
struct Counting {
    fetches: Arc<std::sync::atomic::AtomicUsize>,
}

impl team_aws::ProvideCredentials for Counting {
    fn provide_credentials(&self) -> team_aws::credentials::CredentialsFuture<'_> {
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Ok(credentials()) })
    }
}

#[tokio::test]
async fn an_expired_token_answer_fetches_new_credentials_once() {
    let setup = setup().await;
    setup.mock.put_secret("s", r#"{"k":"v"}"#);
    let fetches = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let cached = CachedCredentials::new(
        Counting {
            fetches: fetches.clone(),
        },
        setup.clock.clone(),
    );
    let client = SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .environment(support::environment(&setup.mock, &[]))
        .credentials(cached)
        .clock(setup.clock.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    assert!(client.get_secret("s").await.is_ok());
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 1);

    setup.mock.script(Scripted::secrets_manager_error(
        400,
        "ExpiredTokenException",
        "The security token included in the request is expired",
    ));
    assert!(client.get_secret("s").await.is_ok());
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 2);
    assert_eq!(setup.mock.count(Kind::SecretsManager), 3);

    // Twice in a row: the second answer is returned, not looped on.
    for _ in 0..2 {
        setup.mock.script(Scripted::secrets_manager_error(
            400,
            "ExpiredTokenException",
            "expired",
        ));
    }
    let error = error_of(&client, "s").await;
    assert_eq!(error.code(), Some("ExpiredTokenException"));
    assert_eq!(fetches.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn credential_failures_are_reported_as_such() {
    let setup = setup().await;
    let client = SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
        .environment(support::environment(&setup.mock, &[]))
        .clock(setup.clock.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = error_of(&client, "s").await;
    assert!(matches!(
        error.kind,
        ErrorKind::Credentials(CredentialsError::NotFound(_))
    ));
    assert_eq!(error.reason(), Reason::NoCredentials);
    assert_eq!(setup.mock.log().len(), 0);
}
