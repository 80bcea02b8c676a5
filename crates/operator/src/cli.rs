//! Command-line interface.

use crate::runtime::options::RunOptions;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Kubernetes operator for Posit Team: Workbench, Connect, Package Manager, Chronicle and
/// Flightdeck, all from one Site resource.
#[derive(Parser, Debug)]
#[command(name = "team-operator", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Print the CustomResourceDefinitions of every kind as YAML.
    Crds {
        /// Write one file per CRD into this directory instead of printing them.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Print the configuration reference of every kind as Markdown (the fields, types,
    /// defaults and rules of the CRDs).
    Reference,
    /// Run the operator: reconcile Sites and everything they derive in a cluster.
    Run(Box<RunOptions>),
    /// Check manifests the way the API server would, without a cluster.
    Validate {
        /// Manifest files (multi-document YAML); `-` reads standard input.
        #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Print every object the operator would create for the given resources, as YAML,
    /// without a cluster. Reads Sites, product resources and the Secrets they refer to.
    Render {
        /// Manifest files (multi-document YAML); `-` reads standard input.
        #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
        /// Namespace of resources that do not name one (default: `default`).
        #[arg(short = 'n', long, value_name = "NS")]
        namespace: Option<String>,
    },
    /// Provision or drop the databases of PostgresDatabase manifests, directly on their
    /// PostgreSQL server (from a bastion, or to pre-provision before installing).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Create or update the role, database and schemas of every PostgresDatabase in the files.
    ///
    /// The Secrets they refer to (main-database-url, credential override, product password)
    /// are read from the same files. When the product password key is absent, a password is
    /// generated and its Secret manifest is printed on standard output: keep it and pass it
    /// with -f next time (or apply it to the cluster). Progress goes to standard error.
    Apply {
        /// Manifest files (multi-document YAML); `-` reads standard input.
        #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Drop the database and role of every PostgresDatabase whose teardown.drop is true;
    /// the others are kept, and the command says so.
    Drop {
        /// Manifest files (multi-document YAML); `-` reads standard input.
        #[arg(short = 'f', long = "filename", value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
}
