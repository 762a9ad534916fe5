//! Sensitive key names: tokenization and matching. (Contract stub.)

use crate::BuildError;

#[derive(Debug)]
pub(crate) struct KeyMatcher {}

impl KeyMatcher {
    pub(crate) fn new(_sensitive: &[String], _stop: &[String]) -> Result<KeyMatcher, BuildError> {
        Ok(KeyMatcher {})
    }

    pub(crate) fn is_sensitive(&self, _key: &str) -> bool {
        false
    }
}
