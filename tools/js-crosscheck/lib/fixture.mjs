#!/usr/bin/env node
// Small JSON helpers for run.sh (so it needs nothing but node):
//   node lib/fixture.mjs tamper-subject IN OUT   change credentialSubject(.id)
//   node lib/fixture.mjs tamper-created IN OUT   change proof.created
//   node lib/fixture.mjs check REPORT ID         outcome and reason of a check
//   node lib/fixture.mjs strip-proof IN OUT      drop "proof"
//   node lib/fixture.mjs pick IN JSON.PATH OUT   write one member (a.b.c)
//   node lib/fixture.mjs get IN JSON.PATH        print a string member
//   node lib/fixture.mjs same A B                exit 0 iff A and B are
//                                                equal JSON values (a top
//                                                level one-element proof
//                                                array equals its member)
import fs from 'node:fs';
import {isDeepStrictEqual} from 'node:util';

const [cmd, ...rest] = process.argv.slice(2);
const read = file => JSON.parse(fs.readFileSync(file, 'utf8'));
const write = (file, value) =>
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
const at = (value, dotted) => dotted.split('.').reduce((v, k) => {
  if(v === undefined || v === null || !(k in Object(v))) {
    throw new Error(`no member "${dotted}"`);
  }
  return v[k];
}, value);

function firstSubject(doc) {
  const subject = doc.credentialSubject;
  return Array.isArray(subject) ? subject[0] : subject;
}

try {
  switch(cmd) {
    case 'tamper-subject': {
      const [input, output] = rest;
      const doc = read(input);
      const subject = firstSubject(doc);
      if(!subject || typeof subject !== 'object') {
        throw new Error(`${input}: no credentialSubject object to tamper`);
      }
      subject.id = typeof subject.id === 'string' ?
        subject.id + '-tampered' : 'did:example:tampered';
      write(output, doc);
      break;
    }
    case 'tamper-created': {
      const [input, output] = rest;
      const doc = read(input);
      const proofs = [].concat(doc.proof ?? []);
      if(proofs.length === 0) {
        throw new Error(`${input}: no proof to tamper`);
      }
      // every proof, so a proof set cannot still pass on an untouched member
      for(const proof of proofs) {
        proof.created = '2001-02-03T04:05:06Z';
      }
      write(output, doc);
      break;
    }
    case 'strip-proof': {
      const [input, output] = rest;
      const {proof: _proof, ...doc} = read(input);
      write(output, doc);
      break;
    }
    case 'pick': {
      const [input, dotted, output] = rest;
      write(output, at(read(input), dotted));
      break;
    }
    case 'get': {
      const [input, dotted] = rest;
      process.stdout.write(String(at(read(input), dotted)) + '\n');
      break;
    }
    case 'same': {
      const [a, b] = rest;
      const norm = doc => {
        if(Array.isArray(doc?.proof) && doc.proof.length === 1) {
          doc.proof = doc.proof[0];
        }
        return doc;
      };
      if(!isDeepStrictEqual(norm(read(a)), norm(read(b)))) {
        process.stderr.write(`differ: ${a} ${b}\n`);
        process.exit(1);
      }
      break;
    }
    case 'check': {
      // Prints "OUTCOME<TAB>REASON" of the check with this id in a credbridge
      // verify --json report (searched anywhere in the report).
      const [input, id] = rest;
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
      walk(read(input));
      if(found.length === 0) {
        throw new Error(`${input}: no check "${id}"`);
      }
      process.stdout.write(`${found[0].outcome}\t${found[0].reason ?? ''}\n`);
      break;
    }
    default:
      throw new Error(`unknown command "${cmd}"`);
  }
} catch(e) {
  process.stderr.write(`fixture.mjs ${cmd}: ${e.message}\n`);
  process.exit(2);
}
