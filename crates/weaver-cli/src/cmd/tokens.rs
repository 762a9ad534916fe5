//! `weaver tokens`: exact token counts, offline (the vocabularies are in the binary).

use weaver_budget::{CharCounter, TiktokenCounter, TokenCounter};

use crate::args::{Encoding, TokensArgs};
use crate::error::CliError;
use crate::input::Input;
use crate::json;

pub(crate) fn run(args: &TokensArgs) -> Result<(), CliError> {
    let bytes = Input::open(args.file.as_deref())?.whole()?;
    let counter: Box<dyn TokenCounter + Send + Sync> = match args.encoding {
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
    } else if matches!(args.encoding, Encoding::Chars) {
        // ceil(compact JSON bytes / 4): the scanner's size is that length, no Value needed.
        json::check(&bytes, usize::MAX)?
            .size
            .div_ceil(weaver_budget::BYTES_PER_TOKEN)
    } else {
        let doc = json::check(&bytes, json::MAX_DEPTH)?;
        json::deep_stack(doc.depth, || {
            let value: serde_json::Value = json::parse(&doc)?;
            // The counter writes the compact text iteratively; the drop runs on this stack.
            Ok(counter.count_value(&value))
        })?
    };
    super::print_line(count.to_string().as_bytes())
}
