//! Files with one item per line: Workbench's `vscode.extensions.conf` and
//! `positron.extensions.conf` (extensions installed in every session).
//!
//! Items are written in the order given, each followed by a newline; no items give a single
//! newline. An item cannot be empty, contain a control character (a line break would split
//! it in two) or start or end with white space; such items are refused with their index.

use crate::refused::{self, Refused, Trims};

/// The file text, or the first item that cannot be written.
pub fn one_per_line(items: &[String]) -> Result<String, Refused> {
    if items.is_empty() {
        return Ok("\n".to_string());
    }
    let mut text = String::new();
    for (index, item) in items.iter().enumerate() {
        refused::name(item, Trims::Unicode).map_err(|reason| Refused {
            key: format!("[{index}]"),
            reason,
        })?;
        text.push_str(item);
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::refused::Reason;

    #[test]
    fn items_one_per_line() {
        let items = vec!["quarto.quarto".to_string(), "posit.shiny@1.2.0".to_string()];
        assert_eq!(
            one_per_line(&items).unwrap(),
            "quarto.quarto\nposit.shiny@1.2.0\n"
        );
        assert_eq!(one_per_line(&[]).unwrap(), "\n");
    }

    #[test]
    fn an_item_cannot_become_two() {
        let items = vec!["a".to_string(), "b\nc".to_string()];
        let refused = one_per_line(&items).unwrap_err();
        assert_eq!(refused.key, "[1]");
        assert!(matches!(refused.reason, Reason::ControlCharacter(_)));
        assert_eq!(
            one_per_line(&[String::new()]).unwrap_err().reason,
            Reason::Empty
        );
    }
}
