//! Baked SVG: finding, reading and replacing the credential element with quick-xml.
//!
//! Elements are matched by namespace, not prefix (XML Namespaces §6): `credential` in
//! `https://purl.imsglobal.org/ob/v3p0` (OB 3.0, `spec:ob_v3p0/docformat.md`) or
//! `https://purl.imsglobal.org/clr/v2p0` (CLR 2.0, 1EdTech validator `SvgParser`), and
//! `assertion` in `http://openbadges.org` (OB 2.0 baking). quick-xml never expands DTD entities,
//! so entity bombs are not a concern.

use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use crate::decode::{At, Cx, decode_text_value};
use crate::error::Error;
use crate::item::{ContainerKind, ItemPath, SvgCarrier};
use crate::jws;
use crate::limits::Limits;

/// OB 3.0 baking namespace.
pub(crate) const OB3_NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";
/// CLR 2.0 baking namespace.
pub(crate) const CLR2_NAMESPACE: &str = "https://purl.imsglobal.org/clr/v2p0";
/// OB 2.0 (and 1.x) baking namespace.
pub(crate) const OB2_NAMESPACE: &str = "http://openbadges.org";

fn is_baked_element(namespace: &[u8], local_name: &[u8]) -> bool {
    matches!(
        (namespace, local_name),
        (b"https://purl.imsglobal.org/ob/v3p0", b"credential")
            | (b"https://purl.imsglobal.org/clr/v2p0", b"credential")
            | (b"http://openbadges.org", b"assertion")
    )
}

/// One baked element of an SVG.
#[derive(Debug)]
pub(crate) struct BakedElement {
    /// Bytes of the whole element, start tag to end tag.
    pub span: Range<usize>,
    pub namespace: String,
    /// The qualified name as written, e.g. `openbadges:credential`.
    pub name: String,
    pub verify: Option<String>,
    /// Character data of the element: text (unescaped) and CDATA (as is), in order.
    pub body: Vec<u8>,
    pub has_cdata: bool,
}

impl BakedElement {
    /// The value the element carries and where it sat. A compact JWS in `verify` wins (it is the
    /// signed form); otherwise a non-blank body; otherwise a `verify` URL (OB 1.x/2.0 hosted).
    pub fn value(&self) -> Option<(SvgCarrier, &[u8])> {
        let verify = self.verify.as_deref().map(str::trim).unwrap_or_default();
        if jws::looks_like_jws(verify.as_bytes()) {
            return Some((SvgCarrier::VerifyAttribute, verify.as_bytes()));
        }
        if !self.body.trim_ascii().is_empty() {
            let how = if self.has_cdata {
                SvgCarrier::Cdata
            } else {
                SvgCarrier::Element
            };
            return Some((how, &self.body));
        }
        if !verify.is_empty() {
            return Some((SvgCarrier::VerifyAttribute, verify.as_bytes()));
        }
        None
    }
}

/// The `<svg>` start tag.
#[derive(Debug)]
pub(crate) struct RootTag {
    /// Bytes of the start tag.
    pub span: Range<usize>,
    /// `<svg … />`.
    pub self_closing: bool,
    /// `xmlns:<prefix>` declarations on the root, (prefix, namespace).
    pub namespaces: Vec<(String, String)>,
}

/// What a scan of an SVG found.
#[derive(Debug)]
pub(crate) struct SvgScan {
    pub root: RootTag,
    pub elements: Vec<BakedElement>,
}

pub(crate) enum ScanError {
    Xml {
        position: u64,
        message: String,
    },
    NotSvg,
    /// An element with more attributes than [`Limits::max_svg_attributes`].
    TooManyAttributes {
        position: u64,
        limit: usize,
    },
    /// More namespace bindings in scope than [`Limits::max_svg_namespace_bindings`].
    TooManyBindings {
        position: u64,
        limit: usize,
    },
}

impl ScanError {
    pub fn into_error(self, path: &ItemPath) -> Error {
        match self {
            ScanError::Xml { position, message } => Error::SvgXml {
                path: path.clone(),
                position,
                message,
            },
            // The root's name is not quoted: an error never repeats a file's contents.
            ScanError::NotSvg => Error::NotACredentialContainer {
                path: path.clone(),
                found: "an XML document whose root element is not <svg>".to_owned(),
            },
            ScanError::TooManyAttributes { position, limit } => Error::SvgTooManyAttributes {
                path: path.clone(),
                position,
                limit,
            },
            ScanError::TooManyBindings { position, limit } => Error::SvgTooManyNamespaceBindings {
                path: path.clone(),
                position,
                limit,
            },
        }
    }
}

/// The XML reader's message with the names it quotes from the document (between backticks:
/// tag names, entity names) left out: an error never repeats a file's contents.
fn without_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, part) in message.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(part);
        } else {
            out.push('…');
        }
    }
    out
}

fn to_usize(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

/// [`scan_with`] and the default limits (for baking, whose input is the caller's own image).
pub(crate) fn scan(svg: &[u8]) -> Result<SvgScan, ScanError> {
    scan_with(svg, &Limits::default())
}

/// What one start tag declares: how many attributes, how many of them namespace bindings.
/// Attributes are read without quick-xml's duplicate check, which compares each attribute
/// with every earlier one (quadratic: 100 000 attributes took 12 s); duplicates do not
/// matter here, and the count is capped.
fn count_attributes(start: &quick_xml::events::BytesStart<'_>) -> (usize, usize) {
    let mut attributes = 0usize;
    let mut bindings = 0usize;
    for attribute in start.attributes().with_checks(false) {
        let Ok(attribute) = attribute else { break };
        attributes = attributes.saturating_add(1);
        let key = attribute.key.as_ref();
        if key == b"xmlns" || key.starts_with(b"xmlns:") {
            bindings = bindings.saturating_add(1);
        }
    }
    (attributes, bindings)
}

/// Walks the whole document: root start tag and every baked element, in time linear in its
/// size: attributes per element and namespace bindings in scope are capped
/// ([`Limits::max_svg_attributes`], [`Limits::max_svg_namespace_bindings`]), because the
/// reader resolves every element name against the bindings in scope.
pub(crate) fn scan_with(svg: &[u8], limits: &Limits) -> Result<SvgScan, ScanError> {
    // The reader sees the document without a UTF-8 byte-order mark, and every position it
    // reports is shifted back by the mark's length: positions index the caller's bytes (bake
    // splices at them). quick-xml skips a BOM itself but then counts positions after it, which
    // made baking into a BOM-prefixed SVG splice 3 bytes early (found by `formats_bake_roundtrip`).
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let bom = if svg.starts_with(BOM) { BOM.len() } else { 0 };
    let mut reader = NsReader::from_reader(svg.get(bom..).unwrap_or_default());
    let xml_error = |reader: &NsReader<&[u8]>, e: &dyn std::fmt::Display| ScanError::Xml {
        position: reader.error_position(),
        message: without_quotes(&e.to_string()),
    };
    let mut root: Option<RootTag> = None;
    let mut elements = Vec::new();
    // The baked element being read: (element, nesting depth inside it).
    let mut open: Option<(BakedElement, usize)> = None;
    // Namespace bindings declared by each open element, and their sum.
    let mut scopes: Vec<usize> = Vec::new();
    let mut in_scope = 0usize;
    loop {
        let before = to_usize(reader.buffer_position()).saturating_add(bom);
        let (resolved, event) = match reader.read_resolved_event() {
            Ok((resolved, event)) => {
                let namespace = match resolved {
                    ResolveResult::Bound(ns) => Some(ns.into_inner().to_vec()),
                    _ => None,
                };
                (namespace, event)
            }
            Err(e) => return Err(xml_error(&reader, &e)),
        };
        let after = to_usize(reader.buffer_position()).saturating_add(bom);
        match &event {
            Event::Start(start) | Event::Empty(start) => {
                let position = u64::try_from(before).unwrap_or(u64::MAX);
                let (attributes, bindings) = count_attributes(start);
                if attributes > limits.max_svg_attributes {
                    return Err(ScanError::TooManyAttributes {
                        position,
                        limit: limits.max_svg_attributes,
                    });
                }
                if in_scope.saturating_add(bindings) > limits.max_svg_namespace_bindings {
                    return Err(ScanError::TooManyBindings {
                        position,
                        limit: limits.max_svg_namespace_bindings,
                    });
                }
                if matches!(event, Event::Start(_)) {
                    scopes.push(bindings);
                    in_scope = in_scope.saturating_add(bindings);
                }
            }
            Event::End(_) => {
                in_scope = in_scope.saturating_sub(scopes.pop().unwrap_or(0));
            }
            _ => {}
        }
        if let Some((element, depth)) = open.as_mut() {
            match &event {
                Event::Start(_) => *depth = depth.saturating_add(1),
                Event::End(_) if *depth == 0 => {
                    element.span.end = after;
                    if let Some((done, _)) = open.take() {
                        elements.push(done);
                    }
                    continue;
                }
                Event::End(_) => *depth = depth.saturating_sub(1),
                Event::Text(text) => {
                    let decoded = text.decode().map_err(|e| xml_error(&reader, &e))?;
                    element.body.extend_from_slice(decoded.as_bytes());
                }
                Event::CData(cdata) => {
                    element.has_cdata = true;
                    element.body.extend_from_slice(cdata);
                }
                Event::GeneralRef(reference) => {
                    let resolved_char = reference
                        .resolve_char_ref()
                        .map_err(|e| xml_error(&reader, &e))?;
                    let name = reference.decode().map_err(|e| xml_error(&reader, &e))?;
                    let text = match resolved_char {
                        Some(c) => c.to_string(),
                        None => quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_owned)
                            .ok_or_else(|| ScanError::Xml {
                                position: u64::try_from(before).unwrap_or(u64::MAX),
                                message: "unknown entity (only the five XML entities and character references are read)".to_owned(),
                            })?,
                    };
                    element.body.extend_from_slice(text.as_bytes());
                }
                Event::Eof => {
                    return Err(ScanError::Xml {
                        position: reader.buffer_position(),
                        message: "end of document inside the baked element".to_owned(),
                    });
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_none() => {
                let local = start.local_name();
                if local.as_ref() != b"svg" {
                    return Err(ScanError::NotSvg);
                }
                let self_closing = svg.get(..after).is_some_and(|s| s.ends_with(b"/>"));
                let mut namespaces = Vec::new();
                for attribute in start.attributes().with_checks(false) {
                    let attribute = attribute.map_err(|e| xml_error(&reader, &e))?;
                    if let Some(prefix) = attribute.key.as_ref().strip_prefix(b"xmlns:") {
                        let value = attribute
                            .unescape_value()
                            .map_err(|e| xml_error(&reader, &e))?;
                        namespaces.push((
                            String::from_utf8_lossy(prefix).into_owned(),
                            value.into_owned(),
                        ));
                    }
                }
                root = Some(RootTag {
                    span: before..after,
                    self_closing,
                    namespaces,
                });
            }
            Event::Start(start) | Event::Empty(start) => {
                let is_empty = svg.get(..after).is_some_and(|s| s.ends_with(b"/>"));
                let namespace = resolved.unwrap_or_default();
                if !is_baked_element(&namespace, start.local_name().as_ref()) {
                    continue;
                }
                let mut verify = None;
                for attribute in start.attributes().with_checks(false) {
                    let attribute = attribute.map_err(|e| xml_error(&reader, &e))?;
                    if attribute.key.as_ref() == b"verify" {
                        let value = attribute
                            .unescape_value()
                            .map_err(|e| xml_error(&reader, &e))?;
                        verify = Some(value.into_owned());
                    }
                }
                let element = BakedElement {
                    span: before..after,
                    namespace: String::from_utf8_lossy(&namespace).into_owned(),
                    name: String::from_utf8_lossy(start.name().as_ref()).into_owned(),
                    verify,
                    body: Vec::new(),
                    has_cdata: false,
                };
                if is_empty {
                    elements.push(element);
                } else {
                    open = Some((element, 0));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let Some(root) = root else {
        return Err(ScanError::Xml {
            position: reader.buffer_position(),
            message: "no root element".to_owned(),
        });
    };
    Ok(SvgScan { root, elements })
}

/// Decodes the credential baked into an SVG (the first baked element, as the spec allows only
/// one).
pub(crate) fn decode(svg: &[u8], at: &At, cx: &mut Cx<'_>) {
    let scanned = match scan_with(svg, cx.limits) {
        Ok(scanned) => scanned,
        Err(e) => return cx.fail(e.into_error(&at.path)),
    };
    let Some(element) = scanned.elements.first() else {
        return cx.fail(Error::SvgNotBaked {
            path: at.path.clone(),
        });
    };
    let Some((how, value)) = element.value() else {
        return cx.fail(Error::BakedValueEmpty {
            path: at.path.clone(),
            carrier: format!("SVG element <{}>", element.name),
        });
    };
    let container = ContainerKind::SvgBaked {
        how,
        namespace: element.namespace.clone(),
    };
    match at.nest(container, cx.limits) {
        Ok(at_baked) => decode_text_value(value, &at_baked, cx, true),
        Err(e) => cx.fail(e),
    }
}

/// What to put into a baked element.
pub(crate) enum SvgValue<'a> {
    /// JSON in a CDATA section; `verify` is the OB 2.0 hosted URL attribute, if any.
    Json {
        json: &'a [u8],
        verify: Option<&'a str>,
    },
    /// A compact JWS in the `verify` attribute.
    Jws(&'a str),
}

/// Bakes `value` into `svg` as the element `prefix:local` in `namespace`, right after the root
/// start tag, removing every baked element already there.
pub(crate) fn bake(
    svg: &[u8],
    prefix: &str,
    namespace: &str,
    local: &str,
    value: &SvgValue<'_>,
) -> Result<Vec<u8>, Error> {
    let path = ItemPath::file("<svg>");
    let scanned = scan(svg).map_err(|e| e.into_error(&path))?;
    let declared = scanned
        .root
        .namespaces
        .iter()
        .find(|(p, _)| p == prefix)
        .map(|(_, ns)| ns.as_str());
    // Declare the namespace on the root as the specs show it; if the root already binds the
    // prefix to another namespace, declare it on the element instead (valid XML either way).
    let (root_declaration, element_declaration) = match declared {
        Some(ns) if ns == namespace => (String::new(), String::new()),
        Some(_) => (String::new(), format!(" xmlns:{prefix}=\"{namespace}\"")),
        None => (format!(" xmlns:{prefix}=\"{namespace}\""), String::new()),
    };
    let element = match value {
        SvgValue::Json { json, verify } => {
            let json = std::str::from_utf8(json).map_err(|_| Error::BakePayloadInvalid {
                reason: "JSON is not UTF-8".to_owned(),
            })?;
            let verify = verify
                .map(|url| format!(" verify=\"{}\"", quick_xml::escape::escape(url)))
                .unwrap_or_default();
            // "]]>" cannot appear inside CDATA: close and reopen around it.
            let body = json.replace("]]>", "]]]]><![CDATA[>");
            format!(
                "<{prefix}:{local}{element_declaration}{verify}><![CDATA[{body}]]></{prefix}:{local}>"
            )
        }
        SvgValue::Jws(compact) => {
            format!("<{prefix}:{local}{element_declaration} verify=\"{compact}\"/>")
        }
    };
    let root_tag = svg.get(scanned.root.span.clone()).unwrap_or_default();
    let mut out = Vec::with_capacity(svg.len().saturating_add(element.len()).saturating_add(64));
    out.extend_from_slice(svg.get(..scanned.root.span.start).unwrap_or_default());
    let tag_body = if scanned.root.self_closing {
        root_tag.strip_suffix(b"/>").unwrap_or(root_tag)
    } else {
        root_tag.strip_suffix(b">").unwrap_or(root_tag)
    };
    out.extend_from_slice(tag_body);
    out.extend_from_slice(root_declaration.as_bytes());
    out.push(b'>');
    out.push(b'\n');
    out.extend_from_slice(element.as_bytes());
    if scanned.root.self_closing {
        out.extend_from_slice(b"</svg>");
    }
    // The rest of the document without the old baked elements (and the indentation before them).
    let mut cursor = scanned.root.span.end;
    for old in &scanned.elements {
        let keep = svg.get(cursor..old.span.start).unwrap_or_default();
        let line_start = keep.iter().rposition(|&b| b == b'\n').filter(|&nl| {
            keep.get(nl..)
                .is_some_and(|t| t.iter().all(u8::is_ascii_whitespace))
        });
        out.extend_from_slice(keep.get(..line_start.unwrap_or(keep.len())).unwrap_or(keep));
        cursor = old.span.end.max(cursor);
    }
    out.extend_from_slice(svg.get(cursor..).unwrap_or_default());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_by_namespace_not_prefix() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="https://purl.imsglobal.org/ob/v3p0"><x:credential><![CDATA[{"a":1}]]></x:credential></svg>"#;
        let scanned = scan(svg).ok().unwrap();
        let (how, value) = scanned.elements[0].value().unwrap();
        assert_eq!(how, SvgCarrier::Cdata);
        assert_eq!(value, br#"{"a":1}"#);
        let wrong_ns = br#"<svg xmlns:openbadges="urn:other"><openbadges:credential>{}</openbadges:credential></svg>"#;
        assert!(scan(wrong_ns).ok().unwrap().elements.is_empty());
    }

    #[test]
    fn text_body_is_unescaped() {
        let svg = br#"<svg xmlns:ob="http://openbadges.org"><ob:assertion>{"a":"&lt;&#x41;"}</ob:assertion></svg>"#;
        let scanned = scan(svg).ok().unwrap();
        let (how, value) = scanned.elements[0].value().unwrap();
        assert_eq!(how, SvgCarrier::Element);
        assert_eq!(value, br#"{"a":"<A"}"#);
    }

    #[test]
    fn bake_handles_self_closing_root_and_cdata_end() {
        let json = br#"{"x":"a]]>b"}"#;
        let out = bake(
            b"<svg/>",
            "openbadges",
            OB3_NAMESPACE,
            "credential",
            &SvgValue::Json { json, verify: None },
        )
        .unwrap();
        let scanned = scan(&out).ok().unwrap();
        assert_eq!(scanned.elements.len(), 1);
        assert_eq!(scanned.elements[0].value().unwrap().1, json);
    }

    /// Regression (found by the `formats_bake_roundtrip` fuzz target): a UTF-8 byte-order mark
    /// before the root made baking splice three bytes early and corrupt the SVG.
    #[test]
    fn bake_into_svg_with_byte_order_mark() {
        let json = br#"{"a":1}"#;
        let svg = b"\xEF\xBB\xBF<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>";
        let out = bake(
            svg,
            "openbadges",
            OB3_NAMESPACE,
            "credential",
            &SvgValue::Json { json, verify: None },
        )
        .unwrap();
        assert!(out.starts_with(b"\xEF\xBB\xBF<svg xmlns=\"http://www.w3.org/2000/svg\""));
        let scanned = scan(&out).ok().unwrap();
        assert_eq!(scanned.elements.len(), 1);
        assert_eq!(scanned.elements[0].value().unwrap().1, json);
    }
}
