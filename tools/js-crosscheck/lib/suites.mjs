// Proof suites and did:key keys for the cross-check.
import crypto from 'node:crypto';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as EcdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {cryptosuite as ecdsaRdfc2019} from
  '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import * as eddsaJcs2022 from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as ecdsaJcs2019 from '@digitalbazaar/ecdsa-jcs-2019-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {createVerifyCryptosuite as createSdVerifyCryptosuite} from
  '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import {createVerifyCryptosuite as createBbsVerifyCryptosuite} from
  '@digitalbazaar/bbs-2023-cryptosuite';

/**
 * Suite name (as passed to `sign.mjs --suite`) -> how to build it.
 * `curves`: key types the suite accepts; the first one is the default.
 */
export const SUITES = {
  'eddsa-rdfc-2022': {
    curves: ['Ed25519'],
    cryptosuite: () => eddsaRdfc2022
  },
  'eddsa-jcs-2022': {
    curves: ['Ed25519'],
    cryptosuite: () => eddsaJcs2022.createSignCryptosuite(),
    verifyCryptosuite: () => eddsaJcs2022.createVerifyCryptosuite()
  },
  'ecdsa-rdfc-2019': {
    curves: ['P-256', 'P-384'],
    cryptosuite: () => ecdsaRdfc2019
  },
  'ecdsa-jcs-2019': {
    curves: ['P-256', 'P-384'],
    cryptosuite: () => ecdsaJcs2019.createSignCryptosuite(),
    verifyCryptosuite: () => ecdsaJcs2019.createVerifyCryptosuite()
  },
  'Ed25519Signature2020': {
    curves: ['Ed25519'],
    legacy: true
  }
};

/** A signing suite instance for `name`, with `created` = `date`. */
export function createSigningSuite(name, signer, date) {
  const def = SUITES[name];
  if(!def) {
    throw new Error(`unknown suite "${name}"; known: ` +
      Object.keys(SUITES).join(', '));
  }
  if(def.legacy) {
    return new Ed25519Signature2020({signer, date});
  }
  return new DataIntegrityProof({signer, date, cryptosuite: def.cryptosuite()});
}

/** Every verifying suite; jsonld-signatures picks the ones a proof matches. */
export function createVerifyingSuites() {
  const suites = [];
  for(const def of Object.values(SUITES)) {
    if(def.legacy) {
      suites.push(new Ed25519Signature2020());
    } else {
      const cryptosuite = def.verifyCryptosuite ?
        def.verifyCryptosuite() : def.cryptosuite();
      suites.push(new DataIntegrityProof({cryptosuite}));
    }
  }
  // ecdsa-sd-2023 and bbs-2023: verify side only (derived proofs).
  suites.push(new DataIntegrityProof({cryptosuite: createSdVerifyCryptosuite()}));
  suites.push(new DataIntegrityProof({cryptosuite: createBbsVerifyCryptosuite()}));
  return suites;
}

// --- keys -------------------------------------------------------------------

const NODE_CURVE = {'P-256': 'prime256v1', 'P-384': 'secp384r1'};
const SCALAR_BYTES = {'Ed25519': 32, 'P-256': 32, 'P-384': 48};

const b64u = bytes => Buffer.from(bytes).toString('base64url');

/**
 * A signing key: {curve, keyPair, did, verificationMethod,
 * publicKeyMultibase, privateJwk, publicJwk}.
 */
async function finish(curve, keyPair, privateJwk) {
  const {publicKeyMultibase} = keyPair;
  const did = `did:key:${publicKeyMultibase}`;
  const verificationMethod = `${did}#${publicKeyMultibase}`;
  keyPair.id = verificationMethod;
  keyPair.controller = did;
  const {d: _d, ...publicJwk} = privateJwk;
  return {
    curve, keyPair, did, verificationMethod, publicKeyMultibase,
    privateJwk, publicJwk,
    signer() {
      const signer = keyPair.signer();
      signer.id = verificationMethod;
      return signer;
    }
  };
}

/** Deterministic key from a seed / secret scalar given as hex. */
export async function keyFromSeed(curve, seedHex) {
  const want = SCALAR_BYTES[curve];
  if(!want) {
    throw new Error(`unsupported curve "${curve}"`);
  }
  if(!/^[0-9a-fA-F]+$/.test(seedHex) || seedHex.length !== want * 2) {
    throw new Error(`--seed for ${curve} must be ${want} bytes ` +
      `(${want * 2} hex digits), got "${seedHex}"`);
  }
  const seed = Buffer.from(seedHex, 'hex');
  if(curve === 'Ed25519') {
    const keyPair = await Ed25519Multikey.generate({seed});
    const {publicKey} = await keyPair.export({raw: true, publicKey: true});
    return finish(curve, keyPair, {
      kty: 'OKP', crv: 'Ed25519', x: b64u(publicKey), d: b64u(seed)
    });
  }
  // ECDSA: the seed is the secret scalar itself (must be in [1, n-1])
  const ecdh = crypto.createECDH(NODE_CURVE[curve]);
  ecdh.setPrivateKey(seed);
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const n = (point.length - 1) / 2;
  return keyFromJwk({
    kty: 'EC', crv: curve,
    x: b64u(point.subarray(1, 1 + n)), y: b64u(point.subarray(1 + n)),
    d: b64u(seed)
  });
}

/** Key from a private JWK (OKP/Ed25519 or EC/P-256|P-384 with `d`). */
export async function keyFromJwk(jwk) {
  if(!jwk || typeof jwk !== 'object' || typeof jwk.d !== 'string') {
    throw new Error('key file must be a private JWK (with "d")');
  }
  if(jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const privateJwk = {kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d};
    const keyPair = await Ed25519Multikey.fromJwk({
      jwk: privateJwk, secretKey: true
    });
    return finish('Ed25519', keyPair, privateJwk);
  }
  if(jwk.kty === 'EC' && NODE_CURVE[jwk.crv]) {
    const privateJwk = {kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d};
    // without key_ops, ecdsa-multikey imports the key for ECDH, not ECDSA
    const keyPair = await EcdsaMultikey.fromJwk({
      jwk: {...privateJwk, key_ops: ['sign']}, secretKey: true
    });
    return finish(jwk.crv, keyPair, privateJwk);
  }
  throw new Error(`unsupported JWK kty="${jwk.kty}" crv="${jwk.crv}" ` +
    '(want OKP/Ed25519, EC/P-256 or EC/P-384)');
}

/** Fresh random key. */
export async function generateKey(curve) {
  return keyFromSeed(curve, randomScalarHex(curve));
}

function randomScalarHex(curve) {
  if(curve === 'Ed25519') {
    return crypto.randomBytes(32).toString('hex');
  }
  // let node pick a valid scalar
  const ecdh = crypto.createECDH(NODE_CURVE[curve]);
  ecdh.generateKeys();
  return ecdh.getPrivateKey().toString('hex')
    .padStart(SCALAR_BYTES[curve] * 2, '0');
}
