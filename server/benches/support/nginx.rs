//! Debian's nginx for a benchmark: on a free loopback port, with its configuration, pid, logs
//! and temporary files in a directory of the benchmark's, stopped (workers included) when
//! dropped.
#![allow(dead_code)] // not every benchmark uses every helper

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use tokio::process::{Child, Command};

/// Debian installs nginx in /usr/sbin, which a user's PATH may lack.
const NGINX: &str = "/usr/sbin/nginx";

pub struct Nginx {
    child: Child,
    conf: PathBuf,
    prefix: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its own directory, if it made one (removed after nginx has stopped).
    _own: Option<tempfile::TempDir>,
}

impl Nginx {
    /// Starts nginx in `dir` with `workers` worker processes under a master (0: one process,
    /// no master) and `server(port)` inside its `http` block after the shared settings (no
    /// access log, temporary files in `dir`); returns once it accepts connections.
    pub async fn start(dir: &Path, workers: u32, server: impl FnOnce(u16) -> String) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let d = dir.display();
        let processes = match workers {
            0 => "master_process off; worker_processes 1;".to_owned(),
            n => format!("worker_processes {n};"),
        };
        let conf = format!(
            "daemon off; {processes} pid {d}/nginx.pid; error_log {d}/error.log error;
             events {{ worker_connections 4096; }}
             http {{ access_log off; client_body_temp_path {d}/body; proxy_temp_path {d}/proxy;
               fastcgi_temp_path {d}/fastcgi; uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
               {} }}",
            server(port)
        );
        let conf_path = dir.join("nginx.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let child = Command::new(NGINX)
            .arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts (script/bootstrap --bench installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "nginx did not start: see {d}/error.log"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Nginx {
            child,
            conf: conf_path,
            prefix: dir.to_owned(),
            base: format!("http://127.0.0.1:{port}"),
            _own: None,
        }
    }

    /// [`Nginx::start`] in a temporary directory of its own.
    pub async fn start_temp(workers: u32, server: impl FnOnce(u16) -> String) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let mut nginx = Nginx::start(dir.path(), workers, server).await;
        nginx._own = Some(dir);
        nginx
    }
}

impl Drop for Nginx {
    /// Stops the master and its workers (killing the master alone would leave the workers,
    /// holding the benchmark's output open), also when a run panics.
    fn drop(&mut self) {
        let _ = std::process::Command::new(NGINX)
            .arg("-c")
            .arg(&self.conf)
            .arg("-p")
            .arg(&self.prefix)
            .args(["-s", "stop"])
            .stderr(Stdio::null())
            .status();
        // The master stops its workers first; killing it before it has would orphan them.
        let deadline = Instant::now() + Duration::from_secs(5);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.start_kill();
    }
}
