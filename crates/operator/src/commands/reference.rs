//! `team-operator reference`: the configuration reference, generated from the CRDs.

use super::CommandError;
use std::io::Write;

pub fn run() -> Result<(), CommandError> {
    std::io::stdout()
        .lock()
        .write_all(crate::reference::markdown().as_bytes())?;
    Ok(())
}
