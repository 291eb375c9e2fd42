//! A minimal Leptos counter: the smallest app built the way Yizhan is.
use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| {
        let count = RwSignal::new(0);
        view! {
            <button on:click=move |_| count.update(|n| *n += 1)>"+1: " {count}</button>
        }
    });
}
