//! The one-page report as PDF: Helvetica text and a QR code, laid out line by line.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use qrcode::{Color, QrCode};

use crate::words;
use crate::{Dossier, MAX_REPORT_SKILLS};

/// A4 in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 48.0;

/// A placed line: x, baseline y, size, bold, text.
type Placed = (f32, f32, f32, bool, String);

/// A line to draw: text, size, bold, indent.
struct Line {
    text: String,
    size: f32,
    bold: bool,
    indent: f32,
    gap_before: f32,
}

impl Line {
    fn new(text: impl Into<String>, size: f32, bold: bool, indent: f32, gap_before: f32) -> Line {
        Line {
            text: text.into(),
            size,
            bold,
            indent,
            gap_before,
        }
    }
}

/// Windows-1252 bytes for the standard fonts' `WinAnsiEncoding`; anything else becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' => c as u8,
            '\u{a0}'..='\u{ff}' => c as u32 as u8,
            '\u{2014}' => 0x97,
            '\u{2013}' => 0x96,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2026}' => 0x85,
            '\u{20ac}' => 0x80,
            _ => b'?',
        })
        .collect()
}

/// Helvetica advance widths (per 1000 em) for ASCII; others take an average width.
fn char_width(c: char) -> f32 {
    match c {
        'i' | 'j' | 'l' | '\'' | '|' => 222.0,
        ' ' | '.' | ',' | ':' | ';' | 'f' | 't' | 'I' | '!' | '/' | '(' | ')' | '[' | ']' => 278.0,
        'r' | '-' => 333.0,
        'm' | 'M' => 833.0,
        'w' | 'W' => 722.0,
        'A'..='Z' => 667.0,
        _ => 556.0,
    }
}

fn width(text: &str, size: f32) -> f32 {
    text.chars().map(char_width).sum::<f32>() * size / 1000.0
}

/// Greedy word wrap to `max` points.
fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if width(&candidate, size) > max && !current.is_empty() {
            lines.push(std::mem::take(&mut current));
            current = word.to_string();
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

fn lines_of(d: &Dossier<'_>) -> Vec<Line> {
    let p = d.profile;
    let verified = p
        .skills
        .iter()
        .filter(|s| s.status == credbridge_profile::SkillStatus::Verified)
        .count();
    let mut out = vec![
        Line::new("Skills shown by credentials", 18.0, true, 0.0, 0.0),
        Line::new(format!("Candidate {}", p.person.id), 9.0, false, 0.0, 4.0),
        Line::new(
            format!(
                "{} credential(s), {} skill(s), {verified} verified. Generated {}.",
                p.credentials.len(),
                p.skills.len(),
                words::date(Some(d.generated_at))
            ),
            9.0,
            false,
            0.0,
            2.0,
        ),
    ];
    if let Some(url) = d.verifier_url {
        out.push(Line::new(
            format!("Check any credential yourself: {url}"),
            9.0,
            false,
            0.0,
            2.0,
        ));
    }
    if let Some(m) = d.match_report {
        out.push(Line::new(
            format!("Against job {}", m.job),
            12.0,
            true,
            0.0,
            12.0,
        ));
        out.push(Line::new(
            format!(
                "Required covered {:.0}%, preferred {:.0}%, met by verified credentials: {}. \"Not shown\" is not \"lacks\".",
                m.coverage.required * 100.0,
                m.coverage.preferred * 100.0,
                m.coverage.met_verified
            ),
            9.0,
            false,
            0.0,
            2.0,
        ));
        for line in &m.requirements {
            out.push(Line::new(
                format!("{}: {}", line.label, line.words),
                9.0,
                false,
                10.0,
                1.0,
            ));
        }
    }
    out.push(Line::new("Skills", 12.0, true, 0.0, 12.0));
    for s in d.skills().take(MAX_REPORT_SKILLS) {
        let level = words::level(s)
            .map(|l| format!(", level {l}"))
            .unwrap_or_default();
        out.push(Line::new(
            format!(
                "{} ({}) \u{2014} {}{level}",
                s.label,
                s.framework,
                words::skill_status(s.status)
            ),
            10.0,
            true,
            0.0,
            6.0,
        ));
        for e in &s.evidence {
            out.push(Line::new(words::evidence_line(e), 9.0, false, 12.0, 1.0));
        }
    }
    if p.skills.len() > MAX_REPORT_SKILLS {
        out.push(Line::new(
            format!(
                "{} more skill(s) in the full profile.",
                p.skills.len() - MAX_REPORT_SKILLS
            ),
            9.0,
            false,
            0.0,
            6.0,
        ));
    }
    for c in p.credentials.iter().filter(|c| c.excluded.is_some()) {
        out.push(Line::new(
            format!(
                "Shows nothing: {} ({})",
                c.record
                    .achievement
                    .name
                    .as_deref()
                    .unwrap_or("(unnamed achievement)"),
                c.excluded.as_deref().unwrap_or_default()
            ),
            9.0,
            false,
            0.0,
            4.0,
        ));
    }
    out.push(Line::new(
        "This service uses the ESCO classification of the European Commission. It includes information from the O*NET 29.2 Database by USDOL/ETA, used under CC BY 4.0; credbridge has modified it; USDOL/ETA has not approved, endorsed, or tested these modifications.",
        7.0,
        false,
        0.0,
        12.0,
    ));
    out
}

/// The report as a PDF (A4; more pages only if the profile does not fit on one).
pub fn report_pdf(d: &Dossier<'_>) -> Vec<u8> {
    let qr_size = 96.0;
    let text_width = PAGE.0 - 2.0 * MARGIN;
    // Lay out every line into pages first.
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = PAGE.1 - MARGIN;
    for line in lines_of(d) {
        // The first page's top lines leave room for the QR code on the right.
        let room = if pages.len() == 1
            && y > PAGE.1 - MARGIN - qr_size - 8.0
            && d.verifier_url.is_some()
        {
            text_width - qr_size - 12.0 - line.indent
        } else {
            text_width - line.indent
        };
        for (i, text) in wrap(&line.text, line.size, room).into_iter().enumerate() {
            let advance = line.size * 1.25 + if i == 0 { line.gap_before } else { 0.0 };
            if y - advance < MARGIN {
                pages.push(Vec::new());
                y = PAGE.1 - MARGIN;
            }
            y -= advance;
            if let Some(page) = pages.last_mut() {
                page.push((MARGIN + line.indent, y, line.size, line.bold, text));
            }
        }
    }

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let mut next = 5;
    let mut ids = Vec::new();
    for _ in &pages {
        ids.push((Ref::new(next), Ref::new(next + 1)));
        next += 2;
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(ids.iter().map(|(page, _)| *page))
        .count(ids.len() as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (index, (lines, (page_id, content_id))) in pages.iter().zip(&ids).enumerate() {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(*content_id);
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        fonts.pair(Name(b"F1"), regular);
        fonts.pair(Name(b"F2"), bold);
        fonts.finish();
        resources.finish();
        page.finish();

        let mut content = Content::new();
        for (x, y, size, is_bold, text) in lines {
            content.begin_text();
            content.set_font(Name(if *is_bold { b"F2" } else { b"F1" }), *size);
            content.next_line(*x, *y);
            content.show(Str(&win_ansi(text)));
            content.end_text();
        }
        if index == 0
            && let Some(url) = d.verifier_url
            && let Ok(code) = QrCode::new(url.as_bytes())
        {
            let modules = code.width();
            let cell = qr_size / modules as f32;
            let (left, top) = (PAGE.0 - MARGIN - qr_size, PAGE.1 - MARGIN);
            content.set_fill_gray(0.0);
            for (i, color) in code.to_colors().iter().enumerate() {
                if *color == Color::Dark {
                    let (cx, cy) = ((i % modules) as f32, (i / modules) as f32);
                    content.rect(left + cx * cell, top - (cy + 1.0) * cell, cell, cell);
                }
            }
            content.fill_nonzero();
        }
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_encodes() {
        let lines = wrap(
            "one two three four five six seven eight nine ten",
            10.0,
            80.0,
        );
        assert!(
            lines.len() > 1
                && lines
                    .iter()
                    .all(|l| width(l, 10.0) <= 80.0 || !l.contains(' '))
        );
        assert_eq!(win_ansi("a\u{2014}é✓"), [b'a', 0x97, 0xe9, b'?']);
    }
}
