//! Static files compiled into the binary: the style sheet, the status script and the logos.
//!
//! Each is served under a name carrying a hash of its content
//! (`/static/flightdeck.0123456789abcdef.css`), so it can be cached for a year: a new build
//! with a changed file produces a new name.

use std::sync::LazyLock;

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Name in the source tree, e.g. `flightdeck.css`.
    pub name: &'static str,
    /// Versioned URL path, e.g. `/static/flightdeck.0123456789abcdef.css`.
    pub path: String,
    pub content_type: &'static str,
    pub body: &'static [u8],
    /// Quoted entity tag.
    pub etag: String,
}

const FILES: [(&str, &str, &[u8]); 7] = [
    (
        "flightdeck.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/flightdeck.css"),
    ),
    (
        "status.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/status.js"),
    ),
    (
        "posit-team.svg",
        "image/svg+xml",
        include_bytes!("../assets/posit-team.svg"),
    ),
    (
        "workbench.svg",
        "image/svg+xml",
        include_bytes!("../assets/workbench.svg"),
    ),
    (
        "connect.svg",
        "image/svg+xml",
        include_bytes!("../assets/connect.svg"),
    ),
    (
        "package-manager.svg",
        "image/svg+xml",
        include_bytes!("../assets/package-manager.svg"),
    ),
    (
        "academy.svg",
        "image/svg+xml",
        include_bytes!("../assets/academy.svg"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, body)| {
            let hash = format!("{:016x}", fnv1a(body));
            let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset {
                name,
                path: format!("/static/{stem}.{hash}.{extension}"),
                content_type,
                body,
                etag: format!("\"{hash}\""),
            }
        })
        .collect()
});

/// Every embedded file.
pub fn all() -> &'static [Asset] {
    &ASSETS
}

/// The file with this source name. Panics on an unknown name: names are compile-time
/// constants of this crate, and a test renders every page.
pub fn by_name(name: &str) -> &'static Asset {
    all()
        .iter()
        .find(|asset| asset.name == name)
        .unwrap_or_else(|| panic!("no embedded asset named {name}"))
}

/// The file served at this URL path.
pub fn by_path(path: &str) -> Option<&'static Asset> {
    all().iter().find(|asset| asset.path == path)
}

/// 64-bit FNV-1a: a content fingerprint for cache busting, not a security measure.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_the_content_hash() {
        let css = by_name("flightdeck.css");
        assert!(css.path.starts_with("/static/flightdeck."));
        assert!(css.path.ends_with(".css"));
        assert_eq!(by_path(&css.path).map(|a| a.name), Some("flightdeck.css"));
        assert_eq!(by_path("/static/flightdeck.css").map(|a| a.name), None);
    }

    #[test]
    fn fingerprints_differ_per_file() {
        let mut paths: Vec<&str> = all().iter().map(|a| a.path.as_str()).collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), FILES.len());
    }

    #[test]
    fn fnv_known_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
