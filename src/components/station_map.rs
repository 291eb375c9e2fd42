//! A map drawn by the app itself (SVG): no tiles, no network. North is up, the user at
//! the centre, a scale bar, zoom buttons and pinch, drag to pan, tap to sort from
//! another point.
//! Longer than 400 lines because the drawing, the gestures and the unit tests of their
//! geometry belong together; the tests are a fifth of it.

use crate::components::station_bits::StationRow;
use crate::feed_sync::{use_feed, PointSource, UserPoint};
use crate::state::{tr, use_strings};
use leptos::prelude::*;
use yizhan_core::geo::LngLat;
use yizhan_core::text::decimal;

const SIZE: f64 = 360.0;
const METRES_PER_DEGREE: f64 = 111_195.0;

/// Local flat projection around `centre`: metres east and south of it.
fn to_metres(centre: LngLat, p: LngLat) -> (f64, f64) {
    let x = (p.lng - centre.lng) * METRES_PER_DEGREE * centre.lat.to_radians().cos();
    let y = (centre.lat - p.lat) * METRES_PER_DEGREE;
    (x, y)
}

fn from_metres(centre: LngLat, x: f64, y: f64) -> LngLat {
    LngLat::new(
        centre.lng + x / (METRES_PER_DEGREE * centre.lat.to_radians().cos()),
        centre.lat - y / METRES_PER_DEGREE,
    )
}

/// A coordinate or length as SVG and the scale label write it: one decimal at most
/// (`num(180.0) == "180"`, `num(12.25) == "12.3"`), by our own formatter, which keeps
/// the float formatter out of the wasm.
pub fn num(x: f64) -> String {
    decimal(x, 1)
}

/// The longest round distance (1-2-5 steps) whose bar fits in `max_px`:
/// `scale_bar(10.0, 100.0) == (500.0, 50.0)` at 10 m per pixel.
pub fn scale_bar(metres_per_px: f64, max_px: f64) -> (f64, f64) {
    let mut best = (10.0, 10.0 / metres_per_px);
    for exp in 1..6 {
        for step in [1.0, 2.0, 5.0] {
            let m = step * 10f64.powi(exp);
            if m / metres_per_px <= max_px {
                best = (m, m / metres_per_px);
            }
        }
    }
    best
}

/// Zooms by a two-finger pinch: the fingers moved from `d0` to `d1` apart, around
/// `mid` (map units from the top-left); the ground under `mid` stays under it.
/// Returns the new metres per pixel and pan: `pinch_zoom(10.0, (0.0, 0.0), (180.0, 180.0), 100.0, 200.0)`
/// halves the metres per pixel.
pub fn pinch_zoom(
    mpp0: f64,
    pan0: (f64, f64),
    mid: (f64, f64),
    d0: f64,
    d1: f64,
) -> (f64, (f64, f64)) {
    let mpp = (mpp0 * d0 / d1.max(1.0)).clamp(MIN_MPP, MAX_MPP);
    let (wx, wy) = ground_under(mid, pan0, mpp0);
    (
        mpp,
        (mid.0 - SIZE / 2.0 - wx / mpp, mid.1 - SIZE / 2.0 - wy / mpp),
    )
}

/// Metres east and south of the map's centre point under `at` (map units from the
/// top-left), at this pan and zoom.
fn ground_under(at: (f64, f64), pan: (f64, f64), mpp: f64) -> (f64, f64) {
    (
        (at.0 - SIZE / 2.0 - pan.0) * mpp,
        (at.1 - SIZE / 2.0 - pan.1) * mpp,
    )
}

const MIN_MPP: f64 = 0.5;
const MAX_MPP: f64 = 2000.0;

/// Fingers on the map: `(pointer id, client x, client y)`.
type Pointers = Vec<(i32, f64, f64)>;

/// A pinch under way: the fingers' first distance, the zoom and pan then, and the
/// midpoint in map units.
#[derive(Clone, Copy)]
struct Pinch {
    d0: f64,
    mpp0: f64,
    pan0: (f64, f64),
    mid: (f64, f64),
}

/// Client coordinates to map units (the SVG is scaled to the screen width; the
/// viewBox fills its content box, inside the border).
fn to_map_units(svg: &web_sys::Element, x: f64, y: f64) -> (f64, f64) {
    let rect = svg.get_bounding_client_rect();
    let (left, top) = (
        rect.left() + f64::from(svg.client_left()),
        rect.top() + f64::from(svg.client_top()),
    );
    let scale = SIZE / f64::from(svg.client_width().max(1));
    ((x - left) * scale, (y - top) * scale)
}

/// The pointer's position in client pixels, with the fraction web-sys's `client_x()`
/// (an integer) would cut off: a pinch zooms around the exact midpoint.
fn client_xy(ev: &leptos::ev::PointerEvent) -> (f64, f64) {
    let get = |name: &str| {
        js_sys::Reflect::get(ev, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
    };
    match (get("clientX"), get("clientY")) {
        (Some(x), Some(y)) => (x, y),
        _ => (f64::from(ev.client_x()), f64::from(ev.client_y())),
    }
}

fn current_svg(ev: &leptos::ev::PointerEvent) -> Option<web_sys::Element> {
    ev.current_target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
}

/// Screen offsets that keep markers from hiding each other and what is `fixed` (the
/// sorting point and its label): in list order, a marker closer than `gap` to one
/// placed before it moves out around its true point (rings of positions `gap` apart).
/// Points and offsets in map units:
/// `spread(&[], &[(0.0, 0.0), (1.0, 0.0)], 24.0)[1]` lies 24 units from the first.
pub fn spread(fixed: &[(f64, f64)], points: &[(f64, f64)], gap: f64) -> Vec<(f64, f64)> {
    use std::f64::consts::{FRAC_PI_2, TAU};
    let mut placed: Vec<(f64, f64)> = fixed.to_vec();
    let mut offsets = Vec::with_capacity(points.len());
    for &(x, y) in points {
        let free = |p: (f64, f64)| placed.iter().all(|q| (p.0 - q.0).hypot(p.1 - q.1) >= gap);
        // Beyond six rings (a crowd of 100+ at one spot) the marker stays on its point.
        let chosen = (0..6usize)
            .flat_map(|ring| {
                let steps = (8 * ring).max(1);
                (0..steps).map(move |s| {
                    let angle = s as f64 * TAU / steps as f64 - FRAC_PI_2;
                    let r = ring as f64 * gap;
                    (r * angle.cos(), r * angle.sin())
                })
            })
            .find(|off| free((x + off.0, y + off.1)))
            .unwrap_or((0.0, 0.0));
        placed.push((x + chosen.0, y + chosen.1));
        offsets.push(chosen);
    }
    offsets
}

/// Marker circles' radius; the radius of the circle a tap hits, 46 map units across
/// (44 px and more on a 390 px phone, where the map fills the width: a gloved finger's
/// target, like every other in the app); and the least distance between two markers'
/// centres, so no marker's target covers another's.
const MARKER_R: f64 = 14.0;
const HIT_R: f64 = 23.0;
const MARKER_GAP: f64 = 2.0 * HIT_R;

/// Scrolls the map just enough to have all of it on screen (its `scroll-margin` keeps
/// it clear of the bottom bar): on a phone its zoom buttons and scale were under the
/// bar at first view.
pub fn show_whole_map() {
    let Some(map) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".map-wrap").ok().flatten())
    else {
        return;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"block".into(), &"nearest".into());
    if let Ok(f) = js_sys::Reflect::get(&map, &"scrollIntoView".into()) {
        let _ = js_sys::Function::from(f).call1(&map, &options);
    }
}

#[component]
pub fn StationMap(centre: LngLat, rows: Vec<StationRow>) -> impl IntoView {
    let t = use_strings();
    let feed = use_feed();
    // Start so the farthest shown station fits, within 20 m/px .. 200 m/px... roughly.
    let farthest = rows
        .iter()
        .map(|r| {
            let (x, y) = to_metres(centre, r.at);
            x.abs().max(y.abs())
        })
        .fold(300.0, f64::max);
    let mpp = RwSignal::new((farthest * 1.2 / (SIZE / 2.0)).clamp(1.0, 400.0));
    let pan = RwSignal::new((0.0f64, 0.0f64));
    let drag = StoredValue::new(None::<(f64, f64, f64, f64, bool)>);

    let router = crate::router::use_router();
    let project = move |p: LngLat| {
        let (x, y) = to_metres(centre, p);
        let (px, py) = pan.get();
        (
            SIZE / 2.0 + x / mpp.get() + px,
            SIZE / 2.0 + y / mpp.get() + py,
        )
    };
    // Where each marker moves so none hides another: depends on the zoom only (a pan
    // moves them all alike).
    let true_points: Vec<(f64, f64)> = rows.iter().map(|r| to_metres(centre, r.at)).collect();
    let offsets = Memo::new(move |_| {
        let m = mpp.get();
        let points: Vec<(f64, f64)> = true_points.iter().map(|(x, y)| (x / m, y / m)).collect();
        // The sorting point sits at the centre, its word just above it.
        spread(&[(0.0, 0.0), (0.0, -22.0)], &points, MARKER_GAP)
    });
    let markers = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let at = move || project(r.at);
            let pos = move || {
                let ((x, y), (dx, dy)) = (at(), offsets.with(|o| o[i]));
                (x + dx, y + dy)
            };
            let moved = move || offsets.with(|o| o[i] != (0.0, 0.0));
            let href = format!("/stations/{}", yizhan_core::navigation::id_segment(&r.id));
            let class = if r.open_state == crate::components::station_bits::OpenState::Open {
                "marker is-open"
            } else {
                "marker"
            };
            let label = format!("{}. {} · {} · {}", i + 1, r.name, r.distance, r.open);
            let go = {
                let href = href.clone();
                move || router.navigate(&href, false)
            };
            let go_key = go.clone();
            // An SVG group acting as a link: `<a>` inside `<svg>` would be created in
            // the HTML namespace and not drawn.
            view! {
                <g class=class data-marker-id=r.id.clone() role="link" tabindex="0" aria-label=label.clone()
                    on:click=move |_| go()
                    on:keydown=move |ev| if ev.key() == "Enter" { go_key() }>
                    <title>{label.clone()}</title>
                    // A moved marker keeps a line to its true point.
                    <Show when=moved>
                        <line class="leader" x1=move || num(at().0) y1=move || num(at().1) x2=move || num(pos().0) y2=move || num(pos().1) />
                    </Show>
                    <circle class="hit" cx=move || num(pos().0) cy=move || num(pos().1) r=num(HIT_R) />
                    <circle class="dot" cx=move || num(pos().0) cy=move || num(pos().1) r=num(MARKER_R) />
                    <text x=move || num(pos().0) y=move || num(pos().1 + 4.5) text-anchor="middle">{(i + 1).to_string()}</text>
                </g>
            }
        })
        .collect_view();
    let user = move || project(centre);
    // "你" only where the phone is; a link's, a city's or a tapped point is not the person.
    let from_phone = move || {
        feed.user
            .with(|u| u.as_ref().is_none_or(|u| u.source == PointSource::Gps))
    };
    let you = move || {
        if from_phone() {
            t().map_you
        } else {
            t().map_point
        }
    };
    let bar = move || scale_bar(mpp.get(), 110.0);

    // One finger pans (or taps); two fingers pinch to zoom. After a pinch, lifting
    // the fingers is not a tap.
    let pointers = StoredValue::new(Pointers::new());
    let pinch = StoredValue::new(None::<Pinch>);
    let gesture = StoredValue::new(false);
    let on_down = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = client_xy(&ev);
        pointers.update_value(|p| {
            p.retain(|f| f.0 != ev.pointer_id());
            p.push((ev.pointer_id(), x, y));
        });
        let fingers = pointers.get_value();
        if let [a, b] = fingers.as_slice() {
            let Some(svg) = current_svg(&ev) else {
                return;
            };
            drag.set_value(None);
            gesture.set_value(true);
            pinch.set_value(Some(Pinch {
                d0: (a.1 - b.1).hypot(a.2 - b.2),
                mpp0: mpp.get_untracked(),
                pan0: pan.get_untracked(),
                mid: to_map_units(&svg, (a.1 + b.1) / 2.0, (a.2 + b.2) / 2.0),
            }));
            return;
        }
        if fingers.len() == 1 {
            gesture.set_value(false);
            let (px, py) = pan.get_untracked();
            drag.set_value(Some((x, y, px, py, false)));
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = client_xy(&ev);
        pointers.update_value(|p| {
            if let Some(f) = p.iter_mut().find(|f| f.0 == ev.pointer_id()) {
                (f.1, f.2) = (x, y);
            }
        });
        if let Some(start) = pinch.get_value() {
            if let [a, b] = pointers.get_value().as_slice() {
                let d1 = (a.1 - b.1).hypot(a.2 - b.2);
                let (m, p) = pinch_zoom(start.mpp0, start.pan0, start.mid, start.d0, d1);
                mpp.set(m);
                pan.set(p);
            }
            return;
        }
        if let Some((x0, y0, px, py, _)) = drag.get_value() {
            let (dx, dy) = (x - x0, y - y0);
            if dx.abs() + dy.abs() > 6.0 {
                drag.set_value(Some((x0, y0, px, py, true)));
                pan.set((px + dx, py + dy));
            }
        }
    };
    let on_cancel = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| p.retain(|f| f.0 != ev.pointer_id()));
        pinch.set_value(None);
        drag.set_value(None);
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| p.retain(|f| f.0 != ev.pointer_id()));
        pinch.set_value(None);
        let moved = drag.get_value().is_some_and(|d| d.4);
        drag.set_value(None);
        if moved || gesture.get_value() {
            return;
        }
        // A tap on the map (not on a marker) sorts from that point.
        let target_is_marker = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|el| el.closest("[data-marker-id]").ok().flatten().is_some());
        if target_is_marker {
            return;
        }
        let Some(svg) = current_svg(&ev) else {
            return;
        };
        let (x, y) = client_xy(&ev);
        let tapped = to_map_units(&svg, x, y);
        let (x, y) = ground_under(tapped, pan.get_untracked(), mpp.get_untracked());
        feed.user.set(Some(UserPoint {
            at: from_metres(centre, x, y),
            source: PointSource::Map,
        }));
    };

    view! {
        <div class="map-wrap">
            <svg class="station-map" viewBox=format!("0 0 {0} {0}", num(SIZE)) role="group"
                aria-label=tr(|s| s.map_label)
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel>
                <rect width=num(SIZE) height=num(SIZE) class="map-bg" />
                <g class="grid">
                    {(1..6).map(|i| {
                        let (v, size) = (num(i as f64 * SIZE / 6.0), num(SIZE));
                        view! { <line x1=v.clone() y1="0" x2=v.clone() y2=size.clone() /><line x1="0" y1=v.clone() x2=size y2=v /> }
                    }).collect_view()}
                </g>
                {markers}
                <g class="you">
                    <circle cx=move || num(user().0) cy=move || num(user().1) r="9" />
                    <text x=move || num(user().0) y=move || num(user().1 - 14.0) text-anchor="middle">{you}</text>
                </g>
                // North and the scale on opaque panels drawn last: a marker dragged
                // under them never covers them.
                <g class="north" transform="translate(330 34)">
                    <rect class="map-panel" x="-18" y="-26" width="36" height="54" rx="6" />
                    <path d="M0 -18 L8 6 L0 1 L-8 6 Z" />
                    <text y="20" text-anchor="middle">{tr(|s| s.map_north)}</text>
                </g>
                <g class="scale" transform="translate(14 340)">
                    <rect class="map-panel" x="-8" y="-26" width="128" height="38" rx="6" />
                    <line x1="0" y1="0" x2=move || num(bar().1) y2="0" />
                    <line x1="0" y1="-5" x2="0" y2="5" />
                    <line x1=move || num(bar().1) y1="-5" x2=move || num(bar().1) y2="5" />
                    <text x="2" y="-8" data-testid="scale-label">{move || {
                        let m = bar().0;
                        if m >= 1000.0 { format!("{} km", num(m / 1000.0)) } else { format!("{} m", num(m)) }
                    }}</text>
                </g>
            </svg>
            <div class="map-controls">
                <button type="button" aria-label=tr(|s| s.map_zoom_in) on:click=move |_| mpp.update(|m| *m = (*m / 2.0).max(MIN_MPP))>"+"</button>
                <button type="button" aria-label=tr(|s| s.map_zoom_out) on:click=move |_| mpp.update(|m| *m = (*m * 2.0).min(MAX_MPP))>"−"</button>
            </div>
        </div>
        <ul class="map-legend" data-testid="map-legend">
            <li><span class="swatch swatch-open" aria-hidden="true"></span>{tr(|s| s.map_legend_open)}</li>
            <li><span class="swatch swatch-closed" aria-hidden="true"></span>{tr(|s| s.map_legend_closed)}</li>
            <li><span class="swatch swatch-you" aria-hidden="true"></span>{you}</li>
            <li>{tr(|s| s.map_legend_numbers)}</li>
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_numbers_have_one_decimal_at_most() {
        assert_eq!(num(180.0), "180");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(num(-14.04), "-14");
        assert_eq!(num(0.04), "0");
        assert_eq!(
            num(2.0 * 1000.0 / 1000.0),
            "2",
            "the scale label's kilometres"
        );
    }

    #[test]
    fn spread_markers_never_overlap_and_the_first_never_moves() {
        // Ten stations at one spot, and one apart from them.
        let mut points = vec![(100.0, 100.0); 10];
        points.push((300.0, 300.0));
        let offsets = spread(&[], &points, MARKER_GAP);
        assert_eq!(offsets[0], (0.0, 0.0));
        assert_eq!(
            offsets[10],
            (0.0, 0.0),
            "a marker with room stays on its point"
        );
        let placed: Vec<(f64, f64)> = points
            .iter()
            .zip(&offsets)
            .map(|(p, o)| (p.0 + o.0, p.1 + o.1))
            .collect();
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                assert!(
                    (a.0 - b.0).hypot(a.1 - b.1) >= MARKER_GAP - 1e-9,
                    "{a:?} {b:?}"
                );
            }
        }
        assert!(spread(&[], &[], MARKER_GAP).is_empty());
        // Nothing covers the fixed sorting point: a marker on it moves off.
        let off = spread(&[(0.0, 0.0)], &[(0.0, 0.0), (300.0, 0.0)], MARKER_GAP);
        assert!(off[0].0.hypot(off[0].1) >= MARKER_GAP - 1e-9, "{off:?}");
        assert_eq!(off[1], (0.0, 0.0));
    }

    #[test]
    fn scale_bar_picks_round_lengths_that_fit() {
        assert_eq!(scale_bar(10.0, 110.0), (1000.0, 100.0));
        assert_eq!(scale_bar(1.0, 110.0), (100.0, 100.0));
        assert_eq!(scale_bar(30.0, 110.0), (2000.0, 2000.0 / 30.0));
    }

    #[test]
    fn a_pinch_zooms_around_the_fingers() {
        let (mpp0, pan0, mid) = (10.0, (20.0, -30.0), (250.0, 100.0));
        // Written out here, not via `ground_under`: an independent statement of it.
        let ground = |mpp: f64, pan: (f64, f64)| {
            (
                (mid.0 - SIZE / 2.0 - pan.0) * mpp,
                (mid.1 - SIZE / 2.0 - pan.1) * mpp,
            )
        };
        // Fingers twice as far apart: twice the detail, the same ground under them.
        let (mpp, pan) = pinch_zoom(mpp0, pan0, mid, 100.0, 200.0);
        assert_eq!(mpp, 5.0);
        let (a, b) = (ground(mpp0, pan0), ground(mpp, pan));
        assert!((a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9);
        // Pinching in zooms out; both ends are bounded.
        assert_eq!(pinch_zoom(mpp0, pan0, mid, 200.0, 100.0).0, 20.0);
        assert_eq!(pinch_zoom(mpp0, pan0, mid, 100.0, 100_000.0).0, MIN_MPP);
        assert_eq!(pinch_zoom(1000.0, pan0, mid, 100_000.0, 1.0).0, MAX_MPP);
    }

    #[test]
    fn projection_round_trips() {
        let c = LngLat::new(116.0, 36.5);
        let p = LngLat::new(116.01, 36.49);
        let (x, y) = to_metres(c, p);
        assert!(x > 0.0 && y > 0.0, "east and south");
        let back = from_metres(c, x, y);
        assert!((back.lng - p.lng).abs() < 1e-9 && (back.lat - p.lat).abs() < 1e-9);
    }
}
