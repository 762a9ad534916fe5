//! `weaver firewall`: one JSON document in, one Frame out, through the firewall's bytes
//! path (the whole document is never built as a `Value`).

use weaver_budget::ResponseMode;
use weaver_kernel::{Budgets, Firewall, TransformContext};

use crate::args::{FirewallArgs, Mode};
use crate::error::CliError;
use crate::input::Input;

pub(crate) fn run(args: &FirewallArgs) -> Result<(), CliError> {
    let mut budgets = Budgets::default();
    if let Some(n) = args.max_rows {
        budgets.max_rows = to_usize(n, "--max-rows")?;
    }
    if let Some(n) = args.max_fields {
        budgets.max_fields = to_usize(n, "--max-fields")?;
    }
    if let Some(n) = args.max_chars {
        budgets.max_chars = to_usize(n, "--max-chars")?;
    }
    if let Some(n) = args.max_depth {
        budgets.max_depth = to_usize(n, "--max-depth")?;
    }
    let firewall = Firewall::new(budgets).map_err(|e| CliError::Usage(e.to_string()))?;
    let mut ctx = TransformContext::new(match args.mode {
        Mode::Summary => ResponseMode::Summary,
        Mode::Table => ResponseMode::Table,
        Mode::HandleOnly => ResponseMode::HandleOnly,
        Mode::Raw => ResponseMode::Raw,
    });
    ctx.capability_id = "cli".into();
    ctx.roles.clone_from(&args.roles);
    if !args.allowed_fields.is_empty() {
        ctx.constraints.allowed_fields = Some(args.allowed_fields.clone());
    }
    let bytes = Input::open(args.file.as_deref())?.read_all()?;
    let frame = firewall
        .transform_json(&bytes, &ctx)
        .map_err(|e| CliError::Input(e.to_string()))?;
    let text = if args.pretty {
        serde_json::to_vec_pretty(&frame)
    } else {
        serde_json::to_vec(&frame)
    }
    .map_err(|e| CliError::Input(format!("cannot serialize the frame: {e}")))?;
    super::print_line(&text)
}

fn to_usize(n: u64, flag: &str) -> Result<usize, CliError> {
    usize::try_from(n).map_err(|_| CliError::Usage(format!("{flag} {n} is too large")))
}
