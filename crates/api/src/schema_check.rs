//! Checks a resource against its CRD schema the way the API server does, without one.
//!
//! Covers the structural OpenAPI subset our CRDs use (types, nullable, required, enums,
//! patterns, lengths, bounds, maps and lists), null pruning, defaulting and the CEL rules
//! (`x-kubernetes-validations`, evaluated by kube-cel). Unknown fields are reported as
//! warnings: the API server prunes them, which is what the Go operator's samples rely on.

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// The API server would refuse the object.
    Error,
    /// The API server would accept the object but drop or ignore something.
    Warning,
}

/// One problem found in an object, at a field path such as `spec.connect.replicas`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    pub path: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Removes nulls the way the API server does: a null under a field that is not `nullable`
/// is dropped; nulls inside free-form JSON (`x-kubernetes-preserve-unknown-fields`) stay.
pub fn prune_nulls(schema: &Value, value: &mut Value) {
    if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true))
        && schema.get("properties").is_none()
    {
        return;
    }
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties").filter(|s| s.is_object());
            map.retain(|key, child| {
                let child_schema = properties.and_then(|p| p.get(key)).or(additional);
                let nullable = child_schema
                    .and_then(|s| s.get("nullable"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                !child.is_null() || nullable
            });
            for (key, child) in map.iter_mut() {
                if let Some(child_schema) = properties.and_then(|p| p.get(key)).or(additional) {
                    prune_nulls(child_schema, child);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for item in items {
                    prune_nulls(item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// Fills in schema defaults, as the API server does before validation.
pub fn apply_defaults(schema: &Value, value: &Value) -> Value {
    kube_cel::apply_defaults(schema, value)
}

/// Checks `value` against `schema` (an openAPIV3Schema) and returns every finding.
pub fn check(schema: &Value, value: &Value) -> Vec<Finding> {
    let mut checker = Checker::default();
    checker.walk(schema, value, "");
    let mut findings = checker.findings;
    if !findings.iter().any(|f| f.severity == Severity::Error) {
        findings.extend(cel_findings(schema, value));
    }
    findings
}

fn cel_findings(schema: &Value, value: &Value) -> Vec<Finding> {
    match kube_cel::validate(schema, value, None) {
        Ok(()) => Vec::new(),
        Err(errors) => errors
            .iter()
            .map(|e| Finding {
                severity: Severity::Error,
                path: e.field_path.trim_start_matches('.').to_string(),
                message: e.message.clone(),
            })
            .collect(),
    }
}

#[derive(Default)]
struct Checker {
    findings: Vec<Finding>,
    regexes: HashMap<String, Option<Regex>>,
}

impl Checker {
    fn error(&mut self, path: &str, message: String) {
        self.findings.push(Finding {
            severity: Severity::Error,
            path: path.to_string(),
            message,
        });
    }

    fn warning(&mut self, path: &str, message: String) {
        self.findings.push(Finding {
            severity: Severity::Warning,
            path: path.to_string(),
            message,
        });
    }

    fn walk(&mut self, schema: &Value, value: &Value, path: &str) {
        if value.is_null() {
            if !flag(schema, "nullable") {
                self.error(path, "must not be null".into());
            }
            return;
        }
        if flag(schema, "x-kubernetes-int-or-string") {
            if !(value.is_string() || value.is_i64() || value.is_u64()) {
                self.error(
                    path,
                    format!("must be an integer or a string, found {}", kind_of(value)),
                );
            }
            return;
        }
        let type_ = schema.get("type").and_then(Value::as_str);
        if type_.is_none() {
            return; // free-form JSON
        }
        if !self.type_matches(type_.unwrap_or_default(), value, path) {
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            let listed = allowed.iter().map(render).collect::<Vec<_>>().join(", ");
            self.error(
                path,
                format!(
                    "unsupported value {}: must be one of {listed}",
                    render(value)
                ),
            );
        }
        match value {
            Value::String(text) => self.check_string(schema, text, path),
            Value::Number(_) => self.check_number(schema, value, path),
            Value::Array(items) => self.check_array(schema, items, path),
            Value::Object(map) => self.check_object(schema, map, path),
            _ => {}
        }
    }

    fn type_matches(&mut self, type_: &str, value: &Value, path: &str) -> bool {
        let ok = match type_ {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            _ => true,
        };
        if !ok {
            self.error(
                path,
                format!(
                    "invalid type: {} {}, expected {type_}",
                    kind_of(value),
                    preview(value)
                ),
            );
        }
        ok
    }

    fn check_string(&mut self, schema: &Value, text: &str, path: &str) {
        let length = text.chars().count() as u64;
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && length < min
        {
            self.error(path, format!("must be at least {min} characters long"));
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && length > max
        {
            self.error(
                path,
                format!("must be at most {max} characters long, found {length}"),
            );
        }
        if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
            let regex = self
                .regexes
                .entry(pattern.to_string())
                .or_insert_with(|| Regex::new(pattern).ok());
            if let Some(regex) = regex
                && !regex.is_match(text)
            {
                let rule = crate::serde_util::patterns::describe(pattern)
                    .map_or_else(|| format!("must match {pattern}"), str::to_string);
                self.error(
                    path,
                    format!("invalid value {}: {rule}", render(&Value::from(text))),
                );
            }
        }
    }

    fn check_number(&mut self, schema: &Value, value: &Value, path: &str) {
        let number = value.as_f64().unwrap_or_default();
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && number < min
        {
            self.error(
                path,
                format!("{value} is less than the minimum {}", schema["minimum"]),
            );
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && number > max
        {
            self.error(
                path,
                format!("{value} is greater than the maximum {}", schema["maximum"]),
            );
        }
        if schema.get("format").and_then(Value::as_str) == Some("int32")
            && value.as_i64().is_none_or(|n| i32::try_from(n).is_err())
        {
            self.error(path, format!("{value} does not fit in a 32-bit integer"));
        }
    }

    fn check_array(&mut self, schema: &Value, items: &[Value], path: &str) {
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && items.len() as u64 > max
        {
            self.error(path, format!("must have at most {max} items"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                self.walk(item_schema, item, &format!("{path}[{index}]"));
            }
        }
    }

    fn check_object(&mut self, schema: &Value, map: &Map<String, Value>, path: &str) {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    self.error(&join(path, name), "required field is missing".into());
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
        for (key, child) in map {
            if path.is_empty() && ROOT_FIELDS.contains(&key.as_str()) {
                continue; // checked by the API server itself, not by the CRD schema
            }
            let child_path = join(path, key);
            if let Some(child_schema) = properties.and_then(|p| p.get(key)) {
                self.walk(child_schema, child, &child_path);
            } else if let Some(child_schema) = additional.filter(|a| a.is_object()) {
                self.walk(child_schema, child, &child_path);
            } else if !preserve && additional != Some(&Value::Bool(true)) {
                self.warning(&child_path, "unknown field, ignored".into());
            }
        }
    }
}

/// Top-level fields every object has; the CRD schema does not describe them.
const ROOT_FIELDS: [&str; 3] = ["apiVersion", "kind", "metadata"];

fn flag(schema: &Value, name: &str) -> bool {
    schema.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A short rendering of a value for messages; long values are cut.
fn preview(value: &Value) -> String {
    let text = match value {
        Value::Array(_) => "[...]".to_string(),
        Value::Object(_) => "{...}".to_string(),
        other => render(other),
    };
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

fn render(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
