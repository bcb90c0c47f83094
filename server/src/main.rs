//! Boots the Lagebild Hamm server: parses the command line, then either runs an account
//! command or serves until Ctrl-C or SIGTERM.

use clap::Parser;
use server::{Application, cli::Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::telemetry::init();
    let cli = Cli::parse();
    if let Some(command) = cli.command {
        return match server::cli::run(command).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let app = match Application::build(cli.config).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("Lagebild Hamm is running at {}", app.url());
    if app.has_no_accounts().await {
        println!(
            "No accounts yet. Create the first admin:\n  server user add <login> --role admin --agency <agency>"
        );
    }
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
