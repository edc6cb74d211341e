//! The exchange link as a QR code: the SVG, rasterized here module by module, decodes back to
//! the link with an independent QR decoder (rqrr).

use super::common::*;

/// The dark rectangles of the `qrcode` crate's SVG path (`M{x} {y}h{w}v{h}H{x}V{y}`), and the
/// drawing's size.
fn rectangles(svg: &str) -> (u32, Vec<(u32, u32, u32, u32)>) {
    let width: u32 = svg
        .split("width=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("the svg has a width");
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the svg has one path");
    let mut rects = Vec::new();
    for command in path.split('M').filter(|c| !c.is_empty()) {
        let numbers: Vec<u32> = command
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        // x y w h x y
        assert_eq!(numbers.len(), 6, "{command}");
        rects.push((numbers[0], numbers[1], numbers[2], numbers[3]));
    }
    (width, rects)
}

fn decode(svg: &str) -> String {
    let (size, rects) = rectangles(svg);
    let mut pixels = vec![255u8; (size * size) as usize];
    for (x, y, w, h) in rects {
        for row in y..y + h {
            for column in x..x + w {
                pixels[(row * size + column) as usize] = 0;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(size as usize, size as usize, |x, y| {
            pixels[y * size as usize + x]
        });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the drawing");
    let (_, content) = grids[0].decode().unwrap();
    content
}

#[tokio::test]
async fn the_qr_code_svg_decodes_to_the_exchange_link() {
    let service = service();
    let (workflow, exchange) = request_exchange(&service, &Issuer::new(2)).await;
    let svg = service.exchange_qr_svg(&workflow.id, &exchange.id).unwrap();
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(
        !svg.contains("<script"),
        "no script in an image served to browsers"
    );
    assert!(
        !svg.contains("http://") || !svg.contains("https://cdn"),
        "nothing fetched"
    );
    assert_eq!(
        decode(&svg),
        service.exchange_url(&workflow.id, &exchange.id)
    );
}

#[test]
fn another_link_decodes_to_itself_and_too_long_a_link_is_an_error() {
    let url = "https://credbridge.example/workflows/pickup/exchanges/abc?iuv=1";
    assert_eq!(decode(&credbridge_exchange::qr_svg(url).unwrap()), url);
    let long = format!("https://x.example/{}", "a".repeat(5000));
    let error = credbridge_exchange::qr_svg(&long).unwrap_err();
    assert_eq!(error.slug(), "qr-code");
}
