//! credbridge-proofs (being written).
