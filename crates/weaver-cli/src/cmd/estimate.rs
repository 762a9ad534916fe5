//! `weaver estimate`: the exact compact-JSON byte size of the document.

use crate::args::EstimateArgs;
use crate::error::CliError;
use crate::input::{Input, parse_json};

pub(crate) fn run(args: &EstimateArgs) -> Result<(), CliError> {
    let bytes = Input::open(args.file.as_deref())?.read_all()?;
    let value = parse_json(&bytes)?;
    let size = weaver_estimate::estimate(&value);
    super::print_line(size.to_string().as_bytes())
}
