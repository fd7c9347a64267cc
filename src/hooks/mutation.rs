//! One way to run a change: call the proxy, tell the person how it went, keep the result.

use std::future::Future;
use std::rc::Rc;

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::toast::use_toasts;

/// An [`Action`] that runs `call`, then on success runs `done` with the answer and shows
/// the message it returns (none for a change that shows itself, like leaving the page), and
/// on failure shows "`failed`: the proxy's words" with the request id. The action's value
/// holds the result, and its `pending()` says when a call is on its way.
pub fn mutation<I, O, Fut>(
    failed: &'static str,
    call: impl Fn(I) -> Fut + 'static,
    done: impl Fn(&O) -> Option<String> + 'static,
) -> Action<I, Result<O, ApiError>>
where
    I: Clone + 'static,
    O: 'static,
    Fut: Future<Output = Result<O, ApiError>> + 'static,
{
    mutation_with_errors(failed, call, done, |_| false)
}

/// [`mutation`] for a screen that shows some failures itself (a field's error beside the
/// field, a conflict as a merge): `shown` is told every failure first, and when it answers
/// `true` no toast is shown.
pub fn mutation_with_errors<I, O, Fut>(
    failed: &'static str,
    call: impl Fn(I) -> Fut + 'static,
    done: impl Fn(&O) -> Option<String> + 'static,
    shown: impl Fn(&ApiError) -> bool + 'static,
) -> Action<I, Result<O, ApiError>>
where
    I: Clone + 'static,
    O: 'static,
    Fut: Future<Output = Result<O, ApiError>> + 'static,
{
    let toasts = use_toasts();
    // Shared with each call's future, which may outlive the screen that started it.
    let done = Rc::new(done);
    let shown = Rc::new(shown);
    Action::new_local(move |input: &I| {
        let answer = call(input.clone());
        let (done, shown) = (Rc::clone(&done), Rc::clone(&shown));
        async move {
            let result = answer.await;
            match &result {
                Ok(value) => {
                    if let Some(message) = done(value) {
                        toasts.success(message);
                    }
                }
                Err(err) => {
                    if !shown(err) {
                        toasts.failure(failed, err);
                    }
                }
            }
            result
        }
    })
}
