use crate::adapters::clock;
use crate::components::QrCodeView;
use crate::state::{use_worker_strings, worker_tr};
use leptos::prelude::*;
use std::time::Duration;
use yizhan_core::wallet::MemberCard;

/// The electronic membership card as venue staff see it: name, number, union, whether
/// the union signed it, a QR code (the signed card, which a venue checks offline, or
/// the bare number of a card typed in), a running clock and a moving band (a
/// screenshot shows neither).
#[component]
pub fn MemberCardView(card: MemberCard) -> impl IntoView {
    let t = use_worker_strings();
    let now = RwSignal::new(clock::china_now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(clock::china_now()), Duration::from_secs(1))
    {
        on_cleanup(move || handle.clear());
    }
    let signed = card.verified(&crate::trust::publisher_keys()).cloned();
    let qr = signed
        .as_ref()
        .map(yizhan_core::card::qr_text)
        .unwrap_or_else(|| card.member_no.clone());
    let verified = signed.is_some();
    let present_title = match &card.union_name {
        Some(union) => format!("{} · {union}", card.name),
        None => card.name.clone(),
    };
    view! {
        <article class="member-card" id="card" data-member-no=card.member_no.clone() data-verified=verified.to_string()>
            <div class="member-card-band" aria-hidden="true"></div>
            <header>
                <span class="member-card-title">{worker_tr(|s| s.card_heading)}</span>
                <time class="member-card-clock" data-testid="card-clock">
                    {move || yizhan_core::time::clock_text(now.get())}
                </time>
            </header>
            <p class="member-card-name">{card.name.clone()}</p>
            <p class="member-card-no" data-testid="card-no">{grouped(&card.member_no)}</p>
            {card.union_name.clone().map(|u| view! { <p class="member-card-union">{u}</p> })}
            <p class=if verified { "member-card-trust verified" } else { "member-card-trust typed" } data-testid="card-trust">
                {move || if verified { t().card_verified } else { t().card_typed }}
            </p>
            {signed.map(|s| view! {
                <p class="member-card-valid">{move || crate::i18n::fill(t().card_valid_until, &[("date", &s.valid_until)])}</p>
            })}
            <QrCodeView text=qr.clone() label=card.member_no.clone() />
            <p class="member-card-hint">{worker_tr(|s| s.card_live_hint)}</p>
            <crate::components::Present qr=qr code=grouped(&card.member_no) title=present_title />
        </article>
    }
}

/// The member number in groups of four, as a clerk reads it aloud and as a line may
/// wrap between groups, never inside one: `grouped("3715002026") == "3715 0020 26"`.
pub fn grouped(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn member_numbers_read_in_groups_of_four() {
        assert_eq!(grouped("3715002026000456"), "3715 0020 2600 0456");
        assert_eq!(
            grouped("371500202600045678ABCDEF"),
            "3715 0020 2600 0456 78AB CDEF"
        );
        assert_eq!(grouped("AB123"), "AB12 3");
        assert_eq!(grouped(""), "");
    }
}
