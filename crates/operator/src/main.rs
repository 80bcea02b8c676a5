//! `team-operator`: the Posit Team Kubernetes operator and its offline tools.

use clap::Parser;
use std::process::ExitCode;
use team_operator::{cli, commands};

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
