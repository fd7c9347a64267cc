//! A small square of colour, with its hex code.

use leptos::prelude::*;
use orgdesk_model::Color;

/// A colour chip; an empty dashed square when there is no colour.
#[component]
pub fn Swatch(
    /// The colour to show.
    #[prop(into)]
    color: Option<Color>,
    /// Show the hex code beside the chip.
    #[prop(default = false)]
    with_label: bool,
) -> impl IntoView {
    let label = color
        .as_ref()
        .map_or_else(|| "none".to_owned(), ToString::to_string);
    let title = label.clone();
    view! {
        <span class="od-swatch-group">
            {match color {
                Some(c) => view! {
                    <span class="od-swatch" title=title data-color=c.to_string() style:background-color=c.to_string()></span>
                }.into_any(),
                None => view! { <span class="od-swatch od-swatch--empty" title="No colour set"></span> }.into_any(),
            }}
            {with_label.then(|| view! { <code class="od-swatch__label">{label}</code> })}
        </span>
    }
}
