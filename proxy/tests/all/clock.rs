//! Moving tokio's clock forward instead of waiting for it.

use std::time::Duration;

/// Moves tokio's clock `by` at once, with nothing in flight, then lets it run on in real time
/// from there. What orgdesk times with tokio's `Instant` (token renewal, key refetch pacing)
/// sees the time pass; sockets and the other servers in the test are untouched. Only in a
/// `current_thread` test (the `#[tokio::test]` default).
pub async fn travel(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}
