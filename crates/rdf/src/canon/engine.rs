//! The RDFC-1.0 algorithm itself, over dense blank-node indices (see the parent module
//! for the public API and the reasons for this shape).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use sha2::Digest as _;

use super::{CanonError, CanonOptions, HashAlgorithm};
use crate::nquads::{any_byte, has_scheme, is_language_tag, write_iri, write_literal};
use crate::term::{Quad, Term};

/// "No blank node here" in a slot, "not issued" in an identifier table.
const NONE: u32 = u32::MAX;

/// A digest, zero-padded to the longest supported output (SHA-384). Padding is equal for
/// all digests of a run, so comparing arrays compares digests.
type HashBytes = [u8; 48];

/// What one run produced, borrowing labels from the input.
pub(super) struct Run<'a> {
    /// Equal quads were given (seen as equal adjacent output lines, which costs nothing
    /// when there are none).
    pub(super) had_duplicates: bool,
    pub(super) nquads: String,
    /// Input quad index of each output line, in output order.
    pub(super) line_quads: Vec<u32>,
    /// Blank node index of subject, object and graph of each quad.
    pub(super) slots: Vec<[u32; 3]>,
    pub(super) labels: Vec<&'a str>,
    pub(super) canon_ids: Vec<u32>,
    /// Blank node indices in canonical issue order.
    pub(super) issued: Vec<u32>,
}

/// Incremental hashing over the selected algorithm.
enum Digester {
    Sha256(sha2::Sha256),
    Sha384(sha2::Sha384),
}

impl Digester {
    fn new(algorithm: HashAlgorithm) -> Self {
        match algorithm {
            HashAlgorithm::Sha256 => Digester::Sha256(sha2::Sha256::new()),
            HashAlgorithm::Sha384 => Digester::Sha384(sha2::Sha384::new()),
        }
    }

    fn update(&mut self, data: &[u8]) {
        match self {
            Digester::Sha256(h) => h.update(data),
            Digester::Sha384(h) => h.update(data),
        }
    }

    fn finish(self) -> HashBytes {
        let mut out = [0u8; 48];
        match self {
            Digester::Sha256(h) => {
                for (o, b) in out.iter_mut().zip(h.finalize()) {
                    *o = b;
                }
            }
            Digester::Sha384(h) => {
                for (o, b) in out.iter_mut().zip(h.finalize()) {
                    *o = b;
                }
            }
        }
        out
    }
}

/// Lower-case hex of the first `len` bytes of `hash`, into a stack buffer.
fn hex(hash: &HashBytes, len: usize) -> ([u8; 96], usize) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 96];
    for (pair, &b) in out.chunks_exact_mut(2).zip(hash.iter().take(len)) {
        if let [hi, lo] = pair {
            *hi = DIGITS.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            *lo = DIGITS.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
        }
    }
    (out, len * 2)
}

/// Decimal digits of `n` into a stack buffer (labels are written millions of times in a
/// benchmark; `format!` would allocate each time).
fn decimal(mut n: u32) -> ([u8; 10], usize) {
    let mut buf = [0u8; 10];
    let mut start = buf.len();
    loop {
        start -= 1;
        if let Some(d) = buf.get_mut(start) {
            // `n % 10` is a single digit.
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || start == 0 {
            break;
        }
    }
    let len = buf.len() - start;
    buf.rotate_left(start);
    (buf, len)
}

fn push_decimal(out: &mut String, n: u32) {
    let (buf, len) = decimal(n);
    out.push_str(std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default());
}

/// FNV-1a: blank-node labels are short and attacker-chosen collisions only cost time
/// bounded by `max_blank_nodes`; SipHash would dominate the label lookup otherwise.
#[derive(Default)]
struct FnvHasher(u64);

impl Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Blank-node label → dense index. Credentials have a handful of blank nodes, for which a
/// linear scan beats hashing; past `LINEAR` labels a map takes over.
#[derive(Default)]
struct LabelIds<'a> {
    labels: Vec<&'a str>,
    map: HashMap<&'a str, u32, BuildHasherDefault<FnvHasher>>,
}

impl<'a> LabelIds<'a> {
    const LINEAR: usize = 16;

    fn get(&self, label: &str) -> Option<u32> {
        if self.labels.len() <= Self::LINEAR {
            self.labels
                .iter()
                .position(|l| *l == label)
                .map(|i| i as u32)
        } else {
            self.map.get(label).copied()
        }
    }

    fn insert(&mut self, label: &'a str) -> u32 {
        let id = self.labels.len() as u32;
        self.labels.push(label);
        if self.labels.len() == Self::LINEAR + 1 {
            self.map = self.labels.iter().copied().zip(0..).collect();
        } else if self.labels.len() > Self::LINEAR {
            self.map.insert(label, id);
        }
        id
    }
}

/// Upper estimate of a quad's canonical line length (escapes aside).
fn serialized_estimate(quad: &Quad) -> usize {
    let term = |t: &Term| match t {
        Term::Iri(iri) => iri.len() + 2,
        Term::BlankNode(_) => 12,
        Term::Literal(l) => l.value.len() + l.datatype.len() + 6,
    };
    term(&quad.subject)
        + term(&quad.predicate)
        + term(&quad.object)
        + quad.graph.as_ref().map_or(0, term)
        + 6
}

/// A temporary identifier issuer (prefix `b`): the identifier of a blank node is its
/// position in `issued`.
#[derive(Clone, Default)]
struct Issuer {
    issued: Vec<u32>,
}

impl Issuer {
    fn get(&self, bnode: u32) -> Option<u32> {
        self.issued
            .iter()
            .position(|&b| b == bnode)
            .map(|i| i as u32)
    }

    fn issue(&mut self, bnode: u32) -> u32 {
        if let Some(id) = self.get(bnode) {
            return id;
        }
        self.issued.push(bnode);
        (self.issued.len() - 1) as u32
    }
}

pub(super) struct Engine<'a> {
    quads: &'a [Quad],
    options: &'a CanonOptions,
    slots: Vec<[u32; 3]>,
    labels: Vec<&'a str>,
    /// Quads mentioning blank node `b` are `mentions[offsets[b]..offsets[b + 1]]`.
    offsets: Vec<u32>,
    mentions: Vec<u32>,
    first_degree: Vec<HashBytes>,
    canon_ids: Vec<u32>,
    issued: Vec<u32>,
    hndq_calls: usize,
    permutations: usize,
    /// Rank of each blank node's label in code point order, for the permutation order;
    /// computed on the first Hash N-Degree Quads call.
    label_rank: Vec<u32>,
    /// The inverse of `label_rank`.
    rank_bnode: Vec<u32>,
    /// About the length of the canonical text, to size buffers once.
    text_estimate: usize,
}

impl<'a> Engine<'a> {
    /// Duplicate output lines are dropped and flagged in [`Run::had_duplicates`]: the
    /// hashes were then computed over a multiset and the caller must run again on the
    /// deduplicated quads.
    pub(super) fn run(quads: &'a [Quad], options: &'a CanonOptions) -> Result<Run<'a>, CanonError> {
        if quads.len() > options.max_quads || quads.len() >= NONE as usize {
            return Err(CanonError::TooManyQuads {
                limit: options.max_quads,
                found: quads.len(),
            });
        }
        let mut engine = Engine::index(quads, options)?;
        let n = engine.labels.len();

        // Step 3: first-degree hashes, into one reused buffer.
        let mut buf = String::with_capacity(engine.text_estimate);
        let mut lines: Vec<(usize, usize, u32)> = Vec::with_capacity(quads.len());
        engine.first_degree = (0..n as u32)
            .map(|b| engine.hash_first_degree_quads(b, &mut buf, &mut lines))
            .collect();

        // Steps 4 and 5 visit hashes in order; a stable sort keeps ties in order of first
        // appearance, which is the order the reference implementation issues them in.
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by(|&a, &b| engine.fd(a).cmp(engine.fd(b)));
        let groups = group_bounds(&order, |&b| *engine.fd(b));
        for &(start, end) in &groups {
            if end - start == 1
                && let Some(&b) = order.get(start)
            {
                engine.issue_canonical(b);
            }
        }
        for &(start, end) in &groups {
            if end - start > 1 {
                engine.canonicalize_tied(order.get(start..end).unwrap_or_default())?;
            }
        }

        // Step 6: serialize with canonical labels, sort lines. Each label is formatted
        // once into `names`, not once per occurrence.
        let mut names = String::with_capacity(n * 8);
        let mut name_ends = Vec::with_capacity(n);
        for &id in &engine.canon_ids {
            names.push_str("_:c14n");
            push_decimal(&mut names, id);
            name_ends.push(names.len());
        }
        let name = |b: u32| {
            let b = b as usize;
            let start = match b.checked_sub(1) {
                Some(previous) => name_ends.get(previous).copied().unwrap_or(0),
                None => 0,
            };
            let end = name_ends.get(b).copied().unwrap_or(start);
            names.get(start..end).unwrap_or_default()
        };
        buf.clear();
        lines.clear();
        for q in 0..quads.len() as u32 {
            let start = buf.len();
            engine.write_quad(&mut buf, q, |out, b| out.push_str(name(b)));
            lines.push((start, buf.len(), q));
        }
        let line_of = |&(s, e, _): &(usize, usize, u32)| buf.get(s..e).unwrap_or_default();
        lines.sort_unstable_by(|a, b| line_of(a).cmp(line_of(b)));
        let mut nquads = String::with_capacity(buf.len());
        let mut line_quads = Vec::with_capacity(lines.len());
        let mut previous: Option<&str> = None;
        let mut had_duplicates = false;
        for line in &lines {
            let text = line_of(line);
            if previous == Some(text) {
                had_duplicates = true;
                continue;
            }
            previous = Some(text);
            nquads.push_str(text);
            line_quads.push(line.2);
        }
        Ok(Run {
            had_duplicates,
            nquads,
            line_quads,
            slots: engine.slots,
            labels: engine.labels,
            canon_ids: engine.canon_ids,
            issued: engine.issued,
        })
    }

    /// Step 2: validates terms, numbers blank nodes by first appearance and builds the
    /// blank node to quads map.
    fn index(quads: &'a [Quad], options: &'a CanonOptions) -> Result<Self, CanonError> {
        let mut ids = LabelIds::default();
        let mut text_estimate = 0usize;
        let mut counts: Vec<u32> = Vec::new();
        let mut slots = Vec::with_capacity(quads.len());
        for (quad_index, quad) in quads.iter().enumerate() {
            validate_quad(quad_index, quad)?;
            text_estimate += serialized_estimate(quad);
            let terms = [Some(&quad.subject), Some(&quad.object), quad.graph.as_ref()];
            let mut slot = [NONE; 3];
            for (s, term) in slot.iter_mut().zip(terms) {
                let Some(Term::BlankNode(label)) = term else {
                    continue;
                };
                let id = match ids.get(label) {
                    Some(id) => id,
                    None => {
                        if ids.labels.len() >= options.max_blank_nodes {
                            return Err(CanonError::TooManyBlankNodes {
                                limit: options.max_blank_nodes,
                            });
                        }
                        counts.push(0);
                        ids.insert(label)
                    }
                };
                *s = id;
            }
            // A quad is listed once per blank node even if it names the node twice.
            for (i, &b) in slot.iter().enumerate() {
                if b != NONE
                    && !slot.get(..i).unwrap_or_default().contains(&b)
                    && let Some(c) = counts.get_mut(b as usize)
                {
                    *c += 1;
                }
            }
            slots.push(slot);
        }
        let labels = ids.labels;
        let mut offsets = Vec::with_capacity(labels.len() + 1);
        let mut total = 0u32;
        offsets.push(0);
        for c in &counts {
            total += c;
            offsets.push(total);
        }
        let mut fill: Vec<u32> = offsets.clone();
        let mut mentions = vec![0u32; total as usize];
        for (q, slot) in slots.iter().enumerate() {
            for (i, &b) in slot.iter().enumerate() {
                if b == NONE || slot.get(..i).unwrap_or_default().contains(&b) {
                    continue;
                }
                if let Some(f) = fill.get_mut(b as usize) {
                    if let Some(m) = mentions.get_mut(*f as usize) {
                        *m = q as u32;
                    }
                    *f += 1;
                }
            }
        }
        let n = labels.len();
        Ok(Engine {
            quads,
            options,
            slots,
            labels,
            offsets,
            mentions,
            first_degree: Vec::new(),
            canon_ids: vec![NONE; n],
            issued: Vec::with_capacity(n),
            hndq_calls: 0,
            permutations: 0,
            label_rank: Vec::new(),
            rank_bnode: Vec::new(),
            text_estimate,
        })
    }

    fn fd(&self, bnode: u32) -> &HashBytes {
        const ZERO: HashBytes = [0; 48];
        self.first_degree.get(bnode as usize).unwrap_or(&ZERO)
    }

    fn mentions_of(&self, bnode: u32) -> &[u32] {
        let b = bnode as usize;
        match (self.offsets.get(b), self.offsets.get(b + 1)) {
            (Some(&s), Some(&e)) => self
                .mentions
                .get(s as usize..e as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    fn canon_id(&self, bnode: u32) -> u32 {
        self.canon_ids.get(bnode as usize).copied().unwrap_or(NONE)
    }

    /// Issue Identifier on the canonical issuer (prefix `c14n`).
    fn issue_canonical(&mut self, bnode: u32) {
        let next = self.issued.len() as u32;
        if let Some(id) = self.canon_ids.get_mut(bnode as usize)
            && *id == NONE
        {
            *id = next;
            self.issued.push(bnode);
        }
    }

    /// Writes quad `q` in canonical form, blank nodes through `blank`.
    fn write_quad(&self, out: &mut String, q: u32, blank: impl Fn(&mut String, u32)) {
        let (Some(quad), Some(slot)) = (
            self.quads.get(q as usize),
            self.slots.get(q as usize).copied(),
        ) else {
            return;
        };
        let term = |out: &mut String, term: &Term, b: u32| match term {
            Term::BlankNode(_) => blank(out, b),
            Term::Iri(iri) => write_iri(out, iri),
            Term::Literal(literal) => write_literal(out, literal),
        };
        term(out, &quad.subject, slot[0]);
        out.push(' ');
        term(out, &quad.predicate, NONE);
        out.push(' ');
        term(out, &quad.object, slot[1]);
        if let Some(graph) = &quad.graph {
            out.push(' ');
            term(out, graph, slot[2]);
        }
        out.push_str(" .\n");
    }

    /// Hash First Degree Quads (<https://www.w3.org/TR/rdf-canon/#hash-1d-quads>): the
    /// node's quads with itself as `_:a` and other blank nodes as `_:z`, sorted, hashed.
    fn hash_first_degree_quads(
        &self,
        bnode: u32,
        buf: &mut String,
        lines: &mut Vec<(usize, usize, u32)>,
    ) -> HashBytes {
        buf.clear();
        lines.clear();
        for &q in self.mentions_of(bnode) {
            let start = buf.len();
            self.write_quad(buf, q, |out, b| {
                out.push_str(if b == bnode { "_:a" } else { "_:z" });
            });
            lines.push((start, buf.len(), q));
        }
        let mut digester = Digester::new(self.options.hash);
        let line_of = |&(s, e, _): &(usize, usize, u32)| buf.get(s..e).unwrap_or_default();
        if lines.len() > 1 {
            lines.sort_unstable_by(|a, b| line_of(a).cmp(line_of(b)));
        }
        for line in lines.iter() {
            digester.update(line_of(line).as_bytes());
        }
        digester.finish()
    }

    /// Step 5 for one group of blank nodes sharing a first-degree hash.
    fn canonicalize_tied(&mut self, group: &[u32]) -> Result<(), CanonError> {
        let mut hash_path_list: Vec<(HashBytes, Issuer)> = Vec::with_capacity(group.len());
        for &b in group {
            if self.canon_id(b) != NONE {
                continue;
            }
            let mut issuer = Issuer::default();
            issuer.issue(b);
            hash_path_list.push(self.hash_n_degree_quads(b, issuer, 0)?);
        }
        hash_path_list.sort_by_key(|a| a.0);
        for (_, issuer) in hash_path_list {
            for b in issuer.issued {
                self.issue_canonical(b);
            }
        }
        Ok(())
    }

    /// Hash Related Blank Node (<https://www.w3.org/TR/rdf-canon/#hash-related-blank-node>).
    fn hash_related_blank_node(
        &self,
        related: u32,
        q: u32,
        issuer: &Issuer,
        position: usize,
    ) -> HashBytes {
        let mut d = Digester::new(self.options.hash);
        d.update(match position {
            0 => b"s",
            1 => b"o",
            _ => b"g",
        });
        if position != 2
            && let Some(Term::Iri(predicate)) = self.quads.get(q as usize).map(|q| &q.predicate)
        {
            d.update(b"<");
            d.update(predicate.as_bytes());
            d.update(b">");
        }
        let canon = self.canon_id(related);
        let (prefix, id) = if canon != NONE {
            (&b"_:c14n"[..], Some(canon))
        } else {
            (&b"_:b"[..], issuer.get(related))
        };
        match id {
            Some(id) => {
                let (digits, len) = decimal(id);
                d.update(prefix);
                d.update(digits.get(..len).unwrap_or_default());
            }
            None => {
                let (text, len) = hex(self.fd(related), self.options.hash.output_len());
                d.update(text.get(..len).unwrap_or_default());
            }
        }
        d.finish()
    }

    fn ensure_label_rank(&mut self) {
        if !self.label_rank.is_empty() || self.labels.is_empty() {
            return;
        }
        let mut by_label: Vec<u32> = (0..self.labels.len() as u32).collect();
        let labels = &self.labels;
        by_label.sort_by_key(|&b| labels.get(b as usize).copied().unwrap_or_default());
        self.label_rank = vec![0; labels.len()];
        for (rank, &b) in by_label.iter().enumerate() {
            if let Some(r) = self.label_rank.get_mut(b as usize) {
                *r = rank as u32;
            }
        }
        self.rank_bnode = by_label;
    }

    /// Hash N-Degree Quads (<https://www.w3.org/TR/rdf-canon/#hash-nd-quads>), with every
    /// call and permutation counted against the options.
    fn hash_n_degree_quads(
        &mut self,
        bnode: u32,
        mut issuer: Issuer,
        depth: usize,
    ) -> Result<(HashBytes, Issuer), CanonError> {
        self.hndq_calls += 1;
        if self.hndq_calls > self.options.max_hndq_calls {
            return Err(CanonError::HndqCallLimitExceeded {
                limit: self.options.max_hndq_calls,
            });
        }
        if depth > self.options.max_hndq_depth {
            return Err(CanonError::HndqDepthLimitExceeded {
                limit: self.options.max_hndq_depth,
            });
        }
        self.ensure_label_rank();
        let alg = self.options.hash;

        // Steps 1–3: related blank nodes by the hash of how they relate.
        let mut related: Vec<(HashBytes, u32)> = Vec::new();
        for &q in self.mentions_of(bnode) {
            let slot = self.slots.get(q as usize).copied().unwrap_or([NONE; 3]);
            for (position, &b) in slot.iter().enumerate() {
                if b != NONE && b != bnode {
                    related.push((self.hash_related_blank_node(b, q, &issuer, position), b));
                }
            }
        }
        related.sort_by_key(|a| a.0);

        // Step 5: for each related hash in order, the lexicographically least path.
        let mut data_to_hash = Digester::new(alg);
        let mut path = String::new();
        let mut chosen_path = String::new();
        let mut recursion_list: Vec<u32> = Vec::new();
        let mut permutation: Vec<u32> = Vec::new();
        for (start, end) in group_bounds(&related, |r| r.0) {
            let group = related.get(start..end).unwrap_or_default();
            let Some(&(related_hash, _)) = group.first() else {
                continue;
            };
            let (text, len) = hex(&related_hash, alg.output_len());
            data_to_hash.update(text.get(..len).unwrap_or_default());

            let ranks: Vec<u32> = group
                .iter()
                .map(|&(_, b)| self.label_rank.get(b as usize).copied().unwrap_or(0))
                .collect();
            let mut permuter = Permuter::new(ranks);
            let remaining = self
                .options
                .max_permutations
                .saturating_sub(self.permutations);
            if permuter.distinct && factorial_exceeds(group.len(), remaining) {
                return Err(CanonError::PermutationLimitExceeded {
                    limit: self.options.max_permutations,
                });
            }
            chosen_path.clear();
            let mut chosen_issuer: Option<Issuer> = None;
            while permuter.next_into(&mut permutation) {
                self.permutations += 1;
                if self.permutations > self.options.max_permutations {
                    return Err(CanonError::PermutationLimitExceeded {
                        limit: self.options.max_permutations,
                    });
                }
                let mut issuer_copy = issuer.clone();
                path.clear();
                recursion_list.clear();
                let worse = |path: &String, chosen: &String| {
                    !chosen.is_empty() && path.len() >= chosen.len() && path > chosen
                };
                let mut skipped = false;
                for &rank in &permutation {
                    let Some(&b) = self.rank_to_bnode(rank) else {
                        continue;
                    };
                    let canon = self.canon_id(b);
                    if canon != NONE {
                        path.push_str("_:c14n");
                        push_decimal(&mut path, canon);
                    } else {
                        if issuer_copy.get(b).is_none() {
                            recursion_list.push(b);
                        }
                        path.push_str("_:b");
                        push_decimal(&mut path, issuer_copy.issue(b));
                    }
                    if worse(&path, &chosen_path) {
                        skipped = true;
                        break;
                    }
                }
                if skipped {
                    continue;
                }
                for &b in &recursion_list {
                    let (hash, result_issuer) =
                        self.hash_n_degree_quads(b, issuer_copy, depth + 1)?;
                    issuer_copy = result_issuer;
                    path.push_str("_:b");
                    push_decimal(&mut path, issuer_copy.issue(b));
                    path.push('<');
                    let (text, len) = hex(&hash, alg.output_len());
                    path.push_str(
                        std::str::from_utf8(text.get(..len).unwrap_or_default())
                            .unwrap_or_default(),
                    );
                    path.push('>');
                    if worse(&path, &chosen_path) {
                        skipped = true;
                        break;
                    }
                }
                if skipped {
                    continue;
                }
                if chosen_path.is_empty() || path < chosen_path {
                    std::mem::swap(&mut chosen_path, &mut path);
                    chosen_issuer = Some(issuer_copy);
                }
            }
            data_to_hash.update(chosen_path.as_bytes());
            if let Some(chosen) = chosen_issuer {
                issuer = chosen;
            }
        }
        Ok((data_to_hash.finish(), issuer))
    }

    fn rank_to_bnode(&self, rank: u32) -> Option<&u32> {
        self.rank_bnode.get(rank as usize)
    }
}

/// `(start, end)` of each run of equal keys in `items`.
fn group_bounds<T, K: PartialEq>(items: &[T], key: impl Fn(&T) -> K) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut start = 0;
    while let Some(first) = items.get(start) {
        let k = key(first);
        let len = items
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|item| key(item) == k)
            .count();
        groups.push((start, start + len));
        start += len.max(1);
    }
    groups
}

/// Whether `n!` is larger than `limit`.
fn factorial_exceeds(n: usize, limit: usize) -> bool {
    let mut product: usize = 1;
    for i in 2..=n {
        product = match product.checked_mul(i) {
            Some(p) if p <= limit => p,
            _ => return true,
        };
    }
    product > limit
}

/// Permutations in the order of the reference implementation (rdf-canonize's
/// Steinhaus–Johnson–Trotter `Permuter`, starting from the list sorted by label). The
/// specification leaves the order open; it decides which of several equally good issuers
/// is kept, which shows in the issued identifiers map of symmetric datasets.
struct Permuter {
    current: Vec<u32>,
    /// Direction of each distinct element, `true` = looking left. Kept per element value
    /// like the reference (a map keyed by element), which matters only for duplicates.
    dirs: Vec<(u32, bool)>,
    done: bool,
    /// No element occurs twice (then there are exactly `len!` permutations).
    distinct: bool,
}

impl Permuter {
    fn new(mut list: Vec<u32>) -> Self {
        list.sort_unstable();
        let mut dirs: Vec<(u32, bool)> = list.iter().map(|&e| (e, true)).collect();
        dirs.dedup_by_key(|d| d.0);
        let distinct = dirs.len() == list.len();
        Permuter {
            current: list,
            dirs,
            done: false,
            distinct,
        }
    }

    fn looks_left(&self, element: u32) -> bool {
        self.dirs
            .iter()
            .find(|d| d.0 == element)
            .is_none_or(|d| d.1)
    }

    /// Copies the current permutation into `out` and advances; `false` when exhausted.
    fn next_into(&mut self, out: &mut Vec<u32>) -> bool {
        if self.done {
            return false;
        }
        out.clear();
        out.extend_from_slice(&self.current);
        self.advance();
        true
    }

    fn advance(&mut self) {
        // The largest mobile element: larger than the neighbour it looks at.
        let mut mobile: Option<(u32, usize)> = None;
        for (i, &element) in self.current.iter().enumerate() {
            let left = self.looks_left(element);
            let neighbour = if left {
                i.checked_sub(1).and_then(|j| self.current.get(j))
            } else {
                self.current.get(i + 1)
            };
            if neighbour.is_some_and(|&n| element > n)
                && mobile.is_none_or(|(largest, _)| element > largest)
            {
                mobile = Some((element, i));
            }
        }
        let Some((k, pos)) = mobile else {
            self.done = true;
            return;
        };
        let target = if self.looks_left(k) {
            pos.checked_sub(1)
        } else {
            Some(pos + 1)
        };
        if let Some(target) = target.filter(|&t| t < self.current.len()) {
            self.current.swap(pos, target);
        }
        for i in 0..self.current.len() {
            let Some(&element) = self.current.get(i) else {
                continue;
            };
            if element > k
                && let Some(d) = self.dirs.iter_mut().find(|d| d.0 == element)
            {
                d.1 = !d.1;
            }
        }
    }
}

/// Rejects quads that are not RDF or could not be serialized unambiguously. Strictness
/// here is a security property: an IRI holding `> <` or a newline could make two different
/// datasets produce the same canonical text, and so the same signature.
pub(super) fn validate_quad(quad_index: usize, quad: &Quad) -> Result<(), CanonError> {
    let not_allowed = |position, found| CanonError::TermNotAllowed {
        quad_index,
        position,
        found,
    };
    let iri = |position: &'static str, iri: &str| {
        if is_valid_iri(iri) {
            Ok(())
        } else {
            Err(CanonError::InvalidIri {
                quad_index,
                position,
                iri: iri.to_owned(),
            })
        }
    };
    match &quad.subject {
        Term::Iri(i) => iri("subject", i)?,
        Term::BlankNode(_) => {}
        Term::Literal(_) => return Err(not_allowed("subject", "a literal")),
    }
    match &quad.predicate {
        Term::Iri(i) => iri("predicate", i)?,
        Term::BlankNode(_) => return Err(not_allowed("predicate", "a blank node")),
        Term::Literal(_) => return Err(not_allowed("predicate", "a literal")),
    }
    match &quad.object {
        Term::Iri(i) => iri("object", i)?,
        Term::BlankNode(_) => {}
        Term::Literal(literal) => match &literal.language {
            Some(tag) if !is_language_tag(tag) => {
                return Err(CanonError::InvalidLanguageTag {
                    quad_index,
                    tag: tag.clone(),
                });
            }
            Some(_) => {}
            None => iri("datatype", &literal.datatype)?,
        },
    }
    match &quad.graph {
        None | Some(Term::BlankNode(_)) => {}
        Some(Term::Iri(i)) => iri("graph", i)?,
        Some(Term::Literal(_)) => return Err(not_allowed("graph", "a literal")),
    }
    Ok(())
}

fn is_valid_iri(iri: &str) -> bool {
    has_scheme(iri) && !has_forbidden_iri_byte(iri.as_bytes())
}

fn has_forbidden_iri_byte(bytes: &[u8]) -> bool {
    // The set `[#x00-#x20<>"{}|^`\]` in few vector operations: `<>` are 0x3C/0x3E,
    // `\^` are 0x5C/0x5E, `{|}` are 0x7B..=0x7D.
    any_byte(bytes, |b| {
        u8::from(b <= 0x20)
            | u8::from(b == b'"')
            | u8::from(b | 2 == b'>')
            | u8::from(b | 2 == b'^')
            | u8::from(b == b'`')
            | u8::from(b.wrapping_sub(b'{') < 3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permutations_follow_the_reference_order() {
        let mut permuter = Permuter::new(vec![2, 0, 1]);
        let mut out = Vec::new();
        let mut seen = Vec::new();
        while permuter.next_into(&mut out) {
            seen.push(out.clone());
        }
        assert_eq!(
            seen,
            [
                [0, 1, 2],
                [0, 2, 1],
                [2, 0, 1],
                [2, 1, 0],
                [1, 2, 0],
                [1, 0, 2]
            ]
        );
        let mut single = Permuter::new(vec![7]);
        assert!(single.next_into(&mut out) && out == [7]);
        assert!(!single.next_into(&mut out));
    }

    #[test]
    fn factorial_bound() {
        assert!(!factorial_exceeds(0, 1));
        assert!(!factorial_exceeds(5, 120));
        assert!(factorial_exceeds(5, 119));
        assert!(factorial_exceeds(200, usize::MAX));
    }

    #[test]
    fn decimal_and_hex() {
        for n in [0u32, 7, 10, 12345, u32::MAX] {
            let (buf, len) = decimal(n);
            assert_eq!(&buf[..len], n.to_string().as_bytes());
        }
        let mut hash = [0u8; 48];
        hash[0] = 0xab;
        hash[31] = 0x01;
        let (text, len) = hex(&hash, 32);
        assert_eq!(len, 64);
        assert!(text[..len].starts_with(b"ab00"));
        assert!(text[..len].ends_with(b"0001"));
    }
}
