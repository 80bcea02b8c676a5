//! Values the operator generates once, when it creates a Secret the builders mark
//! create-once: product encryption keys, random tokens, the launcher's RSA key pair.

use rand::RngExt;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use std::collections::BTreeMap;
use team_desired::object::{Generated, Recipe};

/// The generated values of one Secret, by key. Values are produced in an order that lets a
/// public key follow its private key.
pub fn values(generate: &[Generated]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut private_keys: BTreeMap<&str, rsa::RsaPrivateKey> = BTreeMap::new();
    for item in generate
        .iter()
        .filter(|g| !matches!(g.recipe, Recipe::RsaPublicKeyOf(_)))
    {
        let value = match item.recipe {
            Recipe::ProductKey => hex(&random_bytes(512)),
            Recipe::RandomHex(bytes) => hex(&random_bytes(bytes)),
            Recipe::RsaPrivateKey(bits) => {
                let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits)
                    .map_err(|e| format!("cannot generate an RSA key of {bits} bits: {e}"))?;
                let pem = key
                    .to_pkcs1_pem(LineEnding::LF)
                    .map_err(|e| format!("cannot encode an RSA key: {e}"))?
                    .to_string();
                private_keys.insert(item.key.as_str(), key);
                pem
            }
            Recipe::RsaPublicKeyOf(_) => unreachable!("filtered out above"),
        };
        out.insert(item.key.clone(), value);
    }
    for item in generate {
        if let Recipe::RsaPublicKeyOf(private) = item.recipe {
            let key = private_keys.get(private).ok_or_else(|| {
                format!(
                    "{}: no private key {private} is generated in the same Secret",
                    item.key
                )
            })?;
            let pem = key
                .to_public_key()
                .to_pkcs1_pem(LineEnding::LF)
                .map_err(|e| format!("cannot encode an RSA public key: {e}"))?;
            out.insert(item.key.clone(), pem);
        }
    }
    Ok(out)
}

fn random_bytes(count: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; count];
    rand::rng().fill(bytes.as_mut_slice());
    bytes
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};

    fn item(key: &str, recipe: Recipe) -> Generated {
        Generated {
            key: key.to_string(),
            recipe,
        }
    }

    #[test]
    fn every_recipe_produces_a_fresh_value_of_its_format() {
        let recipe = [
            item("key", Recipe::ProductKey),
            item("token", Recipe::RandomHex(16)),
            item("launcher.pub", Recipe::RsaPublicKeyOf("launcher.pem")),
            item("launcher.pem", Recipe::RsaPrivateKey(2048)),
        ];
        let first = values(&recipe).unwrap();
        let second = values(&recipe).unwrap();
        assert_eq!(first["key"].len(), 1024);
        assert!(first["key"].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(first["token"].len(), 32);
        assert_ne!(first["key"], second["key"]);
        assert_ne!(first["token"], second["token"]);
        let private = rsa::RsaPrivateKey::from_pkcs1_pem(&first["launcher.pem"]).unwrap();
        let public = rsa::RsaPublicKey::from_pkcs1_pem(&first["launcher.pub"]).unwrap();
        assert_eq!(
            private.to_public_key(),
            public,
            "the public key belongs to the private key"
        );
        assert_eq!(rsa::traits::PublicKeyParts::size(&public) * 8, 2048);
        assert!(first["launcher.pem"].starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    }

    #[test]
    fn a_public_key_without_its_private_key_is_an_error() {
        let error =
            values(&[item("launcher.pub", Recipe::RsaPublicKeyOf("launcher.pem"))]).unwrap_err();
        assert!(error.contains("launcher.pem"));
    }
}
