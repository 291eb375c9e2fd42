//! The device's position (WGS-84) from the browser, once, with a time limit.
//! The position is used on the device only: never stored, never sent.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use yizhan_core::geo::LngLat;

/// Why no position came.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeoError {
    Denied,
    Unavailable,
    Timeout,
    /// No geolocation API at all.
    Unsupported,
}

/// Asks for the current position, giving up after `timeout_ms`:
/// `locate(10_000).await` → `Ok(LngLat { lng, lat })` in WGS-84.
pub async fn locate(timeout_ms: u32) -> Result<LngLat, GeoError> {
    let window = web_sys::window().ok_or(GeoError::Unsupported)?;
    let geolocation = window
        .navigator()
        .geolocation()
        .map_err(|_| GeoError::Unsupported)?;
    let options = Object::new();
    let _ = Reflect::set(&options, &"timeout".into(), &JsValue::from(timeout_ms));
    let _ = Reflect::set(&options, &"maximumAge".into(), &JsValue::from(60_000));
    let _ = Reflect::set(&options, &"enableHighAccuracy".into(), &JsValue::TRUE);
    let options: web_sys::PositionOptions = options.unchecked_into();
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        if geolocation
            .get_current_position_with_error_callback_and_options(&resolve, Some(&reject), &options)
            .is_err()
        {
            let _ = reject.call1(&JsValue::NULL, &JsValue::from(2));
        }
    });
    match JsFuture::from(promise).await {
        Ok(position) => {
            let coords =
                Reflect::get(&position, &"coords".into()).map_err(|_| GeoError::Unavailable)?;
            let number = |k: &str| {
                Reflect::get(&coords, &k.into())
                    .ok()
                    .and_then(|v| v.as_f64())
            };
            match (number("longitude"), number("latitude")) {
                (Some(lng), Some(lat)) => Ok(LngLat::new(lng, lat)),
                _ => Err(GeoError::Unavailable),
            }
        }
        Err(error) => {
            let code = Reflect::get(&error, &"code".into())
                .ok()
                .and_then(|c| c.as_f64())
                .or_else(|| error.as_f64());
            Err(match code {
                Some(1.0) => GeoError::Denied,
                Some(3.0) => GeoError::Timeout,
                _ => GeoError::Unavailable,
            })
        }
    }
}

/// Whether the user already allowed geolocation for this site (so asking again shows
/// no prompt): `already_granted().await`.
pub async fn already_granted() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let Ok(permissions) = Reflect::get(&navigator, &"permissions".into()) else {
        return false;
    };
    let Ok(query) = Reflect::get(&permissions, &"query".into()) else {
        return false;
    };
    let Ok(query) = query.dyn_into::<Function>() else {
        return false;
    };
    let descriptor = Object::new();
    let _ = Reflect::set(&descriptor, &"name".into(), &"geolocation".into());
    let Ok(promise) = query.call1(&permissions, &descriptor) else {
        return false;
    };
    let Ok(status) = JsFuture::from(Promise::from(promise)).await else {
        return false;
    };
    Reflect::get(&status, &"state".into())
        .ok()
        .and_then(|s| s.as_string())
        .is_some_and(|s| s == "granted")
}
