//! Who is signed in, as the server said at start-up. The server decides what anyone may see
//! and do; the app uses this to fill in defaults (the user's agency), to show or hide what the
//! role cannot use, and to send the CSRF token with every change.

use std::cell::RefCell;

use model::access::{Me, Role};

thread_local! {
    static ME: RefCell<Option<Me>> = const { RefCell::new(None) };
    static RELOADING: RefCell<bool> = const { RefCell::new(false) };
}

pub fn set(me: Me) {
    ME.with(|m| *m.borrow_mut() = Some(me));
}

pub fn me() -> Option<Me> {
    ME.with(|m| m.borrow().clone())
}

pub fn csrf_token() -> Option<String> {
    ME.with(|m| m.borrow().as_ref().map(|me| me.csrf_token.clone()))
}

/// The user's agency key as a form value (`polizei` if, oddly, nobody is signed in).
pub fn agency() -> String {
    me().map_or_else(|| "polizei".to_owned(), |m| m.agency.to_string())
}

/// Manages accounts and wall displays: an agency admin (its own agency's) or an operator
/// (every agency's). The server decides which; this only shows the page.
pub fn manages_accounts() -> bool {
    me().is_some_and(|m| m.role.manages_accounts())
}

pub fn is_operator() -> bool {
    me().is_some_and(|m| m.role == Role::Operator)
}

/// Who new items are released to unless the user changes it: the partnership's five partners
/// (the shared picture the partnership agreed on), without the owner itself.
pub fn default_release(owner: &str) -> Vec<String> {
    model::agency::partnership_agencies()
        .into_iter()
        .filter(|a| a.role == model::agency::AgencyRole::Partner)
        .map(|a| a.key.to_string())
        .filter(|k| k != owner)
        .collect()
}

/// The session ended (expired, signed out elsewhere, account disabled): start over, which
/// shows the sign-in (or, on the wall, the pairing) screen. Once only.
pub fn ended() {
    let first = RELOADING.with(|r| !r.replace(true));
    if first && me().is_some() {
        let _ = web_sys::window().map(|w| w.location().reload());
    }
}
