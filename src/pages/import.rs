//! Configuration as code: export the tenant (or one's organization), import a file as a plan to
//! review, apply it with a progress bar, and (platform admins) compare the directory with a
//! snapshot to see every difference.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use orgdesk_model::api::Capability;
use orgdesk_model::import::{ApplyState, ApplyStatus, Plan, PlanInput, PlanStep, StepAction};
use orgdesk_model::{Me, Role};

use crate::api::{self, ApiError};
use crate::components::diff_view::ChangeList;
use crate::components::export_links::ExportLinks;
use crate::components::page_header::PageHeader;
use crate::hooks::file::read_chosen_file;
use crate::hooks::mutation::{mutation, mutation_with_errors, Mutation};

/// What the last plan was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// To apply.
    Import,
    /// To see the differences only.
    Compare,
}

/// The Import & export screen.
#[component]
pub fn ImportPage() -> impl IntoView {
    let me = use_context::<Me>();
    let platform = me.as_ref().is_some_and(|m| m.role == Role::PlatformAdmin);
    let own_org = me.as_ref().and_then(|m| m.org_id.clone());
    let can_export = me.as_ref().is_some_and(|m| m.can(Capability::ExportConfig));

    let file_text = RwSignal::new(String::new());
    let deletions = RwSignal::new(false);
    let purpose = RwSignal::new(Purpose::Import);
    let progress = RwSignal::new(None::<ApplyStatus>);

    let plan = mutation_with_errors(
        "Could not plan the import",
        |input: PlanInput| api::import::plan(input),
        |_| None,
        // A file's problem is shown above the plan, where the person looks for it.
        |err: &ApiError| matches!(err.status, 400 | 403 | 413),
    );
    let apply = mutation(
        "Could not apply the plan",
        |plan_id: String| api::import::apply(plan_id),
        |status: &ApplyStatus| match status.state {
            ApplyState::Applied => Some(format!("Applied {}.", changes(status.done as usize))),
            _ => None,
        },
    );
    let working = move || plan.pending().get() || apply.pending().get();
    let make_plan = move |what: Purpose| {
        if plan.pending().get_untracked() || apply.pending().get_untracked() {
            return;
        }
        purpose.set(what);
        progress.set(None);
        apply.value().set(None);
        plan.dispatch(PlanInput {
            file: file_text.get_untracked(),
            deletions: what == Purpose::Compare || deletions.get_untracked(),
        });
    };
    let on_file = move |ev: leptos::ev::Event| {
        plan.value().set(None);
        read_chosen_file(&ev, move |_, text| file_text.set(text));
    };
    let no_file = move || file_text.with(String::is_empty);
    let waiting = move || working().then_some("true");

    view! {
        <PageHeader title="Import & export"/>
        <p class="od-muted od-page-lead">
            {if platform {
                "Keep the tenant in code: export it for Pulumi, Terraform or auth0-deploy-cli, and import a file back. Every import is a plan you review before anything changes."
            } else {
                "Keep your organization in code: export it, and import a file back. Every import is a plan you review before anything changes."
            }}
        </p>
        {can_export.then(|| view! {
            <section class="od-card od-section" aria-labelledby="export-heading">
                <h2 class="od-card__title" id="export-heading">{if platform { "Export the tenant" } else { "Export your organization" }}</h2>
                <ExportLinks org=own_org.clone()/>
            </section>
        })}
        <section class="od-card od-section od-import" aria-labelledby="import-heading">
            <h2 class="od-card__title" id="import-heading">"Import a file"</h2>
            <p class="od-field__help">"An orgdesk snapshot (.json) or auth0-deploy-cli YAML (tenant.yaml). Nothing changes until you apply the plan."</p>
            <label class="od-import__file">
                <span class="od-field__label">"File"</span>
                <input type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" data-testid="import-file" on:change=on_file/>
            </label>
            <label class="od-check">
                <input type="checkbox" prop:checked=move || deletions.get() on:change=move |ev| deletions.set(event_target_checked(&ev))/>
                " Also delete what the file does not have"
            </label>
            <div class="od-import__actions">
                <button class="od-button od-button--primary" data-testid="plan" disabled=no_file aria-disabled=waiting on:click=move |_| make_plan(Purpose::Import)>
                    {move || if plan.pending().get() && purpose.get() == Purpose::Import { "Planning…" } else { "Plan import" }}
                </button>
                {platform.then(|| view! {
                    <button class="od-button" data-testid="compare" disabled=no_file aria-disabled=waiting on:click=move |_| make_plan(Purpose::Compare)>
                        "Compare with the directory"
                    </button>
                })}
            </div>
        </section>
        {move || plan.value().get().map(|result| match result {
            Err(err) => view! {
                <section class="od-card od-section od-import__error" role="alert" data-testid="plan-error">
                    <h2 class="od-card__title">"The file cannot be imported"</h2>
                    <p>{err.message.clone()}</p>
                    {err.field.clone().filter(|f| f != "file").map(|f| view! { <p class="od-muted">"In the file at " <code>{f}</code></p> })}
                </section>
            }.into_any(),
            Ok(found) => view! {
                <PlanView plan=found compare=purpose.get_untracked() == Purpose::Compare apply progress/>
            }.into_any(),
        })}
    }
}

/// A plan: its counts, notes and steps, with Apply, the progress bar and the outcome.
#[component]
fn PlanView(
    /// The plan.
    plan: Plan,
    /// Shown as differences only, without Apply.
    compare: bool,
    /// Applies a plan by id.
    apply: Mutation<String, ApplyStatus>,
    /// How far applying has got.
    progress: RwSignal<Option<ApplyStatus>>,
) -> impl IntoView {
    let (create, change, delete) = plan.counts();
    let total = plan.steps.len();
    let id = plan.id.clone();
    let title = if compare { "Differences" } else { "Plan" };
    let summary = if total == 0 {
        if compare {
            "None: the directory says exactly what the file says.".to_owned()
        } else {
            "Nothing to change: the directory already says what the file says.".to_owned()
        }
    } else {
        format!("{create} to create · {change} to change · {delete} to delete")
    };
    let outcome = move || apply.value().get();
    let applied = move || outcome().is_some();
    view! {
        <section class="od-card od-section od-plan" aria-labelledby="plan-heading" data-testid="plan-view" data-steps=total.to_string()>
            <h2 class="od-card__title" id="plan-heading">{title}</h2>
            <p class="od-plan__summary" data-testid="plan-summary">{summary}</p>
            {(!plan.notes.is_empty()).then(|| view! {
                <ul class="od-plan__notes">
                    {plan.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
                </ul>
            })}
            <ol class="od-plan__steps">
                {plan.steps.into_iter().map(|step| view! { <StepRow step/> }).collect_view()}
            </ol>
            {(!compare && total > 0).then(|| {
                let id = id.clone();
                view! {
                    <div class="od-import__actions">
                        <button class="od-button od-button--primary" data-testid="apply"
                            disabled=applied aria-disabled=apply.busy()
                            on:click=move |_| if !apply.pending().get_untracked() {
                                apply.dispatch(id.clone());
                                watch_progress(apply, progress, id.clone(), total);
                            }>
                            {move || if apply.pending().get() { "Applying…".to_owned() } else { format!("Apply {}", changes(total)) }}
                        </button>
                    </div>
                }
            })}
            {move || apply.pending().get().then(|| {
                let status = progress.get();
                let done = status.as_ref().map_or(0, |s| s.done);
                let all = status.as_ref().map_or(total, |s| s.total as usize);
                view! {
                    <div class="od-progress" data-testid="progress">
                        <progress max=all.to_string() value=done.to_string() aria-label="Applied"></progress>
                        <span>{format!("{done} of {all} applied")}</span>
                    </div>
                }
            })}
            {move || outcome().and_then(Result::ok).map(|status| view! { <Outcome status/> })}
        </section>
    }
}

/// "1 change", "3 changes".
fn changes(n: usize) -> String {
    if n == 1 {
        "1 change".to_owned()
    } else {
        format!("{n} changes")
    }
}

/// Reads how far the apply has got every 300 ms while it runs, for the progress bar.
fn watch_progress(
    apply: Mutation<String, ApplyStatus>,
    progress: RwSignal<Option<ApplyStatus>>,
    id: String,
    total: usize,
) {
    progress.set(Some(ApplyStatus {
        plan_id: id.clone(),
        state: ApplyState::Applying,
        done: 0,
        total: u32::try_from(total).unwrap_or(u32::MAX),
        failed: None,
    }));
    spawn_local(async move {
        loop {
            gloo_timers::future::sleep(Duration::from_millis(300)).await;
            if !apply.pending().get_untracked() {
                return;
            }
            if let Ok(status) = api::import::status(&id).await {
                progress.set(Some(status));
            }
        }
    });
}

/// One step: what, which, and field by field.
#[component]
fn StepRow(
    /// The step.
    step: PlanStep,
) -> impl IntoView {
    let (badge, action, class) = match step.action {
        StepAction::Create => ("Create", "create", "od-badge od-badge--create"),
        StepAction::Change => ("Change", "change", "od-badge od-badge--change"),
        StepAction::Delete => ("Delete", "delete", "od-badge od-badge--delete"),
    };
    view! {
        <li class="od-plan__step" data-action=action data-target=step.target.clone()>
            <div class="od-plan__head">
                <span class=class>{badge}</span>
                <span class="od-plan__kind">{step.kind.label()}</span>
                <strong class="od-plan__target">{step.target.clone()}</strong>
            </div>
            {(!step.changes.is_empty()).then(|| view! { <ChangeList changes=step.changes.clone()/> })}
        </li>
    }
}

/// How applying ended.
#[component]
fn Outcome(
    /// The final status.
    status: ApplyStatus,
) -> impl IntoView {
    match (status.state, status.failed) {
        (ApplyState::Stopped, Some(failed)) => view! {
            <div class="od-plan__outcome od-plan__outcome--stopped" role="alert" data-testid="outcome" data-state="stopped">
                <p><strong>{format!("Stopped at step {} ({}): ", failed.step + 1, failed.target)}</strong>{failed.message}</p>
                <p>{format!("{} of {} were applied before it; none after it. Make a new plan from the file to see what is left.", status.done, changes(status.total as usize))}</p>
                <A href="/audit">"See the applied changes in the audit log"</A>
            </div>
        }.into_any(),
        _ => view! {
            <div class="od-plan__outcome" role="status" data-testid="outcome" data-state="applied">
                <p>{format!("Applied {}. Each is in the audit log with this plan's id.", changes(status.done as usize))}</p>
                <A href="/audit">"Open the audit log"</A>
            </div>
        }.into_any(),
    }
}
