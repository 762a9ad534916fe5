//! `weaver tokens`: exact token counts, offline (the vocabularies are in the binary).

use weaver_budget::{CharCounter, TiktokenCounter, TokenCounter};

use crate::args::{Encoding, TokensArgs};
use crate::error::CliError;
use crate::input::{Input, parse_json};

pub(crate) fn run(args: &TokensArgs) -> Result<(), CliError> {
    let bytes = Input::open(args.file.as_deref())?.read_all()?;
    let counter: Box<dyn TokenCounter> = match args.encoding {
        Encoding::Cl100kBase => Box::new(TiktokenCounter::cl100k()),
        Encoding::O200kBase => Box::new(TiktokenCounter::o200k()),
        Encoding::Chars => Box::new(CharCounter),
    };
    let count = if args.text {
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            CliError::Input(format!(
                "input is not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
        })?;
        counter.count_str(text)
    } else {
        counter.count_value(&parse_json(&bytes)?)
    };
    super::print_line(count.to_string().as_bytes())
}
