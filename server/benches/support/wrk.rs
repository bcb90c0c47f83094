//! Load with `wrk` (Debian) and the medians of its runs.
#![allow(dead_code)] // not every benchmark uses every helper

use std::path::Path;

use tokio::process::Command;

/// One `wrk` run: requests per second, p50 and p99 latency in ms.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub rps: f64,
    pub p50: f64,
    pub p99: f64,
}

/// A `wrk` latency such as `812.00us`, `1.25ms` or `1.02s`, in milliseconds.
fn wrk_ms(value: &str) -> Option<f64> {
    let (number, factor) = if let Some(v) = value.strip_suffix("us") {
        (v, 0.001)
    } else if let Some(v) = value.strip_suffix("ms") {
        (v, 1.0)
    } else if let Some(v) = value.strip_suffix('s') {
        (v, 1000.0)
    } else {
        (value, 1.0)
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// A `wrk` script that asks a new question with every request: the filter's `from` moves on by
/// a second each time (and each thread starts elsewhere), so no answer comes from a cache.
pub const NEW_QUERY_EACH_TIME: &str = r#"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 10000000)
end
local n = 0
function request()
  n = n + 1
  local at = os.date("!%Y-%m-%dT%H:%M:%SZ", 1767225600 + offset + n)
  return wrk.format("GET", "/api/actions?district=mitte&from=" .. at .. "&to=2099-01-01T00:00:00Z")
end
"#;

/// Runs `wrk` against `url` with `connections` connections and `headers` (and `script`).
pub async fn wrk(url: &str, connections: usize, headers: &[String], script: Option<&Path>) -> Run {
    let seconds = std::env::var("LOAD_SECONDS").unwrap_or_else(|_| "4".into());
    let mut cmd = Command::new("wrk");
    cmd.args([
        "-t2",
        &format!("-c{connections}"),
        &format!("-d{seconds}s"),
        "--latency",
    ]);
    for h in headers {
        cmd.args(["-H", h]);
    }
    if let Some(script) = script {
        cmd.arg("-s").arg(script);
    }
    let out = cmd
        .arg(url)
        .output()
        .await
        .expect("wrk runs (script/bootstrap --bench installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Non-2xx"),
        "{url}: wrk saw error answers:\n{text}"
    );
    let field = |prefix: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|v| v.split_whitespace().next())
            .unwrap_or_else(|| panic!("{url}: no '{prefix}' in wrk's output:\n{text}"))
            .to_owned()
    };
    Run {
        rps: field("Requests/sec:").parse().expect("a number"),
        p50: wrk_ms(&field("50%")).expect("a latency"),
        p99: wrk_ms(&field("99%")).expect("a latency"),
    }
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}
