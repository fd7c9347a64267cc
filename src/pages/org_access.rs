//! The Access tab: the organization's metadata (AI models, data region, quota, …) as a form
//! built from the schema, within Auth0's budget, and the token claims it gives members.

use std::collections::BTreeMap;

use leptos::prelude::*;
use orgdesk_model::api::Capability;
use orgdesk_model::api::SchemaInfo;
use orgdesk_model::claims::{claims_preview, is_org_claim, ClaimsMember};
use orgdesk_model::input::OrgPatchInput;
use orgdesk_model::members::{Member, RoleInfo};
use orgdesk_model::schema::{FieldKind, MetadataField, MetadataSchema};
use orgdesk_model::{Me, Metadata, Organization, Role};

use crate::api;
use crate::components::error_view::ErrorView;
use crate::components::save_flow::SaveFlow;
use crate::components::skeleton::TableSkeleton;
use crate::pages::org_m2m::M2mSection;

/// The tab: loads the schema, then shows the editor and the claims.
#[component]
pub fn AccessTab(
    /// The organization as stored.
    org: Organization,
    /// Shows it as saved.
    reload: Callback<Organization>,
) -> impl IntoView {
    let schema = LocalResource::new(api::orgs::schema);
    view! {
        <Transition fallback=|| view! { <TableSkeleton rows=4/> }>
            {move || {
                let org = org.clone();
                Suspend::new(async move {
                    match schema.await {
                        Ok(info) => view! { <AccessEditor org info reload/> }.into_any(),
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The metadata form beside the claims it produces.
#[component]
fn AccessEditor(
    org: Organization,
    info: SchemaInfo,
    reload: Callback<Organization>,
) -> impl IntoView {
    let role = use_context::<Me>().map_or(Role::Member, |m| m.role);
    let saved: BTreeMap<String, String> = org.metadata.entries().clone();
    let values = RwSignal::new(saved.clone());
    let schema = StoredValue::new(info.schema.clone());
    let max_keys = info.max_keys;

    let non_empty = move || -> BTreeMap<String, String> {
        values
            .get()
            .into_iter()
            .filter(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty())
            .collect()
    };
    let field_errors = Memo::new(move |_| {
        let values = values.get();
        schema.with_value(|schema| {
            schema
                .fields
                .iter()
                .filter_map(|f| {
                    let value = values.get(&f.key).map(String::as_str).unwrap_or("");
                    (!value.trim().is_empty())
                        .then(|| f.parse_value(value).err())
                        .flatten()
                        .map(|e| (f.key.clone(), e.message))
                })
                .collect::<BTreeMap<_, _>>()
        })
    });
    let budget_error = Memo::new(move |_| Metadata::parse(non_empty()).err().map(|e| e.message));
    let saved_for_change = saved.clone();
    let changed = Memo::new(move |_| non_empty() != saved_for_change);
    let can_edit_any = role != Role::Member;
    let valid = Signal::derive(move || {
        can_edit_any
            && changed.get()
            && field_errors.get().is_empty()
            && budget_error.get().is_none()
    });
    let base = saved.clone();
    let patch = Signal::derive(move || OrgPatchInput {
        metadata: Some(non_empty()),
        base_metadata: Some(base.clone()),
        ..OrgPatchInput::default()
    });
    let used = move || non_empty().len();

    let edited_org = {
        let org = org.clone();
        Memo::new(move |_| {
            let mut edited = org.clone();
            if let Ok(metadata) = Metadata::parse(non_empty()) {
                edited.metadata = metadata;
            }
            edited
        })
    };
    let namespace = info.claims_namespace.clone();
    let selected = RwSignal::new(None::<ClaimsMember>);
    let claims = {
        let namespace = namespace.clone();
        Memo::new(move |_| {
            let member = selected.get();
            schema.with_value(|s| claims_preview(&edited_org.get(), s, &namespace, member.as_ref()))
        })
    };
    let me = use_context::<Me>();
    let show_matrix = me
        .as_ref()
        .is_some_and(|m| m.can(Capability::ReadRoles) && m.can(Capability::ReadMembers));
    let matrix_org = org.id.clone();
    let show_m2m = me.as_ref().is_some_and(|m| m.can(Capability::ReadM2m));
    let m2m_org = org.id.clone();

    let schema_fields = info.schema.fields.clone();
    let saved_for_lock = saved.clone();
    view! {
        <div class="od-access">
            <section class="od-card" aria-label="Metadata">
                <h2 class="od-card__title">
                    "AI access"
                    <span class="od-card__hint" data-testid="budget" class:od-card__hint--over={move || used() > max_keys}>
                        {move || format!("{} of {max_keys} keys used", used())}
                    </span>
                </h2>
                <p class="od-muted od-section__lead">"Kept as the organization's Auth0 metadata: at most 25 keys, each value at most 255 characters."</p>
                {schema_fields.into_iter().map(|field| {
                    let locked = field.locked_after_create && saved_for_lock.contains_key(&field.key);
                    let editable = field.editable_by(role) && !locked;
                    view! { <SchemaField field values editable locked errors=field_errors/> }
                }).collect_view()}
                <OtherKeys values schema role/>
                {move || budget_error.get().map(|m| view! { <p class="od-field__error" role="alert">{m}</p> })}
                {can_edit_any.then(|| view! {
                    <SaveFlow org=org.clone() patch valid on_saved=reload label="Save access"/>
                })}
            </section>
            <ClaimsPreview claims namespace selected/>
        </div>
        {show_matrix.then(|| view! { <AccessMatrix org_id=matrix_org.clone() selected/> })}
        {show_m2m.then(|| view! { <M2mSection org_id=m2m_org.clone()/> })}
    }
}

/// Who can do what: members × permissions, from their roles. Choosing a member shows the
/// claims their token carries.
#[component]
fn AccessMatrix(
    org_id: orgdesk_model::OrgId,
    selected: RwSignal<Option<ClaimsMember>>,
) -> impl IntoView {
    let org = StoredValue::new(org_id);
    let data = LocalResource::new(move || async move {
        let members = api::members::list(org.get_value(), String::new(), None, 100).await?;
        let catalogue = api::members::catalogue().await?;
        Ok::<_, api::ApiError>((members, catalogue.items))
    });
    let permissions_of = |member: &Member, roles: &[RoleInfo]| -> Vec<String> {
        let mut all: Vec<String> = roles
            .iter()
            .filter(|r| member.roles.iter().any(|held| held.id == r.id))
            .flat_map(|r| r.permissions.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    };
    view! {
        <section class="od-card od-card--flush od-section" aria-label="Who can do what">
            <h2 class="od-card__title od-card__title--padded">"Who can do what"</h2>
            <Transition fallback=|| view! { <TableSkeleton rows=3/> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((page, roles)) => {
                            let mut columns: Vec<String> = roles.iter().flat_map(|r| r.permissions.iter().cloned()).collect();
                            columns.sort();
                            columns.dedup();
                            let more = page.next.is_some();
                            view! {
                                <div class="od-matrix">
                                    <table class="od-table od-table--compact">
                                        <thead><tr>
                                            <th scope="col">"Member"</th>
                                            {columns.iter().map(|p| view! { <th scope="col" class="od-matrix__perm"><code>{p.clone()}</code></th> }).collect_view()}
                                        </tr></thead>
                                        <tbody>
                                            {page.items.into_iter().map(|member| {
                                                let granted = permissions_of(&member, &roles);
                                                let claims_member = ClaimsMember {
                                                    user_id: member.user_id.clone(),
                                                    email: member.email.clone(),
                                                    roles: member.roles.iter().map(|r| r.name.clone()).collect(),
                                                    permissions: granted.clone(),
                                                };
                                                let id = member.user_id.clone();
                                                let is_selected = move || selected.with(|s| s.as_ref().is_some_and(|m| m.user_id == id));
                                                view! {
                                                    <tr class="od-table__row--link" class:od-matrix__row--selected=is_selected data-member=member.user_id.clone()
                                                        tabindex="0" on:click=move |_| selected.set(Some(claims_member.clone()))>
                                                        <td>
                                                            <div class="od-member__name">{member.name.clone()}</div>
                                                            {member.roles.iter().map(|r| view! { <span class="od-chip">{r.name.clone()}</span> }).collect_view()}
                                                        </td>
                                                        {columns.iter().map(|p| {
                                                            let has = granted.contains(p);
                                                            view! { <td class="od-matrix__cell">{if has { "✓" } else { "" }}</td> }
                                                        }).collect_view()}
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                    {more.then(|| view! { <p class="od-field__help od-matrix__more">"The first 100 members are shown; the Members tab lists everyone."</p> })}
                                </div>
                            }.into_any()
                        }
                        Err(err) => view! { <ErrorView err/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// One schema field, as the input its kind calls for.
#[component]
fn SchemaField(
    field: MetadataField,
    values: RwSignal<BTreeMap<String, String>>,
    editable: bool,
    locked: bool,
    errors: Memo<BTreeMap<String, String>>,
) -> impl IntoView {
    let key = StoredValue::new(field.key.clone());
    let value = move || values.with(|v| v.get(&key.get_value()).cloned().unwrap_or_default());
    let set = move |text: String| {
        values.update(|v| {
            v.insert(key.get_value(), text);
        })
    };
    let id = format!("meta-{}", field.key);
    let error = move || errors.with(|e| e.get(&key.get_value()).cloned());
    let help = match (locked, editable) {
        (true, _) => "Set when the organization was created; it cannot change.".to_owned(),
        (false, false) => format!(
            "{} Only platform admins change this.",
            field.help.clone().unwrap_or_default()
        ),
        _ => field.help.clone().unwrap_or_default(),
    };
    let input = match field.kind.clone() {
        FieldKind::Text => view! {
            <input id=id.clone() class="od-input od-input--wide" disabled=!editable
                prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }.into_any(),
        FieldKind::Number { min, max } => view! {
            <input id=id.clone() class="od-input" type="number" inputmode="numeric" disabled=!editable
                min=min.map(|m| m.to_string()) max=max.map(|m| m.to_string())
                prop:value=value on:input=move |ev| set(event_target_value(&ev))/>
        }.into_any(),
        FieldKind::OneOf { values: options } => view! {
            <select id=id.clone() class="od-input" disabled=!editable on:change=move |ev| set(event_target_value(&ev))>
                <option value="" selected=move || value().is_empty()>"Not set"</option>
                {options.into_iter().map(|option| {
                    let o = option.clone();
                    let label = option.clone();
                    view! { <option value=option selected=move || value() == o>{label}</option> }
                }).collect_view()}
            </select>
        }.into_any(),
        FieldKind::ManyOf { values: options } => {
            let all = StoredValue::new(options.clone());
            view! {
                <div class="od-checks" id=id.clone() role="group">
                    {options.into_iter().map(|option| {
                        let o = option.clone();
                        let checked = move || MetadataField::split(&value()).contains(&o);
                        let o = option.clone();
                        let toggle = move |_| {
                            let mut chosen = MetadataField::split(&value());
                            if chosen.contains(&o) { chosen.retain(|c| c != &o) } else { chosen.push(o.clone()) }
                            let ordered: Vec<String> = all.with_value(|all| all.iter().filter(|a| chosen.contains(a)).cloned().collect());
                            set(ordered.join(","));
                        };
                        view! {
                            <label class="od-check">
                                <input type="checkbox" disabled=!editable prop:checked=checked on:change=toggle/>
                                <code>{option}</code>
                            </label>
                        }
                    }).collect_view()}
                </div>
            }.into_any()
        }
    };
    view! {
        <div class="od-field" data-key=field.key.clone()>
            <label class="od-field__label" for=id>
                {field.label.clone()}
                <code class="od-field__key">{field.key.clone()}</code>
                <span class="od-field__count">{move || format!("{}/255", value().chars().count())}</span>
            </label>
            {input}
            {move || match error() {
                Some(message) => view! { <p class="od-field__error" role="alert">{message}</p> }.into_any(),
                None => view! { <p class="od-field__help">{help.clone()}</p> }.into_any(),
            }}
        </div>
    }
}

/// A key outside the schema.
#[component]
fn RawRow(
    key: String,
    values: RwSignal<BTreeMap<String, String>>,
    editable: bool,
) -> impl IntoView {
    let k = StoredValue::new(key.clone());
    let value = move || values.with(|v| v.get(&k.get_value()).cloned().unwrap_or_default());
    view! {
        <div class="od-raw">
            <code class="od-raw__key">{key.clone()}</code>
            <input class="od-input od-raw__value" disabled=!editable aria-label=format!("Value of {key}")
                prop:value=value on:input=move |ev| values.update(|v| { v.insert(k.get_value(), event_target_value(&ev)); })/>
            <span class="od-field__count">{move || format!("{}/255", value().chars().count())}</span>
            {editable.then(|| view! {
                <button type="button" class="od-icon-button" aria-label=format!("Remove {key}")
                    on:click=move |_| values.update(|v| { v.remove(&k.get_value()); })>"×"</button>
            })}
        </div>
    }
}

/// Adds a key outside the schema (platform admins).
#[component]
fn AddRawKey(values: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let add = move |_| {
        let (k, v) = (key.get().trim().to_owned(), value.get());
        if !k.is_empty() {
            values.update(|all| {
                all.insert(k, v);
            });
            key.set(String::new());
            value.set(String::new());
        }
    };
    view! {
        <div class="od-raw od-raw--new">
            <input class="od-input od-raw__key-input" placeholder="key" aria-label="New key"
                prop:value=move || key.get() on:input=move |ev| key.set(event_target_value(&ev))/>
            <input class="od-input od-raw__value" placeholder="value" aria-label="New value"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
            <button type="button" class="od-button" disabled=move || key.get().trim().is_empty() on:click=add>"Add key"</button>
        </div>
    }
}

/// Metadata keys outside the schema, as plain text: platform admins may add and change them.
#[component]
fn OtherKeys(
    /// Every key's value, as edited.
    values: RwSignal<BTreeMap<String, String>>,
    /// The keys the schema knows.
    schema: StoredValue<MetadataSchema>,
    /// Who is editing.
    role: Role,
) -> impl IntoView {
    let raw_keys = move || {
        values.with(|v| {
            v.keys()
                .filter(|k| schema.with_value(|s| s.field(k).is_none()))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || role == Role::PlatformAdmin || !raw_keys().is_empty()>
            <h3 class="od-subtitle">"Other keys"</h3>
            <p class="od-field__help">"Keys outside the schema, kept as plain text."</p>
            <For each=raw_keys key=|k| k.clone() let:key>
                <RawRow key values editable=role == Role::PlatformAdmin/>
            </For>
            <Show when=move || role == Role::PlatformAdmin>
                <AddRawKey values/>
            </Show>
        </Show>
    }
}

/// The claims a member's token carries, organization-specific ones highlighted.
#[component]
fn ClaimsPreview(
    /// The claims, in order.
    claims: Memo<serde_json::Map<String, serde_json::Value>>,
    /// The namespace of orgdesk's own claims.
    namespace: String,
    /// The member they are for, if one is chosen.
    selected: RwSignal<Option<ClaimsMember>>,
) -> impl IntoView {
    view! {
    <section class="od-card od-claims" aria-label="Token claims">
        <h2 class="od-card__title">
            "What a member’s token carries"
            {move || selected.get().map(|m| view! { <span class="od-card__hint" data-testid="claims-for">{format!("for {}", m.email)}</span> })}
        </h2>
        <p class="od-muted od-section__lead">"When someone signs in to this organization, the AI application receives these claims. Organization-specific ones are highlighted; choose a member below to see theirs."</p>
        <pre class="od-json" data-testid="claims" tabindex="0" aria-label="Token claims"><code>
            "{\n"
            {move || {
                let claims = claims.get();
                let last = claims.len().saturating_sub(1);
                claims.into_iter().enumerate().map(|(i, (name, value))| {
                    let highlight = is_org_claim(&name, &namespace);
                    let comma = if i < last { "," } else { "" };
                    view! {
                        <span class="od-json__line" class:od-json__line--org=highlight>
                            "  "<span class="od-json__key">{serde_json::Value::String(name).to_string()}</span>": "
                            <span class="od-json__value">{value.to_string()}</span>{comma}"\n"
                        </span>
                    }
                }).collect_view()
            }}
            "}"
        </code></pre>
    </section>
    }
}
