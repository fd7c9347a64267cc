//! The contrast report of a branding: each pair with its ratio, AA/AAA badges, and a clickable
//! fix for a failing pair.

use leptos::prelude::*;
use orgdesk_model::contrast::{sign_in_checks, Grade};
use orgdesk_model::Color;

/// The report for the given colours; `on_fix(field, colour)` applies a suggestion.
#[component]
pub fn ContrastReport(
    /// The primary colour (valid or not).
    #[prop(into)]
    primary: Signal<Option<Color>>,
    /// The page background.
    #[prop(into)]
    background: Signal<Option<Color>>,
    /// Applies a suggested colour to `primary` or `page_background`.
    on_fix: Callback<(&'static str, Color)>,
) -> impl IntoView {
    let checks = Memo::new(move |_| match (primary.get(), background.get()) {
        (Some(p), Some(b)) => sign_in_checks(&p, &b),
        _ => Vec::new(),
    });
    view! {
        <section class="od-contrast" aria-label="Contrast">
            <h3 class="od-contrast__title">"Contrast"</h3>
            <Show
                when=move || !checks.get().is_empty()
                fallback=|| view! { <p class="od-muted">"Enter valid colours to check their contrast."</p> }
            >
                <ul class="od-contrast__list">
                    {move || checks.get().into_iter().map(|check| {
                        let (badge, class) = match check.grade {
                            Grade::Aaa => ("AAA", "od-grade od-grade--aaa"),
                            Grade::Aa => ("AA", "od-grade od-grade--aa"),
                            Grade::Fail => ("Fails", "od-grade od-grade--fail"),
                        };
                        let needed = format!("needs {:.1}:1", check.usage.aa());
                        let fix = check.suggestion.clone().map(|color| {
                            let field = check.fixes;
                            let label = color.to_string();
                            let applied = color.clone();
                            view! {
                                <button class="od-contrast__fix" type="button"
                                    title=format!("Use {label}")
                                    on:click=move |_| on_fix.run((field, applied.clone()))>
                                    <span class="od-swatch" style:background-color=label.clone()></span>
                                    {format!("Use {label}")}
                                </button>
                            }
                        });
                        view! {
                            <li class="od-contrast__item" data-grade=badge>
                                <span class="od-contrast__pair" aria-hidden="true">
                                    <span class="od-contrast__sample"
                                        style:background-color=check.background.to_string()
                                        style:color=check.foreground.to_string()>"Aa"</span>
                                </span>
                                <span class="od-contrast__text">
                                    <span class="od-contrast__label">{check.label}</span>
                                    <span class="od-contrast__ratio">{format!("{:.2}:1", check.ratio)}" · "{needed}</span>
                                </span>
                                <span class=class>{badge}</span>
                                {fix}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </section>
    }
}
