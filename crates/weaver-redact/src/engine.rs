//! The multi-pattern automaton and the validators that run on its candidates.
//! (Contract stub: the engine issue replaces this body.)

use crate::{BuildError, Kind};

#[derive(Debug)]
pub(crate) struct Engine {
    max_hold: usize,
}

impl Engine {
    pub(crate) fn new(
        _kinds: &[Kind],
        _custom: &[(String, String)],
        max_hold: usize,
    ) -> Result<Engine, BuildError> {
        Ok(Engine { max_hold })
    }

    pub(crate) fn max_hold(&self) -> usize {
        self.max_hold
    }
}
