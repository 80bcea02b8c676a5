//! JSON settings files: Workbench's `vscode-user-settings.json` and
//! `positron-user-settings.json`.
//!
//! A compact JSON object with the keys of every object sorted, followed by a newline. JSON
//! escapes every character, so any value is carried exactly.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The object as one line of JSON with sorted keys at every level.
pub fn object(settings: &BTreeMap<String, Value>) -> String {
    let sorted: Map<String, Value> = settings
        .iter()
        .map(|(key, value)| (key.clone(), sorted(value)))
        .collect();
    let mut text = Value::Object(sorted).to_string();
    text.push('\n');
    text
}

/// The value with the keys of every nested object in byte order (whatever map type
/// serde_json was built with).
pub fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key.clone(), sorted(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn compact_sorted_with_newline() {
        let settings = BTreeMap::from([
            ("z".to_string(), json!({"b": 1, "a": [true, null, "x"]})),
            ("a".to_string(), json!(2.5)),
        ]);
        assert_eq!(
            object(&settings),
            "{\"a\":2.5,\"z\":{\"a\":[true,null,\"x\"],\"b\":1}}\n"
        );
        assert_eq!(object(&BTreeMap::new()), "{}\n");
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let settings = BTreeMap::from([("k\"\n".to_string(), json!("</script>\u{0}\u{2028}\"\\"))]);
        let text = object(&settings);
        assert_eq!(text.matches('\n').count(), 1);
        let back: BTreeMap<String, Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, settings);
    }
}
