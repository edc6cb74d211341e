//! The exchange link as a QR code, drawn as SVG by the `qrcode` crate: no script, no CDN, one
//! `<path>` of dark modules on a white square, with the quiet zone the standard asks for.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::ExchangeError;

/// The smallest side of the drawing, pixels (modules are whole pixels, so it is at least this).
pub const QR_MIN_PIXELS: u32 = 256;

/// `data` (an exchange URL) as a QR code in SVG. Error correction level M (15 %): a phone
/// camera reads it off a screen or a printed letter.
///
/// # Errors
/// [`ExchangeError::QrCode`] when `data` is too long for any QR code version.
pub fn qr_svg(data: &str) -> Result<String, ExchangeError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| {
        ExchangeError::QrCode {
            reason: e.to_string(),
        }
    })?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(QR_MIN_PIXELS, QR_MIN_PIXELS)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}
