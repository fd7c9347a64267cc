//! Bulk invitations from a CSV file: a preview with per-row problems before anything is sent,
//! then a paced run with a progress bar, streaming results, Cancel, and a summary.

use std::collections::BTreeSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use orgdesk_model::bulk::{parse_csv, BulkRow};
use orgdesk_model::members::{NewInvitationInput, RoleInfo};
use orgdesk_model::OrgId;

use crate::api;
use crate::components::modal::Modal;

/// What became of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Waiting,
    Sent,
    Failed(String),
    /// Sent, but never confirmed: the invitation may exist. Not tried again.
    Unknown(String),
    Skipped,
}

/// Where the run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Preview,
    Running,
    Done,
}

/// How many times a row is tried when the directory says "slow down".
const ATTEMPTS: u32 = 4;

/// The bulk-invite dialog.
#[component]
pub fn BulkInvite(
    /// The organization.
    org_id: OrgId,
    /// Roles the inviter may grant (rows naming others are refused).
    grantable: Vec<RoleInfo>,
    /// Addresses with a pending invitation (their rows are skipped).
    already: Vec<String>,
    /// The inviter's name.
    inviter: String,
    /// Closes the dialog; `true` when invitations were created.
    on_close: Callback<bool>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let grantable = StoredValue::new(grantable);
    let already: StoredValue<BTreeSet<String>> = StoredValue::new(already.into_iter().collect());
    let rows = Memo::new(move |_| {
        let text = text.get();
        grantable.with_value(|g| already.with_value(|a| parse_csv(&text, g, a)))
    });
    let stage = RwSignal::new(Stage::Preview);
    let outcomes = RwSignal::new(Vec::<Outcome>::new());
    let cancelled = StoredValue::new(false);
    let org = StoredValue::new(org_id);
    let inviter = StoredValue::new(inviter);

    let count = move |f: fn(&BulkRow) -> bool| rows.with(|r| r.iter().filter(|row| f(row)).count());
    let to_send = move || count(BulkRow::sendable);
    let with_errors = move || count(|r| r.error.is_some());
    let skipped = move || count(|r| r.error.is_none() && r.already);
    let tally =
        move |want: fn(&Outcome) -> bool| outcomes.with(|o| o.iter().filter(|x| want(x)).count());
    let sent = move || tally(|o| *o == Outcome::Sent);
    let failed = move || tally(|o| matches!(o, Outcome::Failed(_)));
    let unknown = move || tally(|o| matches!(o, Outcome::Unknown(_)));
    let remaining = move || tally(|o| *o == Outcome::Waiting);

    let start = move |_| {
        let all = rows.get_untracked();
        outcomes.set(
            all.iter()
                .map(|r| {
                    if r.sendable() {
                        Outcome::Waiting
                    } else {
                        Outcome::Skipped
                    }
                })
                .collect(),
        );
        cancelled.set_value(false);
        stage.set(Stage::Running);
        spawn_local(async move {
            for (index, row) in all.iter().enumerate() {
                if !row.sendable() {
                    continue;
                }
                if cancelled.get_value() {
                    break;
                }
                let outcome = invite_row(org.get_value(), inviter.get_value(), row).await;
                outcomes.update(|o| o[index] = outcome);
            }
            outcomes.update(|o| {
                for x in o.iter_mut().filter(|x| **x == Outcome::Waiting) {
                    *x = Outcome::Skipped;
                }
            });
            stage.set(Stage::Done);
        });
    };

    let close = move || on_close.run(outcomes.with_untracked(|o| o.contains(&Outcome::Sent)));
    view! {
        <Modal title="Invite from a CSV file" on_close=Callback::new(move |()| { cancelled.set_value(true); close(); })>
            <Show when=move || stage.get() == Stage::Preview>
                <p class="od-field__help">"One person per line: " <code>"email,roles"</code> " — several roles separated by “;”. A first line " <code>"email,roles"</code> " is skipped. Nothing is sent until you start."</p>
                <CsvInput text/>
            </Show>
            <Show when=move || !rows.with(Vec::is_empty)>
                <p class="od-bulk__summary" data-testid="bulk-summary">
                    {move || format!("{} to invite · {} with problems · {} already invited (skipped)", to_send(), with_errors(), skipped())}
                </p>
            </Show>
            <Show when=move || stage.get() != Stage::Preview>
                <BulkProgress to_send=Signal::derive(to_send) sent=Signal::derive(sent) failed=Signal::derive(failed)
                    unknown=Signal::derive(unknown) remaining=Signal::derive(remaining)/>
            </Show>
            <BulkTable rows outcomes/>
            <div class="od-modal__actions">
                {move || match stage.get() {
                    Stage::Preview => view! {
                        <button class="od-button" on:click=move |_| close()>"Cancel"</button>
                        <button class="od-button od-button--primary" data-testid="bulk-start" disabled=move || to_send() == 0 on:click=start>
                            {move || match to_send() { 1 => "Invite 1 person".to_owned(), n => format!("Invite {n} people") }}
                        </button>
                    }.into_any(),
                    Stage::Running => view! {
                        <button class="od-button od-button--danger" on:click=move |_| cancelled.set_value(true)>"Cancel the rest"</button>
                    }.into_any(),
                    Stage::Done => view! {
                        <p class="od-bulk__done" data-testid="bulk-done">{move || {
                            let done = format!("Finished: {} invited, {} failed, {} skipped.", sent(), failed(), tally(|o| *o == Outcome::Skipped));
                            match unknown() {
                                0 => done,
                                1 => format!("{done} 1 has an unknown outcome: check the invitations list before sending it again."),
                                n => format!("{done} {n} have an unknown outcome: check the invitations list before sending them again."),
                            }
                        }}</p>
                        <button class="od-button od-button--primary" on:click=move |_| close()>"Close"</button>
                    }.into_any(),
                }}
            </div>
        </Modal>
    }
}

/// Sends one row's invitation. When the directory says "slow down" (429 or 503), the same row
/// is tried again after a pause that grows (2 s, 4 s, 6 s), so the run paces itself under the
/// budget instead of failing rows; an answer that may or may not have been applied is not
/// sent again.
async fn invite_row(org: OrgId, inviter: String, row: &BulkRow) -> Outcome {
    let input = NewInvitationInput {
        invitee_email: row
            .email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        inviter_name: inviter,
        roles: row.role_ids.clone(),
        connection_id: None,
        ttl_days: None,
        send_invitation_email: true,
    };
    for attempt in 1..=ATTEMPTS {
        match api::members::invite(org.clone(), input.clone()).await {
            Ok(_) => return Outcome::Sent,
            // Maybe made, maybe not: sending it again could invite twice.
            Err(err) if err.outcome_unknown() => return Outcome::Unknown(err.message),
            Err(err) if (err.status == 429 || err.status == 503) && attempt < ATTEMPTS => {
                gloo_timers::future::sleep(Duration::from_secs(u64::from(attempt) * 2)).await;
            }
            Err(err) => return Outcome::Failed(err.message),
        }
    }
    Outcome::Failed("not sent".into())
}

/// The CSV, from a file or typed.
#[component]
fn CsvInput(
    /// The CSV text.
    text: RwSignal<String>,
) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        crate::hooks::file::read_chosen_file(&ev, move |_, value| text.set(value));
    };
    view! {
        <div class="od-bulk__inputs">
            <input type="file" accept=".csv,text/csv,text/plain" aria-label="CSV file" on:change=on_file/>
            <textarea class="od-input od-textarea" rows="4" data-testid="csv" placeholder="ana@example.com,viewer"
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
        </div>
    }
}

/// The run's progress: a bar and the counts.
#[component]
fn BulkProgress(
    to_send: Signal<usize>,
    sent: Signal<usize>,
    failed: Signal<usize>,
    unknown: Signal<usize>,
    remaining: Signal<usize>,
) -> impl IntoView {
    view! {
        <div class="od-progress" data-testid="progress">
            <progress max=move || to_send.get().to_string() value=move || (sent.get() + failed.get() + unknown.get()).to_string()></progress>
            <span>{move || match unknown.get() {
                0 => format!("{} done · {} failed · {} remaining", sent.get(), failed.get(), remaining.get()),
                n => format!("{} done · {} failed · {n} unknown · {} remaining", sent.get(), failed.get(), remaining.get()),
            }}</span>
        </div>
    }
}

/// Each row of the CSV with what was found in it, then what became of it.
#[component]
fn BulkTable(
    /// The rows, as read.
    rows: Memo<Vec<BulkRow>>,
    /// What became of each row, once the run started.
    outcomes: RwSignal<Vec<Outcome>>,
) -> impl IntoView {
    view! {
            <div class="od-bulk__table">
                <table class="od-table od-table--compact">
                    <thead><tr><th>"Line"</th><th>"Email"</th><th>"Roles"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {move || {
                            let outcomes = outcomes.get();
                            rows.get().into_iter().enumerate().take(500).map(|(i, row)| {
                                let status = match (&row.error, row.already, outcomes.get(i)) {
                                    (Some(e), _, _) => ("od-bulk--error", e.clone()),
                                    (None, true, _) => ("od-bulk--skip", "Already invited — skipped".to_owned()),
                                    (None, false, Some(Outcome::Sent)) => ("od-bulk--ok", "Invited".to_owned()),
                                    (None, false, Some(Outcome::Failed(e))) => ("od-bulk--error", e.clone()),
                                    (None, false, Some(Outcome::Unknown(_))) => ("od-bulk--unknown", "Outcome unknown — it may have been sent; check the invitations before sending it again".to_owned()),
                                    (None, false, Some(Outcome::Skipped)) => ("od-bulk--skip", "Not sent (cancelled)".to_owned()),
                                    (None, false, Some(Outcome::Waiting)) => ("od-bulk--wait", "Waiting…".to_owned()),
                                    (None, false, None) => ("od-bulk--ready", "Ready".to_owned()),
                                };
                                view! {
                                    <tr class=status.0 data-line=row.line>
                                        <td>{row.line}</td>
                                        <td>{row.email_text.clone()}</td>
                                        <td>{row.role_names.join(", ")}</td>
                                        <td class="od-bulk__status">{status.1}</td>
                                    </tr>
                                }
                            }).collect_view()
                        }}
                    </tbody>
                </table>
            </div>
    }
}
