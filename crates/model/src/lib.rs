//! credbridge-model (being written).
