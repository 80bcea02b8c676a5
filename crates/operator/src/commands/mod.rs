//! One module per subcommand.

mod crds;
mod db;
mod reference;
mod render;
mod run;
mod validate;

use crate::cli::{Cli, Command, DbCommand};

/// Any failure of a command; printed on standard error as is.
pub type CommandError = Box<dyn std::error::Error>;

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<(), CommandError> {
    match cli.command {
        Command::Crds { output_dir } => crds::run(output_dir.as_deref()),
        Command::Reference => reference::run(),
        Command::Validate { files } => validate::run(&files),
        Command::Run(options) => run::run(*options),
        Command::Db { command } => match command {
            DbCommand::Apply { files } => db::run(db::Action::Apply, &files),
            DbCommand::Drop { files } => db::run(db::Action::Drop, &files),
        },
        Command::Render { files, namespace } => render::run(&files, namespace.as_deref()),
    }
}
