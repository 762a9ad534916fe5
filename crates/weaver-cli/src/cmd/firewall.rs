//! `weaver firewall`: one JSON document in, one Frame out, through the firewall's bytes
//! path (the whole document is never built as a `Value`, so any nesting depth is
//! accepted: containers below the frame's depth are skipped without recursion).

use weaver_budget::ResponseMode;
use weaver_kernel::{Budgets, Firewall, TransformContext};

use crate::args::{FirewallArgs, Mode};
use crate::error::CliError;
use crate::input::Input;
use crate::json;

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
    // A one-shot call: a fresh action id and the time it was made.
    ctx.action_id = action_id()?;
    ctx.invoked_at_ms = Some(now_ms());
    // The CLI keeps nothing: cut markers must point at the input, not at a handle.
    ctx.full_data_note = Some("full data in the input; the CLI keeps no handle".into());
    let bytes = Input::open(args.file.as_deref())?.whole()?;
    let mut frame = firewall
        .transform_json(json::strip_bom(&bytes), &ctx)
        .map_err(|e| CliError::Input(e.to_string()))?;
    // The CLI returns the whole answer at once: no later frame continues this one.
    frame.is_final = true;
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

/// 128 random bits from the OS, as 32 lowercase hex digits.
fn action_id() -> Result<String, CliError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| {
        CliError::io(
            "cannot draw a random action id",
            std::io::Error::other(e.to_string()),
        )
    })?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    Ok(bytes
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect())
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
