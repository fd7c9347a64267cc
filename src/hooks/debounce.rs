//! Waiting for typing to pause before acting on it.

use std::time::Duration;

use leptos::leptos_dom::helpers::{set_timeout_with_handle, TimeoutHandle};
use leptos::prelude::*;

/// How long typing must pause before a search or filter runs.
pub const TYPING_PAUSE: Duration = Duration::from_millis(250);

/// Runs the latest of a burst of calls once they pause for [`TYPING_PAUSE`]; each call
/// cancels the one still waiting.
#[derive(Debug, Clone, Copy)]
pub struct Debounce {
    pending: StoredValue<Option<TimeoutHandle>>,
}

impl Debounce {
    /// A debounce with nothing waiting.
    #[must_use]
    pub fn new() -> Self {
        Self {
            pending: StoredValue::new(None),
        }
    }

    /// Runs `then` after the pause, unless another call comes first.
    pub fn run(&self, then: impl FnOnce() + 'static) {
        if let Some(handle) = self.pending.get_value() {
            handle.clear();
        }
        self.pending
            .set_value(set_timeout_with_handle(then, TYPING_PAUSE).ok());
    }
}

impl Default for Debounce {
    fn default() -> Self {
        Self::new()
    }
}
