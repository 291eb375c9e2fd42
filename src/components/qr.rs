use leptos::prelude::*;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `text` as an SVG string, black on white with its quiet zone:
/// `qr_svg("3715002026000123")`. Medium error correction survives a scratched screen.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    // Keep just the <svg> element (drop the XML declaration).
    Some(svg[svg.find("<svg")?..].to_string())
}

/// A large QR code, sized by CSS to be scanned from a phone at arm's length.
#[component]
pub fn QrCodeView(#[prop(into)] text: String, #[prop(into)] label: String) -> impl IntoView {
    // The SVG comes from the qrcode crate and holds only rectangles: no user text.
    let svg = qr_svg(&text).unwrap_or_default();
    view! { <div class="qr" role="img" aria-label=label data-qr=text inner_html=svg></div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_an_svg_without_the_xml_declaration() {
        let svg = qr_svg("3715002026000123").unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("#000000"));
        assert!(!svg.contains("<?xml"));
    }
}
