//! Reusable widgets.

pub mod color_field;
pub mod contrast_report;
pub mod copy_button;
pub mod diff_view;
pub mod error_view;
pub mod modal;
pub mod org_avatar;
pub mod page_header;
pub mod shell;
pub mod sign_in_preview;
pub mod skeleton;
pub mod swatch;
pub mod tabs;
pub mod toast;
