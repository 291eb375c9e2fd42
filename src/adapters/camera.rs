//! The camera scan for venue staff (`js/scan.js`): BarcodeDetector, else zxing-wasm
//! from this site's `/vendor/zxing/`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/js/scan.js")]
extern "C" {
    #[wasm_bindgen(js_name = startScan)]
    async fn start_scan_js(
        video: &web_sys::HtmlVideoElement,
        on_text: &js_sys::Function,
    ) -> JsValue;
    #[wasm_bindgen(js_name = stopScan)]
    fn stop_scan_js(video: &web_sys::HtmlVideoElement);
}

/// Why scanning did not start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanProblem {
    /// No camera, or no way to read QR codes on this device.
    NoCamera,
    /// The person (or the browser's settings) refused the camera.
    Denied,
}

/// Starts the camera into `video`; `on_text` gets the first QR code read (once):
/// `start(&video, |text| scanned.set(Some(text))).await`.
pub async fn start(
    video: &web_sys::HtmlVideoElement,
    on_text: impl FnOnce(String) + 'static,
) -> Result<(), ScanProblem> {
    let callback = Closure::once_into_js(move |text: String| on_text(text));
    let answer = start_scan_js(video, callback.unchecked_ref()).await;
    match answer.as_string().as_deref() {
        Some("") => Ok(()),
        Some("denied") => Err(ScanProblem::Denied),
        _ => Err(ScanProblem::NoCamera),
    }
}

/// Stops the camera (and the scan): `stop(&video)`.
pub fn stop(video: &web_sys::HtmlVideoElement) {
    stop_scan_js(video);
}
