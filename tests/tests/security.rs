//! The strict Content-Security-Policy holds in a real browser: every screen, the language
//! switch, the drawing tools and the print layout run without a single violation reported by
//! Chromium.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use tests::{Browser, TestServer};

#[tokio::test]
async fn no_screen_violates_the_content_security_policy() {
    let server = TestServer::with_app_and_demo().await;
    let browser = Browser::start(1600, 1000).await;
    let screens = [
        (
            "/?faerbung=brennpunkte&tabelle=1",
            "return document.querySelectorAll('path.district').length === 7 && !!document.querySelector('[data-testid=legend-classes]');",
        ),
        (
            "/bezirk/mitte",
            "return !!document.querySelector('.district-today');",
        ),
        (
            "/wand?rotation=5",
            "return document.querySelectorAll('path.district').length === 7;",
        ),
        (
            "/planung?kalender=monat",
            "return document.querySelectorAll('.planning-map path.district').length === 7;",
        ),
    ];
    for (path, ready) in screens {
        browser.open(&format!("{}{path}", server.url), ready).await;
        // Give late work (popups, live data, fonts) a moment to run into the policy.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let violations = browser.csp_violations().await;
        assert!(violations.is_empty(), "{path}: {violations:#?}");
    }
    // The drawing tools (Leaflet-Geoman, loaded on demand) and the print layout.
    browser.click("[data-testid=new-route]").await;
    browser.click("[data-testid=draw-line]").await;
    browser.emulate_media("print").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let violations = browser.csp_violations().await;
    assert!(violations.is_empty(), "drawing and print: {violations:#?}");

    // The check itself works, and the policy is enforced: an inline style attribute and an
    // inline script are refused and reported.
    browser
        .eval(
            "document.body.setAttribute('style', 'outline: 3px solid red'); \
             const s = document.createElement('script'); s.textContent = 'window.injected = true'; \
             document.body.appendChild(s); return true;",
            vec![],
        )
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let injected = browser
        .eval("return window.injected === true;", vec![])
        .await;
    assert_eq!(
        injected,
        serde_json::json!(false),
        "the inline script must not run"
    );
    let violations = browser.csp_violations().await;
    assert!(violations.len() >= 2, "{violations:#?}");
}
