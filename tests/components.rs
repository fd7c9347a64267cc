//! Browser tests of the app's components, in headless Chromium (wasm-bindgen-test).
//!
//! The proxy cannot run inside the test page's origin, so `window.fetch` is replaced by a small
//! in-page stand-in that answers `/api/orgs` the way the proxy does (filtering on `q`). Everything
//! else — the components, the typed API client, debouncing, rendering — is the real app; the
//! end-to-end tests cover the real proxy.

#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::Router;
use orgdesk_model::api::Capability;
use orgdesk_web::pages::orgs::OrgList;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn orgs() -> Vec<Value> {
    vec![
        json!({"id": "org_acme1", "name": "acme-robotics", "display_name": "Acme Robotics", "branding": {"colors": {"primary": "#e4572e"}}}),
        json!({"id": "org_ai1", "name": "ai-organization", "display_name": "AI Organization", "branding": {"colors": {"primary": "#0000ff"}}, "metadata": {"tenant_id": "tenant12345"}}),
        json!({"id": "org_globex1", "name": "globex-health", "display_name": "Globex Health"}),
    ]
}

/// Answers `GET /api/orgs?q=…` from `orgs`, like the proxy: case-insensitive match on name or
/// display name.
fn install_fake_api(orgs: Vec<Value>) {
    let fetch = Closure::<dyn Fn(JsValue, JsValue) -> js_sys::Promise>::new(
        move |input: JsValue, _init: JsValue| {
            let url = input
                .as_string()
                .or_else(|| {
                    input
                        .dyn_ref::<web_sys::Request>()
                        .map(web_sys::Request::url)
                })
                .unwrap();
            let url = web_sys::Url::new_with_base(&url, "http://test.invalid").unwrap();
            let q = url
                .search_params()
                .get("q")
                .unwrap_or_default()
                .to_lowercase();
            let items: Vec<&Value> = orgs
                .iter()
                .filter(|org| {
                    ["name", "display_name"].iter().any(|key| {
                        org[key]
                            .as_str()
                            .is_some_and(|text| text.to_lowercase().contains(&q))
                    })
                })
                .collect();
            let body = json!({"items": items, "total": items.len()}).to_string();
            let init = web_sys::ResponseInit::new();
            init.set_status(200);
            let headers = web_sys::Headers::new().unwrap();
            headers.set("content-type", "application/json").unwrap();
            init.set_headers(&headers);
            let response =
                web_sys::Response::new_with_opt_str_and_init(Some(&body), &init).unwrap();
            js_sys::Promise::resolve(&JsValue::from(response))
        },
    );
    js_sys::Reflect::set(&window(), &"fetch".into(), fetch.as_ref()).unwrap();
    fetch.forget();
}

fn mount_fresh(f: impl FnOnce() -> AnyView + 'static) -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone(), f);
    std::mem::forget(handle);
    host
}

fn rows(host: &web_sys::HtmlElement) -> Vec<String> {
    let list = host.query_selector_all("tr[data-org]").unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
        .filter_map(|el| el.get_attribute("data-org"))
        .collect()
}

/// Waits (up to 5 s) until `check` holds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Sets the value of the field `selector` names and fires `input`, as typing does.
fn enter(host: &web_sys::HtmlElement, selector: &str, text: &str) {
    let field = host.query_selector(selector).unwrap().unwrap();
    js_sys::Reflect::set(&field, &"value".into(), &text.into()).unwrap();
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

fn type_into(host: &web_sys::HtmlElement, text: &str) {
    enter(host, "input[type=search]", text);
}

#[wasm_bindgen_test]
async fn org_list_renders_a_row_per_org_with_its_colour() {
    install_fake_api(orgs());
    let host = mount_fresh(|| view! { <Router><OrgList/></Router> }.into_any());
    eventually("three rows show", || rows(&host).len() == 3).await;
    assert_eq!(
        rows(&host),
        ["acme-robotics", "ai-organization", "globex-health"]
    );

    let swatch = host
        .query_selector("tr[data-org=ai-organization] .od-swatch")
        .unwrap()
        .unwrap();
    assert_eq!(
        swatch.get_attribute("data-color").as_deref(),
        Some("#0000ff")
    );
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("AI Organization"), "{text}");
    assert!(text.contains("1–3 of 3"), "{text}");
    // An org without a logo shows its initials, not a broken image.
    assert!(host
        .query_selector("tr[data-org=globex-health] img")
        .unwrap()
        .is_none());
    assert!(text.contains("GH"), "{text}");
}

#[wasm_bindgen_test]
async fn searching_narrows_the_rows_and_explains_an_empty_result() {
    install_fake_api(orgs());
    let host = mount_fresh(|| view! { <Router><OrgList/></Router> }.into_any());
    eventually("three rows show", || rows(&host).len() == 3).await;

    type_into(&host, "ROBOT");
    eventually("only Acme is left", || rows(&host) == ["acme-robotics"]).await;

    type_into(&host, "no-such-org");
    eventually("the empty state shows", || {
        host.text_content()
            .unwrap_or_default()
            .contains("No organizations found")
    })
    .await;
    assert!(rows(&host).is_empty());
    assert!(host
        .text_content()
        .unwrap_or_default()
        .contains("no-such-org"));
}

mod studio {
    use super::*;
    use orgdesk_model::{Me, MeUser, Mode, Organization, Role};
    use orgdesk_web::pages::branding::BrandingStudio;

    fn omar() -> Me {
        Me {
            user: MeUser {
                id: "auth0|1".into(),
                email: "omar@ai-organization.example".into(),
                name: "Omar Okafor".into(),
                picture: None,
            },
            role: Role::OrgAdmin,
            org_id: orgdesk_model::OrgId::parse("org_ai1").ok(),
            capabilities: vec![Capability::ReadOrg, Capability::EditBranding],
            csrf_token: "t".into(),
            mode: Mode::Demo,
            try_sign_in: None,
        }
    }

    fn ai_org() -> Organization {
        serde_json::from_value(json!({
            "id": "org_ai1", "name": "ai-organization", "display_name": "AI Organization",
            "branding": {"colors": {"primary": "#0000ff", "page_background": "#0b1437"}}
        }))
        .unwrap()
    }

    fn mount_studio() -> web_sys::HtmlElement {
        mount_fresh(|| {
            provide_context(omar());
            view! { <Router><BrandingStudio org=ai_org() reload=Callback::new(|_| ())/></Router> }
                .into_any()
        })
    }

    fn button_colour(host: &web_sys::HtmlElement) -> String {
        let button: web_sys::HtmlElement = host
            .query_selector("[data-caption=Edited] [data-testid=preview-button]")
            .unwrap()
            .unwrap()
            .unchecked_into();
        button
            .style()
            .get_property_value("background-color")
            .unwrap()
    }

    fn save_disabled(host: &web_sys::HtmlElement) -> bool {
        host.query_selector("[data-testid=save]")
            .unwrap()
            .unwrap()
            .has_attribute("disabled")
    }

    fn links_grade(host: &web_sys::HtmlElement) -> String {
        let items = host.query_selector_all(".od-contrast__item").unwrap();
        (0..items.length())
            .filter_map(|i| items.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .find(|el| {
                el.text_content()
                    .unwrap_or_default()
                    .contains("Links on the sign-in box")
            })
            .and_then(|el| el.get_attribute("data-grade"))
            .unwrap_or_default()
    }

    #[wasm_bindgen_test]
    async fn typing_a_colour_repaints_the_preview_at_once() {
        let host = mount_studio();
        eventually("the preview paints the saved blue", || {
            button_colour(&host) == "rgb(0, 0, 255)"
        })
        .await;
        assert!(save_disabled(&host), "nothing changed yet");
        super::enter(&host, "#primary-color", "#5B21B6");
        eventually("the preview follows the typing", || {
            button_colour(&host) == "rgb(91, 33, 182)"
        })
        .await;
        assert!(!save_disabled(&host), "a valid change can be saved");
    }

    #[wasm_bindgen_test]
    async fn an_invalid_hex_is_explained_and_disables_save() {
        let host = mount_studio();
        super::enter(&host, "#primary-color", "#5b21b6");
        eventually("a valid change enables Save", || !save_disabled(&host)).await;
        super::enter(&host, "#primary-color", "#12345");
        eventually("the rule is explained", || {
            host.text_content()
                .unwrap_or_default()
                .contains("3 or 6 hexadecimal digits")
        })
        .await;
        assert!(save_disabled(&host), "an invalid colour cannot be saved");
        // The preview keeps the saved colour instead of breaking.
        assert_eq!(button_colour(&host), "rgb(0, 0, 255)");
    }

    #[wasm_bindgen_test]
    async fn the_contrast_badge_flips_at_four_and_a_half_to_one() {
        let host = mount_studio();
        super::enter(&host, "#primary-color", "#777777");
        eventually("#777777 on white (4.48:1) fails", || {
            links_grade(&host) == "Fails"
        })
        .await;
        assert!(
            host.text_content().unwrap_or_default().contains("Use #"),
            "a fix is offered"
        );
        super::enter(&host, "#primary-color", "#767676");
        eventually("#767676 on white (4.54:1) passes AA", || {
            links_grade(&host) == "AA"
        })
        .await;
    }
}

mod members {
    use super::*;
    use orgdesk_model::OrgId;
    use orgdesk_web::pages::members::MemberList;

    const TOTAL: usize = 20_000;

    /// Answers `/api/orgs/{id}/members?take=&from=` from 20,000 synthetic members; the cursor is
    /// the offset, which is all the list needs to know about it (it is opaque to the app).
    pub(super) fn install_members_api(requests: std::rc::Rc<std::cell::Cell<usize>>) {
        let fetch = Closure::<dyn Fn(JsValue, JsValue) -> js_sys::Promise>::new(
            move |input: JsValue, _init: JsValue| {
                requests.set(requests.get() + 1);
                let url = input
                    .dyn_ref::<web_sys::Request>()
                    .map(web_sys::Request::url)
                    .or_else(|| input.as_string())
                    .unwrap();
                let url = web_sys::Url::new_with_base(&url, "http://test.invalid").unwrap();
                let params = url.search_params();
                let take: usize = params
                    .get("take")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(50);
                let from: usize = params.get("from").and_then(|f| f.parse().ok()).unwrap_or(0);
                let end = (from + take).min(TOTAL);
                let items: Vec<Value> = (from..end)
                .map(|i| json!({"user_id": format!("auth0|{i:05}"), "email": format!("member{i:05}@example.com"), "name": format!("Member {i}"), "roles": [{"id": "rol_v", "name": "viewer"}]}))
                .collect();
                let mut body = json!({"items": items});
                if end < TOTAL {
                    body["next"] = json!(end.to_string());
                }
                let init = web_sys::ResponseInit::new();
                init.set_status(200);
                let headers = web_sys::Headers::new().unwrap();
                headers.set("content-type", "application/json").unwrap();
                init.set_headers(&headers);
                js_sys::Promise::resolve(&JsValue::from(
                    web_sys::Response::new_with_opt_str_and_init(Some(&body.to_string()), &init)
                        .unwrap(),
                ))
            },
        );
        js_sys::Reflect::set(&window(), &"fetch".into(), fetch.as_ref()).unwrap();
        fetch.forget();
    }

    fn member_rows(host: &web_sys::HtmlElement) -> Vec<String> {
        let list = host.query_selector_all("[data-member]").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
            .filter_map(|el| el.get_attribute("data-member"))
            .collect()
    }

    #[wasm_bindgen_test]
    async fn a_twenty_thousand_member_org_keeps_only_the_visible_rows_in_the_page() {
        let requests = std::rc::Rc::new(std::cell::Cell::new(0));
        install_members_api(requests.clone());
        let started = js_sys::Date::now();
        let host = mount_fresh(|| {
            view! {
                <MemberList org_id=OrgId::parse("org_big1").unwrap() can_manage=false grantable=Signal::derive(Vec::new)/>
            }
            .into_any()
        });
        eventually("the first rows show", || !member_rows(&host).is_empty()).await;
        let first_page_ms = js_sys::Date::now() - started;
        let rows = member_rows(&host);
        assert_eq!(rows[0], "auth0|00000");
        let scroll_started = js_sys::Date::now();
        assert!(
            rows.len() < 40,
            "only visible rows are drawn, not {}",
            rows.len()
        );

        // Scroll to the end, page by page, as a person dragging the scrollbar would.
        let viewport: web_sys::HtmlElement = host
            .query_selector("[data-testid=member-list]")
            .unwrap()
            .unwrap()
            .unchecked_into();
        for _ in 0..2000 {
            viewport.set_scroll_top(viewport.scroll_height());
            viewport
                .dispatch_event(&web_sys::Event::new("scroll").unwrap())
                .unwrap();
            gloo_timers::future::sleep(Duration::from_millis(2)).await;
            if host
                .text_content()
                .unwrap_or_default()
                .contains("20000 members")
            {
                break;
            }
        }
        eventually("every member is loaded", || {
            host.text_content()
                .unwrap_or_default()
                .contains("20000 members")
        })
        .await;
        viewport.set_scroll_top(viewport.scroll_height());
        viewport
            .dispatch_event(&web_sys::Event::new("scroll").unwrap())
            .unwrap();
        eventually("the last member is drawn at the end", || {
            member_rows(&host).contains(&"auth0|19999".to_owned())
        })
        .await;
        let rows = member_rows(&host);
        // Figures for the record (the harness's waits are included: an upper bound).
        wasm_bindgen_test::console_log!(
            "20,000 members: first page shown in {first_page_ms:.0} ms, scrolled to the end in {:.0} ms",
            js_sys::Date::now() - scroll_started
        );
        assert!(
            rows.len() < 40,
            "still only the visible rows: {}",
            rows.len()
        );
        assert_eq!(
            requests.get(),
            TOTAL / orgdesk_web::pages::members::PAGE_SIZE as usize,
            "each page fetched once"
        );
    }
}

mod bulk {
    use super::*;
    use orgdesk_model::members::RoleInfo;
    use orgdesk_model::OrgId;
    use orgdesk_web::pages::bulk_invite::BulkInvite;

    #[wasm_bindgen_test]
    async fn the_csv_preview_flags_bad_rows_before_anything_is_sent() {
        let requests = std::rc::Rc::new(std::cell::Cell::new(0));
        super::members::install_members_api(requests.clone());
        let host = mount_fresh(|| {
            let viewer = RoleInfo {
                id: "rol_v".into(),
                name: "viewer".into(),
                description: String::new(),
                permissions: vec![],
            };
            view! {
                <BulkInvite org_id=OrgId::parse("org_ai1").unwrap() grantable=vec![viewer]
                    already=vec!["old@example.com".to_owned()] inviter="Omar".to_owned() on_close=Callback::new(|_| ())/>
            }
            .into_any()
        });
        super::enter(&host, "[data-testid=csv]", "email,roles\nana@example.com,viewer\nnot-an-email,viewer\nbo@example.com,org-admin\nold@example.com,viewer\nana@example.com,viewer");
        eventually("the preview counts the rows", || {
            host.text_content()
                .unwrap_or_default()
                .contains("1 to invite · 3 with problems · 1 already invited (skipped)")
        })
        .await;
        let errors = host
            .query_selector_all("tr.od-bulk--error")
            .unwrap()
            .length();
        assert_eq!(
            errors, 3,
            "the bad address, the ungrantable role and the repeated address"
        );
        let text = host.text_content().unwrap_or_default();
        assert!(
            text.contains("“not-an-email” is not an email address."),
            "{text}"
        );
        assert!(
            text.contains("“org-admin” does not exist or you cannot grant it"),
            "{text}"
        );
        assert!(text.contains("Already invited — skipped"), "{text}");
        assert_eq!(requests.get(), 0, "a preview sends nothing");
        let start = host
            .query_selector("[data-testid=bulk-start]")
            .unwrap()
            .unwrap();
        assert!(!start.has_attribute("disabled"));
        assert!(start
            .text_content()
            .unwrap_or_default()
            .contains("Invite 1 person"));
    }
}

mod hooks {
    use super::*;
    use orgdesk_web::api::ApiError;
    use orgdesk_web::components::toast::{provide_toaster, Toaster};
    use orgdesk_web::hooks::{mutation, mutation_with_errors, Debounce};

    fn refusal(status: u16) -> ApiError {
        ApiError {
            status,
            code: "invalid_input".into(),
            message: "The colour is not a hex colour.".into(),
            field: Some("primary".into()),
            request_id: Some("req-42".into()),
            current: None,
        }
    }

    fn toasts(host: &web_sys::HtmlElement) -> Vec<String> {
        let list = host.query_selector_all(".od-toast").unwrap();
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.text_content())
            .collect()
    }

    /// Mounts a toaster and a button per outcome; `ran` counts the successes `done` saw.
    fn mount_mutations(
        ran: RwSignal<Vec<u32>>,
        shown: RwSignal<Vec<String>>,
    ) -> web_sys::HtmlElement {
        mount_fresh(move || {
            provide_toaster();
            let ok = mutation(
                "Not saved",
                |n: u32| async move { Ok::<_, ApiError>(n * 2) },
                move |doubled: &u32| {
                    ran.update(|r| r.push(*doubled));
                    Some(format!("Saved {doubled}"))
                },
            );
            let refused = mutation(
                "Not saved",
                |()| async { Err::<(), _>(refusal(400)) },
                |()| None,
            );
            let at_field = mutation_with_errors(
                "Not saved",
                |()| async { Err::<(), _>(refusal(400)) },
                |()| None,
                move |err| {
                    shown.update(|s| s.push(err.field.clone().unwrap_or_default()));
                    true
                },
            );
            view! {
                <Toaster/>
                <button id="ok" on:click=move |_| { ok.dispatch(21); }>"ok"</button>
                <button id="refused" on:click=move |_| { refused.dispatch(()); }>"refused"</button>
                <button id="at-field" on:click=move |_| { at_field.dispatch(()); }>"at field"</button>
                <output id="last">{move || ok.value().get().map(|r| format!("{r:?}"))}</output>
            }
            .into_any()
        })
    }

    fn click(host: &web_sys::HtmlElement, selector: &str) {
        host.query_selector(selector)
            .unwrap()
            .unwrap()
            .unchecked_into::<web_sys::HtmlElement>()
            .click();
    }

    #[wasm_bindgen_test]
    async fn a_mutation_reports_success_and_keeps_the_result() {
        let ran = RwSignal::new(Vec::new());
        let host = mount_mutations(ran, RwSignal::new(Vec::new()));
        click(&host, "#ok");
        eventually("the success toast shows", || {
            toasts(&host).iter().any(|t| t.contains("Saved 42"))
        })
        .await;
        assert_eq!(
            ran.get_untracked(),
            vec![42],
            "done ran once, with the answer"
        );
        let last = host.query_selector("#last").unwrap().unwrap();
        assert_eq!(last.text_content().unwrap_or_default(), "Ok(42)");
    }

    #[wasm_bindgen_test]
    async fn a_refused_mutation_says_what_did_not_happen_with_the_request_id() {
        let host = mount_mutations(RwSignal::new(Vec::new()), RwSignal::new(Vec::new()));
        click(&host, "#refused");
        eventually("the error toast shows", || {
            host.query_selector(".od-toast--error").unwrap().is_some()
        })
        .await;
        let text = toasts(&host).join("|");
        assert!(
            text.contains("Not saved: The colour is not a hex colour."),
            "{text}"
        );
        assert!(text.contains("Request id req-42"), "{text}");
    }

    #[wasm_bindgen_test]
    async fn a_failure_the_screen_shows_itself_gets_no_toast() {
        let shown = RwSignal::new(Vec::new());
        let host = mount_mutations(RwSignal::new(Vec::new()), shown);
        click(&host, "#at-field");
        eventually("the screen was told", || !shown.get_untracked().is_empty()).await;
        assert_eq!(shown.get_untracked(), vec!["primary".to_owned()]);
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
        assert!(toasts(&host).is_empty(), "{:?}", toasts(&host));
    }

    #[wasm_bindgen_test]
    async fn a_mutation_on_its_way_keeps_the_focus_and_takes_one_press() {
        let calls = RwSignal::new(0u32);
        let host = mount_fresh(move || {
            provide_toaster();
            let slow = mutation(
                "Not saved",
                move |()| async move {
                    calls.update(|c| *c += 1);
                    gloo_timers::future::sleep(Duration::from_millis(300)).await;
                    Ok::<_, ApiError>(())
                },
                |()| Some("Saved".to_owned()),
            );
            view! {
                <Toaster/>
                <button id="slow" aria-disabled=slow.busy() on:click=move |_| { slow.dispatch(()); }>"Save"</button>
            }
            .into_any()
        });
        let button: web_sys::HtmlElement = host
            .query_selector("#slow")
            .unwrap()
            .unwrap()
            .unchecked_into();
        button.focus().unwrap();
        button.click();
        button.click();
        gloo_timers::future::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            button.get_attribute("aria-disabled").as_deref(),
            Some("true"),
            "the button says a call is on its way"
        );
        assert_eq!(
            document()
                .active_element()
                .and_then(|e| e.get_attribute("id"))
                .as_deref(),
            Some("slow"),
            "the button pressed keeps the focus"
        );
        eventually("the call answered", || {
            toasts(&host).iter().any(|t| t.contains("Saved"))
        })
        .await;
        assert_eq!(calls.get_untracked(), 1, "the second press was ignored");
        assert_eq!(button.get_attribute("aria-disabled"), None);
        assert_eq!(
            document()
                .active_element()
                .and_then(|e| e.get_attribute("id"))
                .as_deref(),
            Some("slow")
        );
    }

    #[wasm_bindgen_test]
    async fn a_burst_of_calls_runs_only_the_last_once_typing_pauses() {
        let seen = RwSignal::new(Vec::<u32>::new());
        let owner = Owner::new();
        let debounce = owner.with(Debounce::new);
        for n in 1..=5 {
            debounce.run(move || seen.update(|s| s.push(n)));
            gloo_timers::future::sleep(Duration::from_millis(20)).await;
        }
        assert!(
            seen.get_untracked().is_empty(),
            "nothing runs while typing goes on"
        );
        eventually("the last call ran", || !seen.get_untracked().is_empty()).await;
        gloo_timers::future::sleep(Duration::from_millis(300)).await;
        assert_eq!(seen.get_untracked(), vec![5]);
    }
}
