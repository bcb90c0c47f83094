//! A throwaway PostgreSQL 15 cluster for tests: `initdb` in a temporary directory as an
//! unprivileged user (the `postgres` account through `runuser` when run as root, as CI does),
//! listening on loopback only, on a free port, its socket in its own directory; stopped and
//! removed when dropped. Built for tests only (`cfg(test)` or the `pg-cluster` feature).
//!
//! Debian's `postgresql-15` provides the programs (`script/bootstrap --browser` installs it).

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Output},
};

/// Where Debian puts PostgreSQL 15's programs.
pub const BIN: &str = "/usr/lib/postgresql/15/bin";

/// Why a cluster could not be started.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(
        "PostgreSQL 15 is not installed ({BIN}/initdb missing): run script/bootstrap --browser"
    )]
    NotInstalled,
    #[error("{what} failed: {detail}")]
    Command { what: String, detail: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A running throwaway cluster.
pub struct Cluster {
    dir: tempfile::TempDir,
    port: u16,
    as_postgres: bool,
    /// Server options besides the address (TLS).
    options: String,
}

/// Runs `program` with `args`, as the `postgres` account if `as_postgres`.
fn run(as_postgres: bool, program: &Path, args: &[&str]) -> Result<Output, ClusterError> {
    let mut command = if as_postgres {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    let output = command.args(args).output()?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(ClusterError::Command {
            what: format!("{} {}", program.display(), args.join(" ")),
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn is_root() -> bool {
    // `id -u` rather than a libc call: tests only, and no unsafe code.
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// Makes and starts a cluster; waits until it accepts connections.
    pub fn start() -> Result<Cluster, ClusterError> {
        Self::start_with(None)
    }

    /// A cluster that also speaks TLS, with this certificate chain and key (PEM).
    pub fn start_tls(cert_pem: &str, key_pem: &str) -> Result<Cluster, ClusterError> {
        Self::start_with(Some((cert_pem, key_pem)))
    }

    fn start_with(tls: Option<(&str, &str)>) -> Result<Cluster, ClusterError> {
        let bin = PathBuf::from(BIN);
        if !bin.join("initdb").is_file() {
            return Err(ClusterError::NotInstalled);
        }
        let as_postgres = is_root();
        let dir = tempfile::Builder::new().prefix("lagebild-pg-").tempdir()?;
        if as_postgres {
            let path = dir.path().to_string_lossy().into_owned();
            let out = Command::new("chown").args(["postgres:", &path]).output()?;
            if !out.status.success() {
                return Err(ClusterError::Command {
                    what: format!("chown postgres: {path}"),
                    detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                });
            }
        }
        // A free port on loopback (taken back at once; the cluster binds it a moment later).
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let data = dir.path().join("data");
        let data_s = data.to_string_lossy().into_owned();
        run(
            as_postgres,
            &bin.join("initdb"),
            &[
                "-D",
                &data_s,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-instructions",
            ],
        )?;
        let mut options = String::new();
        if let Some((cert, key)) = tls {
            let (cert_file, key_file) =
                (dir.path().join("server.crt"), dir.path().join("server.key"));
            std::fs::write(&cert_file, cert)?;
            std::fs::write(&key_file, key)?;
            std::fs::set_permissions(
                &key_file,
                std::os::unix::fs::PermissionsExt::from_mode(0o600),
            )?;
            if as_postgres {
                for f in [&cert_file, &key_file] {
                    let path = f.to_string_lossy().into_owned();
                    let out = Command::new("chown").args(["postgres:", &path]).output()?;
                    if !out.status.success() {
                        return Err(ClusterError::Command {
                            what: format!("chown postgres: {path}"),
                            detail: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
                        });
                    }
                }
            }
            options = format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                cert_file.display(),
                key_file.display()
            );
        }
        let cluster = Cluster {
            dir,
            port,
            as_postgres,
            options,
        };
        cluster.start_again()?;
        Ok(cluster)
    }

    /// Starts the cluster's server (again, after [`Cluster::stop`]) on the same port.
    pub fn start_again(&self) -> Result<(), ClusterError> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={}{}",
            self.port,
            self.dir.path().display(),
            self.options
        );
        let data = self.dir.path().join("data").to_string_lossy().into_owned();
        let log = self.dir.path().join("log").to_string_lossy().into_owned();
        run(
            self.as_postgres,
            &PathBuf::from(BIN).join("pg_ctl"),
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )
        .map(|_| ())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for database `db` as the superuser `postgres`, over loopback TCP.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs `sql` through `psql` and returns its unaligned output.
    pub fn psql(&self, sql: &str) -> Result<String, ClusterError> {
        let port = self.port.to_string();
        let out = run(
            false,
            &PathBuf::from(BIN).join("psql"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                sql,
            ],
        )?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }

    /// Stops the cluster's server ("fast": open connections are ended), as an outage would.
    pub fn stop(&self) -> Result<(), ClusterError> {
        let data = self.dir.path().join("data").to_string_lossy().into_owned();
        run(
            self.as_postgres,
            &PathBuf::from(BIN).join("pg_ctl"),
            &["-D", &data, "-m", "fast", "-w", "stop"],
        )
        .map(|_| ())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Already stopped (an outage a test made) is fine.
        if let Err(e) = self.stop()
            && self.dir.path().join("data/postmaster.pid").exists()
        {
            eprintln!("stopping the throwaway PostgreSQL cluster: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_throwaway_cluster_answers_on_loopback_and_is_gone_afterwards() {
        let cluster = Cluster::start().unwrap();
        let port = cluster.port();
        assert!(
            cluster
                .url("lagebild")
                .starts_with("postgres://postgres@127.0.0.1:")
        );
        let version = cluster.psql("SHOW server_version").unwrap();
        assert!(version.starts_with("15."), "{version}");
        let listening = cluster.psql("SHOW listen_addresses").unwrap();
        assert_eq!(listening, "127.0.0.1");
        let dir = cluster.dir.path().to_owned();
        drop(cluster);
        assert!(!dir.exists(), "the cluster's directory is removed");
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
            "nothing listens on its port any more"
        );
    }
}
