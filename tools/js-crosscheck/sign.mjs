#!/usr/bin/env node
// Signs an unsigned credential with the Digital Bazaar stack, offline, using a
// did:key verification method.
//
//   node sign.mjs --suite NAME [--curve Ed25519|P-256|P-384]
//                 [--seed HEX | --key FILE.jwk] [--created ISO]
//                 [--keep-issuer] [--strip-proof]
//                 [--verification-method URL] IN OUT
//
// Suites: eddsa-rdfc-2022, eddsa-jcs-2022, Ed25519Signature2020 (Ed25519),
//         ecdsa-rdfc-2019, ecdsa-jcs-2019 (P-256 default, or P-384).
// Key:    --seed HEX   deterministic: the 32-byte Ed25519 seed (RFC 8032
//                      secret key), or the ECDSA secret scalar (32 bytes for
//                      P-256, 48 for P-384);
//         --key FILE   a private JWK (OKP/Ed25519 or EC/P-256|P-384 with d);
//                      its curve wins over --curve;
//         neither      a fresh random key.
// Next to OUT (OUT minus a trailing ".json") it writes
//   <base>.key.jwk   the private JWK (so credbridge can sign/verify with it);
//   <base>.pub.json  {suite, curve, did, verificationMethod,
//                     publicKeyMultibase, publicKeyJwk}.
// The issuer (string, or issuer.id) is set to the key's DID, so the VC
// library's issuer == verification-method-controller rule holds; pass
// --keep-issuer to leave it alone (then verify with --proof-only).
// --verification-method names the key by another URL than its did:key one
// (to reproduce spec vectors exactly; implies nothing about resolution).
// `created` defaults to the current time; pass --created for reproducible
// output (Ed25519 signatures are deterministic, ECDSA ones are not).
import fs from 'node:fs';
import {parseArgs} from 'node:util';
import * as vc from '@digitalbazaar/vc';
import {createDocumentLoader, describeError} from './lib/loader.mjs';
import {
  SUITES, createSigningSuite, generateKey, keyFromJwk, keyFromSeed
} from './lib/suites.mjs';

function usage(message) {
  process.stderr.write(`sign.mjs: ${message}\n` +
    'usage: node sign.mjs --suite NAME [--curve Ed25519|P-256|P-384] ' +
    '[--seed HEX | --key FILE.jwk] [--created ISO] [--keep-issuer] ' +
    '[--strip-proof] [--verification-method URL] IN OUT\n' +
    `suites: ${Object.keys(SUITES).join(', ')}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      suite: {type: 'string'},
      curve: {type: 'string'},
      seed: {type: 'string'},
      key: {type: 'string'},
      created: {type: 'string'},
      'keep-issuer': {type: 'boolean', default: false},
      'verification-method': {type: 'string'},
      'strip-proof': {type: 'boolean', default: false},
      help: {type: 'boolean', short: 'h', default: false}
    }
  });
} catch(e) {
  usage(e.message);
}
const {values: opts, positionals} = args;
if(opts.help) {
  usage('help');
}
if(positionals.length !== 2) {
  usage('expected IN and OUT');
}
const [inFile, outFile] = positionals;
const def = SUITES[opts.suite];
if(!def) {
  usage(`--suite must be one of ${Object.keys(SUITES).join(', ')}`);
}
if(opts.seed && opts.key) {
  usage('give --seed or --key, not both');
}

try {
  let key;
  if(opts.key) {
    key = await keyFromJwk(JSON.parse(fs.readFileSync(opts.key, 'utf8')));
  } else {
    const curve = opts.curve ?? def.curves[0];
    if(!def.curves.includes(curve)) {
      usage(`suite ${opts.suite} takes ${def.curves.join(' or ')} keys`);
    }
    key = opts.seed ?
      await keyFromSeed(curve, opts.seed) : await generateKey(curve);
  }
  if(!def.curves.includes(key.curve)) {
    usage(`suite ${opts.suite} takes ${def.curves.join(' or ')} keys, ` +
      `the key is ${key.curve}`);
  }
  if(opts.created && isNaN(new Date(opts.created))) {
    usage(`--created "${opts.created}" is not a date`);
  }

  const credential = JSON.parse(fs.readFileSync(inFile, 'utf8'));
  if(credential.proof !== undefined) {
    if(!opts['strip-proof']) {
      throw new Error(`${inFile} already has a proof (use --strip-proof)`);
    }
    delete credential.proof;
  }
  if(!opts['keep-issuer']) {
    if(credential.issuer && typeof credential.issuer === 'object') {
      credential.issuer.id = key.did;
    } else {
      credential.issuer = key.did;
    }
  }

  const signer = key.signer();
  if(opts['verification-method']) {
    // reproduce vectors whose key is named by another URL (verify those
    // with verify.mjs --trust-key)
    signer.id = opts['verification-method'];
    key.verificationMethod = signer.id;
  }
  const suite = createSigningSuite(opts.suite, signer, opts.created);
  const documentLoader = createDocumentLoader();
  const signed = await vc.issue({credential, suite, documentLoader});

  fs.writeFileSync(outFile, JSON.stringify(signed, null, 2) + '\n');
  const base = outFile.replace(/\.json$/, '');
  fs.writeFileSync(`${base}.key.jwk`,
    JSON.stringify(key.privateJwk, null, 2) + '\n', {mode: 0o600});
  const pub = {
    suite: opts.suite,
    curve: key.curve,
    did: key.did,
    verificationMethod: key.verificationMethod,
    publicKeyMultibase: key.publicKeyMultibase,
    publicKeyJwk: key.publicJwk
  };
  fs.writeFileSync(`${base}.pub.json`, JSON.stringify(pub, null, 2) + '\n');
  process.stdout.write(JSON.stringify({file: outFile, ...pub}) + '\n');
} catch(e) {
  process.stderr.write(`sign.mjs: ${describeError(e)}\n`);
  process.exit(1);
}
