//! The schemas accept every example and fixture and refuse the invalid corpus, both in our
//! own checker (what `team-operator validate` and `render` use) and in an independent
//! validator (Python jsonschema over the generated CRDs).

mod common;

use std::path::PathBuf;
use team_api::manifest;

struct InvalidCase {
    file: PathBuf,
    expect: String,
    cel_only: bool,
    rust_only: bool,
}

fn invalid_cases() -> Vec<InvalidCase> {
    let dir = common::fixtures_dir().join("invalid");
    let cases: Vec<InvalidCase> = test_support::yaml_files_in(&dir)
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            let expect = text
                .lines()
                .find_map(|l| l.strip_prefix("# expect: "))
                .unwrap_or_else(|| panic!("{} has no '# expect:' line", file.display()))
                .to_string();
            InvalidCase {
                cel_only: text.lines().any(|l| l == "# cel-only"),
                rust_only: text.lines().any(|l| l.starts_with("# rust-only")),
                file,
                expect,
            }
        })
        .collect();
    assert!(
        cases.len() >= 30,
        "the invalid corpus shrank to {}",
        cases.len()
    );
    cases
}

#[test]
fn our_checker_accepts_every_valid_manifest() {
    for file in common::valid_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        if let Err(error) = manifest::read_all(&text) {
            panic!("{} is refused:\n{error}", file.display());
        }
    }
}

#[test]
fn our_checker_refuses_every_invalid_manifest_with_the_field_and_reason() {
    for case in invalid_cases() {
        let text = std::fs::read_to_string(&case.file).unwrap();
        match manifest::read_all(&text) {
            Ok(_) => panic!("{} was accepted", case.file.display()),
            Err(error) => {
                let message = error.to_string();
                assert!(
                    message.contains(&case.expect),
                    "{}: expected an error containing\n  {}\ngot\n  {message}",
                    case.file.display(),
                    case.expect
                );
            }
        }
    }
}

#[test]
fn independent_validator_accepts_examples_and_fixtures() {
    let run =
        test_support::validate_custom_resources(&team_api::crd::all(), &common::valid_files());
    run.assert_success("validating the valid manifests against the generated CRDs");
    let validated = run.stdout.lines().filter(|l| l.starts_with("OK ")).count();
    assert!(
        validated >= 15,
        "only {validated} custom resources were validated:\n{}",
        run.stdout
    );
}

#[test]
fn independent_validator_refuses_the_invalid_corpus() {
    let cases: Vec<InvalidCase> = invalid_cases()
        .into_iter()
        .filter(|c| !c.cel_only && !c.rust_only)
        .collect();
    let files: Vec<PathBuf> = cases.iter().map(|c| c.file.clone()).collect();
    let run = test_support::validate_custom_resources(&team_api::crd::all(), &files);
    assert!(
        !run.success,
        "the invalid corpus was accepted:\n{}",
        run.stdout
    );
    for case in cases {
        let file = case.file.display().to_string();
        let lines: Vec<&str> = run.stdout.lines().filter(|l| l.contains(&file)).collect();
        let field = case.expect.split(": ").next().unwrap();
        // jsonschema reports a missing property at its parent.
        let (parent, leaf) = field.rsplit_once('.').unwrap_or(("", field));
        let refused = lines.iter().any(|line| {
            line.starts_with("ERROR ")
                && (line.contains(&format!(": {field}: "))
                    || line.contains(&format!(": {parent}: '{leaf}' is a required property")))
        });
        assert!(
            refused,
            "{file}: the CRD schema does not refuse it at {field}\n{lines:#?}"
        );
    }
}
