//! STS `AssumeRoleWithWebIdentity` (query protocol, unsigned: the token is the proof).

use crate::credentials::{Credentials, parse_expiration};
use crate::endpoint::Endpoint;
use crate::error::{CredentialsError, ServiceError};
use crate::http::HttpClient;
use crate::redact::service_message;
use crate::retry::{RetryPolicy, retrying};
use crate::sigv4::uri_encode;
use crate::xml::text_at;
use bytes::Bytes;
use http_body_util::Full;
use hyper::Request;

/// The STS API version of the query protocol.
pub const API_VERSION: &str = "2011-06-15";

const PROVIDER: &str = "web identity";

/// One role assumption: the role, the session name CloudTrail shows, the OIDC token.
#[derive(Clone, Copy)]
pub struct AssumeRoleRequest<'a> {
    pub role_arn: &'a str,
    pub session_name: &'a str,
    pub token: &'a str,
}

/// Exchanges a web identity token for temporary credentials, trying again on throttling,
/// server errors and `IDPCommunicationError`.
pub async fn assume_role_with_web_identity(
    http: &HttpClient,
    endpoint: &Endpoint,
    request: AssumeRoleRequest<'_>,
    retry: &RetryPolicy,
) -> Result<Credentials, CredentialsError> {
    retrying(retry, CredentialsError::is_retryable, || {
        attempt(http, endpoint, request)
    })
    .await
}

/// The form body of the request, every value percent-encoded.
pub fn form_body(request: AssumeRoleRequest<'_>) -> String {
    [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("RoleArn", request.role_arn),
        ("RoleSessionName", request.session_name),
        ("Version", API_VERSION),
        ("WebIdentityToken", request.token),
    ]
    .iter()
    .map(|(key, value)| format!("{key}={}", uri_encode(value, true)))
    .collect::<Vec<_>>()
    .join("&")
}

async fn attempt(
    http: &HttpClient,
    endpoint: &Endpoint,
    request: AssumeRoleRequest<'_>,
) -> Result<Credentials, CredentialsError> {
    let url = endpoint.url();
    let http_request = Request::post(url.as_str())
        .header("host", endpoint.authority())
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/xml")
        .header("user-agent", crate::USER_AGENT)
        .body(Full::new(Bytes::from(form_body(request))))
        .map_err(|e| CredentialsError::Invalid {
            provider: PROVIDER,
            message: format!("cannot build the STS request: {e}"),
        })?;
    let response =
        http.send(http_request, &url)
            .await
            .map_err(|source| CredentialsError::Http {
                provider: PROVIDER,
                source,
            })?;
    let body = String::from_utf8_lossy(&response.body);
    if response.status != 200 {
        return Err(CredentialsError::Service {
            provider: PROVIDER,
            source: service_error(&body, response.status, request.token),
        });
    }
    let result = ["AssumeRoleWithWebIdentityResult", "Credentials"];
    let field = |name: &str| {
        text_at(&body, &[result[0], result[1], name]).ok_or_else(|| CredentialsError::Invalid {
            provider: PROVIDER,
            message: format!("the STS answer has no Credentials/{name}"),
        })
    };
    let access_key_id = field("AccessKeyId")?;
    let secret_access_key = field("SecretAccessKey")?;
    let session_token = field("SessionToken")?;
    let expiration = parse_expiration(&field("Expiration")?, PROVIDER)?;
    Ok(Credentials::new(
        access_key_id,
        secret_access_key,
        Some(session_token),
        Some(expiration),
    ))
}

/// The `<ErrorResponse><Error><Code>` and `<Message>` of an STS error answer.
fn service_error(body: &str, status: u16, token: &str) -> ServiceError {
    let code = text_at(body, &["Error", "Code"])
        .filter(|code| !code.is_empty())
        .unwrap_or_else(|| format!("HTTP{status}"));
    let message = text_at(body, &["Error", "Message"]).unwrap_or_default();
    ServiceError {
        code,
        message: service_message(&message, &[token]),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_body_encodes_every_value() {
        let body = form_body(AssumeRoleRequest {
            role_arn: "arn:aws:iam::123456789012:role/r",
            session_name: "s@1",
            token: "eyJ.a+b/c=",
        });
        assert_eq!(
            body,
            "Action=AssumeRoleWithWebIdentity&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\
             &RoleSessionName=s%401&Version=2011-06-15&WebIdentityToken=eyJ.a%2Bb%2Fc%3D"
        );
    }

    #[test]
    fn error_answers_give_code_and_message_without_the_token() {
        let body = r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>
  <Message>Token eyJtoken-value is expired</Message></Error>
  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>"#;
        let error = service_error(body, 400, "eyJtoken-value");
        assert_eq!(error.code, "InvalidIdentityToken");
        assert_eq!(error.message, "Token [redacted] is expired");
        assert_eq!(error.status, 400);
        let unknown = service_error("<html>bad gateway</html>", 502, "t");
        assert_eq!(unknown.code, "HTTP502");
        assert!(unknown.is_retryable());
    }
}
