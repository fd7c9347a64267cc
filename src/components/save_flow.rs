//! Saving a change to an organization: the diff first, then Confirm; a concurrent change is
//! shown side by side with the person's own, which they can reapply.

use leptos::prelude::*;
use orgdesk_model::diff::{org_changes, rebase_metadata};
use orgdesk_model::input::{apply, OrgPatchInput};
use orgdesk_model::{Metadata, Organization};

use crate::api;
use crate::components::diff_view::{ChangeList, ReviewDialog};
use crate::components::modal::Modal;
use crate::hooks::mutation_with_errors;

/// Where the flow is.
#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Editing,
    Confirming,
    Conflict(Box<Organization>),
}

/// The change to send when the stored organization is `against` and the editor opened `opened`:
/// the person's metadata edits are re-applied on top of what is stored now.
fn rebased(opened: &Organization, against: &Organization, patch: &OrgPatchInput) -> OrgPatchInput {
    let mut patch = patch.clone();
    if let Some(mine) = &patch.metadata {
        let merged = rebase_metadata(opened.metadata.entries(), mine, against.metadata.entries());
        patch.metadata = Some(merged);
        patch.base_metadata = Some(against.metadata.entries().clone());
    }
    patch
}

/// The organization `patch` would produce from `from` (metadata as typed; the proxy normalises).
fn preview(from: &Organization, patch: &OrgPatchInput) -> Option<Organization> {
    let parsed = patch.parse().ok()?;
    let metadata = match &parsed.metadata {
        Some(raw) => Some(Metadata::parse(raw.clone()).ok()?),
        None => None,
    };
    Some(apply(from, &parsed, metadata))
}

/// The Save button and everything after it.
#[component]
pub fn SaveFlow(
    /// The organization as stored when the editor opened.
    org: Organization,
    /// The change as typed so far.
    #[prop(into)]
    patch: Signal<OrgPatchInput>,
    /// Whether the form is valid and changed (Save is enabled only then).
    #[prop(into)]
    valid: Signal<bool>,
    /// Told the saved organization, which the page then shows.
    on_saved: Callback<Organization>,
    /// The button's label.
    label: &'static str,
) -> impl IntoView {
    let stage = RwSignal::new(Stage::Editing);
    // What the diff is computed from: the org as opened, or as found after a conflict.
    let against = RwSignal::new(org.clone());
    let opened = StoredValue::new(org.clone());
    let to_send = Memo::new(move |_| rebased(&opened.get_value(), &against.get(), &patch.get()));
    let changes = Memo::new(move |_| {
        let from = against.get();
        preview(&from, &to_send.get())
            .map(|after| org_changes(&from, &after))
            .unwrap_or_default()
    });
    let id = org.id.clone();
    let save = mutation_with_errors(
        "Not saved",
        move |input: OrgPatchInput| api::orgs::update(id.clone(), input),
        move |saved: &Organization| {
            stage.set(Stage::Editing);
            opened.set_value(saved.clone());
            against.set(saved.clone());
            on_saved.run(saved.clone());
            Some("Saved".to_owned())
        },
        move |err| {
            // A conflict is shown as the other change beside this one, to merge.
            let current = (err.status == 409).then(|| err.current.clone()).flatten();
            match current {
                Some(current) => {
                    stage.set(Stage::Conflict(current));
                    true
                }
                None => {
                    stage.set(Stage::Editing);
                    err.status == 409
                }
            }
        },
    );
    let confirm = Callback::new(move |()| {
        save.dispatch(to_send.get_untracked());
    });
    let close = Callback::new(move |()| stage.set(Stage::Editing));
    view! {
        <div class="od-save">
            <button
                class="od-button od-button--primary"
                data-testid="save"
                disabled=move || !valid.get() aria-disabled=save.busy()
                on:click=move |_| if !save.pending().get_untracked() { stage.set(Stage::Confirming); }
            >
                {label}
            </button>
            {move || match stage.get() {
                Stage::Editing => ().into_any(),
                Stage::Confirming => view! {
                    <ReviewDialog lead="You are about to change:" changes=changes.get() pending=save.pending()
                        on_confirm=confirm on_close=close/>
                }.into_any(),
                Stage::Conflict(current) => {
                    let theirs = org_changes(&against.get_untracked(), &current);
                    let mine = preview(&current, &rebased(&opened.get_value(), &current, &patch.get_untracked()))
                        .map(|after| org_changes(&current, &after))
                        .unwrap_or_default();
                    let reapply = move |_| {
                        against.set((*current).clone());
                        stage.set(Stage::Confirming);
                    };
                    view! {
                        <Modal title="Someone else changed this organization" on_close=close>
                            <p>"Nothing was saved. Since you opened it, this changed:"</p>
                            <ChangeList changes=theirs/>
                            <p>"Applied on top of that, your edit would change:"</p>
                            <ChangeList changes=mine/>
                            <div class="od-modal__actions">
                                <button class="od-button" on:click=move |_| close.run(())>"Keep editing"</button>
                                <button class="od-button od-button--primary" on:click=reapply>"Reapply my changes"</button>
                            </div>
                        </Modal>
                    }.into_any()
                }
            }}
        </div>
    }
}
