//! A long list that draws only the rows in view, so that 20,000 rows scroll like 20.

use std::hash::Hash;

use leptos::html;
use leptos::prelude::*;

/// Rows drawn above and below the visible ones, so fast scrolling shows no gaps.
const OVERSCAN: usize = 6;
/// `on_near_end` is told when the visible rows come within this many of the loaded end.
const PREFETCH_ROWS: usize = 20;

/// A scrolling viewport of fixed-height rows; only those in view (and a few around them) are
/// in the page, each placed at its index.
#[component]
pub fn VirtualList<T, K, KF, V, VF>(
    /// Every row loaded so far.
    #[prop(into)]
    rows: Signal<Vec<T>>,
    /// What a row's drawing depends on: when it changes, the row is drawn again.
    key: KF,
    /// Draws one row.
    row: VF,
    /// Height of each row, in CSS pixels.
    row_height: f64,
    /// Height of the viewport, in CSS pixels.
    viewport_height: f64,
    /// Told when the visible rows come near the end of what is loaded (fetch more then).
    on_near_end: Callback<()>,
    /// Whenever this changes, the list scrolls back to its top (a new search).
    #[prop(into)]
    reset: Signal<u64>,
    /// The viewport's `data-testid`.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    K: Eq + Hash + Clone + Send + Sync + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    VF: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let viewport = NodeRef::<html::Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    Effect::new(move || {
        reset.track();
        scroll_top.set(0.0);
        if let Some(el) = viewport.get_untracked() {
            el.set_scroll_top(0);
        }
    });
    Effect::new(move || {
        let len = rows.with(Vec::len);
        let last_visible = ((scroll_top.get() + viewport_height) / row_height).ceil() as usize;
        if last_visible + PREFETCH_ROWS >= len {
            on_near_end.run(());
        }
    });
    let visible = Memo::new(move |_| {
        let first = ((scroll_top.get() / row_height).floor() as usize).saturating_sub(OVERSCAN);
        let count = (viewport_height / row_height).ceil() as usize + 2 * OVERSCAN;
        rows.with(|all| {
            all.iter()
                .enumerate()
                .skip(first)
                .take(count)
                .map(|(i, item)| (i, item.clone()))
                .collect::<Vec<_>>()
        })
    });
    let total_height = move || format!("{}px", rows.with(Vec::len) as f64 * row_height);
    view! {
        <div
            class="od-vlist"
            data-testid=test_id
            node_ref=viewport
            // Layout that the windowing relies on is set here, not left to the stylesheet.
            style:max-height=format!("{viewport_height}px")
            style:overflow-y="auto"
            style:position="relative"
            on:scroll=move |_| {
                if let Some(el) = viewport.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            }
        >
            <div class="od-vlist__spacer" style:height=total_height style:position="relative">
                <For
                    each=move || visible.get()
                    key=move |(i, item)| (*i, key(item))
                    children=move |(i, item)| {
                        view! {
                            <div
                                class="od-vlist__row"
                                style:position="absolute"
                                style:top=format!("{}px", i as f64 * row_height)
                                style:height=format!("{row_height}px")
                                style:left="0"
                                style:right="0"
                            >
                                {row(item)}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
