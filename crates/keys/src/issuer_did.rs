//! [`did_for`]: which DID names a key when nothing else does (signing with a bare key file).

use crate::{DidKey, KeyType, PublicKey, did_jwk_from_public_key};

/// The DID and verification-method id for a public key: did:key where the did:key method
/// defines the key type (Ed25519, P-256, P-384, secp256k1), did:jwk otherwise (RSA), whose
/// single method is `#0`.
#[must_use]
pub fn did_for(public: &PublicKey) -> (String, String) {
    if public.key_type() == KeyType::Rsa {
        let did = did_jwk_from_public_key(public);
        let vm = format!("{did}#0");
        (did, vm)
    } else {
        let did = DidKey::from_public_key(public);
        let vm = did.verification_method_id();
        (did.did, vm)
    }
}

#[cfg(test)]
mod tests {
    use super::did_for;
    use crate::{KeyType, SecretKey};

    #[test]
    fn ed25519_gets_did_key_and_the_method_is_its_fragment() {
        let key = SecretKey::generate(KeyType::Ed25519).unwrap().public_key();
        let (did, vm) = did_for(&key);
        assert!(did.starts_with("did:key:z6Mk"), "{did}");
        assert!(vm.starts_with(&format!("{did}#z6Mk")), "{vm}");
    }
}
