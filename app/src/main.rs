//! Mounts the app; everything else lives in the library.

fn main() {
    console_error_panic_hook::set_once();
    app::i18n::init();
    leptos::mount::mount_to_body(app::App);
}
