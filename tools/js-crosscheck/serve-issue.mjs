#!/usr/bin/env node
// Drives a running `credbridge serve --dev` through its issuing API (VC API)
// for run.sh's serve-issue leg. Talks to one base URL (the loopback server);
// prints "ok   ..." / "FAIL ..." lines, which run.sh counts, and other lines
// as information.
//
//   node serve-issue.mjs issue --base URL --inputs DIR --out DIR
//       Creates one issuer instance per Data Integrity format and curve (and
//       vc-jose, and did:web instances served by the server itself), every one
//       with status purposes revocation and suspension, then issues each input
//       (DIR/NAME.json; a VCDM 1.1 input also as is) with each instance.
//       Writes OUT/issued/INSTANCE.INPUT.json, OUT/di.txt (Data Integrity
//       files), OUT/jose.txt (vc-jose files), OUT/instances.json.
//   node serve-issue.mjs jose [--expect-fail] [--base URL] FILE...
//       Decodes each EnvelopedVerifiableCredential's JWT and checks its
//       signature (node:crypto) with the JWK of the kid's did:key, and that
//       the payload's issuer is that DID; with --base, also the DB stack's
//       checkStatus on the payload (lists fetched from that origin only).
//   node serve-issue.mjs tamper --out DIR FILE...
//       Writes tampered copies (see cmdTamper) and prints their paths.
//   node serve-issue.mjs revocation --base URL --out DIR --count N
//       [--proof-format F] [--key-type K]
//       Creates an instance with status purpose revocation only, issues N
//       credentials, revokes one with POST /credentials/status. Writes
//       DIR/cred-NN.json, DIR/revoked.json ({file, id, list, index}).
//   node serve-issue.mjs check-db --revoked FILE --fetch-log FILE JSONL
//       verify.mjs --status output: every proof and the list verified,
//       exactly the revoked one has its bit set (and so is not verified),
//       the list was fetched exactly once.
//   node serve-issue.mjs check-cb --revoked FILE JSONL
//       credbridge verify --json output (one report per line, matched by
//       credential_id): exactly the revoked one fails `status`, the others
//       pass it, and every proof passes.
//   node serve-issue.mjs check-cb-all JSONL FILE...
//       credbridge verify --json output over the issued FILEs: proof and
//       status pass, verdict valid(-with-warnings); other findings printed.
//   node serve-issue.mjs status-gets --base URL
//       Prints the number of GET requests the server counted on its status
//       list route (GET /metrics).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {parseArgs} from 'node:util';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';

const ok = text => console.log(`ok   ${text}`);
const bad = text => console.log(`FAIL ${text}`);
const info = text => console.log(`info ${text}`);
const read = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const write = (file, value) =>
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');

// Every instance: name -> {proofFormat, keyType, did:web?}
const STATUS_PURPOSES = ['revocation', 'suspension'];
const INSTANCES = [
  ['eddsa-rdfc', 'eddsa-rdfc-2022', 'Ed25519'],
  ['eddsa-jcs', 'eddsa-jcs-2022', 'Ed25519'],
  ['ecdsa-rdfc-p256', 'ecdsa-rdfc-2019', 'P-256'],
  ['ecdsa-rdfc-p384', 'ecdsa-rdfc-2019', 'P-384'],
  ['ecdsa-jcs-p256', 'ecdsa-jcs-2019', 'P-256'],
  ['ecdsa-jcs-p384', 'ecdsa-jcs-2019', 'P-384'],
  ['ed25519-2020', 'Ed25519Signature2020', 'Ed25519'],
  ['jose-ed25519', 'vc-jose', 'Ed25519'],
  ['jose-p256', 'vc-jose', 'P-256'],
  ['jose-p384', 'vc-jose', 'P-384']
].map(([name, proofFormat, keyType]) => ({name: `cb-${name}`, proofFormat, keyType}));
// VCDM 1.1 credentials get no status entry (its terms are in the v2 context:
// the server refuses a 1.1 credential on an instance with status purposes),
// so each Data Integrity format also has an instance without status.
const PLAIN_INSTANCES = INSTANCES.filter(i => i.proofFormat !== 'vc-jose')
  .map(i => ({...i, name: `${i.name}-nostatus`, statusPurposes: []}));
// did:web instances (DID document served by the server at
// /did/TENANT/NAME/did.json)
const WEB_INSTANCES = [
  ['eddsa-rdfc', 'eddsa-rdfc-2022', 'Ed25519'],
  ['ecdsa-jcs-p384', 'ecdsa-jcs-2019', 'P-384'],
  ['ed25519-2020', 'Ed25519Signature2020', 'Ed25519']
].map(([name, proofFormat, keyType]) =>
  ({name: `web-${name}`, proofFormat, keyType, web: true}));

async function api(base, method, urlPath, body) {
  const response = await fetch(base + urlPath, {
    method,
    headers: body === undefined ? {} : {'content-type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {status: response.status, json, text};
}

function short(response) {
  return `HTTP ${response.status} ${response.text.slice(0, 600)}`;
}

async function createInstance(base, spec, didWeb) {
  const body = {
    name: spec.name,
    profile: {name: `credbridge js-crosscheck ${spec.name}`},
    proofFormat: spec.proofFormat,
    keyType: spec.keyType,
    statusPurposes: spec.statusPurposes ?? STATUS_PURPOSES
  };
  if(didWeb) {
    body.didWeb = didWeb;
  }
  const r = await api(base, 'POST', '/issuers', body);
  if(r.status !== 201 || typeof r.json?.did !== 'string') {
    bad(`create instance ${spec.name} (${spec.proofFormat} ${spec.keyType}` +
      `${didWeb ? ' did:web' : ''}): ${short(r)}`);
    return null;
  }
  ok(`create instance ${spec.name}: ${spec.proofFormat} ${spec.keyType} ` +
    r.json.did.slice(0, 60));
  return {...spec, did: r.json.did, didDocument: r.json.didDocument};
}

/** The unsigned input for an instance: its DID as issuer, a fresh id. */
function prepare(input, did) {
  const credential = structuredClone(input);
  if(credential.issuer && typeof credential.issuer === 'object') {
    credential.issuer.id = did;
  } else {
    credential.issuer = did;
  }
  credential.id = `urn:uuid:${crypto.randomUUID()}`;
  delete credential.proof;
  return credential;
}

async function issue(base, instance, credential, options) {
  return api(base, 'POST',
    `/issuers/${instance.name}/credentials/issue`,
    options ? {credential, options} : {credential});
}

/** 1EdTech types whose schemas allow one credentialStatus object. */
const ONE_STATUS_TYPES = ['OpenBadgeCredential', 'AchievementCredential',
  'EndorsementCredential', 'ClrCredential'];
function isOneStatus(credential) {
  return [].concat(credential.type ?? []).some(t => ONE_STATUS_TYPES.includes(t));
}

/**
 * The VCDM 1.1 form of a VCDM 2.0 credential (contexts, dates). `name` and
 * `description` go: the 1.1 contexts do not define them (a JSON-LD
 * processor would drop them; the server refuses such a credential).
 */
function toVcdm11(credential) {
  const v1 = structuredClone(credential);
  delete v1.name;
  delete v1.description;
  v1['@context'] = v1['@context'].map(c =>
    c === 'https://www.w3.org/ns/credentials/v2' ?
      'https://www.w3.org/2018/credentials/v1' :
      c === 'https://www.w3.org/ns/credentials/examples/v2' ?
        'https://www.w3.org/2018/credentials/examples/v1' : c);
  if(v1.validFrom) {
    v1.issuanceDate = v1.validFrom;
    delete v1.validFrom;
  }
  if(v1.validUntil) {
    v1.expirationDate = v1.validUntil;
    delete v1.validUntil;
  }
  return v1;
}

const V1 = 'https://www.w3.org/2018/credentials/v1';

async function cmdIssue(opts) {
  const {base, inputs, out} = opts;
  fs.mkdirSync(path.join(out, 'issued'), {recursive: true});
  const inputFiles = fs.readdirSync(inputs).filter(f => f.endsWith('.json'))
    .sort();
  const variants = []; // [name, credential]
  for(const file of inputFiles) {
    const name = path.basename(file, '.json');
    const credential = read(path.join(inputs, file));
    variants.push([name, credential]);
    if(credential['@context']?.[0] === V1) {
      info(`${name} is VCDM 1.1: issued as is`);
    } else if(name === 'alumni') {
      // the VCDM 1.1 case: none of the inputs is 1.1, so the alumni
      // credential is also issued in its 1.1 form
      variants.push([`${name}-v11`, toVcdm11(credential)]);
    }
  }
  const instances = [];
  for(const spec of [...INSTANCES, ...PLAIN_INSTANCES]) {
    const made = await createInstance(base, spec);
    if(made) {
      instances.push(made);
    }
  }
  // The tenant id is in the status list URLs: issue one credential first.
  let tenant = null;
  const probe = instances.find(i => i.proofFormat === 'eddsa-rdfc-2022');
  if(probe) {
    const r = await issue(base, probe, prepare(variants[0][1], probe.did));
    const entry = [].concat(r.json?.verifiableCredential?.credentialStatus ??
      [])[0];
    const match = /\/status\/([0-9a-fA-F-]+)\//.exec(
      entry?.statusListCredential ?? '');
    if(match) {
      tenant = match[1];
      ok(`dev tenant id from a status list URL: ${tenant}`);
    } else {
      bad(`no tenant id in a status list URL: ${short(r)}`);
    }
  }
  const host = new URL(base).host; // 127.0.0.1:PORT
  if(tenant) {
    for(const spec of WEB_INSTANCES) {
      const didWeb = `${host.replace(':', '%3A')}:did:${tenant}:${spec.name}`;
      const made = await createInstance(base, spec, didWeb);
      if(made) {
        instances.push(made);
        const r = await api(base, 'GET', `/did/${tenant}/${spec.name}/did.json`);
        if(r.status === 200 && r.json?.id === made.did) {
          ok(`did:web document served for ${made.did}`);
          // for credbridge verify --did-dir (it resolves did:web over https)
          fs.mkdirSync(path.join(out, 'dids'), {recursive: true});
          write(path.join(out, 'dids', `${spec.name}.json`), r.json);
        } else {
          bad(`did:web document for ${made.did}: ${short(r)}`);
        }
      }
    }
  }
  const di = [];
  const jose = [];
  for(const instance of instances) {
    const withStatus = instance.statusPurposes?.length !== 0;
    for(const [name, input] of variants) {
      const label = `${instance.name}.${name}`;
      const isV11 = input['@context'][0] === V1;
      if(!withStatus && !isV11) {
        continue; // the status-less twins are for VCDM 1.1 only
      }
      let r = await issue(base, instance, prepare(input, instance.did));
      const oneStatus = withStatus && !isV11 && isOneStatus(input) &&
        STATUS_PURPOSES.length > 1;
      if(oneStatus) {
        // docs/issuing-api.md: the 1EdTech schemas allow one credentialStatus
        // object, so a multi-purpose instance must be told which purpose.
        if(r.status === 422 && r.json?.pointer === '/credential/credentialStatus') {
          ok(`issue ${label}: several status purposes for a 1EdTech ` +
            `credential refused without a named one (422 ${r.json.pointer})`);
        } else {
          bad(`issue ${label}: wanted 422 at /credential/credentialStatus ` +
            `for a 1EdTech credential on a multi-purpose instance: ${short(r)}`);
        }
        r = await issue(base, instance, prepare(input, instance.did),
          {credentialStatus: {type: 'BitstringStatusListEntry',
            statusPurpose: 'revocation'}});
      }
      const credential = r.json?.verifiableCredential;
      if(isV11 && withStatus) {
        // documented (docs/issuing-api.md): status entries need VCDM 2.0
        if(r.status === 422 &&
          r.json?.pointer === '/credential/@context/0' &&
          /VCDM 2\.0/.test(r.json?.detail ?? '')) {
          ok(`issue ${label}: VCDM 1.1 with status purposes refused (422 ` +
            `${r.json.pointer})`);
        } else {
          bad(`issue ${label}: VCDM 1.1 on an instance with status ` +
            `purposes, wanted 422 at /credential/@context/0: ${short(r)}`);
        }
        continue;
      }
      if(r.status !== 201 || !credential) {
        bad(`issue ${label} (${instance.proofFormat} ${instance.keyType}): ` +
          short(r));
        continue;
      }
      const file = path.join(out, 'issued', `${label}.json`);
      write(file, credential);
      const statuses = [].concat(credential.credentialStatus ?? []);
      const wantStatus = oneStatus ? 1 :
        withStatus ? STATUS_PURPOSES.length : 0;
      if(instance.proofFormat === 'vc-jose') {
        if(credential.type === 'EnvelopedVerifiableCredential' &&
          /^data:application\/vc\+jwt,/.test(credential.id ?? '')) {
          ok(`issue ${label}: EnvelopedVerifiableCredential`);
          jose.push(file);
        } else {
          bad(`issue ${label}: not an EnvelopedVerifiableCredential ` +
            `with a data:application/vc+jwt id: ${JSON.stringify(credential)
              .slice(0, 300)}`);
        }
        continue;
      }
      if(statuses.length !== wantStatus) {
        bad(`issue ${label}: ${statuses.length} status entries, ` +
          `wanted ${wantStatus} (${STATUS_PURPOSES.join(', ')})`);
      } else {
        ok(`issue ${label}: ${[].concat(credential.proof ?? [])
          .map(p => p.cryptosuite ?? p.type).join('+')}, ` +
          `${statuses.length} status entries` +
          (isV11 ? ' (VCDM 1.1)' : ''));
      }
      di.push(file);
    }
  }
  fs.writeFileSync(path.join(out, 'di.txt'), di.join('\n') + '\n');
  fs.writeFileSync(path.join(out, 'jose.txt'), jose.join('\n') +
    (jose.length ? '\n' : ''));
  write(path.join(out, 'instances.json'), {tenant, instances});
}

// --- vc-jose -----------------------------------------------------------------

const JOSE_ALG = {EdDSA: 'Ed25519', Ed25519: 'Ed25519', ES256: 'P-256', ES384: 'P-384'};

/** The public JWK of a did:key (Ed25519, P-256, P-384). */
async function didKeyJwk(did) {
  const publicKeyMultibase = did.slice('did:key:'.length);
  const vm = {type: 'Multikey', publicKeyMultibase};
  if(publicKeyMultibase.startsWith('z6Mk')) {
    const keyPair = await Ed25519Multikey.from(vm);
    return Ed25519Multikey.toJwk({keyPair});
  }
  const keyPair = await EcdsaMultikey.from(vm);
  return EcdsaMultikey.toJwk({keyPair});
}

async function checkJose(file) {
  const envelope = read(file);
  const prefix = 'data:application/vc+jwt,';
  if(typeof envelope.id !== 'string' || !envelope.id.startsWith(prefix)) {
    throw new Error('no data:application/vc+jwt, id');
  }
  const jwt = envelope.id.slice(prefix.length);
  const parts = jwt.split('.');
  if(parts.length !== 3) {
    throw new Error(`a JWS compact serialization has 3 parts, got ${parts.length}`);
  }
  const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url'));
  const curve = JOSE_ALG[header.alg];
  if(!curve) {
    throw new Error(`alg "${header.alg}" is not EdDSA, ES256 or ES384`);
  }
  if(typeof header.kid !== 'string' || !header.kid.startsWith('did:key:')) {
    throw new Error(`kid "${header.kid}" is not a did:key verification method`);
  }
  const did = header.kid.split('#')[0];
  const jwk = await didKeyJwk(did);
  if((jwk.crv ?? '') !== curve) {
    throw new Error(`kid's key is ${jwk.crv}, alg ${header.alg} wants ${curve}`);
  }
  const key = crypto.createPublicKey({key: jwk, format: 'jwk'});
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  const hash = {Ed25519: null, 'P-256': 'sha256', 'P-384': 'sha384'}[curve];
  const valid = crypto.verify(hash, signed, curve === 'Ed25519' ? key :
    {key, dsaEncoding: 'ieee-p1363'}, signature);
  if(!valid) {
    throw new Error('signature does not verify with the kid\'s did:key JWK');
  }
  const issuer = typeof payload.issuer === 'object' ?
    payload.issuer?.id : payload.issuer;
  if(issuer !== did) {
    throw new Error(`payload issuer "${issuer}" is not the kid's DID ${did}`);
  }
  if(!([].concat(payload.type ?? [])).includes('VerifiableCredential')) {
    throw new Error('payload is not a VerifiableCredential');
  }
  const entries = [].concat(payload.credentialStatus ?? []);
  let statusText = `${entries.length} status entries`;
  if(statusCheck) {
    // the DB stack's status check on the JWT's credential: the list (a Data
    // Integrity credential of the same issuer) is fetched and verified
    const r = await statusCheck(payload);
    const results = r.results ?? [];
    if(!r.verified || results.length !== entries.length ||
      results.length === 0 || results.some(x => x.status !== false)) {
      throw new Error(`DB checkStatus: verified=${r.verified} ` +
        `${JSON.stringify(results.map(x => [x.credentialStatus
          ?.statusPurpose, x.status]))} ${r.error?.message ?? ''}`);
    }
    statusText += ` (DB checkStatus: list verified, ${results.map(x =>
      `${x.credentialStatus.statusPurpose} unset`).join(', ')})`;
  }
  return `${header.alg} typ=${header.typ ?? '-'} cty=${header.cty ?? '-'}, ` +
    statusText;
}

let statusCheck = null;

/** DB checkStatus with the loader allowed to fetch from `base` only. */
async function makeStatusCheck(base) {
  // imported here: the loader replaces globalThis.fetch with a function that
  // throws, which the API commands of this script need
  const {createDocumentLoader} = await import('./lib/loader.mjs');
  const {createVerifyingSuites} = await import('./lib/suites.mjs');
  const {checkStatus} =
    await import('@digitalbazaar/vc-bitstring-status-list');
  const documentLoader = createDocumentLoader({allowOrigin: base});
  return credential => checkStatus({
    credential, documentLoader, suite: createVerifyingSuites(),
    verifyBitstringStatusListCredential: true, verifyMatchingIssuers: true
  });
}

async function cmdJose(opts, files) {
  if(opts.base) {
    statusCheck = await makeStatusCheck(opts.base);
  }
  for(const file of files) {
    const name = path.basename(file);
    try {
      const what = await checkJose(file);
      if(opts['expect-fail']) {
        bad(`vc-jose ${name}: verified, wanted a failure (${what})`);
      } else {
        ok(`vc-jose ${name}: ${what}`);
      }
    } catch(e) {
      if(opts['expect-fail']) {
        ok(`vc-jose rejects ${name}: ${e.message}`);
      } else {
        bad(`vc-jose ${name}: ${e.message}`);
      }
    }
  }
}

/** A copy of a vc-jose envelope whose JWT payload says something else. */
function tamperJose(envelope) {
  const prefix = 'data:application/vc+jwt,';
  const [h, p, sig] = envelope.id.slice(prefix.length).split('.');
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const subject = [].concat(payload.credentialSubject)[0];
  subject.id = (subject.id ?? 'did:example:x') + '-tampered';
  const p2 = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return {...envelope, id: `${prefix}${h}.${p2}.${sig}`};
}

/**
 * Tampered copies, written to OUT, one path printed per line: a Data
 * Integrity credential gets three (credentialSubject.id, proof.created, the
 * first status entry moved to another index, as a holder hiding a
 * revocation would), a vc-jose envelope one (the JWT payload's subject).
 * The same changes as lib/fixture.mjs's tamper-* commands, in one process.
 */
function cmdTamper(opts, files) {
  fs.mkdirSync(opts.out, {recursive: true});
  for(const file of files) {
    const doc = read(file);
    const base = path.join(opts.out, path.basename(file, '.json'));
    const emit = (suffix, value) => {
      write(`${base}.${suffix}.json`, value);
      console.log(`${base}.${suffix}.json`);
    };
    if(doc.type === 'EnvelopedVerifiableCredential') {
      emit('jose', tamperJose(doc));
      continue;
    }
    const subject = structuredClone(doc);
    const first = [].concat(subject.credentialSubject)[0];
    first.id = typeof first.id === 'string' ?
      first.id + '-tampered' : 'did:example:tampered';
    emit('subject', subject);
    const created = structuredClone(doc);
    for(const proof of [].concat(created.proof ?? [])) {
      proof.created = '2001-02-03T04:05:06Z';
    }
    emit('created', created);
    const entry = [].concat(doc.credentialStatus ?? [])[0];
    if(entry?.statusListIndex !== undefined) {
      const moved = structuredClone(doc);
      const e = [].concat(moved.credentialStatus)[0];
      const index = String((Number(e.statusListIndex) + 1) % 131072);
      e.statusListIndex = index;
      if(typeof e.id === 'string' && e.id.includes('#')) {
        e.id = `${e.id.split('#')[0]}#${index}`;
      }
      emit('status', moved);
    }
  }
}

// --- revocation ----------------------------------------------------------------

async function cmdRevocation(opts) {
  const {base, out} = opts;
  const count = Number(opts.count ?? 20);
  fs.mkdirSync(out, {recursive: true});
  const spec = {
    name: `cb-revocation-${(opts['proof-format'] ?? 'eddsa-rdfc-2022')
      .replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`,
    proofFormat: opts['proof-format'] ?? 'eddsa-rdfc-2022',
    keyType: opts['key-type'] ?? 'Ed25519',
    statusPurposes: ['revocation']
  };
  const instance = await createInstance(base, spec);
  if(!instance) {
    return;
  }
  const input = read(opts.input);
  const issued = [];
  for(let i = 0; i < count; i++) {
    const r = await issue(base, instance, prepare(input, instance.did));
    const credential = r.json?.verifiableCredential;
    const entries = [].concat(credential?.credentialStatus ?? []);
    if(r.status !== 201 || entries.length !== 1 ||
      entries[0].statusPurpose !== 'revocation') {
      bad(`revocation: issue #${i}: ${short(r)}`);
      continue;
    }
    const file = path.join(out, `cred-${String(i).padStart(2, '0')}.json`);
    write(file, credential);
    issued.push({file, id: credential.id,
      list: entries[0].statusListCredential,
      index: entries[0].statusListIndex});
  }
  const lists = new Set(issued.map(c => c.list));
  const indexes = new Set(issued.map(c => `${c.list} ${c.index}`));
  if(issued.length === count && lists.size === 1 && indexes.size === count) {
    ok(`revocation: ${count} credentials issued by ${instance.name}, one ` +
      `list, ${indexes.size} distinct indexes`);
  } else {
    bad(`revocation: ${issued.length}/${count} issued, ${lists.size} lists, ` +
      `${indexes.size} distinct indexes`);
  }
  if(issued.length === 0) {
    return;
  }
  const victim = issued[Math.floor(issued.length / 3)];
  const r = await api(base, 'POST', '/credentials/status', {
    credentialId: victim.id,
    credentialStatus: [{type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation', status: true}]
  });
  if(r.status >= 200 && r.status < 300) {
    ok(`revocation: POST /credentials/status revoked ` +
      `${path.basename(victim.file)} (index ${victim.index}): HTTP ${r.status}`);
  } else {
    bad(`revocation: POST /credentials/status: ${short(r)}`);
  }
  write(path.join(out, 'revoked.json'), {...victim, all: issued});
}

function cmdCheckDb(opts, [jsonl]) {
  const revoked = read(opts.revoked);
  const lines = fs.readFileSync(jsonl, 'utf8').split('\n').filter(Boolean)
    .map(l => JSON.parse(l));
  const fetches = read(opts['fetch-log']);
  if(lines.length !== revoked.all.length) {
    bad(`DB status: ${lines.length} result lines for ${revoked.all.length} files`);
  }
  const set = [];
  for(const line of lines) {
    const name = path.basename(line.file);
    const entries = line.status ?? [];
    const want = path.resolve(line.file) === path.resolve(revoked.file);
    // the proofs and the list verified; only the revoked one is not
    // verified, for its bit alone
    const proofsOk = line.proofs.length > 0 && line.proofs.every(p => p.verified);
    if(!proofsOk || line.library_verified !== true || entries.length !== 1 ||
      line.verified === want) {
      bad(`DB status ${name}: verified=${line.verified} library_verified=` +
        `${line.library_verified} status=${JSON.stringify(entries)} ` +
        `${line.error ?? ''}`.slice(0, 800));
      continue;
    }
    if(entries[0].status === want) {
      ok(`DB status ${name}: ${want ? `revoked (${line.error})` :
        'not revoked'} (index ${entries[0].statusListIndex}, list verified)`);
    } else {
      bad(`DB status ${name}: status=${entries[0].status}, wanted ${want}`);
    }
    if(entries[0].status === true) {
      set.push(name);
    }
  }
  if(set.length === 1) {
    ok(`DB status: exactly one revoked (${set[0]})`);
  } else {
    bad(`DB status: ${set.length} revoked (${set.join(', ')}), wanted 1`);
  }
  const n = fetches[revoked.list] ?? 0;
  if(n === 1) {
    ok(`DB status: the list was fetched once (${revoked.list})`);
  } else {
    bad(`DB status: the list was fetched ${n} times (${JSON.stringify(fetches)})`);
  }
}

/** Every check of id `id` in a credbridge verify --json report. */
function findChecks(report, id) {
  const found = [];
  const walk = v => {
    if(Array.isArray(v)) {
      v.forEach(walk);
    } else if(v && typeof v === 'object') {
      if(v.id === id && typeof v.outcome === 'string') {
        found.push(v);
      }
      Object.values(v).forEach(walk);
    }
  };
  walk(report);
  return found;
}

function cmdCheckCb(opts, [jsonl]) {
  const revoked = read(opts.revoked);
  let reports = [];
  try {
    reports = fs.readFileSync(jsonl, 'utf8').split('\n').filter(Boolean)
      .map(l => JSON.parse(l));
  } catch(e) {
    bad(`credbridge status: cannot read ${jsonl}: ${e.message}`);
  }
  if(reports.length !== revoked.all.length) {
    bad(`credbridge status: ${reports.length} reports for ` +
      `${revoked.all.length} files`);
  }
  let failedCount = 0;
  for(const c of revoked.all) {
    const name = path.basename(c.file);
    const report = reports.find(r => r.credential_id === c.id);
    if(!report) {
      bad(`credbridge status ${name}: no report for ${c.id}`);
      continue;
    }
    const status = findChecks(report, 'status')[0];
    const proof = findChecks(report, 'proof')[0];
    const want = c.file === revoked.file ? 'failed' : 'passed';
    const reason = status?.reason ?? '';
    if(status?.outcome === want && proof?.outcome === 'passed') {
      ok(`credbridge status ${name}: ${status.outcome}` +
        `${reason ? ` (${reason})` : ''}, verdict ${report.verdict}`
          .slice(0, 400));
    } else {
      bad(`credbridge status ${name}: status ${status?.outcome} (wanted ` +
        `${want}), proof ${proof?.outcome}, verdict ${report.verdict}: ${reason}`
          .slice(0, 600));
    }
    if(status?.outcome === 'failed') {
      failedCount++;
    }
  }
  if(failedCount === 1) {
    ok('credbridge status: exactly one revoked');
  } else {
    bad(`credbridge status: ${failedCount} failed the status check, wanted 1`);
  }
}

/**
 * credbridge verify --json over everything the server issued: the proof
 * passes, the status check passes (not applicable without an entry), the
 * verdict is valid or valid-with-warnings. Other findings are printed as
 * information, counted by check and reason.
 */
function cmdCheckCbAll(opts, [jsonl, ...files]) {
  const reports = fs.readFileSync(jsonl, 'utf8').split('\n').filter(Boolean)
    .map(l => JSON.parse(l));
  const findings = new Map();
  for(const file of files) {
    const name = path.basename(file);
    const report = reports.find(r => r.item === file);
    if(!report) {
      bad(`credbridge verify ${name}: no report`);
      continue;
    }
    const proof = findChecks(report, 'proof')[0];
    const status = findChecks(report, 'status')[0];
    const hasStatus = JSON.stringify(read(file)).includes('statusListIndex') ||
      /vc\+jwt/.test(read(file).id ?? '');
    const statusOk = status?.outcome === 'passed' ||
      (!hasStatus && (status === undefined || status.outcome === 'not-applicable'));
    if(proof?.outcome === 'passed' && statusOk &&
      ['valid', 'valid-with-warnings'].includes(report.verdict)) {
      ok(`credbridge verify ${name}: ${report.verdict}, proof passed, ` +
        `status ${status?.outcome ?? 'absent'}`);
    } else {
      bad(`credbridge verify ${name}: verdict ${report.verdict}, proof ` +
        `${proof?.outcome} (${proof?.reason ?? ''}), status ${status?.outcome} ` +
        `(${status?.reason ?? ''})`.slice(0, 800));
    }
    for(const c of report.checks ?? []) {
      if(!['passed', 'not-applicable'].includes(c.outcome) &&
        c.id !== 'issuer.identity' && c.id !== 'proof' && c.id !== 'status') {
        const key = `${c.id} ${c.outcome}: ${(c.reason ?? '').slice(0, 160)}`;
        findings.set(key, [...(findings.get(key) ?? []), name]);
      }
    }
  }
  for(const [key, names] of findings) {
    info(`credbridge finding on ${names.length} issued credentials: ${key} ` +
      `(e.g. ${names[0]})`);
  }
}

async function cmdStatusGets(opts) {
  const r = await api(opts.base, 'GET', '/metrics');
  if(r.status !== 200) {
    throw new Error(`GET /metrics: ${short(r)}`);
  }
  let total = 0;
  for(const line of r.text.split('\n')) {
    if(line.startsWith('#') || !line.includes('/status/{tenant}')) {
      continue;
    }
    if(/_requests_total\{/.test(line) && /method="GET"/.test(line) &&
      !line.includes('/publish')) {
      total += Number(line.trim().split(/\s+/).pop());
    }
  }
  console.log(total);
}

// --- main ------------------------------------------------------------------------

const [cmd, ...argv] = process.argv.slice(2);
const {values: opts, positionals} = parseArgs({
  args: argv,
  allowPositionals: true,
  options: {
    base: {type: 'string'},
    inputs: {type: 'string'},
    input: {type: 'string'},
    out: {type: 'string'},
    count: {type: 'string'},
    'proof-format': {type: 'string'},
    'key-type': {type: 'string'},
    revoked: {type: 'string'},
    'fetch-log': {type: 'string'},
    'expect-fail': {type: 'boolean', default: false}
  }
});
try {
  switch(cmd) {
    case 'issue': await cmdIssue(opts); break;
    case 'jose': await cmdJose(opts, positionals); break;
    case 'tamper': cmdTamper(opts, positionals); break;
    case 'revocation': await cmdRevocation(opts); break;
    case 'check-db': cmdCheckDb(opts, positionals); break;
    case 'check-cb': cmdCheckCb(opts, positionals); break;
    case 'check-cb-all': cmdCheckCbAll(opts, positionals); break;
    case 'status-gets':
      try {
        await cmdStatusGets(opts);
      } catch(e) {
        // a number run.sh can subtract: the comparison then fails
        process.stderr.write(`status-gets: ${e.message}\n`);
        console.log(-1000000);
      }
      break;
    default: throw new Error(`unknown command "${cmd}"`);
  }
} catch(e) {
  bad(`serve-issue.mjs ${cmd}: ${e.stack ?? e.message}`.slice(0, 1500));
  process.exit(1);
}
