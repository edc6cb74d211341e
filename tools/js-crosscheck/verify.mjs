#!/usr/bin/env node
// Verifies signed credentials with the Digital Bazaar stack, offline.
//
//   node verify.mjs [--expect-fail] [--proof-only] [--previous-proof]
//                   [--legacy-ld] [--now ISO]
//                   [--trust-key VM_ID=PUBLIC_KEY_MULTIBASE]...
//                   [--status] [--allow-origin http://HOST:PORT]
//                   [--fetch-log FILE] FILE...
//
// Prints one JSON line per file:
//   {"file":..., "verified":true|false, "error":null|"...", "mode":...,
//    "library_verified":true|false|null,
//    "proofs":[{"type","cryptosuite","verificationMethod","verified","error"}]}
// "verified" is true only when the library said so AND every proof in the
// file verified ("library_verified" is the library's own answer, which is
// true as soon as one proof verifies). Exit 0 when every file verified (with
// --expect-fail: when every file failed), 1 otherwise, 2 on usage errors.
//
// --trust-key registers a fixture key named by a non-did:key URL (e.g. the
// OB 3.0 spec vector's https://example.edu/issuers/565049#z6Mk...): a
// Multikey verification method plus a controller document listing it under
// assertionMethod.
// --previous-proof verifies proof chains (proofs with previousProof) by the
// VC Data Integrity rule, which the DB stack does not implement itself.
//
// --legacy-ld verifies Linked Data proofs of the 2018-2020 generation
// (Ed25519Signature2018 and JsonWebSignature2020 with EdDSA, and
// Ed25519Signature2020) with jsonld-signatures' own createVerifyData, whose
// proof options keep a proof's own @context ({'@context': document's,
// ...proof}), and the did:key's Ed25519 key; and it checks the proof's
// terms in the form jsonld.js expands them to (type, proofPurpose,
// verificationMethod), since the suites' verify paths would otherwise refuse
// a did:key Multikey (2018) or a context carried by the proof only (2020).
//
// --status checks Bitstring Status List entries the DB way: vc.verifyCredential
// with @digitalbazaar/vc-bitstring-status-list's checkStatus (the list
// credential is loaded, verified with the same suites, its issuer compared).
// Each line then has "status": [{statusPurpose, statusListIndex,
// statusListCredential, status}] (status true = the bit is set, i.e. revoked
// or suspended). The DB stack itself still says verified: true then
// ("library_verified"); this tool's "verified" is false, with the entry in
// "error".
// --allow-origin lets the loader GET documents (status lists, did:web DID
// documents whose host:port is the origin's) from that one origin, each URL
// once per run; --fetch-log FILE writes {url: number of GETs} at the end.
//
// Modes:
//   credential (default) - @digitalbazaar/vc verifyCredential: VC data model
//     checks (validFrom/validUntil against --now), every proof, and the
//     issuer must be the controller of the verification method.
//   proof-only (--proof-only) - jsonld-signatures verify with the
//     assertionMethod purpose: every proof must verify and its key must be
//     listed under assertionMethod of its controller; the issuer is not
//     compared (the W3C vectors use an https issuer with did:key proofs).
import fs from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import crypto from 'node:crypto';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import {Ed25519Signature2018} from '@digitalbazaar/ed25519-signature-2018';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as base58 from 'base58-universal';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {
  createDocumentLoader, describeError, fixtureKeyDocuments
} from './lib/loader.mjs';
import {createVerifyingSuites} from './lib/suites.mjs';

const {purposes: {AssertionProofPurpose}} = jsigs;

function usage(message) {
  process.stderr.write(`verify.mjs: ${message}\n` +
    'usage: node verify.mjs [--expect-fail] [--proof-only] ' +
    '[--previous-proof] [--now ISO] ' +
    '[--trust-key VM_ID=PUBLIC_KEY_MULTIBASE]... [--status] ' +
    '[--allow-origin http://HOST:PORT] [--fetch-log FILE] FILE...\n');
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      'expect-fail': {type: 'boolean', default: false},
      'proof-only': {type: 'boolean', default: false},
      'previous-proof': {type: 'boolean', default: false},
      'legacy-ld': {type: 'boolean', default: false},
      now: {type: 'string'},
      'trust-key': {type: 'string', multiple: true, default: []},
      status: {type: 'boolean', default: false},
      'allow-origin': {type: 'string'},
      'fetch-log': {type: 'string'},
      help: {type: 'boolean', short: 'h', default: false}
    }
  });
} catch(e) {
  usage(e.message);
}
const {values: opts, positionals: files} = args;
if(opts.help) {
  usage('help');
}
if(files.length === 0) {
  usage('no input files');
}

const extraDocuments = [];
for(const spec of opts['trust-key']) {
  const eq = spec.lastIndexOf('=');
  if(eq <= 0) {
    usage(`--trust-key "${spec}" is not VM_ID=PUBLIC_KEY_MULTIBASE`);
  }
  extraDocuments.push(
    ...fixtureKeyDocuments(spec.slice(0, eq), spec.slice(eq + 1)));
}
const now = opts.now ? new Date(opts.now) : undefined;
if(now && isNaN(now)) {
  usage(`--now "${opts.now}" is not a date`);
}

const fetchCounts = new Map();
let documentLoader;
try {
  documentLoader = createDocumentLoader({
    extraDocuments, allowOrigin: opts['allow-origin'], fetchCounts
  });
} catch(e) {
  usage(e.message);
}
const mode = opts['proof-only'] ? 'proof-only' : 'credential';

// A file is verified only when EVERY proof in it verified: jsonld-signatures
// alone reports `verified: true` as soon as ANY proof verifies (see README).
async function verifyOne(credential) {
  const proofs = [].concat(credential?.proof ?? []);
  if(opts['legacy-ld']) {
    return verifyLegacyLd(credential, proofs);
  }
  if(opts['previous-proof'] && proofs.some(p => p?.previousProof)) {
    return verifyProofChain(credential, proofs);
  }
  // fresh suite instances per file: DataIntegrityProof caches hashes
  const suite = createVerifyingSuites();
  const result = mode === 'proof-only' ?
    await jsigs.verify(credential, {
      suite, documentLoader, purpose: new AssertionProofPurpose({date: now})
    }) :
    await vc.verifyCredential({
      credential, suite, documentLoader, now,
      ...(opts.status ? {checkStatus: statusChecker} : {})
    });
  const summary = proofs.map(proof => {
    const r = (result.results ?? []).find(x =>
      x.proof?.proofValue !== undefined &&
      x.proof.proofValue === proof?.proofValue);
    return proofLine(proof, r ? r.verified === true : false,
      r ? (r.verified ? null : describeError(r.error)) :
        'proof not checked (no suite or purpose matched it)');
  });
  const status = result.statusResult ?
    (result.statusResult.results ?? []).map(r => ({
      statusPurpose: r.credentialStatus?.statusPurpose ?? null,
      statusListIndex: r.credentialStatus?.statusListIndex ?? null,
      statusListCredential: r.credentialStatus?.statusListCredential ?? null,
      status: r.status ?? null
    })) : undefined;
  return {libraryVerified: result.verified === true,
    error: result.error ?? result.statusResult?.error, proofs: summary, status};
}

// checkStatus as a DB verifier wires it: the list credential is verified with
// fresh suites and must have the credential's issuer.
async function statusChecker({credential}) {
  return checkStatus({
    credential, documentLoader, suite: createVerifyingSuites(),
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
}

// VC Data Integrity 1.0, "Verify Proof" with `previousProof`: the proofs a
// proof names in `previousProof` are part of the document it secures. The DB
// stack (data-integrity 2.5.0) does not implement this, so this path uses
// its canonicalization, key and purpose primitives proof by proof.
async function verifyProofChain(credential, proofs) {
  const {proof: _ignored, ...unsecured} = credential;
  if(mode === 'credential') {
    vc._checkCredential({credential, now});
  }
  const summary = [];
  for(const proof of proofs) {
    try {
      const previous = [].concat(proof.previousProof ?? []);
      const matching = previous.map(id => {
        const found = proofs.find(p => p.id === id);
        if(!found) {
          throw new Error(`previousProof "${id}" is not in the proof set`);
        }
        return found;
      });
      const document = matching.length === 0 ? {...unsecured} :
        {...unsecured, proof: matching.length === 1 ? matching[0] : matching};
      const purpose = mode === 'proof-only' ?
        new AssertionProofPurpose({date: now}) :
        new vc.CredentialIssuancePurpose({date: now});
      let suite;
      for(const s of createVerifyingSuites()) {
        if(await s.matchProof({proof, document: credential, documentLoader})) {
          suite = s;
          break;
        }
      }
      if(!suite) {
        throw new Error('no suite matches this proof');
      }
      if(!await purpose.match(proof, {document, documentLoader})) {
        throw new Error(`proofPurpose "${proof.proofPurpose}" not accepted`);
      }
      const {verified, verificationMethod, error} =
        await suite.verifyProof({proof, document, documentLoader});
      if(!verified) {
        throw error;
      }
      const purposeResult = await purpose.validate(proof, {
        document: credential, suite, verificationMethod, documentLoader
      });
      if(!purposeResult.valid) {
        throw purposeResult.error;
      }
      summary.push(proofLine(proof, true, null));
    } catch(e) {
      summary.push(proofLine(proof, false, describeError(e)));
    }
  }
  return {libraryVerified: null, error: null, proofs: summary};
}

const SEC = 'https://w3id.org/security#';
const RAW_ED25519_SPKI = Buffer.from('302a300506032b6570032100', 'hex');

async function verifyLegacyLd(credential, proofs) {
  const {proof: _ignored, ...document} = credential;
  const summary = [];
  for(const proof of proofs) {
    try {
      // As ProofSet._getProofs does: the document's context unless the proof
      // brings its own.
      const withContext = {'@context': document['@context'], ...proof};
      const verifyData = await new Ed25519Signature2018().createVerifyData(
        {document, proof: withContext, documentLoader});
      const options = {...withContext};
      delete options.jws;
      delete options.proofValue;
      const [node] = await jsonld.expand(options, {documentLoader, safe: true});
      const ids = key => (node?.[key] ?? []).map(v => v['@id']);
      if(!(node?.['@type'] ?? []).includes(SEC + proof.type)) {
        throw new Error(`the proof type does not expand to ${SEC}${proof.type}`);
      }
      if(!ids(SEC + 'proofPurpose').includes(SEC + 'assertionMethod')) {
        throw new Error('proofPurpose does not expand to ' +
          `${SEC}proofPurpose -> ${SEC}assertionMethod`);
      }
      if(!ids(SEC + 'verificationMethod').includes(proof.verificationMethod)) {
        throw new Error(`verificationMethod does not expand to ${SEC}verificationMethod`);
      }
      const vm = await documentLoader(proof.verificationMethod);
      const multibase = vm.document.publicKeyMultibase;
      const keyPair = await Ed25519Multikey.from(
        {type: 'Multikey', publicKeyMultibase: multibase});
      const {publicKey} = await keyPair.export({raw: true, publicKey: true});
      const key = crypto.createPublicKey({
        key: Buffer.concat([RAW_ED25519_SPKI, Buffer.from(publicKey)]),
        format: 'der', type: 'spki'
      });
      let signed, signature;
      if(proof.jws) {
        const [header, , sig] = proof.jws.split('.');
        signed = Buffer.concat([Buffer.from(header + '.'), verifyData]);
        signature = Buffer.from(sig, 'base64url');
      } else {
        signed = Buffer.from(verifyData);
        signature = base58.decode(proof.proofValue.slice(1));
      }
      if(!crypto.verify(null, signed, key, signature)) {
        throw new Error('Invalid signature.');
      }
      summary.push(proofLine(proof, true, null));
    } catch(e) {
      summary.push(proofLine(proof, false, describeError(e)));
    }
  }
  return {libraryVerified: null, error: null, proofs: summary};
}

function proofLine(proof, verified, error) {
  return {
    type: proof?.type ?? null,
    cryptosuite: proof?.cryptosuite ?? null,
    verificationMethod: typeof proof?.verificationMethod === 'object' ?
      proof.verificationMethod?.id : proof?.verificationMethod ?? null,
    verified,
    error
  };
}

let asExpected = 0;
for(const file of files) {
  const line = {
    file, verified: false, error: null, mode, library_verified: null,
    proofs: []
  };
  let credential;
  try {
    credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch(e) {
    line.error = `cannot read JSON: ${e.message}`;
  }
  if(credential) {
    try {
      const result = await verifyOne(credential);
      line.proofs = result.proofs;
      if(result.status) {
        line.status = result.status;
      }
      line.library_verified = result.libraryVerified;
      const failed = result.proofs.filter(p => !p.verified);
      // a set status bit (revoked, suspended) makes the file not verified,
      // although the DB stack itself says verified: true
      const set = (result.status ?? []).filter(e => e.status !== false);
      line.verified = result.proofs.length > 0 && failed.length === 0 &&
        result.libraryVerified !== false && set.length === 0;
      if(!line.verified) {
        line.error = (result.error && describeError(result.error)) ||
          set.map(e => `${e.statusPurpose}: entry ${e.statusListIndex} of ` +
            `${e.statusListCredential} is ${e.status === true ? 'set' :
              e.status}`).join('; ') ||
          failed.map(p => p.error).filter(Boolean).join('; ') ||
          (result.proofs.length === 0 ? 'no proof' : 'not verified');
      }
    } catch(e) {
      line.verified = false;
      line.error = describeError(e);
    }
  }
  if(line.verified !== opts['expect-fail']) {
    asExpected++;
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
if(opts['fetch-log']) {
  fs.writeFileSync(opts['fetch-log'],
    JSON.stringify(Object.fromEntries(fetchCounts), null, 2) + '\n');
}
process.exit(asExpected === files.length ? 0 : 1);
