//! Exit codes, so scripts can act on an outcome without parsing output.

use std::process::ExitCode;

/// What a command's outcome means to a calling script.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Everything was read and every check that ran passed.
    Ok,
    /// A check failed (an invalid credential, a schema violation, a failed proof).
    CheckFailed,
    /// Bad usage, or an input that could not be read or decoded.
    InputError,
    /// Nothing failed, but something could not be checked (e.g. a status list was unreachable).
    Indeterminate,
}

impl Status {
    /// The numeric exit code; documented in the README and `credbridge --help`.
    pub fn code(self) -> u8 {
        match self {
            Status::Ok => 0,
            Status::CheckFailed => 1,
            Status::InputError => 2,
            Status::Indeterminate => 3,
        }
    }

    /// Combines the outcomes of several items: an input error or a failure outranks the rest.
    pub fn worst(self, other: Status) -> Status {
        fn rank(s: Status) -> u8 {
            match s {
                Status::Ok => 0,
                Status::Indeterminate => 1,
                Status::CheckFailed => 2,
                Status::InputError => 3,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(status.code())
    }
}
