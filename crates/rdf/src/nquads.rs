//! N-Quads: a strict parser and the canonical serializer.
//!
//! The parser follows the RDF 1.1 N-Quads grammar (<https://www.w3.org/TR/n-quads/#sec-grammar>)
//! and rejects anything outside it (no relative IRIs, no generalized RDF, no RDF 1.2 triple
//! terms or base directions, which [`crate::Literal`] cannot hold). The serializer writes the
//! canonical form that RDFC-1.0 hashes and signs
//! (<https://www.w3.org/TR/rdf-canon/#canonical-quads>, which uses the RDF 1.2 N-Triples
//! canonical rules, <https://www.w3.org/TR/rdf12-n-triples/#canonical-ntriples>).

use std::fmt::Write as _;

use crate::term::{Literal, Quad, RDF_LANG_STRING, Term, XSD_STRING};

/// Default for [`NQuadsLimits::max_input_bytes`]: 16 MiB of N-Quads text.
pub const DEFAULT_MAX_NQUADS_BYTES: usize = 16 * 1024 * 1024;
/// Default for [`NQuadsLimits::max_quads`] (also the RDFC-1.0 default, see
/// [`crate::DEFAULT_MAX_QUADS`]).
pub const DEFAULT_MAX_NQUADS_QUADS: usize = crate::canon::DEFAULT_MAX_QUADS;

/// Bounds applied while parsing N-Quads. Untrusted input never makes the parser do more
/// work or hold more memory than these allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NQuadsLimits {
    /// Largest accepted input, in bytes.
    pub max_input_bytes: usize,
    /// Largest accepted number of quads (statements).
    pub max_quads: usize,
}

impl Default for NQuadsLimits {
    fn default() -> Self {
        NQuadsLimits {
            max_input_bytes: DEFAULT_MAX_NQUADS_BYTES,
            max_quads: DEFAULT_MAX_NQUADS_QUADS,
        }
    }
}

/// Why an N-Quads document was rejected. Positions are 1-based; `column` counts Unicode
/// scalar values from the start of the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NQuadsError {
    /// A token that the grammar does not allow at this point.
    #[error("line {line}, column {column}: expected {expected}, found {found}")]
    Unexpected {
        /// Line of the offending character.
        line: usize,
        /// Column of the offending character.
        column: usize,
        /// What the grammar allows here.
        expected: &'static str,
        /// What was there instead (a quoted character or "end of input").
        found: String,
    },
    /// A backslash escape that is not one of `\t \b \n \r \f \" \' \\ \uXXXX \UXXXXXXXX`
    /// (inside IRIs only `\u` and `\U` are allowed).
    #[error("line {line}, column {column}: invalid escape sequence {escape:?}")]
    InvalidEscape {
        /// Line of the backslash.
        line: usize,
        /// Column of the backslash.
        column: usize,
        /// The escape as written (possibly truncated at the end of input).
        escape: String,
    },
    /// A `\u`/`\U` escape naming a surrogate or a value above U+10FFFF.
    #[error("line {line}, column {column}: escape U+{value:04X} is not a Unicode scalar value")]
    InvalidCodePoint {
        /// Line of the backslash.
        line: usize,
        /// Column of the backslash.
        column: usize,
        /// The escaped number.
        value: u32,
    },
    /// An IRI containing a character that IRIs may not contain (space, control characters,
    /// `<>"{}|^` and backquote, backslash), written directly or through a `\u` escape.
    #[error("line {line}, column {column}: IRI contains the forbidden character {character:?}")]
    ForbiddenIriCharacter {
        /// Line of the character (or of its escape).
        line: usize,
        /// Column of the character (or of its escape).
        column: usize,
        /// The forbidden character.
        character: char,
    },
    /// An IRI without a scheme; N-Quads has no base IRI, so every IRI must be absolute.
    #[error(
        "line {line}, column {column}: IRI <{iri}> is relative (N-Quads needs absolute IRIs with a scheme)"
    )]
    RelativeIri {
        /// Line of the `<`.
        line: usize,
        /// Column of the `<`.
        column: usize,
        /// The IRI after unescaping.
        iri: String,
    },
    /// A literal, IRI or language tag that was still open at the end of the line.
    #[error("line {line}, column {column}: unterminated {what} (missing closing {close:?})")]
    Unterminated {
        /// Line where the token started.
        line: usize,
        /// Column where the token started.
        column: usize,
        /// "IRI" or "literal".
        what: &'static str,
        /// The closing character that was expected.
        close: char,
    },
    /// The input is larger than [`NQuadsLimits::max_input_bytes`].
    #[error("N-Quads input is {found} bytes, more than the limit of {limit} bytes")]
    InputTooLarge {
        /// The configured limit.
        limit: usize,
        /// The input size.
        found: usize,
    },
    /// The input has more statements than [`NQuadsLimits::max_quads`].
    #[error(
        "line {line}: more than {limit} quads (raise NQuadsLimits::max_quads if this input is trusted)"
    )]
    TooManyQuads {
        /// The configured limit.
        limit: usize,
        /// Line of the first quad over the limit.
        line: usize,
    },
}

/// Parses an N-Quads document with [`NQuadsLimits::default`]. Quads come back in document
/// order; duplicates are kept (RDFC-1.0 removes them, see [`crate::canonicalize`]).
///
/// # Errors
/// [`NQuadsError`] with the line and column of the first defect.
pub fn parse_nquads(input: &str) -> Result<Vec<Quad>, NQuadsError> {
    parse_nquads_with_limits(input, &NQuadsLimits::default())
}

/// Parses an N-Quads document under explicit limits. See [`parse_nquads`].
///
/// # Errors
/// [`NQuadsError`] with the line and column of the first defect, or the limit exceeded.
pub fn parse_nquads_with_limits(
    input: &str,
    limits: &NQuadsLimits,
) -> Result<Vec<Quad>, NQuadsError> {
    if input.len() > limits.max_input_bytes {
        return Err(NQuadsError::InputTooLarge {
            limit: limits.max_input_bytes,
            found: input.len(),
        });
    }
    let mut parser = Parser {
        src: input,
        bytes: input.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
    };
    let mut quads = Vec::new();
    loop {
        parser.skip_ws();
        match parser.peek() {
            None => break,
            Some(b'#') => parser.skip_comment(),
            Some(b'\n' | b'\r') => parser.eol(),
            Some(_) => {
                if quads.len() >= limits.max_quads {
                    return Err(NQuadsError::TooManyQuads {
                        limit: limits.max_quads,
                        line: parser.line,
                    });
                }
                quads.push(parser.statement()?);
            }
        }
    }
    Ok(quads)
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    line_start: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn column_at(&self, pos: usize) -> usize {
        self.src
            .get(self.line_start..pos)
            .map_or(1, |prefix| prefix.chars().count() + 1)
    }

    fn found_at(&self, pos: usize) -> String {
        match self.src.get(pos..).and_then(|rest| rest.chars().next()) {
            None => "end of input".to_owned(),
            Some('\n' | '\r') => "end of line".to_owned(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn unexpected(&self, expected: &'static str) -> NQuadsError {
        NQuadsError::Unexpected {
            line: self.line,
            column: self.column_at(self.pos),
            expected,
            found: self.found_at(self.pos),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) {
        while let Some(b) = self.peek() {
            if b == b'\n' || b == b'\r' {
                break;
            }
            self.pos += 1;
        }
    }

    /// Consumes one line break (`\n`, `\r` or `\r\n`).
    fn eol(&mut self) {
        if self.peek() == Some(b'\r') {
            self.pos += 1;
        }
        if self.peek() == Some(b'\n') {
            self.pos += 1;
        }
        self.line += 1;
        self.line_start = self.pos;
    }

    /// `statement ::= subject predicate object graphLabel? '.'`, then optional white space
    /// and comment, then end of line or input.
    fn statement(&mut self) -> Result<Quad, NQuadsError> {
        let subject = self.iri_or_blank_node("an IRI or blank node as subject")?;
        self.skip_ws();
        let predicate = match self.peek() {
            Some(b'<') => Term::Iri(self.iri()?),
            _ => return Err(self.unexpected("an IRI as predicate")),
        };
        self.skip_ws();
        let object = match self.peek() {
            Some(b'"') => Term::Literal(self.literal()?),
            _ => self.iri_or_blank_node("an IRI, blank node or literal as object")?,
        };
        self.skip_ws();
        let graph = match self.peek() {
            Some(b'.') => None,
            Some(b'<' | b'_') => Some(self.iri_or_blank_node("a graph label")?),
            _ => return Err(self.unexpected("a graph label or '.'")),
        };
        self.skip_ws();
        if self.peek() != Some(b'.') {
            return Err(self.unexpected("'.' at the end of the statement"));
        }
        self.pos += 1;
        self.skip_ws();
        match self.peek() {
            None | Some(b'\n' | b'\r') => {}
            Some(b'#') => self.skip_comment(),
            Some(_) => return Err(self.unexpected("end of line after '.'")),
        }
        Ok(Quad {
            subject,
            predicate,
            object,
            graph,
        })
    }

    fn iri_or_blank_node(&mut self, expected: &'static str) -> Result<Term, NQuadsError> {
        match self.peek() {
            Some(b'<') => Ok(Term::Iri(self.iri()?)),
            Some(b'_') => Ok(Term::BlankNode(self.blank_node()?)),
            _ => Err(self.unexpected(expected)),
        }
    }

    /// `IRIREF ::= '<' ([^#x00-#x20<>"{}|^`\] | UCHAR)* '>'`, and it must be absolute.
    fn iri(&mut self) -> Result<String, NQuadsError> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut chunk_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.unterminated(open, "IRI", '>'));
            };
            match b {
                b'>' => break,
                b'\\' => {
                    value.push_str(self.src.get(chunk_start..self.pos).unwrap_or_default());
                    let escape_pos = self.pos;
                    let c = self.uchar()?;
                    if is_forbidden_in_iri(c) {
                        return Err(NQuadsError::ForbiddenIriCharacter {
                            line: self.line,
                            column: self.column_at(escape_pos),
                            character: c,
                        });
                    }
                    value.push(c);
                    chunk_start = self.pos;
                }
                b'\n' | b'\r' => return Err(self.unterminated(open, "IRI", '>')),
                _ if is_forbidden_iri_byte(b) => {
                    return Err(NQuadsError::ForbiddenIriCharacter {
                        line: self.line,
                        column: self.column_at(self.pos),
                        character: char::from(b),
                    });
                }
                _ => self.pos += 1,
            }
        }
        value.push_str(self.src.get(chunk_start..self.pos).unwrap_or_default());
        self.pos += 1; // '>'
        if !has_scheme(&value) {
            return Err(NQuadsError::RelativeIri {
                line: self.line,
                column: self.column_at(open),
                iri: value,
            });
        }
        Ok(value)
    }

    fn unterminated(&self, open: usize, what: &'static str, close: char) -> NQuadsError {
        NQuadsError::Unterminated {
            line: self.line,
            column: self.column_at(open),
            what,
            close,
        }
    }

    /// `UCHAR ::= '\u' HEX{4} | '\U' HEX{8}`; `self.pos` is at the backslash.
    fn uchar(&mut self) -> Result<char, NQuadsError> {
        let start = self.pos;
        let digits = match self.bytes.get(start + 1) {
            Some(b'u') => 4,
            Some(b'U') => 8,
            _ => return Err(self.invalid_escape(start, 2)),
        };
        let hex = self
            .bytes
            .get(start + 2..start + 2 + digits)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .ok_or_else(|| self.invalid_escape(start, 2 + digits))?;
        // At most 8 hex digits, so the value fits in a u32 without overflow.
        let value = hex.iter().fold(0u32, |acc, &h| {
            (acc << 4) | char::from(h).to_digit(16).unwrap_or(0)
        });
        let c = char::from_u32(value).ok_or(NQuadsError::InvalidCodePoint {
            line: self.line,
            column: self.column_at(start),
            value,
        })?;
        self.pos = start + 2 + digits;
        Ok(c)
    }

    fn invalid_escape(&self, start: usize, len: usize) -> NQuadsError {
        let escape: String = self
            .src
            .get(start..)
            .unwrap_or_default()
            .chars()
            .take(len)
            .take_while(|c| *c != '\n' && *c != '\r')
            .collect();
        NQuadsError::InvalidEscape {
            line: self.line,
            column: self.column_at(start),
            escape,
        }
    }

    /// `BLANK_NODE_LABEL ::= '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?`;
    /// returns the label without `_:`.
    fn blank_node(&mut self) -> Result<String, NQuadsError> {
        if self.bytes.get(self.pos + 1) != Some(&b':') {
            self.pos += 1;
            return Err(self.unexpected("':' after '_' in a blank node label"));
        }
        self.pos += 2;
        let start = self.pos;
        let rest = self.src.get(start..).unwrap_or_default();
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, c)) if is_pn_chars_u(c) || c.is_ascii_digit() => {}
            _ => return Err(self.unexpected("a blank node label character")),
        }
        // Labels may contain '.' but not end with one: `_:a.` is the label "a" and a '.'.
        let mut end = rest.len();
        let mut last_non_dot = rest.chars().next().map_or(0, char::len_utf8);
        for (i, c) in chars {
            if c == '.' {
                continue;
            }
            if !is_pn_chars(c) {
                end = i;
                break;
            }
            last_non_dot = i + c.len_utf8();
        }
        let label_len = last_non_dot.min(end);
        let label = rest.get(..label_len).unwrap_or_default().to_owned();
        self.pos = start + label_len;
        Ok(label)
    }

    /// `literal ::= STRING_LITERAL_QUOTE ('^^' IRIREF | LANGTAG)?`
    fn literal(&mut self) -> Result<Literal, NQuadsError> {
        let open = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut chunk_start = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(self.unterminated(open, "literal", '"'));
            };
            match b {
                b'"' => break,
                b'\n' | b'\r' => return Err(self.unterminated(open, "literal", '"')),
                b'\\' => {
                    value.push_str(self.src.get(chunk_start..self.pos).unwrap_or_default());
                    let unescaped = match self.bytes.get(self.pos + 1) {
                        Some(b't') => Some('\t'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'n') => Some('\n'),
                        Some(b'r') => Some('\r'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'"') => Some('"'),
                        Some(b'\'') => Some('\''),
                        Some(b'\\') => Some('\\'),
                        _ => None,
                    };
                    match unescaped {
                        Some(c) => {
                            value.push(c);
                            self.pos += 2;
                        }
                        None => value.push(self.uchar()?),
                    }
                    chunk_start = self.pos;
                }
                _ => self.pos += 1,
            }
        }
        value.push_str(self.src.get(chunk_start..self.pos).unwrap_or_default());
        self.pos += 1; // closing quote
        self.skip_ws();
        match self.peek() {
            Some(b'@') => {
                let language = self.language_tag()?;
                Ok(Literal {
                    value,
                    datatype: RDF_LANG_STRING.to_owned(),
                    language: Some(language),
                })
            }
            Some(b'^') => {
                if self.bytes.get(self.pos + 1) != Some(&b'^') {
                    self.pos += 1;
                    return Err(self.unexpected("'^^' before a datatype IRI"));
                }
                self.pos += 2;
                self.skip_ws();
                if self.peek() != Some(b'<') {
                    return Err(self.unexpected("a datatype IRI after '^^'"));
                }
                let datatype = self.iri()?;
                Ok(Literal {
                    value,
                    datatype,
                    language: None,
                })
            }
            _ => Ok(Literal {
                value,
                datatype: XSD_STRING.to_owned(),
                language: None,
            }),
        }
    }

    /// `LANGTAG ::= '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*`; returns the tag without `@`.
    fn language_tag(&mut self) -> Result<String, NQuadsError> {
        self.pos += 1;
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let primary = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if primary == 0 {
            return Err(self.unexpected("a language tag after '@'"));
        }
        let mut len = primary;
        while rest.get(len) == Some(&b'-') {
            let sub = rest
                .get(len + 1..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            if sub == 0 {
                self.pos = start + len + 1;
                return Err(self.unexpected("a letter or digit after '-' in a language tag"));
            }
            len += 1 + sub;
        }
        self.pos = start + len;
        Ok(self
            .src
            .get(start..start + len)
            .unwrap_or_default()
            .to_owned())
    }
}

/// `[#x00-#x20<>"{}|^`\]`: characters an IRI may not contain, escaped or not.
pub(crate) fn is_forbidden_in_iri(c: char) -> bool {
    u8::try_from(c).is_ok_and(is_forbidden_iri_byte)
}

/// Byte form of [`is_forbidden_in_iri`]: all forbidden characters are ASCII, and bytes of
/// multi-byte UTF-8 sequences are never forbidden.
pub(crate) fn is_forbidden_iri_byte(b: u8) -> bool {
    matches!(
        b,
        0..=0x20 | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\'
    )
}

/// `scheme ":"` with `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` (RFC 3987).
pub(crate) fn has_scheme(iri: &str) -> bool {
    let mut bytes = iri.bytes();
    if !bytes.next().is_some_and(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    for b in bytes {
        match b {
            b':' => return true,
            b'+' | b'-' | b'.' => {}
            _ if b.is_ascii_alphanumeric() => {}
            _ => return false,
        }
    }
    false
}

/// `[a-zA-Z]+ ('-' [a-zA-Z0-9]+)*`
pub(crate) fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic()));
    primary_ok && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

fn is_pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}'
        | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_pn_chars_u(c: char) -> bool {
    is_pn_chars_base(c) || c == '_' || c == ':'
}

fn is_pn_chars(c: char) -> bool {
    is_pn_chars_u(c)
        || c == '-'
        || c.is_ascii_digit()
        || c == '\u{B7}'
        || ('\u{300}'..='\u{36F}').contains(&c)
        || ('\u{203F}'..='\u{2040}').contains(&c)
}

/// Appends one quad in canonical N-Quads form, including the final `" .\n"`.
///
/// Blank nodes are written with their own labels (`_:label`); IRIs are written verbatim
/// (they cannot contain characters that need escaping when they came from
/// [`parse_nquads`]; [`crate::canonicalize`] checks this for quads from elsewhere).
pub fn write_quad(out: &mut String, quad: &Quad) {
    write_term(out, &quad.subject);
    out.push(' ');
    write_term(out, &quad.predicate);
    out.push(' ');
    write_term(out, &quad.object);
    if let Some(graph) = &quad.graph {
        out.push(' ');
        write_term(out, graph);
    }
    out.push_str(" .\n");
}

/// Serializes quads in the given order, one canonical line each. For the canonical
/// (sorted, relabelled) form of a dataset use [`crate::canonicalize`].
pub fn to_nquads(quads: &[Quad]) -> String {
    let mut out = String::with_capacity(quads.len() * 96);
    for quad in quads {
        write_quad(&mut out, quad);
    }
    out
}

/// Appends one term in canonical form.
pub fn write_term(out: &mut String, term: &Term) {
    match term {
        Term::Iri(iri) => write_iri(out, iri),
        Term::BlankNode(label) => {
            out.push_str("_:");
            out.push_str(label);
        }
        Term::Literal(literal) => write_literal(out, literal),
    }
}

pub(crate) fn write_iri(out: &mut String, iri: &str) {
    out.push('<');
    out.push_str(iri);
    out.push('>');
}

/// `"value"`, `"value"@lang` or `"value"^^<datatype>`; `xsd:string` is implied, never written.
pub(crate) fn write_literal(out: &mut String, literal: &Literal) {
    out.push('"');
    write_escaped(out, &literal.value);
    out.push('"');
    if let Some(language) = &literal.language {
        out.push('@');
        out.push_str(language);
    } else if literal.datatype != XSD_STRING {
        out.push_str("^^");
        write_iri(out, &literal.datatype);
    }
}

/// Whether `matches` (returning 0 or 1) holds for any byte. Written branch-free over
/// 64-byte blocks, a long tail padded with a byte `matches` rejects, so that the compiler
/// vectorizes it: validating IRIs and scanning literals for escapes on every call is on
/// the canonicalization hot path, and a per-byte loop cost a fifth of a credential's time.
#[inline]
pub(crate) fn any_byte(bytes: &[u8], matches: impl Fn(u8) -> u8 + Copy) -> bool {
    const BLOCK: usize = 64;
    let block = |chunk: &[u8; BLOCK]| chunk.iter().fold(0u8, |m, &b| m | matches(b));
    let chunks = bytes.chunks_exact(BLOCK);
    let remainder = chunks.remainder();
    let body = chunks.fold(0u8, |m, chunk| {
        m | <&[u8; BLOCK]>::try_from(chunk).map_or(1, block)
    });
    let tail = if remainder.len() < 16 {
        remainder.iter().fold(0u8, |m, &b| m | matches(b))
    } else {
        let mut padded = [b'a'; BLOCK];
        if let Some(head) = padded.get_mut(..remainder.len()) {
            head.copy_from_slice(remainder);
        }
        block(&padded)
    };
    (body | tail) != 0
}

/// The canonical literal escapes: `\b \t \n \f \r \" \\` as ECHAR, the other characters in
/// U+0000–U+001F and U+007F as `\uXXXX` with upper-case hex, everything else verbatim.
fn write_escaped(out: &mut String, value: &str) {
    let bytes = value.as_bytes();
    if !any_byte(bytes, |b| {
        u8::from(b < 0x20) | u8::from(b == 0x7f) | u8::from(b == b'"') | u8::from(b == b'\\')
    }) {
        out.push_str(value);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !matches!(b, 0..=0x1f | 0x7f | b'"' | b'\\') {
            continue;
        }
        // `i` is at an ASCII byte, so both slice ends are character boundaries.
        out.push_str(value.get(start..i).unwrap_or_default());
        start = i + 1;
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                let _ = write!(out, "\\u{b:04X}");
            }
        }
    }
    out.push_str(value.get(start..).unwrap_or_default());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Quad {
        let quads = parse_nquads(line).unwrap();
        assert_eq!(quads.len(), 1, "{line}");
        quads.into_iter().next().unwrap()
    }

    #[test]
    fn parses_all_term_kinds_and_graphs() {
        let q = one("<http://a/s> <http://a/p> \"v\"@en-GB _:g1 .");
        assert_eq!(q.subject, Term::Iri("http://a/s".into()));
        assert_eq!(
            q.object,
            Term::Literal(Literal {
                value: "v".into(),
                datatype: RDF_LANG_STRING.into(),
                language: Some("en-GB".into())
            })
        );
        assert_eq!(q.graph, Some(Term::BlankNode("g1".into())));
        let q = one("_:b.1.x <http://a/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer>.");
        assert_eq!(q.subject, Term::BlankNode("b.1.x".into()));
        let q = one("<a:s><a:p>_:o.");
        assert_eq!(q.object, Term::BlankNode("o".into()));
        assert_eq!(q.graph, None);
    }

    #[test]
    fn unescapes_literals_and_iris() {
        let q = one(r#"<a:s> <a:\u0070> "\t\b\n\r\f\"\'\\\u00e9\U0001F303" ."#);
        assert_eq!(q.predicate, Term::Iri("a:p".into()));
        let Term::Literal(l) = q.object else { panic!() };
        assert_eq!(l.value, "\t\u{8}\n\r\u{c}\"'\\é🌃");
        assert_eq!(l.datatype, XSD_STRING);
    }

    #[test]
    fn comments_blank_lines_and_line_endings() {
        let quads =
            parse_nquads("# head\r\n\r\n<a:s> <a:p> <a:o> . # tail\r<a:s> <a:p> \"#\" .\n\n")
                .unwrap();
        assert_eq!(quads.len(), 2);
    }

    #[test]
    fn rejects_with_position() {
        let cases: &[(&str, usize, usize)] = &[
            ("<a:s> <a:p> <a:o>", 1, 18),
            ("\n<a:s> <a:p> <a:o> . x", 2, 21),
            ("<a:s> _:p <a:o> .", 1, 7),
            ("\"s\" <a:p> <a:o> .", 1, 1),
            ("<a:s> <a:p> \"x\\q\" .", 1, 15),
            ("<a:s> <a:p> <rel> .", 1, 13),
            ("<a:s> <a:p> <a:o o> .", 1, 17),
            ("<a:s> <a:p> <a:\\u0020> .", 1, 16),
            ("<a:s> <a:p> \"x\"@ .", 1, 17),
            ("<a:s> <a:p> \"x\"@en- .", 1, 20),
            ("<a:s> <a:p> \"é\\uD800\" .", 1, 15),
            ("<a:s> <a:p> \"open .", 1, 13),
            ("<a:s> <a:p> <a:o> <a:g> <a:h> .", 1, 25),
            ("<a:s> <a:p> _:. .", 1, 15),
            ("<a:s> <a:p> \"x\"^<a:t> .", 1, 17),
        ];
        for (input, line, column) in cases {
            let err = parse_nquads(input).unwrap_err();
            let got = match &err {
                NQuadsError::Unexpected { line, column, .. }
                | NQuadsError::InvalidEscape { line, column, .. }
                | NQuadsError::InvalidCodePoint { line, column, .. }
                | NQuadsError::ForbiddenIriCharacter { line, column, .. }
                | NQuadsError::RelativeIri { line, column, .. }
                | NQuadsError::Unterminated { line, column, .. } => (*line, *column),
                other => panic!("{other}"),
            };
            assert_eq!(got, (*line, *column), "{input}: {err}");
        }
    }

    #[test]
    fn limits() {
        let limits = NQuadsLimits {
            max_input_bytes: 100,
            max_quads: 1,
        };
        let two = "<a:s> <a:p> <a:o> .\n<a:s> <a:p> <a:o2> .\n";
        assert_eq!(
            parse_nquads_with_limits(two, &limits),
            Err(NQuadsError::TooManyQuads { limit: 1, line: 2 })
        );
        let big = "#".repeat(101);
        assert!(matches!(
            parse_nquads_with_limits(&big, &limits),
            Err(NQuadsError::InputTooLarge {
                limit: 100,
                found: 101
            })
        ));
    }

    #[test]
    fn canonical_escapes_round_trip() {
        let value: String = (0u8..0x80).map(char::from).chain("é🌃".chars()).collect();
        let quad = Quad {
            subject: Term::BlankNode("b0".into()),
            predicate: Term::Iri("a:p".into()),
            object: Term::Literal(Literal {
                value: value.clone(),
                datatype: XSD_STRING.into(),
                language: None,
            }),
            graph: Some(Term::Iri("a:g".into())),
        };
        let text = to_nquads(std::slice::from_ref(&quad));
        assert!(text.starts_with(
            "_:b0 <a:p> \"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000B\\f\\r\\u000E"
        ));
        assert!(text.ends_with("\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\\u007Fé🌃\" <a:g> .\n"));
        assert_eq!(parse_nquads(&text).unwrap(), vec![quad]);
    }

    #[test]
    fn datatype_written_unless_xsd_string() {
        let text = "<a:s> <a:p> \"1\"^^<http://www.w3.org/2001/XMLSchema#string> .\n<a:s> <a:p> \"1\"^^<a:int> .\n<a:s> <a:p> \"1\"@EN .\n";
        let quads = parse_nquads(text).unwrap();
        assert_eq!(
            to_nquads(&quads),
            "<a:s> <a:p> \"1\" .\n<a:s> <a:p> \"1\"^^<a:int> .\n<a:s> <a:p> \"1\"@EN .\n"
        );
    }
}
