//! Signing in and out in the browser, pairing a wall display with a code, the administration
//! page, and the review reminder, in headless Chromium against a real server.

#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::time::Duration;

use model::{access::Role, api};
use serde_json::{Value, json};
use tests::{Browser, TestServer};

const SIGN_IN_READY: &str = "return !!document.querySelector('[data-testid=sign-in]');";

#[tokio::test]
async fn a_person_signs_in_with_the_form_and_out_again() {
    let server = TestServer::with_app().await;
    server.session("kod-plan", Role::Planner, "kod").await;
    let browser = Browser::start(1280, 900).await;
    // Not through `open`: this browser has no session yet.
    browser.client.goto(&server.url).await.unwrap();
    browser
        .wait_until("the sign-in form", SIGN_IN_READY, Duration::from_secs(10))
        .await;

    browser
        .set_value("[data-testid=input-login]", "kod-plan")
        .await;
    browser
        .set_value("[data-testid=input-password]", "falsch")
        .await;
    browser.click("[data-testid=sign-in-button]").await;
    browser
        .wait_until(
            "the refusal",
            "return !!document.querySelector('[data-testid=error-password]');",
            Duration::from_secs(10),
        )
        .await;
    assert_eq!(
        browser.text("[data-testid=error-password]").await,
        "Anmeldename oder Passwort ist falsch."
    );

    browser
        .set_value("[data-testid=input-password]", "ein langes Testpasswort")
        .await;
    browser.click("[data-testid=sign-in-button]").await;
    browser
        .wait_until(
            "the city map, signed in",
            "return !!document.querySelector('[data-testid=account-bar]') && !!document.querySelector('.leaflet-container');",
            Duration::from_secs(15),
        )
        .await;
    let who = browser.text("[data-testid=account-bar] .account-who").await;
    assert_eq!(who, "kod-plan · kod · Planung");
    // The session cookie is HttpOnly: no script on the page can read it.
    let cookies = browser.eval("return document.cookie;", vec![]).await;
    assert!(
        !cookies.as_str().unwrap().contains("lagebild-session"),
        "{cookies}"
    );
    // Planners do not get the administration link.
    assert_eq!(
        browser
            .eval(
                "return !!document.querySelector('[data-testid=admin-link]');",
                vec![]
            )
            .await,
        json!(false)
    );

    browser.click("[data-testid=sign-out]").await;
    browser
        .wait_until(
            "the sign-in form again",
            SIGN_IN_READY,
            Duration::from_secs(10),
        )
        .await;
    // And the session is gone on the server too: the API refuses it.
    let status = browser
        .eval("return fetch('/api/session').then(r => r.status);", vec![])
        .await;
    assert_eq!(status, json!(401));
    assert!(browser.csp_violations().await.is_empty());
}

#[tokio::test]
async fn a_wall_display_pairs_once_with_a_code_and_withholds_small_counts() {
    let server = TestServer::with_app().await;
    // One hotspot active around the clock: a count of 1, below the threshold of 5.
    let hotspot = json!({"title": "Rund um die Uhr", "category": "drug_scene", "severity": "high",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}],
        "agency": "polizei", "review_date": "2099-01-01"});
    server.create(api::HOTSPOTS, &hotspot).await;
    let code: Value = server
        .client()
        .post(format!("{}{}", server.url, api::DISPLAYS))
        .json(&json!({"login": "leitstelle-wand-1"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let code = code["code"].as_str().unwrap().to_owned();

    let browser = Browser::start(1920, 1080).await;
    browser
        .client
        .goto(&format!("{}/wand", server.url))
        .await
        .unwrap();
    browser
        .wait_until(
            "the pairing screen",
            "return !!document.querySelector('[data-testid=pair-display]');",
            Duration::from_secs(10),
        )
        .await;
    browser
        .set_value("[data-testid=input-code]", "0000-0000")
        .await;
    browser.click("[data-testid=pair-button]").await;
    browser
        .wait_until(
            "the refusal of a wrong code",
            "return !!document.querySelector('[data-testid=error-code]');",
            Duration::from_secs(10),
        )
        .await;
    browser.set_value("[data-testid=input-code]", &code).await;
    browser.click("[data-testid=pair-button]").await;
    let tile = "document.querySelector('[data-testid=tile-hotspots-active] .tile-value')";
    browser
        .wait_until(
            "the wall with its tiles",
            &format!("const t = {tile}; return !!t && t.textContent !== '–';"),
            Duration::from_secs(15),
        )
        .await;
    assert_eq!(
        browser
            .text("[data-testid=tile-hotspots-active] .tile-value")
            .await,
        "< 5",
        "a count of 1 is withheld on the wall"
    );
    // The map still shows the hotspot itself (it is released to the display's agency).
    browser
        .wait_until(
            "the hotspot on the wall's map",
            "return document.querySelectorAll('.hotspot').length > 0;",
            Duration::from_secs(10),
        )
        .await;
    // The code is used up: a second display cannot pair with it.
    let again = server
        .client()
        .post(format!("{}{}", server.url, api::SESSION_PAIR))
        .json(&json!({"code": code}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 422);
    // The paired display is still signed in after a reload (the session is in the database).
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "the wall after a reload",
            &format!("const t = {tile}; return !!t && t.textContent === '< 5';"),
            Duration::from_secs(15),
        )
        .await;
    assert!(browser.csp_violations().await.is_empty());
    browser.save_screenshot("wall-paired").await;
}

#[tokio::test]
async fn an_admin_adds_an_account_of_its_agency_and_reads_the_audit_trail() {
    let server = TestServer::with_app().await;
    let browser = Browser::start(1400, 1000).await;
    browser
        .open(
            &format!("{}/verwaltung", server.url),
            "return !!document.querySelector('[data-testid=account-test-admin]');",
        )
        .await;
    // An agency admin adds accounts of its own agency only: the agency is not a choice.
    assert_eq!(browser.text("[data-testid=new-agency]").await, "polizei");
    browser
        .set_value("[data-testid=new-login]", "pol-lage")
        .await;
    browser.set_value("[data-testid=new-role]", "officer").await;
    browser
        .set_value("[data-testid=new-password]", "kurz")
        .await;
    browser.click("[data-testid=add-account]").await;
    browser
        .wait_until(
            "the password refusal",
            "return !!document.querySelector('[data-testid=error-password]');",
            Duration::from_secs(10),
        )
        .await;
    browser
        .set_value("[data-testid=new-password]", "ein langes Passwort")
        .await;
    browser.click("[data-testid=add-account]").await;
    browser
        .wait_until(
            "the new account in the list",
            "return !!document.querySelector('[data-testid=account-pol-lage]');",
            Duration::from_secs(10),
        )
        .await;
    let row = browser.text("[data-testid=account-pol-lage]").await;
    assert!(
        row.contains("polizei") && row.contains("Bezirksdienst"),
        "{row}"
    );
    // The new account can sign in over the API.
    let r = reqwest::Client::new()
        .post(format!("{}{}", server.url, api::SESSION))
        .json(&json!({"login": "pol-lage", "password": "ein langes Passwort"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Another agency's accounts are not in the list.
    server.session("jva-lage", Role::Officer, "jva").await;
    // The trail names the admin who added it.
    browser.client.refresh().await.unwrap();
    browser
        .wait_until(
            "the audit trail",
            "return [...document.querySelectorAll('[data-testid=audit] tr')].some(r => r.textContent.includes('account_added'));",
            Duration::from_secs(10),
        )
        .await;
    let added = browser
        .eval(
            "return [...document.querySelectorAll('[data-testid=audit] tbody tr')].find(r => r.textContent.includes('account_added')).textContent;",
            vec![],
        )
        .await;
    assert!(
        added.as_str().unwrap().contains("test-admin (polizei)"),
        "{added}"
    );
    assert_eq!(
        browser
            .eval(
                "return !!document.querySelector('[data-testid=account-jva-lage]');",
                vec![]
            )
            .await,
        json!(false)
    );
    assert!(browser.csp_violations().await.is_empty());
}

#[tokio::test]
async fn an_operator_manages_another_agencys_accounts_and_pairs_its_display() {
    let server = TestServer::with_app().await;
    server.session("it-betrieb", Role::Operator, "kod").await;
    server.session("jva-lage", Role::Officer, "jva").await;
    let browser = Browser::start(1400, 1000).await;
    browser.client.goto(&server.url).await.unwrap();
    browser
        .wait_until("the sign-in form", SIGN_IN_READY, Duration::from_secs(10))
        .await;
    browser
        .set_value("[data-testid=input-login]", "it-betrieb")
        .await;
    browser
        .set_value("[data-testid=input-password]", tests::TEST_PASSWORD)
        .await;
    browser.click("[data-testid=sign-in-button]").await;
    browser
        .wait_until(
            "the way to the administration",
            "return !!document.querySelector('[data-testid=admin-link]');",
            Duration::from_secs(15),
        )
        .await;
    browser.click("[data-testid=admin-link]").await;
    browser
        .wait_until(
            "every agency's accounts",
            "return !!document.querySelector('[data-testid=account-jva-lage]') && !!document.querySelector('[data-testid=account-test-admin]');",
            Duration::from_secs(15),
        )
        .await;
    // A JVA planner, added by the city's IT.
    browser
        .set_value("[data-testid=new-login]", "jva-plan")
        .await;
    browser.set_value("[data-testid=new-agency]", "jva").await;
    browser.set_value("[data-testid=new-role]", "planner").await;
    browser
        .set_value("[data-testid=new-password]", "ein langes Passwort")
        .await;
    browser.click("[data-testid=add-account]").await;
    browser
        .wait_until(
            "the new account",
            "return !!document.querySelector('[data-testid=account-jva-plan]');",
            Duration::from_secs(10),
        )
        .await;
    assert!(
        browser
            .text("[data-testid=account-jva-plan]")
            .await
            .contains("jva")
    );
    // Disable and enable the JVA officer.
    browser.click("[data-testid=disable-jva-lage]").await;
    browser
        .wait_until(
            "the officer disabled",
            "return !!document.querySelector('[data-testid=enable-jva-lage]');",
            Duration::from_secs(10),
        )
        .await;
    browser.click("[data-testid=enable-jva-lage]").await;
    browser
        .wait_until(
            "the officer enabled again",
            "return !!document.querySelector('[data-testid=disable-jva-lage]');",
            Duration::from_secs(10),
        )
        .await;
    // A pairing code for the prison's wall.
    browser
        .set_value("[data-testid=display-name]", "jva-wand-1")
        .await;
    browser
        .set_value("[data-testid=display-agency]", "jva")
        .await;
    browser.click("[data-testid=issue-code]").await;
    browser
        .wait_until(
            "the code",
            "return !!document.querySelector('[data-testid=pairing-code]');",
            Duration::from_secs(10),
        )
        .await;
    let accounts: Value = server
        .client()
        .get(format!("{}{}", server.url, api::ACCOUNTS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The police admin (the test server's) does not see the JVA's new accounts.
    let logins: Vec<&str> = accounts
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["login"].as_str())
        .collect();
    assert!(
        !logins.contains(&"jva-plan") && !logins.contains(&"jva-wand-1"),
        "{logins:?}"
    );
    assert!(browser.csp_violations().await.is_empty());
}

#[tokio::test]
async fn a_hotspot_past_its_review_date_is_flagged_to_its_owner_and_not_active() {
    let server = TestServer::with_app().await;
    let stale = json!({"title": "Alte Lage", "category": "public_disorder", "severity": "low",
        "geometry": {"type": "Point", "coordinates": [7.8137, 51.68016]},
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "from": "00:00", "to": "23:59"}],
        "agency": "polizei", "review_date": "2025-01-31"});
    let id = server.create(api::HOTSPOTS, &stale).await["id"]
        .as_i64()
        .unwrap();
    let mut kods = stale.clone();
    kods["title"] = json!("Lage des KOD");
    kods["agency"] = json!("kod");
    server.create(api::HOTSPOTS, &kods).await;
    let indicators: Value = server
        .client()
        .get(format!("{}{}", server.url, api::INDICATORS))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(indicators["hotspots_active"], 0, "past review: not active");

    let browser = Browser::start(1400, 900).await;
    browser
        .open(
            &format!("{}/planung", server.url),
            "return !!document.querySelector('[data-testid=review-due]');",
        )
        .await;
    let flagged = browser.text("[data-testid=review-due]").await;
    assert!(flagged.contains("Alte Lage"), "{flagged}");
    assert!(
        !flagged.contains("Lage des KOD"),
        "only the owner's own: {flagged}"
    );
    browser.click(&format!("[data-testid=review-{id}]")).await;
    browser
        .wait_until(
            "the hotspot in its form",
            "const f = document.querySelector('[data-testid=hotspot-form] [data-testid=input-title]'); return !!f && f.value === 'Alte Lage';",
            Duration::from_secs(10),
        )
        .await;
}
