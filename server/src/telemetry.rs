//! Logging: `RUST_LOG` selects what is printed (default: info for this server, warnings else),
//! on standard error. Standard output is the command's answer (`server user list`,
//! `server openapi`, the URL at start), which scripts read.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("warn,server=info,tower_http=warn"));
    // A second init (e.g. in tests) is harmless; ignore it.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
