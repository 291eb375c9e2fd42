//! The apps' router: the address as a signal, a click on a link of this origin followed
//! without a page load, Back and Forward. It replaced leptos_router, which cost the
//! first visit's critical path 47.8 KB gzip (354,839 → 307,055 bytes) for what these
//! apps use: a few exact paths, one parameter, the query and the hash.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The address shown: its path (percent escapes decoded), `?query` and `#hash`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Address {
    pub path: String,
    pub search: String,
    pub hash: String,
}

/// The pages of the apps, from an address's path (each app draws those it has).
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// `/`: shown as `/stations`.
    Root,
    Stations,
    /// `/stations/<segment>`: the segment as in the path (`navigation::id_segment`).
    Station(String),
    Coupons,
    /// `/coupons/mine/<coupon id>`.
    Coupon(String),
    Join,
    Me,
    Verify,
    /// Any other path.
    Other,
}

impl Route {
    /// The page a path shows; one trailing `/` is ignored:
    /// `Route::of("/stations/a-1") == Route::Station("a-1".into())`.
    pub fn of(path: &str) -> Route {
        let path = match path.strip_suffix('/') {
            Some(p) if !p.is_empty() => p,
            _ => path,
        };
        let one = |prefix: &str| {
            path.strip_prefix(prefix)
                .filter(|rest| !rest.is_empty() && !rest.contains('/'))
                .map(str::to_string)
        };
        match path {
            "/" | "" => Route::Root,
            "/stations" => Route::Stations,
            "/coupons" => Route::Coupons,
            "/join" => Route::Join,
            "/me" => Route::Me,
            "/verify" => Route::Verify,
            _ => one("/stations/")
                .map(Route::Station)
                .or_else(|| one("/coupons/mine/").map(Route::Coupon))
                .unwrap_or(Route::Other),
        }
    }
}

/// Whether a tab linking to `href` is the current one at `path`: the same path or a
/// page under it (`/stations/…` for `/stations`). `is_current("/stations", "/stations/a") == true`.
pub fn is_current(href: &str, path: &str) -> bool {
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The router of the app, in the context: `use_router().navigate("/stations")`.
#[derive(Clone, Copy)]
pub struct Router {
    address: RwSignal<Address>,
}

/// Reads the address and starts following links and Back (once, in `Shell`):
/// `router::provide()`.
pub fn provide() -> Router {
    let router = Router {
        address: RwSignal::new(current()),
    };
    provide_context(router);
    // Back, Forward, and a link to a #hash of this page (left to the browser, which
    // moves the focus there: the skip link).
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        router.address.set(current());
    });
    let click = window_event_listener(leptos::ev::click, move |ev| router.follow(&ev));
    // For the life of the page.
    std::mem::forget((popstate, click));
    router
}

/// The app's router (`provide` ran in `Shell`): `use_router().navigate("/me", false)`.
pub fn use_router() -> Router {
    expect_context()
}

impl Router {
    /// The current address, untracked: `router.address_untracked().search`.
    pub fn address_untracked(&self) -> Address {
        self.address.get_untracked()
    }

    /// Reads the current path, tracked: `router.with_path(|p| p == "/stations")`.
    pub fn with_path<T>(&self, f: impl FnOnce(&str) -> T) -> T {
        self.address.with(|a| f(&a.path))
    }

    /// The current page, tracked, and only changed when the page does (not the query
    /// or the hash): `router.route()`.
    pub fn route(&self) -> Memo<Route> {
        let address = self.address;
        Memo::new(move |_| address.with(|a| Route::of(&a.path)))
    }

    /// The `?query`, tracked, and only changed when it does: `router.search()`.
    pub fn search(&self) -> Memo<String> {
        let address = self.address;
        Memo::new(move |_| address.with(|a| a.search.clone()))
    }

    /// Shows `href` (a path of this origin, with its query and hash) without a page
    /// load: a new history entry, or replacing the current one; then the top of the
    /// new page, or the element its `#hash` names. `router.navigate("/stations/a-1", false)`.
    pub fn navigate(&self, href: &str, replace: bool) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(history) = window.history() else {
            return;
        };
        let written = if replace {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(href))
        };
        if written.is_err() {
            // Not this origin after all: let the browser load it.
            if window.location().set_href(href).is_err() {
                web_sys::console::warn_1(&"navigation refused".into());
            }
            return;
        }
        let address = current();
        let hash = address.hash.clone();
        self.address.set(address);
        // After the new page is drawn (its effects run before the next frame).
        request_animation_frame(move || scroll_to(&hash));
    }

    /// Follows a click on a link without a page load, when the browser would load a
    /// page of this origin in this tab (as leptos_router did): not with a modifier key,
    /// not `target`, `download` or `rel="external"`; and not a `#hash` of this page.
    fn follow(&self, ev: &web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.meta_key()
            || ev.alt_key()
            || ev.ctrl_key()
            || ev.shift_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        else {
            return;
        };
        let external = link
            .get_attribute("rel")
            .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
        if !link.target().is_empty() || link.has_attribute("download") || external {
            return;
        }
        let Some(location) = web_sys::window().map(|w| w.location()) else {
            return;
        };
        if location.origin().ok() != Some(link.origin()) {
            return;
        }
        let same_page = location.pathname().ok() == Some(link.pathname())
            && location.search().ok() == Some(link.search());
        if same_page && !link.hash().is_empty() {
            return;
        }
        ev.prevent_default();
        let href = format!("{}{}{}", link.pathname(), link.search(), link.hash());
        self.navigate(&href, false);
    }
}

/// The browser's address now.
fn current() -> Address {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return Address::default();
    };
    let path = location.pathname().unwrap_or_default();
    Address {
        path: js_sys::decode_uri(&path).map(String::from).unwrap_or(path),
        search: location.search().unwrap_or_default(),
        hash: location.hash().unwrap_or_default(),
    }
}

/// Brings the element `#hash` names into view, or the top of the page without one.
fn scroll_to(hash: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let element = hash
        .strip_prefix('#')
        .filter(|id| !id.is_empty())
        .and_then(|id| window.document()?.get_element_by_id(id));
    match element {
        Some(element) => element.scroll_into_view(),
        None => window.scroll_to_with_x_and_y(0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_its_page() {
        assert_eq!(Route::of("/"), Route::Root);
        assert_eq!(Route::of(""), Route::Root);
        assert_eq!(Route::of("/stations"), Route::Stations);
        assert_eq!(Route::of("/stations/"), Route::Stations);
        assert_eq!(Route::of("/stations/a-1"), Route::Station("a-1".into()));
        assert_eq!(Route::of("/stations/a-1/"), Route::Station("a-1".into()));
        assert_eq!(Route::of("/stations/a/b"), Route::Other);
        assert_eq!(Route::of("/stations//"), Route::Other);
        assert_eq!(Route::of("/coupons"), Route::Coupons);
        assert_eq!(Route::of("/coupons/mine/c1"), Route::Coupon("c1".into()));
        assert_eq!(Route::of("/coupons/mine"), Route::Other);
        assert_eq!(Route::of("/coupons/c1"), Route::Other);
        assert_eq!(Route::of("/join"), Route::Join);
        assert_eq!(Route::of("/me"), Route::Me);
        assert_eq!(Route::of("/verify"), Route::Verify);
        assert_eq!(Route::of("/stationsx"), Route::Other);
        assert_eq!(Route::of("/nowhere"), Route::Other);
    }

    #[test]
    fn a_tab_is_current_on_its_pages_only() {
        assert!(is_current("/stations", "/stations"));
        assert!(is_current("/stations", "/stations/a-1"));
        assert!(!is_current("/stations", "/stationsx"));
        assert!(!is_current("/stations", "/coupons"));
        assert!(is_current("/coupons", "/coupons/mine/c1"));
        assert!(!is_current("/me", "/"));
    }
}
