//! Reusable widgets.

pub mod copy_button;
pub mod error_view;
pub mod org_avatar;
pub mod page_header;
pub mod shell;
pub mod skeleton;
pub mod swatch;
pub mod toast;
