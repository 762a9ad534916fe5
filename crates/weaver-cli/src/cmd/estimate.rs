//! `weaver estimate`: the exact compact-JSON byte size of the document, measured on the
//! bytes in one pass (no `Value` is built): memory is the input plus a bit per nesting
//! level, any depth is accepted.

use crate::args::EstimateArgs;
use crate::error::CliError;
use crate::input::Input;
use crate::json;

pub(crate) fn run(args: &EstimateArgs) -> Result<(), CliError> {
    let bytes = Input::open(args.file.as_deref())?.whole()?;
    let doc = json::check(&bytes, usize::MAX)?;
    super::print_line(doc.size.to_string().as_bytes())
}
