//! QR codes for pages and receipts.

/// A QR code of `content` as an `<svg>` element, ready to place inside a page.
pub fn qr_svg(content: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::with_error_correction_level(content, qrcode::EcLevel::M) {
        Ok(code) => {
            let document = code
                .render::<svg::Color<'_>>()
                .min_dimensions(160, 160)
                .quiet_zone(true)
                .build();
            // Inline in HTML the XML declaration is not wanted.
            match document.find("<svg") {
                Some(start) => document[start..].to_owned(),
                None => document,
            }
        }
        Err(_) => String::new(),
    }
}
