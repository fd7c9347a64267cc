//! Mounts the orgdesk app on the page.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(orgdesk_web::app::App);
}
