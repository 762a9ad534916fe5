//! The firewall's bytes path: `transform_json` in every mode and budget shape.

use weaver_kernel::firewall::ROLE_ADMIN;
use weaver_kernel::{Budgets, Constraints, Firewall, Frame, ResponseMode, TransformContext};

const MODES: [ResponseMode; 4] = [
    ResponseMode::Summary,
    ResponseMode::Table,
    ResponseMode::HandleOnly,
    ResponseMode::Raw,
];

/// Compact JSON bytes of what the budget covers: facts, table preview, warnings.
pub fn carried(frame: &Frame) -> usize {
    let n = |r: serde_json::Result<Vec<u8>>| r.expect("a frame part serializes").len();
    n(serde_json::to_vec(&frame.facts))
        + n(serde_json::to_vec(&frame.table_preview))
        + n(serde_json::to_vec(&frame.warnings))
}

/// The firewall and context a control byte selects: mode (2 bits), admin role (1 bit),
/// projection to `id`/`name` (1 bit), and one of four budget shapes (2 bits).
pub fn setup(control: u8) -> (Firewall, TransformContext) {
    let mode = MODES[usize::from(control & 3)];
    let budgets = match (control >> 4) & 3 {
        0 => Budgets::default(),
        1 => Budgets::default().with_max_chars(512).with_max_rows(1),
        2 => Budgets::default()
            .with_max_chars(700)
            .with_max_fields(1)
            .with_max_depth(1),
        _ => Budgets::default()
            .with_max_chars(2000)
            .with_max_rows(0)
            .with_max_depth(8),
    };
    let fw = Firewall::new(budgets).expect("valid budgets");
    let mut ctx = TransformContext::new(mode);
    if control & 4 != 0 {
        ctx = ctx.with_role(ROLE_ADMIN);
    }
    if control & 8 != 0 {
        ctx = ctx.with_constraints(Constraints {
            max_rows: Some(2),
            allowed_fields: Some(vec!["id".to_owned(), "name".to_owned()]),
        });
    }
    (fw, ctx)
}

/// The first byte chooses mode, role, projection and budgets; the rest is the document.
/// No panic; the budget bound holds; the lazy frame equals the `Value` frame whenever the
/// bytes parse; invalid JSON is a typed error.
pub fn firewall_json(data: &[u8]) {
    let Some((&control, doc)) = data.split_first() else {
        return;
    };
    let (fw, ctx) = setup(control);
    let lazy = fw.transform_json(doc, &ctx);
    if let Ok(f) = &lazy {
        let max = fw.budgets().max_chars;
        assert!(carried(f) <= max, "budget {max} exceeded: {}", carried(f));
    }
    if super::depth(doc) > super::VALUE_DEPTH {
        return;
    }
    match serde_json::from_slice::<serde_json::Value>(doc) {
        Ok(v) => {
            let eager = fw.transform(&v, &ctx).expect("transform of a parsed value");
            match lazy {
                Ok(f) => assert_eq!(f, eager, "transform_json and transform disagree"),
                Err(e) => panic!("the bytes parse but transform_json fails: {e}"),
            }
        }
        Err(e) => assert!(
            lazy.is_err(),
            "serde_json refuses the bytes ({e}) but transform_json makes a frame"
        ),
    }
}
