//! The Workbench formats, read back with the parsers their consumers use: key=value files
//! with Boost.Program_options (Workbench's own config-file parser), supervisord files with
//! supervisord, DCF with python-debian. Every hostile value is either carried exactly, or
//! refused; and every refusal that is not a blanket control-character policy is shown to be
//! necessary: written naively, the value would read back differently.

use std::path::PathBuf;
use team_config::{Dcf, Ini, Reason, Supervisord};
use test_support::{boost_config_read, read_config, scratch_dir};

/// Values chosen to break a naive writer.
const HOSTILE: &[&str] = &[
    "",
    "plain",
    "a = b",
    "key=value",
    "x\n[Database]\nProvider=sqlite",
    "admins\nauth-none=1",
    "hash # comment",
    "#",
    "semi;colon",
    "semi ;colon",
    "\"quoted\"",
    "back\\slash\\",
    " leading",
    "trailing ",
    "\ttab",
    "mid\ttab",
    "Grüße — 東京 🚀",
    "[section]",
    "a\rb",
    "ends with newline\n",
    "\u{a0}nbsp",
    "nbsp\u{a0}",
    "percent %s %(here)s 100%",
    "https://idp.example.com/realms/a?x=1&y=2",
    "Environment: X=1",
    "  continuation",
    "line\u{2028}separator",
    "nul\u{0}byte",
];

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn is_control_policy(reason: &Reason) -> bool {
    matches!(reason, Reason::ControlCharacter(_))
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn key_value_files_carry_or_refuse_every_hostile_value() {
    let dir = scratch_dir("ini-parse-back");
    let mut carried = 0;
    for (index, value) in HOSTILE.iter().enumerate() {
        let mut file = Ini::new();
        file.string_always("before", "1")
            .string_always("value", value);
        file.section("after").string_always("sentinel", "2");
        let expected = owned(&[("before", "1"), ("value", value), ("after.sentinel", "2")]);
        match file.finish() {
            Ok(text) => {
                let read = boost_config_read(&write(&dir, &format!("ok-{index}.conf"), &text));
                assert_eq!(read, expected, "{value:?} was not carried exactly:\n{text}");
                carried += 1;
            }
            Err(refused) => {
                assert_eq!(refused.key, "value");
                if is_control_policy(&refused.reason) {
                    continue;
                }
                let naive = format!("before=1\nvalue={value}\n\n[after]\nsentinel=2\n");
                let read = boost_config_read(&write(&dir, &format!("naive-{index}.conf"), &naive));
                assert_ne!(
                    read, expected,
                    "{value:?} was refused but Workbench reads it fine"
                );
            }
        }
    }
    assert!(
        carried >= 10,
        "most ordinary values are carried ({carried})"
    );
}

#[test]
fn key_value_lists_and_sections_read_back() {
    let dir = scratch_dir("ini-lists");
    let images = vec![
        "ghcr.io/rstudio/workbench-session:ubuntu2204".to_string(),
        "registry.example.com:5000/team/r@sha256:abc".to_string(),
    ];
    let mut file = Ini::new();
    file.list(
        "auth-openid-scopes",
        &["openid".into(), "email".into()],
        ' ',
    );
    for section in ["*", "@data science", "a]b", "jo.doe"] {
        file.section(section)
            .list("container-images", &images, ',')
            .int("allow-unknown-images", 1);
    }
    let text = file.finish().unwrap();
    let read = boost_config_read(&write(&dir, "profiles.conf", &text));
    let mut expected = vec![("auth-openid-scopes".to_string(), "openid email".to_string())];
    for section in ["*", "@data science", "a]b", "jo.doe"] {
        expected.push((format!("{section}.container-images"), images.join(",")));
        expected.push((format!("{section}.allow-unknown-images"), "1".to_string()));
    }
    assert_eq!(read, expected, "\n{text}");

    // An item holding the separator would read back as two items.
    let mut file = Ini::new();
    file.list("container-images", &["a,b".into()], ',');
    assert!(file.finish().is_err());
    for name in ["x\n[y]", "a#b"] {
        let mut file = Ini::new();
        file.section(name);
        assert!(file.finish().is_err(), "{name:?}");
    }
}

#[test]
fn supervisord_files_carry_or_refuse_every_hostile_value() {
    let dir = scratch_dir("supervisord-parse-back");
    // Values supervisord must read back: one program each, all in one file.
    let mut carried = Supervisord::new();
    let mut expected = Vec::new();
    for (index, value) in HOSTILE.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
        let mut file = Supervisord::new();
        file.program("p").string("command", value);
        match file.finish() {
            Ok(_) => {
                let name = format!("p{index}");
                carried
                    .program(&name)
                    .string("command", value)
                    .string("stdout_logfile", "/dev/stdout");
                expected.push((name, *value));
            }
            Err(refused) => {
                assert_eq!(refused.key, "[program:p] command");
                if is_control_policy(&refused.reason) {
                    continue;
                }
                let naive = format!("[program:p]\ncommand={value}\n");
                let path = write(&dir, &format!("naive-{index}.conf"), &naive);
                if let Ok(read) = read_config("supervisord", &[path]) {
                    assert_ne!(
                        read["p"]["command"], *value,
                        "{value:?} was refused needlessly"
                    );
                }
            }
        }
    }
    let text = carried.finish().unwrap();
    let read = read_config("supervisord", &[write(&dir, "carried.conf", &text)])
        .unwrap_or_else(|e| panic!("supervisord rejected the file: {e}\n{text}"));
    for (name, value) in &expected {
        assert_eq!(read[name]["command"], *value, "\n{text}");
        assert_eq!(read[name]["stdout_logfile"], "/dev/stdout", "\n{text}");
    }
    assert_eq!(read.as_object().unwrap().len(), expected.len(), "\n{text}");
}

#[test]
fn dcf_files_carry_or_refuse_every_hostile_value() {
    let dir = scratch_dir("dcf-parse-back");
    // Values the DCF reader must read back: one record each, all in one file.
    let mut carried = Dcf::new();
    let mut expected = Vec::new();
    for (index, value) in HOSTILE.iter().enumerate() {
        let environment = std::collections::BTreeMap::from([
            ("A".to_string(), "1".to_string()),
            ("VALUE".to_string(), value.to_string()),
        ]);
        let mut file = Dcf::new();
        file.environment("Environment", &environment);
        match file.finish() {
            Ok(_) => {
                carried
                    .record()
                    .field("JobType", "session")
                    .environment("Environment", &environment);
                expected.push(serde_json::json!({
                    "JobType": ["session"],
                    "Environment": ["A=1", format!("VALUE={value}")],
                }));
            }
            Err(refused) => {
                assert_eq!(refused.key, "Environment VALUE");
                if is_control_policy(&refused.reason) {
                    continue;
                }
                let naive = format!("\nJobType: session\nEnvironment: A=1\n  VALUE={value}\n");
                let path = write(&dir, &format!("naive-{index}.dcf"), &naive);
                if let Ok(read) = read_config("dcf", &[path]) {
                    assert_ne!(
                        read[0]["Environment"][1],
                        format!("VALUE={value}"),
                        "{value:?} was refused needlessly"
                    );
                }
            }
        }
    }
    let text = carried.finish().unwrap();
    let read = read_config("dcf", &[write(&dir, "carried.dcf", &text)]).unwrap();
    assert_eq!(read, serde_json::Value::Array(expected), "\n{text}");
}
