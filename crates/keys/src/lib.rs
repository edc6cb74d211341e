//! credbridge-keys (being written).
