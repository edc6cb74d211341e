//! credbridge-formats (being written).
