//! Our GetSecretValue signatures against botocore's SigV4 signer (the AWS SDK for Python),
//! over secret ids, regions, endpoints and credentials with and without a session token.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};
use team_aws::endpoint::{Endpoint, Region, Service};
use team_aws::secrets_manager::get_secret_value_request;
use team_aws::{Credentials, Environment};
use test_support::{tool, workspace_root};

/// Headers botocore adds itself (date, token, host from the URL) or does not sign.
const ADDED_BY_BOTOCORE: &[&str] = &[
    "authorization",
    "user-agent",
    "host",
    "x-amz-date",
    "x-amz-security-token",
];

struct Case {
    secret_id: &'static str,
    region: &'static str,
    endpoint_url: Option<&'static str>,
    session_token: Option<&'static str>,
    unix_seconds: u64,
}

const CASES: &[Case] = &[
    Case {
        secret_id: "posit-team/workload",
        region: "us-east-2",
        endpoint_url: None,
        session_token: None,
        unix_seconds: 1_700_000_000,
    },
    Case {
        secret_id: "rds!db-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        region: "eu-central-1",
        endpoint_url: None,
        session_token: Some("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMiJHMEUCIQ+/=="),
        unix_seconds: 1_709_251_199,
    },
    Case {
        secret_id: "arn:aws:secretsmanager:cn-north-1:123456789012:secret:site-AbCdEf",
        region: "cn-north-1",
        endpoint_url: None,
        session_token: Some("token"),
        unix_seconds: 946_684_800,
    },
    Case {
        secret_id: "quote\"back\\slash ünïcødé 秘密 </>&",
        region: "us-gov-west-1",
        endpoint_url: Some("http://127.0.0.1:4566"),
        session_token: None,
        unix_seconds: 4_102_444_799,
    },
    Case {
        secret_id: "with-path",
        region: "ap-southeast-2",
        endpoint_url: Some(
            "https://vpce-0123.secretsmanager.ap-southeast-2.vpce.amazonaws.com:8443/base",
        ),
        session_token: Some("short-lived"),
        unix_seconds: 1_440_938_160,
    },
];

#[test]
fn get_secret_value_signatures_match_botocore() {
    let mut requests = Vec::new();
    let mut ours = Vec::new();
    for case in CASES {
        let region = Region::new(case.region).unwrap();
        let endpoint = match case.endpoint_url {
            Some(url) => Endpoint::parse(url).unwrap(),
            None => Endpoint::resolve(Service::SecretsManager, &region, &Environment::default())
                .unwrap(),
        };
        let credentials = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            case.session_token.map(str::to_string),
            None,
        );
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(case.unix_seconds);
        let signed = get_secret_value_request(&endpoint, &region, case.secret_id, &credentials, at);
        let header = |name: &str| {
            signed
                .headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {name} header"))
        };
        let kept: Vec<[String; 2]> = signed
            .headers
            .iter()
            .filter(|(name, _)| !ADDED_BY_BOTOCORE.contains(&name.as_str()))
            .map(|(name, value)| [name.clone(), value.clone()])
            .collect();
        requests.push(json!({
            "method": "POST",
            "url": signed.url,
            "headers": kept,
            "body": signed.body,
            "region": case.region,
            "service": "secretsmanager",
            "access_key_id": credentials.access_key_id(),
            "secret_access_key": credentials.secret_access_key(),
            "session_token": case.session_token,
            "amz_date": header("x-amz-date"),
        }));
        ours.push(header("authorization"));
    }

    let theirs = botocore_sign(&Value::Array(requests));
    for ((case, ours), theirs) in CASES.iter().zip(&ours).zip(&theirs) {
        assert_eq!(
            ours,
            theirs["authorization"].as_str().unwrap(),
            "secret {:?}; botocore's canonical request:\n{}",
            case.secret_id,
            theirs["canonical_request"].as_str().unwrap_or("")
        );
    }
    assert_eq!(theirs.len(), CASES.len());
}

fn botocore_sign(requests: &Value) -> Vec<Value> {
    let script = workspace_root().join("crates/aws/tests/botocore_sign.py");
    let mut child = Command::new(tool("venv/bin/python"))
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(requests.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "botocore signing failed (run scripts/install-test-tools):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Vec<Value>>(&output.stdout).expect("botocore prints JSON")
}
