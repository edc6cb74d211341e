// Offline JSON-LD document loader built from credbridge's bundled contexts.
//
// Sources, in order of precedence:
//   1. documents registered by the caller (test fixtures, e.g. the key of the
//      OB 3.0 vector whose verification method is an https URL);
//   2. crates/jsonld/contexts/context-map.json ("contexts" then "inferred";
//      files relative to that directory) - the same table credbridge ships;
//   3. crates/jsonld/contexts/vectors/index.json (files relative to vectors/);
//   4. did:key URLs, resolved locally to a DID document with one Multikey
//      verification method (Ed25519, P-256, P-384).
//   5. only when the caller names one origin (`allowOrigin`, e.g. the
//      credbridge server under test at http://127.0.0.1:PORT): URLs under
//      that origin, and did:web DIDs whose host is that origin's host:port
//      (https://HOST:PORT/... is fetched from the origin as given), over
//      node:http, each URL at most once per loader (`fetchCounts` counts the
//      GETs).
// Anything else throws an error naming the URL. Nothing else ever touches
// the network: global fetch is replaced by a function that throws.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as Bls12381Multikey from '@digitalbazaar/bls12-381-multikey';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
export const DEFAULT_CONTEXTS_DIR =
  process.env.CREDBRIDGE_CONTEXTS_DIR ??
  path.join(REPO_ROOT, 'crates', 'jsonld', 'contexts');

export const DID_CONTEXT_V1 = 'https://www.w3.org/ns/did/v1';
export const MULTIKEY_CONTEXT_V1 = 'https://w3id.org/security/multikey/v1';

// Belt and braces: no library may reach the network from this tool.
globalThis.fetch = async url => {
  throw new Error(`network access attempted (fetch "${url}"); ` +
    'js-crosscheck is offline-only');
};

export class OfflineLoaderError extends Error {
  constructor(url, reason) {
    super(`offline document loader: cannot load "${url}": ${reason}`);
    this.name = 'OfflineLoaderError';
    this.url = url;
  }
}

/**
 * Reads the URL -> file tables. Returns Map(url -> {file, table}).
 * context-map.json wins over vectors/index.json; where both map a URL to
 * different bytes the conflict is recorded in `conflicts`.
 */
export function readContextTables(contextsDir = DEFAULT_CONTEXTS_DIR) {
  const entries = new Map();
  const conflicts = [];
  const mapFile = path.join(contextsDir, 'context-map.json');
  const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'));
  for(const key of ['contexts', 'inferred']) {
    for(const [url, rel] of Object.entries(map[key] ?? {})) {
      entries.set(url, {
        file: path.join(contextsDir, rel),
        table: `context-map.json#${key}`
      });
    }
  }
  const vectorsDir = path.join(contextsDir, 'vectors');
  const indexFile = path.join(vectorsDir, 'index.json');
  if(fs.existsSync(indexFile)) {
    const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
    for(const [url, rel] of Object.entries(index)) {
      const file = path.join(vectorsDir, rel);
      const existing = entries.get(url);
      if(existing) {
        if(!fs.readFileSync(existing.file).equals(fs.readFileSync(file))) {
          conflicts.push({url, used: existing.file, ignored: file});
        }
        continue;
      }
      entries.set(url, {file, table: 'vectors/index.json'});
    }
  }
  return {entries, conflicts};
}

/** Returns {keyType, publicKeyMultibase} for a did:key method-specific id. */
async function importDidKey(multibase) {
  const vm = {type: 'Multikey', publicKeyMultibase: multibase};
  if(multibase.startsWith('z6Mk')) {
    await Ed25519Multikey.from(vm);
    return 'Ed25519';
  }
  // zUC7 = BLS12-381 G2 (bbs-2023)
  if(multibase.startsWith('zUC7')) {
    await Bls12381Multikey.from(vm);
    return 'BLS12-381-G2';
  }
  // zDn = P-256, z82 = P-384, z2J9 = P-521 (compressed points)
  const key = await EcdsaMultikey.from(vm);
  return key.algorithm;
}

/** A did:key DID document with a single Multikey verification method. */
export async function didKeyDocument(did) {
  const multibase = did.slice('did:key:'.length);
  if(!/^z[1-9A-HJ-NP-Za-km-z]+$/.test(multibase)) {
    throw new OfflineLoaderError(did, 'not a base58btc multibase did:key');
  }
  try {
    await importDidKey(multibase);
  } catch(e) {
    throw new OfflineLoaderError(did,
      `unsupported or invalid did:key public key (${e.message})`);
  }
  const vmId = `${did}#${multibase}`;
  return {
    '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
    id: did,
    verificationMethod: [{
      id: vmId, type: 'Multikey', controller: did,
      publicKeyMultibase: multibase
    }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId]
  };
}

/**
 * Builds the controller document and verification method for a key that is
 * named by an arbitrary URL (`https://issuer.example/keys#k1`). Used for
 * fixture keys only; returns [[url, document], ...] to register.
 */
export function fixtureKeyDocuments(vmId, publicKeyMultibase) {
  const hash = vmId.indexOf('#');
  if(hash <= 0) {
    throw new Error(`--trust-key: "${vmId}" must be CONTROLLER#FRAGMENT`);
  }
  const controller = vmId.slice(0, hash);
  const vm = {
    id: vmId, type: 'Multikey', controller, publicKeyMultibase
  };
  return [
    [vmId, {'@context': MULTIKEY_CONTEXT_V1, ...vm}],
    [controller, {
      '@context': [DID_CONTEXT_V1, MULTIKEY_CONTEXT_V1],
      id: controller,
      verificationMethod: [vm],
      assertionMethod: [vmId]
    }]
  ];
}

/**
 * The did:web DID (no fragment) -> the https URL of its DID document
 * (did:web method: ':' separates path segments, '%3A' is a port colon).
 */
export function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':');
  if(parts.length === 0 || parts.some(p => p === '')) {
    throw new OfflineLoaderError(did, 'not a did:web DID');
  }
  const [host, ...segments] = parts.map(decodeURIComponent);
  if(/[/?#@\s]/.test(host) || segments.some(p => /[/?#\s]/.test(p))) {
    throw new OfflineLoaderError(did, 'not a did:web DID');
  }
  const path = segments.length === 0 ? '/.well-known/did.json' :
    `/${segments.join('/')}/did.json`;
  return {host, path, url: `https://${host}${path}`};
}

/** GET URL over plain http (loopback server under test), parsed as JSON. */
function httpGetJson(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, {
      headers: {accept: 'application/vc+ld+json, application/ld+json, ' +
        'application/did+json, application/json'}
    }, response => {
      const chunks = [];
      response.on('data', chunk => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if(response.statusCode !== 200) {
          reject(new Error(`GET ${url}: HTTP ${response.statusCode} ` +
            body.slice(0, 300)));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch(e) {
          reject(new Error(`GET ${url}: not JSON ` +
            `(${response.headers['content-type']}): ${body.slice(0, 120)}`));
        }
      });
    });
    request.on('error', reject);
    request.setTimeout(15000, () =>
      request.destroy(new Error(`GET ${url}: timed out`)));
  });
}

/**
 * Creates the loader. `extraDocuments`: iterable of [url, document].
 * `trace`: optional array that receives every URL requested.
 * `allowOrigin`: the one http(s) origin that may be fetched (see the header);
 * `fetchCounts`: a Map(url -> number of GETs) the loader fills in.
 */
export function createDocumentLoader({
  contextsDir = DEFAULT_CONTEXTS_DIR, extraDocuments = [], trace,
  allowOrigin, fetchCounts = new Map()
} = {}) {
  const {entries} = readContextTables(contextsDir);
  const extra = new Map(extraDocuments);
  const cache = new Map();
  const origin = allowOrigin ? new URL(allowOrigin) : null;
  if(origin && (origin.origin !== allowOrigin.replace(/\/$/, '') ||
    !['http:', 'https:'].includes(origin.protocol))) {
    throw new Error(`allowOrigin "${allowOrigin}" is not a bare http origin`);
  }
  const remote = new Map(); // fetched URL -> Promise(document)
  const getRemote = url => {
    if(!remote.has(url)) {
      fetchCounts.set(url, (fetchCounts.get(url) ?? 0) + 1);
      remote.set(url, httpGetJson(url));
    }
    return remote.get(url).then(document => structuredClone(document));
  };
  const loadDidWeb = async url => {
    const [did, fragment] = url.split('#');
    const {host, path, url: httpsUrl} = didWebUrl(did);
    if(!origin || host !== origin.host) {
      throw new OfflineLoaderError(url, `did:web document ${httpsUrl} is ` +
        'not under the one allowed origin; the network is never used');
    }
    let didDocument;
    try {
      didDocument = await getRemote(origin.origin + path);
    } catch(e) {
      throw new OfflineLoaderError(url, e.message);
    }
    if(didDocument?.id !== did) {
      throw new OfflineLoaderError(url,
        `the DID document's id is "${didDocument?.id}", not "${did}"`);
    }
    if(fragment === undefined) {
      return didDocument;
    }
    const vm = [].concat(didDocument.verificationMethod ?? []).find(m =>
      m?.id === url || m?.id === `#${fragment}`);
    if(!vm) {
      throw new OfflineLoaderError(url,
        'the DID document has no verification method with this id');
    }
    return {'@context': didDocument['@context'], ...vm, id: url};
  };

  return async function documentLoader(url) {
    if(trace) {
      trace.push(url);
    }
    if(typeof url !== 'string') {
      throw new OfflineLoaderError(String(url), 'URL is not a string');
    }
    let document;
    if(extra.has(url)) {
      document = structuredClone(extra.get(url));
    } else if(entries.has(url)) {
      if(!cache.has(url)) {
        const {file} = entries.get(url);
        cache.set(url, JSON.parse(fs.readFileSync(file, 'utf8')));
      }
      // jsonld.js does not mutate loaded contexts, but be safe anyway
      document = structuredClone(cache.get(url));
    } else if(url.startsWith('did:key:')) {
      const [did, fragment] = url.split('#');
      const didDocument = await didKeyDocument(did);
      if(fragment === undefined) {
        document = didDocument;
      } else {
        const vm = didDocument.verificationMethod.find(m => m.id === url);
        if(!vm) {
          throw new OfflineLoaderError(url,
            'did:key has no verification method with this fragment');
        }
        document = {'@context': MULTIKEY_CONTEXT_V1, ...vm};
      }
    } else if(url.startsWith('did:web:')) {
      document = await loadDidWeb(url);
    } else if(origin && url.startsWith(origin.origin + '/')) {
      try {
        document = await getRemote(url);
      } catch(e) {
        throw new OfflineLoaderError(url, e.message);
      }
    } else {
      throw new OfflineLoaderError(url,
        'not bundled (not in context-map.json, vectors/index.json or ' +
        'registered fixtures) and not a did:key; the network is never used');
    }
    return {contextUrl: null, documentUrl: url, document};
  };
}

/** Flattens nested library errors into one line. */
export function describeError(error, depth = 0) {
  if(!error || depth > 6) {
    return '';
  }
  if(typeof error !== 'object') {
    return String(error);
  }
  const parts = [];
  const msg = error.message ?? (error.name ? String(error.name) : '');
  if(msg) {
    parts.push(msg);
  }
  const nested = [];
  if(Array.isArray(error.errors)) {
    nested.push(...error.errors);
  }
  if(error.cause) {
    nested.push(error.cause);
  }
  if(error.details?.cause) {
    nested.push(error.details.cause);
  }
  for(const inner of nested) {
    const text = describeError(inner, depth + 1);
    if(text && !parts.includes(text)) {
      parts.push(text);
    }
  }
  return parts.join(' <- ');
}
