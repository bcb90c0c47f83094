//! Boots the Lagebild Hamm server: parses the configuration and runs until Ctrl-C or SIGTERM.

use clap::Parser;
use server::{Application, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::telemetry::init();
    let config = Config::parse();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(err) => {
            eprintln!("error: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("Lagebild Hamm is running at {}", app.url());
    match app.run_until_stopped().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
