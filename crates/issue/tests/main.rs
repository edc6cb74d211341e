//! Integration tests of credbridge-issue.
