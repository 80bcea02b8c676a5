//! Every gcfg file the writer produces is read back with `git config --file F --list -z`, the
//! reference gcfg reader, and must give exactly the keys and values that were written: hostile
//! values cannot add a key or a section, and nothing is lost or altered.

use std::path::Path;
use std::process::Command;
use team_config::Gcfg;

/// Values chosen to break a naive writer.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "plain",
    "x\n[Database]\nProvider = sqlite",
    "hunter2\n[Database]\nProvider = sqlite",
    "\"quoted\"",
    "back\\slash\\",
    "\\n is not a newline",
    "tab\there",
    "semi;colon",
    "hash # comment",
    " leading and trailing ",
    "\ttabs\t",
    "Grüße — 東京 🚀",
    "trailing backslash \\",
    "a = b",
    "[Section]",
    "\"",
    "'single'",
    "multi\nline\n\nwith blank",
    "\n",
    "ends with newline\n",
    "Key = value\nOther = x",
];

fn git_list(path: &Path) -> Vec<(String, String)> {
    let output = Command::new("git")
        .args(["config", "--file"])
        .arg(path)
        .args(["--list", "-z"])
        .output()
        .expect("git is installed (scripts/install-test-tools)");
    assert!(
        output.status.success(),
        "git config refused the file:\n{}\n--- file\n{}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(path).unwrap()
    );
    let text = String::from_utf8(output.stdout).unwrap();
    text.split('\0')
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (key, value) = entry.split_once('\n').unwrap_or((entry, ""));
            (key.to_string(), value.to_string())
        })
        .collect()
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let path = test_support::scratch_dir("gcfg").join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn hostile_values_round_trip_exactly_and_add_nothing() {
    let mut file = Gcfg::new();
    file.section("Database").string("Provider", "postgres");
    file.section("Server");
    for (index, value) in HOSTILE.iter().enumerate() {
        file.string_always(&format!("Value{index}"), value);
    }
    file.strings(
        "Repeated",
        &HOSTILE.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    );
    let text = file.finish().unwrap();
    let entries = git_list(&write("values.gcfg", &text));

    let mut expected = vec![("database.provider".to_string(), "postgres".to_string())];
    for (index, value) in HOSTILE.iter().enumerate() {
        expected.push((format!("server.value{index}"), value.to_string()));
    }
    for value in HOSTILE.iter().filter(|v| !v.is_empty()) {
        expected.push(("server.repeated".to_string(), value.to_string()));
    }
    assert_eq!(entries, expected, "file:\n{text}");
}

#[test]
fn hostile_subsection_names_round_trip_exactly() {
    let names: Vec<&str> = HOSTILE
        .iter()
        .copied()
        .filter(|name| !name.contains(['\n', '\t']))
        .collect();
    let mut file = Gcfg::new();
    for name in &names {
        file.subsection("RPackageRepository", name)
            .string("Url", "https://example.com/cran");
    }
    let text = file.finish().unwrap();
    let entries = git_list(&write("subsections.gcfg", &text));
    let expected: Vec<(String, String)> = names
        .iter()
        .map(|name| {
            (
                format!("rpackagerepository.{name}.url"),
                "https://example.com/cran".to_string(),
            )
        })
        .collect();
    assert_eq!(entries, expected, "file:\n{text}");
}

#[test]
fn every_unicode_scalar_class_survives() {
    // A value with every printable ASCII character and a spread of non-ASCII characters.
    let mut value: String = (0x20u8..0x7f).map(char::from).collect();
    value.push_str("éß€𝄞\u{a0}\u{2028}\u{feff}");
    let mut file = Gcfg::new();
    file.section("Server").string("All", &value);
    let text = file.finish().unwrap();
    let entries = git_list(&write("unicode.gcfg", &text));
    assert_eq!(entries, vec![("server.all".to_string(), value)]);
}
