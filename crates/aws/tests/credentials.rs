//! The default credential chain against the mock: environment, IRSA web identity through
//! STS, EKS Pod Identity; precedence, misconfiguration, caching, expiry and refresh.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use support::{Kind, ManualClock, MockAws, REGION, ROLE_ARN, Scripted, http_client, quick_retry};
use team_aws::error::ErrorKind;
use team_aws::{
    AwsError, CredentialsError, DefaultChain, ProvideCredentials, Reason, Region, RetryPolicy,
    SecretsManager,
};
use test_support::scratch_dir;

const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.web-identity-token.signature";
const POD_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.pod-identity-token.signature";

struct Setup {
    clock: Arc<ManualClock>,
    mock: MockAws,
    dir: PathBuf,
}

async fn setup(label: &str) -> Setup {
    let clock = ManualClock::new();
    let mock = MockAws::start(clock.clone()).await;
    mock.put_secret("site", r#"{"main-database-url":"postgres://db"}"#);
    {
        let mut state = mock.state.lock().unwrap();
        state.web_identity_tokens.insert(WEB_TOKEN.into());
        state.pod_identity_token = Some(POD_TOKEN.into());
    }
    Setup {
        clock,
        mock,
        dir: scratch_dir(label),
    }
}

impl Setup {
    fn write(&self, name: &str, content: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, content).unwrap();
        path.display().to_string()
    }

    fn client(&self, vars: &[(&str, &str)]) -> SecretsManager {
        self.client_with(vars, quick_retry())
    }

    fn client_with(&self, vars: &[(&str, &str)], retry: RetryPolicy) -> SecretsManager {
        SecretsManager::builder(Region::new(REGION).unwrap(), http_client())
            .environment(support::environment(&self.mock, vars))
            .clock(self.clock.clone())
            .retry(retry)
            .build()
            .unwrap()
    }

    fn web_identity_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                self.write("web-token", &format!("{WEB_TOKEN}\n")),
            ),
            ("AWS_ROLE_ARN", ROLE_ARN.to_string()),
        ]
    }

    fn pod_identity_vars(&self) -> Vec<(&'static str, String)> {
        vec![
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                format!("{}/v1/credentials", self.mock.url()),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                self.write("pod-token", POD_TOKEN),
            ),
        ]
    }
}

fn borrowed<'a>(vars: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    vars.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn read(client: &SecretsManager) -> Result<String, AwsError> {
    client.get_secret_key("site", "main-database-url").await
}

#[tokio::test]
async fn environment_credentials_sign_requests() {
    let setup = setup("env").await;
    setup
        .mock
        .know("AKIAENVEXAMPLE", "env/secret", Some("env-token"));
    let client = setup.client(&[
        ("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "env/secret"),
        ("AWS_SESSION_TOKEN", "env-token"),
    ]);
    assert_eq!(read(&client).await.unwrap(), "postgres://db");
    setup.mock.assert_no_refusals();
    let log = setup.mock.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].header("x-amz-security-token"), Some("env-token"));
}

#[tokio::test]
async fn irsa_exchanges_the_token_file_for_role_credentials() {
    let setup = setup("irsa").await;
    let mut vars = setup.web_identity_vars();
    vars.push(("AWS_ROLE_SESSION_NAME", "team-operator-pod".into()));
    let client = setup.client(&borrowed(&vars));

    assert_eq!(read(&client).await.unwrap(), "postgres://db");

    setup.mock.assert_no_refusals();
    let log = setup.mock.log();
    assert_eq!(
        log.iter().map(|l| l.kind).collect::<Vec<_>>(),
        [Kind::Sts, Kind::SecretsManager]
    );
    let form = log[0].form();
    assert_eq!(form["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(form["Version"], "2011-06-15");
    assert_eq!(form["RoleArn"], ROLE_ARN);
    assert_eq!(form["RoleSessionName"], "team-operator-pod");
    assert_eq!(
        form["WebIdentityToken"], WEB_TOKEN,
        "the file's newline is trimmed"
    );
    assert_eq!(
        log[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // The issued session credentials signed the Secrets Manager call.
    assert_eq!(
        log[1].header("x-amz-security-token"),
        Some("issued-token-1")
    );
}

#[tokio::test]
async fn irsa_without_a_session_name_gets_a_generated_one() {
    let setup = setup("irsa-session").await;
    let client = setup.client(&borrowed(&setup.web_identity_vars()));
    read(&client).await.unwrap();
    let name = setup.mock.log()[0].form()["RoleSessionName"].clone();
    let millis = name.strip_prefix("team-operator-").expect(&name);
    assert!(
        millis.len() >= 13 && millis.bytes().all(|b| b.is_ascii_digit()),
        "{name}"
    );
}

#[tokio::test]
async fn pod_identity_sends_the_token_file_as_authorization() {
    let setup = setup("pod-identity").await;
    let client = setup.client(&borrowed(&setup.pod_identity_vars()));

    assert_eq!(read(&client).await.unwrap(), "postgres://db");

    setup.mock.assert_no_refusals();
    let log = setup.mock.log();
    assert_eq!(
        log.iter().map(|l| l.kind).collect::<Vec<_>>(),
        [Kind::PodIdentity, Kind::SecretsManager]
    );
    assert_eq!(log[0].header("authorization"), Some(POD_TOKEN));
    assert_eq!(
        log[1].header("x-amz-security-token"),
        Some("issued-token-1")
    );
}

#[tokio::test]
async fn pod_identity_with_the_token_in_the_environment() {
    let setup = setup("pod-identity-env").await;
    let uri = format!("{}/v1/credentials", setup.mock.url());
    let client = setup.client(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", POD_TOKEN),
    ]);
    assert_eq!(read(&client).await.unwrap(), "postgres://db");
    assert_eq!(setup.mock.log()[0].header("authorization"), Some(POD_TOKEN));
}

#[tokio::test]
async fn the_chain_prefers_environment_then_web_identity_then_container() {
    let setup = setup("precedence").await;
    setup.mock.know("AKIAENVEXAMPLE", "env/secret", None);
    let env = [
        (
            "AWS_ACCESS_KEY_ID".to_string(),
            "AKIAENVEXAMPLE".to_string(),
        ),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            "env/secret".to_string(),
        ),
    ];
    let web = setup.web_identity_vars();
    let pod = setup.pod_identity_vars();
    let region = Region::new(REGION).unwrap();
    let chain = |vars: Vec<(String, String)>| {
        let mut all: Vec<(String, String)> = vec![("AWS_ENDPOINT_URL".into(), setup.mock.url())];
        all.extend(vars);
        DefaultChain::from_environment(
            &team_aws::Environment::from_pairs(all),
            &region,
            &http_client(),
            RetryPolicy::none(),
        )
    };
    let owned = |vars: &[(&'static str, String)]| -> Vec<(String, String)> {
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    };

    let everything: Vec<(String, String)> = env
        .iter()
        .cloned()
        .chain(owned(&web))
        .chain(owned(&pod))
        .collect();
    assert_eq!(chain(everything).source(), Some("environment"));
    let web_and_pod: Vec<_> = owned(&web).into_iter().chain(owned(&pod)).collect();
    let chosen = chain(web_and_pod);
    assert_eq!(chosen.source(), Some("web identity"));
    assert_eq!(chain(owned(&pod)).source(), Some("container"));

    // The chosen source is the only one asked.
    chosen.provide_credentials().await.unwrap();
    assert_eq!(setup.mock.count(Kind::Sts), 1);
    assert_eq!(setup.mock.count(Kind::PodIdentity), 0);

    // Half-set environment credentials are skipped, as the SDKs do.
    let half: Vec<_> = [("AWS_ACCESS_KEY_ID".to_string(), "AKIA".to_string())]
        .into_iter()
        .chain(owned(&pod))
        .collect();
    assert_eq!(chain(half).source(), Some("container"));
}

#[tokio::test]
async fn with_nothing_configured_every_source_says_why() {
    let setup = setup("nothing").await;
    let client = setup.client(&[("AWS_ACCESS_KEY_ID", "AKIA")]);
    let error = read(&client).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "AWS Secrets Manager secret \"site\" in us-east-2: no AWS credentials found \
         (environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; \
         web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set; container: neither \
         AWS_CONTAINER_CREDENTIALS_FULL_URI nor AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set)"
    );
    assert_eq!(error.reason(), Reason::NoCredentials);
}

#[tokio::test]
async fn misconfigured_sources_are_errors_naming_the_problem() {
    let setup = setup("misconfigured").await;
    let missing_file = setup.dir.join("no-such-token");
    let cases: Vec<(Vec<(&str, String)>, String)> = vec![
        (
            vec![
                (
                    "AWS_WEB_IDENTITY_TOKEN_FILE",
                    missing_file.display().to_string(),
                ),
                ("AWS_ROLE_ARN", ROLE_ARN.into()),
            ],
            format!(
                "web identity credentials: cannot read the token file {} \
                 (AWS_WEB_IDENTITY_TOKEN_FILE): No such file or directory (os error 2)",
                missing_file.display()
            ),
        ),
        (
            vec![("AWS_WEB_IDENTITY_TOKEN_FILE", setup.write("t", WEB_TOKEN))],
            "web identity credentials: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not"
                .into(),
        ),
        (
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", setup.write("empty", "\n")),
                ("AWS_ROLE_ARN", ROLE_ARN.into()),
            ],
            format!(
                "web identity credentials: the token file {} (AWS_WEB_IDENTITY_TOKEN_FILE) is empty",
                setup.dir.join("empty").display()
            ),
        ),
        (
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", setup.write("t2", WEB_TOKEN)),
                ("AWS_ROLE_ARN", ROLE_ARN.into()),
                ("AWS_ROLE_SESSION_NAME", "has spaces".into()),
            ],
            "web identity credentials: AWS_ROLE_SESSION_NAME \"has spaces\" must be 2 to 64 \
             characters of A-Z a-z 0-9 + = , . @ _ -"
                .into(),
        ),
        (
            vec![(
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://10.0.0.8/v1/credentials".into(),
            )],
            "container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI \
             \"http://10.0.0.8/v1/credentials\" uses plain http on a host that is neither \
             loopback nor the ECS or EKS Pod Identity agent"
                .into(),
        ),
        (
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    format!("{}/v1/credentials", setup.mock.url()),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    missing_file.display().to_string(),
                ),
            ],
            format!(
                "container credentials: cannot read the token file {} \
                 (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): No such file or directory (os error 2)",
                missing_file.display()
            ),
        ),
    ];
    for (vars, expected) in cases {
        let client = setup.client(&borrowed(&vars));
        let error = read(&client).await.unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("AWS Secrets Manager secret \"site\" in us-east-2: {expected}")
        );
        assert_eq!(error.reason(), Reason::NoCredentials);
    }
    // No request left the process: a misconfiguration is found before any call.
    assert_eq!(setup.mock.log().len(), 0);
}

#[tokio::test]
async fn sts_refusals_carry_the_code_and_never_the_token() {
    let setup = setup("sts-refusal").await;
    let vars = [
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            setup.write("bad-token", "eyJ-not-trusted-token"),
        ),
        ("AWS_ROLE_ARN", ROLE_ARN.to_string()),
    ];
    let client = setup.client(&borrowed(&vars));
    setup.mock.script(Scripted::sts_error(
        400,
        "InvalidIdentityToken",
        "Token eyJ-not-trusted-token is not from a trusted provider",
    ));
    let error = read(&client).await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidIdentityToken"));
    assert_eq!(error.reason(), Reason::NoCredentials);
    assert_eq!(
        error.to_string(),
        "AWS Secrets Manager secret \"site\" in us-east-2: web identity credentials: \
         InvalidIdentityToken: Token [redacted] is not from a trusted provider (HTTP 400)"
    );
    assert!(!format!("{error:?}").contains("eyJ-not-trusted-token"));

    // Without a scripted answer the mock itself refuses the unknown token.
    let error = read(&client).await.unwrap_err();
    assert_eq!(error.code(), Some("InvalidIdentityToken"));
    assert_eq!(setup.mock.count(Kind::Sts), 2, "not retried");
}

#[tokio::test]
async fn sts_hiccups_are_tried_again() {
    let setup = setup("sts-retry").await;
    let client = setup.client(&borrowed(&setup.web_identity_vars()));
    setup.mock.script(Scripted::sts_error(
        400,
        "IDPCommunicationError",
        "the identity provider could not be reached",
    ));
    setup
        .mock
        .script(Scripted::sts_error(503, "ServiceUnavailable", "busy"));
    assert_eq!(read(&client).await.unwrap(), "postgres://db");
    assert_eq!(setup.mock.count(Kind::Sts), 3);
}

#[tokio::test]
async fn temporary_credentials_are_cached_until_shortly_before_expiry() {
    let setup = setup("cache").await;
    let client = setup.client(&borrowed(&setup.web_identity_vars()));

    for _ in 0..5 {
        read(&client).await.unwrap();
    }
    assert_eq!(setup.mock.count(Kind::Sts), 1);

    // Issued for an hour: 54 minutes later they are still used...
    setup.clock.advance(Duration::from_secs(54 * 60));
    read(&client).await.unwrap();
    assert_eq!(setup.mock.count(Kind::Sts), 1);

    // ...and within five minutes of expiry they are replaced before use.
    setup.clock.advance(Duration::from_secs(2 * 60));
    read(&client).await.unwrap();
    assert_eq!(setup.mock.count(Kind::Sts), 2);
    let last = setup.mock.log().last().cloned().unwrap();
    assert_eq!(last.header("x-amz-security-token"), Some("issued-token-2"));

    // Far past every expiry, still fresh credentials: the mock refuses expired ones.
    setup.clock.advance(Duration::from_secs(5 * 3600));
    read(&client).await.unwrap();
    assert_eq!(setup.mock.count(Kind::Sts), 3);
    setup.mock.assert_no_refusals();
}

#[tokio::test]
async fn the_rotated_token_file_is_read_at_each_refresh() {
    let setup = setup("rotation").await;
    let vars = setup.web_identity_vars();
    let client = setup.client(&borrowed(&vars));
    read(&client).await.unwrap();

    let rotated = "eyJhbGciOiJSUzI1NiJ9.rotated-token.signature";
    setup
        .mock
        .state
        .lock()
        .unwrap()
        .web_identity_tokens
        .insert(rotated.into());
    std::fs::write(Path::new(&vars[0].1), rotated).unwrap();
    setup.clock.advance(Duration::from_secs(3600));
    read(&client).await.unwrap();

    let tokens: Vec<String> = setup
        .mock
        .log()
        .iter()
        .filter(|l| l.kind == Kind::Sts)
        .map(|l| l.form()["WebIdentityToken"].clone())
        .collect();
    assert_eq!(tokens, [WEB_TOKEN, rotated]);
}

#[tokio::test]
async fn pod_identity_credentials_are_cached_and_refreshed_too() {
    let setup = setup("pod-cache").await;
    setup.mock.state.lock().unwrap().issued_lifetime = Some(Duration::from_secs(6 * 3600));
    let client = setup.client(&borrowed(&setup.pod_identity_vars()));
    read(&client).await.unwrap();
    setup.clock.advance(Duration::from_secs(5 * 3600));
    read(&client).await.unwrap();
    assert_eq!(setup.mock.count(Kind::PodIdentity), 1);
    setup.clock.advance(Duration::from_secs(3600 - 4 * 60));
    read(&client).await.unwrap();
    assert_eq!(setup.mock.count(Kind::PodIdentity), 2);
    setup.mock.assert_no_refusals();
}

#[tokio::test]
async fn concurrent_reads_share_one_credential_fetch() {
    let setup = setup("concurrent").await;
    let client = Arc::new(setup.client(&borrowed(&setup.web_identity_vars())));
    let reads: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { read(&client).await })
        })
        .collect();
    for handle in reads {
        assert_eq!(handle.await.unwrap().unwrap(), "postgres://db");
    }
    assert_eq!(setup.mock.count(Kind::Sts), 1);
    assert_eq!(setup.mock.count(Kind::SecretsManager), 16);
}

#[tokio::test]
async fn a_failed_refresh_keeps_using_credentials_until_they_expire() {
    let setup = setup("refresh-failure").await;
    let client = setup.client_with(&borrowed(&setup.web_identity_vars()), RetryPolicy::none());
    read(&client).await.unwrap();

    // In the refresh window, STS is down: the still-valid credentials keep working.
    setup.clock.advance(Duration::from_secs(57 * 60));
    setup
        .mock
        .script(Scripted::sts_error(500, "InternalFailure", "down"));
    assert_eq!(read(&client).await.unwrap(), "postgres://db");
    assert_eq!(setup.mock.count(Kind::Sts), 2);

    // Past expiry with STS still down, the failure is reported.
    setup.clock.advance(Duration::from_secs(4 * 60));
    setup
        .mock
        .script(Scripted::sts_error(500, "InternalFailure", "down"));
    let error = read(&client).await.unwrap_err();
    assert_eq!(error.code(), Some("InternalFailure"));
    assert!(matches!(
        error.kind,
        ErrorKind::Credentials(CredentialsError::Service {
            provider: "web identity",
            ..
        })
    ));
    assert!(error.is_retryable());

    // Once STS is back, the next read succeeds.
    assert_eq!(read(&client).await.unwrap(), "postgres://db");
    setup.mock.assert_no_refusals();
}
