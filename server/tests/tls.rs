//! Optional TLS: with a certificate and key the server speaks HTTPS, sends HSTS, and its
//! session cookie is `__Host-` and `Secure`.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use model::{AgencyKey, access::Role, api};
use serde_json::json;
use server::{Application, Config};

#[tokio::test]
async fn with_a_certificate_the_server_speaks_https_only_with_hsts_and_secure_cookies() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.key_pair.serialize_pem()).unwrap();

    let data = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(data.path().to_owned(), "no-dist".into());
    config.tls_cert = Some(cert_path);
    config.tls_key = Some(key_path);
    let app = Application::build(config).await.unwrap();
    assert!(app.url().starts_with("https://"), "{}", app.url());
    let port = app.port();
    app.state()
        .db
        .call(|c| {
            server::accounts::add(
                c,
                "pol-lage",
                Role::Officer,
                &AgencyKey::parse("polizei").unwrap(),
                Some("ein langes Passwort"),
            )
        })
        .await
        .unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], port).into())
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    let health = client
        .get(format!("{base}{}", api::HEALTH))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.headers()["strict-transport-security"],
        "max-age=63072000"
    );

    let signed_in = client
        .post(format!("{base}{}", api::SESSION))
        .json(&json!({"login": "pol-lage", "password": "ein langes Passwort"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-lagebild-session="), "{cookie}");
    for part in ["; Path=/", "; Secure", "; HttpOnly", "; SameSite=Strict"] {
        assert!(cookie.contains(part), "{part} missing: {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");

    // Plain HTTP on the TLS port gets no answer a browser would use.
    let plain = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}{}", api::HEALTH))
        .send()
        .await;
    assert!(plain.map(|r| !r.status().is_success()).unwrap_or(true));

    let _ = stop.send(());
    running.await.unwrap().unwrap();
}
