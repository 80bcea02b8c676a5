//! Reading manifest files given on the command line (`-` is standard input).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use team_api::manifest::{self, Decoded, ManifestError};

/// A resource and the file it came from.
pub struct Sourced {
    pub source: String,
    pub decoded: Decoded,
}

/// Why the input could not be read; every message names the file.
#[derive(Debug)]
pub struct InputError {
    pub source: String,
    pub detail: InputProblem,
}

#[derive(Debug)]
pub enum InputProblem {
    Io(std::io::Error),
    Manifest(ManifestError),
    Empty,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            InputProblem::Io(error) => write!(f, "{}: {error}", self.source),
            InputProblem::Empty => write!(f, "{}: no resources found", self.source),
            InputProblem::Manifest(error) => {
                let lines: Vec<String> = error
                    .to_string()
                    .lines()
                    .map(|line| format!("{} {line}", self.source))
                    .collect();
                write!(f, "{}", lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Reads and decodes every resource of every file, in order.
pub fn read_files(files: &[PathBuf]) -> Result<Vec<Sourced>, InputError> {
    let mut resources = Vec::new();
    for file in files {
        let source = display_name(file);
        let text = read_text(file).map_err(|error| InputError {
            source: source.clone(),
            detail: InputProblem::Io(error),
        })?;
        let decoded = manifest::read_all(&text).map_err(|error| InputError {
            source: source.clone(),
            detail: InputProblem::Manifest(error),
        })?;
        if decoded.is_empty() {
            return Err(InputError {
                source,
                detail: InputProblem::Empty,
            });
        }
        resources.extend(decoded.into_iter().map(|decoded| Sourced {
            source: source.clone(),
            decoded,
        }));
    }
    Ok(resources)
}

fn display_name(file: &Path) -> String {
    if file == Path::new("-") {
        "<stdin>".to_string()
    } else {
        file.display().to_string()
    }
}

fn read_text(file: &Path) -> std::io::Result<String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}
