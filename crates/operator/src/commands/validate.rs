//! `team-operator validate`: check manifests offline, as the API server would.

use super::CommandError;
use crate::input;
use std::path::PathBuf;

pub fn run(files: &[PathBuf]) -> Result<(), CommandError> {
    let resources = input::read_files(files)?;
    for sourced in &resources {
        let decoded = &sourced.decoded;
        for warning in &decoded.warnings {
            eprintln!(
                "{} doc {}: warning: {warning}",
                sourced.source, decoded.document
            );
        }
        println!(
            "{} doc {}: {} ok",
            sourced.source,
            decoded.document,
            decoded.resource.kind()
        );
    }
    Ok(())
}
