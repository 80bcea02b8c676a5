//! Every example and fixture survives decode -> serialize -> decode, and serialization loses
//! nothing but values that mean the same as absence.

mod common;

use common::{custom_resources, schema, serialized, strip_zeros};
use team_api::manifest;

#[test]
fn every_resource_round_trips() {
    for fixture in custom_resources() {
        let again = manifest::decode_document(fixture.document, serialized(&fixture.decoded))
            .unwrap_or_else(|e| panic!("{}: re-decoding failed: {e}", fixture.label()));
        assert_eq!(
            again.resource,
            fixture.decoded.resource,
            "{}: the value changed in a round trip",
            fixture.label()
        );
    }
}

#[test]
fn serialization_keeps_every_field() {
    for fixture in custom_resources() {
        let schema = schema(&fixture.kind);
        let mut expected = fixture.admitted.clone();
        strip_zeros(&schema, &mut expected);
        let mut actual = serialized(&fixture.decoded);
        strip_zeros(&schema, &mut actual);
        assert_eq!(
            actual,
            expected,
            "{}: serializing the decoded resource does not give back the manifest \
             (a field name is wrong or a field is missing from the types)",
            fixture.label()
        );
    }
}

#[test]
fn secrets_in_fixtures_decode() {
    let text = std::fs::read_to_string(common::fixtures_dir().join("go-samples/test-secret.yaml"))
        .unwrap();
    let decoded = manifest::read_all(&text).unwrap();
    assert_eq!(decoded.len(), 2);
    let manifest::Resource::Secret(secret) = &decoded[1].resource else {
        panic!("expected a Secret");
    };
    let username = &secret.data.as_ref().unwrap()["username"];
    assert_eq!(username.0, b"postgres\n");
}
