//! `team-operator crds`: the CRDs, generated from the API types.

use super::CommandError;
use std::io::Write;
use std::path::Path;

pub fn run(output_dir: Option<&Path>) -> Result<(), CommandError> {
    match output_dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(team_api::crd::all_as_yaml().as_bytes())?;
            Ok(())
        }
        Some(dir) => write_files(dir),
    }
}

/// Writes `<group>_<plural>.yaml` per CRD, the layout of a Helm chart's `crds/` directory.
fn write_files(dir: &Path) -> Result<(), CommandError> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for crd in team_api::crd::all() {
        let path = dir.join(team_api::crd::file_name(&crd));
        std::fs::write(&path, team_api::crd::to_yaml(&crd))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}
