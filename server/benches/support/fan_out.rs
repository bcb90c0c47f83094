//! Live updates under load: `SSE_CLIENTS` event-stream clients on one server, `WRITES` writes
//! (through the same server or another): when each client has each write's event, and the
//! streams' server's memory before and with them connected.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Barrier;

use super::{
    percentile,
    session::{Session, client},
    status_kib,
};

pub const SSE_CLIENTS: usize = 1000;
pub const WRITES: usize = 20;

/// p50 and p99 over all deliveries, the worst write's last client, and the memory (KiB) of
/// process `pid` (the streams' server) before and with the clients connected.
pub async fn fan_out(
    session: &Session,
    write_base: &str,
    stream_base: &str,
    pid: u32,
) -> (Duration, Duration, Duration, u64, u64) {
    let rss_before = status_kib(pid, "VmRSS");
    let client = client(session, SSE_CLIENTS);
    let ready = Arc::new(Barrier::new(SSE_CLIENTS + 1));
    let mut clients = Vec::new();
    for _ in 0..SSE_CLIENTS {
        let (client, url, ready) = (
            client.clone(),
            format!("{stream_base}/api/events"),
            Arc::clone(&ready),
        );
        clients.push(tokio::spawn(async move {
            let mut r = client.get(url).send().await.unwrap();
            ready.wait().await;
            let mut arrivals = Vec::new();
            let mut buffer = String::new();
            while arrivals.len() < WRITES {
                match tokio::time::timeout(Duration::from_secs(30), r.chunk()).await {
                    Ok(Ok(Some(chunk))) => {
                        buffer.push_str(&String::from_utf8_lossy(&chunk));
                        // Only the writes' events: the server's own (an alert raised at
                        // start) would be taken for the first write's.
                        while let Some(end) = buffer.find("\n\n") {
                            let event: String = buffer.drain(..end + 2).collect();
                            if event.contains("event: change")
                                && event.contains("\"kind\":\"action\"")
                            {
                                arrivals.push(Instant::now());
                            }
                        }
                    }
                    _ => break,
                }
            }
            arrivals
        }));
    }
    ready.wait().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_connected = status_kib(pid, "VmRSS");
    let body = serde_json::json!({
        "title": "Lasttest", "kind": "other", "start": "2027-01-04T10:00:00Z", "end": "2027-01-04T11:00:00Z",
        "district": "mitte", "lead_agency": "polizei", "status": "planned"
    });
    // From the moment each write is sent: the server publishes a change when it commits,
    // before the write's answer leaves, so clients may hear of it before the writer does.
    let mut sent = Vec::new();
    for _ in 0..WRITES {
        sent.push(Instant::now());
        let r = client
            .post(format!("{write_base}/api/actions"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut per_write_last = vec![Duration::ZERO; WRITES];
    let mut all = Vec::new();
    for c in clients {
        let arrivals = c.await.unwrap();
        assert_eq!(arrivals.len(), WRITES, "a client missed events");
        for (i, at) in arrivals.into_iter().enumerate() {
            let d = at.saturating_duration_since(sent[i]);
            all.push(d);
            per_write_last[i] = per_write_last[i].max(d);
        }
    }
    all.sort();
    per_write_last.sort();
    (
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        *per_write_last.last().unwrap(),
        rss_before,
        rss_connected,
    )
}
