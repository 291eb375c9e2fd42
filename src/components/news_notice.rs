use crate::i18n::WorkerWords;
use crate::news::News;
use crate::state::{use_worker_strings, worker_tr};
use leptos::prelude::*;
use yizhan_core::outcome::{Answer, Tab};
use yizhan_core::vocab::RequestState;

/// "工会有新答复": the answers that arrived since the last announcement, each once,
/// with a link to its tab. Kept on screen while the page is open. Nothing in an app
/// without the news (the stations app: see `worker_services` in lib.rs).
#[component]
pub fn NewsNotice() -> impl IntoView {
    use_context::<NewsBox>().map(|b| (b.draw)(b.news))
}

/// How the news is drawn, in the context of an app with the news: a function there,
/// so an app that never calls `provide_news_box` (the stations app) carries none of
/// its code.
#[derive(Clone, Copy)]
struct NewsBox {
    news: News,
    draw: fn(News) -> AnyView,
}

/// Lets `NewsNotice` draw `news` (in `worker_services`): `provide_news_box(news)`.
pub fn provide_news_box(news: News) {
    provide_context(NewsBox {
        news,
        draw: |news| news_box(news).into_any(),
    });
}

fn news_box(news: News) -> impl IntoView {
    let t = use_worker_strings();
    let shown = RwSignal::new(Vec::<Answer>::new());
    Effect::new(move |_| {
        news.answers.track();
        let fresh = news.take_announcements();
        if !fresh.is_empty() {
            shown.update(|s| s.extend(fresh));
        }
    });
    view! {
        <Show when=move || shown.with(|s| !s.is_empty())>
            <section class="notice notice-ok news" role="status" aria-labelledby="news-heading" data-testid="news">
                <h2 id="news-heading">{worker_tr(|s| s.news_heading)}</h2>
                <ul>
                    {move || shown.get().into_iter().map(|a| {
                        let href = match a.tab { Tab::Coupons => "/coupons#my-coupons", Tab::Join => "/join#my-requests" };
                        let (kind, state) = (a.kind, a.state.clone());
                        view! {
                            <li data-request-id=a.id.clone() data-state=a.state.word().to_string()>
                                <a href=href>{move || news_words(kind, &state, t())}</a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// One answer as the news says it: "入会申请：已通过", and a coupon the union issued
/// said whole, "福利券已发放" (not "领券申请：已通过").
fn news_words(kind: &str, state: &RequestState, t: &'static crate::i18n::WorkerStrings) -> String {
    if kind == "claim" && *state == RequestState::Approved {
        return t.claim_issued.to_string();
    }
    format!("{}：{}", kind_words(kind, t), outcome_words(kind, state, t))
}

/// The word for a request kind: `kind_words("card", t)`.
pub fn kind_words(kind: &str, t: &'static crate::i18n::WorkerStrings) -> &'static str {
    match kind {
        "transfer" => t.req_transfer,
        "card" => t.req_card,
        "claim" => t.req_claim,
        "report" => t.req_report,
        _ => t.req_join,
    }
}

/// The words of a union's answer to a request of `kind`: a station report's
/// `approved` is "已核实并更新", anything else's "已通过".
/// `outcome_words("report", &RequestState::Approved, t)`.
pub fn outcome_words(
    kind: &str,
    state: &RequestState,
    t: &'static crate::i18n::WorkerStrings,
) -> std::borrow::Cow<'static, str> {
    match (kind, state) {
        ("report", RequestState::Approved) => t.report_verified.into(),
        ("report", RequestState::Rejected) => t.report_unverified.into(),
        _ => state.words(t),
    }
}
