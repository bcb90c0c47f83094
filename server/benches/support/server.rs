//! The server binary for a benchmark: on a free loopback port, without the app.
#![allow(dead_code)] // not every benchmark uses every helper

use std::{ffi::OsString, process::Stdio};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};

/// Starts the release server with `args` (its database, options) and returns it with the base
/// URL it prints.
pub async fn spawn(args: &[OsString]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["--addr", "127.0.0.1:0", "--dist-dir", "no-dist"])
        .args(args)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("server starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let base = loop {
        let line = lines
            .next_line()
            .await
            .expect("server output")
            .expect("server prints its URL");
        if let Some(url) = line.strip_prefix("Lagebild Hamm is running at ") {
            break url.to_owned();
        }
    };
    (child, base)
}
