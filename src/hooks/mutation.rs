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
) -> Mutation<I, O>
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
) -> Mutation<I, O>
where
    I: Clone + 'static,
    O: 'static,
    Fut: Future<Output = Result<O, ApiError>> + 'static,
{
    let toasts = use_toasts();
    // Shared with each call's future, which may outlive the screen that started it.
    let done = Rc::new(done);
    let shown = Rc::new(shown);
    let action = Action::new_local(move |input: &I| {
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
    });
    Mutation { action }
}

/// A change in the making, from [`mutation`]: an [`Action`] that takes one ask at a time.
///
/// While a call is on its way the controls that start it stay enabled and focusable, marked
/// with [`Mutation::busy`] (`aria-disabled`), and a second ask is ignored here. Disabling
/// them instead would send the keyboard's focus to the page's body at every press.
pub struct Mutation<I: 'static, O: 'static> {
    action: Action<I, Result<O, ApiError>>,
}

impl<I: 'static, O: 'static> Clone for Mutation<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I: 'static, O: 'static> Copy for Mutation<I, O> {}

impl<I: 'static, O: 'static> Mutation<I, O> {
    /// Starts the call, unless one is on its way already.
    pub fn dispatch(&self, input: I) {
        if !self.action.pending().get_untracked() {
            self.action.dispatch_local(input);
        }
    }

    /// Whether a call is on its way.
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }

    /// The last call's result, `None` before the first answer.
    pub fn value(&self) -> MappedSignal<Option<Result<O, ApiError>>> {
        self.action.value()
    }

    /// For `aria-disabled` on a control that starts the call: `"true"` while one is on its way.
    pub fn busy(&self) -> impl Fn() -> Option<&'static str> + Copy + 'static {
        let pending = self.pending();
        move || pending.get().then_some("true")
    }
}
