//! credbridge-jsonld (being written).
