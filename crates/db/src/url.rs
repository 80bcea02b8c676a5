//! PostgreSQL connection URLs (`postgres://` and `postgresql://`), as libpq writes them:
//! `postgresql://[user[:password]@]host[:port][/database][?param=value&...]`.
//!
//! User, password, database and parameters are percent-decoded; IPv6 hosts are written in
//! brackets. Parse errors never quote the input, which may hold a password.

use crate::secret::Password;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

/// The port PostgreSQL listens on when a URL names none.
pub const DEFAULT_PORT: u16 = 5432;

/// Query parameters understood here; anything else is refused rather than silently ignored.
pub const SUPPORTED_PARAMETERS: &[&str] = &[
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
];

/// Characters written as-is in the components of a URL we produce (RFC 3986 "unreserved").
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a URL cannot be used; the text names the part, never its value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("must start with postgres:// or postgresql://")]
    Scheme,
    #[error("has no host")]
    NoHost,
    #[error("names several hosts; one host is supported")]
    SeveralHosts,
    #[error("has an IPv6 host without its closing ']'")]
    UnclosedBracket,
    #[error("has an invalid IPv6 address in brackets")]
    BadIpv6,
    #[error("has an invalid port {0:?} (expected 1 to 65535)")]
    BadPort(String),
    #[error("has a {0} that is not valid UTF-8 once URL-decoded")]
    NotUtf8(&'static str),
    #[error("has a query parameter without '=' or with an empty name")]
    BadParameter,
    #[error("has the unsupported parameter {0:?} (supported: {list})", list = SUPPORTED_PARAMETERS.join(", "))]
    UnsupportedParameter(String),
    #[error("has a fragment ('#'); encode '#' in a password as %23")]
    Fragment,
}

/// A host name or address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    Name(String),
    Ip(IpAddr),
}

impl Host {
    fn parse(text: &str) -> Result<Self, UrlError> {
        if let Some(inner) = text.strip_prefix('[') {
            let inner = inner.strip_suffix(']').ok_or(UrlError::UnclosedBracket)?;
            let address: Ipv6Addr = inner.parse().map_err(|_| UrlError::BadIpv6)?;
            return Ok(Host::Ip(IpAddr::V6(address)));
        }
        if text.is_empty() {
            return Err(UrlError::NoHost);
        }
        let decoded = decode(text, "host")?;
        Ok(match decoded.parse::<IpAddr>() {
            Ok(ip) => Host::Ip(ip),
            Err(_) => Host::Name(decoded.to_ascii_lowercase()),
        })
    }

    /// The host as tokio-postgres and TLS server-name checks want it (no brackets).
    pub fn bare(&self) -> String {
        match self {
            Host::Name(name) => name.clone(),
            Host::Ip(ip) => ip.to_string(),
        }
    }
}

impl fmt::Display for Host {
    /// The host as written in a URL (IPv6 in brackets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Name(name) => f.write_str(name),
            Host::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
        }
    }
}

/// Where a server listens. Two endpoints are the same server when host and port are equal,
/// a missing port counting as 5432.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub host: Host,
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)
    }
}

/// A parsed connection URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectionUrl {
    pub user: Option<String>,
    pub password: Option<Password>,
    pub endpoint: Endpoint,
    pub database: Option<String>,
    /// Query parameters in their written order, decoded.
    pub parameters: Vec<(String, String)>,
}

impl ConnectionUrl {
    /// Parses a `postgres://` or `postgresql://` URL.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let text = text.trim();
        let rest = strip_scheme(text).ok_or(UrlError::Scheme)?;
        if rest.contains('#') {
            return Err(UrlError::Fragment);
        }
        let (before_query, query) = match rest.split_once('?') {
            Some((before, query)) => (before, Some(query)),
            None => (rest, None),
        };
        let (head, path) = match before_query.split_once('/') {
            Some((head, path)) => (head, Some(path)),
            None => (before_query, None),
        };
        // The user info ends at the last '@' before the path, so an unencoded '@' in a
        // password still works (an unencoded '/' cannot, as with libpq).
        let (userinfo, authority) = match head.rsplit_once('@') {
            Some((userinfo, authority)) => (Some(userinfo), authority),
            None => (None, head),
        };
        let (user, password) = parse_userinfo(userinfo)?;
        Ok(Self {
            user,
            password,
            endpoint: parse_endpoint(authority)?,
            database: match path {
                Some(path) if !path.is_empty() => Some(decode(path, "database name")?),
                _ => None,
            },
            parameters: parse_query(query)?,
        })
    }

    /// The value of a query parameter (names compare case-insensitively, like the Go
    /// operator's `sslmode` lookup).
    pub fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Sets a parameter, replacing an existing one of the same name.
    pub fn set_parameter(&mut self, name: &str, value: &str) {
        match self
            .parameters
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
        {
            Some(entry) => entry.1 = value.to_string(),
            None => self.parameters.push((name.to_string(), value.to_string())),
        }
    }

    /// Writes the URL with every component percent-encoded. With `with_password` false the
    /// password is left out entirely.
    pub fn to_uri(&self, with_password: bool) -> String {
        let mut uri = String::from("postgresql://");
        if let Some(user) = &self.user {
            uri.push_str(&encode(user));
            if let (true, Some(password)) = (with_password, &self.password) {
                uri.push(':');
                uri.push_str(&encode(password.expose()));
            }
            uri.push('@');
        }
        uri.push_str(&self.endpoint.to_string());
        if let Some(database) = &self.database {
            uri.push('/');
            uri.push_str(&encode(database));
        }
        for (index, (key, value)) in self.parameters.iter().enumerate() {
            uri.push(if index == 0 { '?' } else { '&' });
            uri.push_str(&encode(key));
            uri.push('=');
            uri.push_str(&encode(value));
        }
        uri
    }
}

impl fmt::Display for ConnectionUrl {
    /// The URL with the password replaced by `***`: safe for logs, errors and status.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut redacted = self.clone();
        let had_password = redacted.password.take().is_some();
        let uri = redacted.to_uri(false);
        match (had_password, &self.user) {
            (true, Some(user)) => {
                let user = encode(user);
                let rest = &uri["postgresql://".len() + user.len()..];
                write!(f, "postgresql://{user}:***{rest}")
            }
            _ => f.write_str(&uri),
        }
    }
}

/// Percent-encodes a URL component.
pub fn encode(component: &str) -> String {
    utf8_percent_encode(component, ENCODE).to_string()
}

fn strip_scheme(text: &str) -> Option<&str> {
    ["postgresql://", "postgres://"].iter().find_map(|scheme| {
        let head = text.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| &text[scheme.len()..])
    })
}

fn decode(text: &str, what: &'static str) -> Result<String, UrlError> {
    percent_decode_str(text)
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| UrlError::NotUtf8(what))
}

fn parse_userinfo(userinfo: Option<&str>) -> Result<(Option<String>, Option<Password>), UrlError> {
    let Some(userinfo) = userinfo else {
        return Ok((None, None));
    };
    let (user, password) = match userinfo.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (userinfo, None),
    };
    let user = Some(decode(user, "user name")?).filter(|user| !user.is_empty());
    let password = match password {
        Some(password) => Some(Password::new(decode(password, "password")?)),
        None => None,
    };
    Ok((user, password))
}

fn parse_endpoint(authority: &str) -> Result<Endpoint, UrlError> {
    if authority.contains(',') {
        return Err(UrlError::SeveralHosts);
    }
    // A port follows the last ':' unless that ':' is inside an IPv6 address in brackets.
    let (host, port) = match authority.rfind(':') {
        Some(index) if !authority[index..].contains(']') => {
            (&authority[..index], Some(&authority[index + 1..]))
        }
        _ => (authority, None),
    };
    let port = match port {
        None | Some("") => DEFAULT_PORT,
        Some(port) => port
            .parse::<u16>()
            .ok()
            .filter(|port| *port != 0)
            .ok_or_else(|| UrlError::BadPort(port.to_string()))?,
    };
    Ok(Endpoint {
        host: Host::parse(host)?,
        port,
    })
}

fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, UrlError> {
    let Some(query) = query else {
        return Ok(Vec::new());
    };
    let mut parameters = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').ok_or(UrlError::BadParameter)?;
        let key = decode(key, "parameter name")?;
        if key.is_empty() {
            return Err(UrlError::BadParameter);
        }
        if !SUPPORTED_PARAMETERS
            .iter()
            .any(|supported| supported.eq_ignore_ascii_case(&key))
        {
            return Err(UrlError::UnsupportedParameter(key));
        }
        parameters.push((key.to_ascii_lowercase(), decode(value, "parameter value")?));
    }
    Ok(parameters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConnectionUrl {
        ConnectionUrl::parse(text).unwrap()
    }

    #[test]
    fn both_schemes_and_all_parts() {
        for scheme in ["postgres", "postgresql", "PostgreSQL"] {
            let url = parse(&format!(
                "{scheme}://admin:secret@DB.Example.com:6543/main?sslmode=require"
            ));
            assert_eq!(url.user.as_deref(), Some("admin"));
            assert_eq!(url.password.as_ref().map(Password::expose), Some("secret"));
            assert_eq!(url.endpoint.host, Host::Name("db.example.com".into()));
            assert_eq!(url.endpoint.port, 6543);
            assert_eq!(url.database.as_deref(), Some("main"));
            assert_eq!(url.parameter("SSLMode"), Some("require"));
        }
    }

    #[test]
    fn url_encoded_credentials_are_decoded_and_reencoded() {
        let url = parse("postgresql://us%40er:p%40ss%3Aw%2Fo%3Frd%25%23@localhost/db%20name");
        assert_eq!(url.user.as_deref(), Some("us@er"));
        assert_eq!(url.password.as_ref().unwrap().expose(), "p@ss:w/o?rd%#");
        assert_eq!(url.database.as_deref(), Some("db name"));
        assert_eq!(
            url.to_uri(true),
            "postgresql://us%40er:p%40ss%3Aw%2Fo%3Frd%25%23@localhost:5432/db%20name"
        );
        assert_eq!(parse(&url.to_uri(true)), url);
    }

    #[test]
    fn unencoded_at_sign_in_password_is_tolerated() {
        let url = parse("postgres://admin:p@ss@db:5432/postgres");
        assert_eq!(url.password.unwrap().expose(), "p@ss");
        assert_eq!(url.endpoint.host, Host::Name("db".into()));
        let url = parse("postgres://admin@db/name@with-at");
        assert_eq!(url.user.as_deref(), Some("admin"));
        assert_eq!(url.database.as_deref(), Some("name@with-at"));
    }

    #[test]
    fn ipv6_hosts() {
        let url = parse("postgresql://u:p@[::1]:5433/db");
        assert_eq!(url.endpoint.host, Host::Ip("::1".parse().unwrap()));
        assert_eq!(url.endpoint.port, 5433);
        assert_eq!(url.endpoint.to_string(), "[::1]:5433");
        assert_eq!(url.endpoint.host.bare(), "::1");
        let url = parse("postgresql://u@[2001:db8::10]/db");
        assert_eq!(url.endpoint.port, DEFAULT_PORT);
        assert_eq!(url.to_uri(false), "postgresql://u@[2001:db8::10]:5432/db");
    }

    #[test]
    fn missing_parts() {
        let url = parse("postgres://db.internal");
        assert_eq!(url.user, None);
        assert_eq!(url.password, None);
        assert_eq!(url.database, None);
        assert_eq!(url.endpoint.port, 5432);
        let url = parse("postgres://user@db.internal:/");
        assert_eq!(url.endpoint.port, 5432);
        assert_eq!(url.database, None);
    }

    #[test]
    fn errors_never_contain_the_password() {
        let cases = [
            ("mysql://u:hunter2@h/db", UrlError::Scheme),
            ("postgres://u:hunter2@/db", UrlError::NoHost),
            ("postgres://u:hunter2@a,b/db", UrlError::SeveralHosts),
            ("postgres://u:hunter2@[::1/db", UrlError::UnclosedBracket),
            ("postgres://u:hunter2@[zz]/db", UrlError::BadIpv6),
            (
                "postgres://u:hunter2@h:99999/db",
                UrlError::BadPort("99999".into()),
            ),
            ("postgres://u:hunter2@h:0/db", UrlError::BadPort("0".into())),
            (
                "postgres://u:hunter2%FF@h/db",
                UrlError::NotUtf8("password"),
            ),
            ("postgres://u:hunter2@h/db?sslmode", UrlError::BadParameter),
            (
                "postgres://u:hunter2@h/db?sslcert=x",
                UrlError::UnsupportedParameter("sslcert".into()),
            ),
            ("postgres://u:hunter2#@h/db", UrlError::Fragment),
        ];
        for (text, expected) in cases {
            let error = ConnectionUrl::parse(text).unwrap_err();
            assert_eq!(error, expected, "{text}");
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
    }

    #[test]
    fn display_redacts_the_password() {
        let url = parse("postgresql://ad%40min:hunter2@h:5432/db?sslmode=require");
        assert_eq!(
            url.to_string(),
            "postgresql://ad%40min:***@h:5432/db?sslmode=require"
        );
        assert!(!format!("{url:?}").contains("hunter2"));
        let url = parse("postgresql://admin@h/db");
        assert_eq!(url.to_string(), "postgresql://admin@h:5432/db");
    }

    #[test]
    fn parameters_can_be_replaced() {
        let mut url = parse("postgres://u@h/db?sslmode=disable&application_name=x");
        url.set_parameter("SSLMODE", "require");
        url.set_parameter("connect_timeout", "5");
        assert_eq!(
            url.to_uri(false),
            "postgresql://u@h:5432/db?sslmode=require&application_name=x&connect_timeout=5"
        );
    }
}
