//! Expansion: one bounded, redacted page of a stored result.
//!
//! This module is backend-independent: a backend looks the record up, checks expiry and
//! the principal with [`authorize`], then calls [`expand_value`] on the stored data.

use std::borrow::Cow;

use serde_json::Value;
use weaver_redact::{Kind, Policy, Redactor, Report};

use crate::query::{Condition, ExpandQuery, json_eq};
use crate::{Handle, HandleError};

mod copy;

use copy::project;

/// The smallest usable `max_chars`: room for a few rows or an omission marker.
pub const MIN_EXPAND_CHARS: u64 = 256;

/// How much one expansion may return. Defaults: 50 rows, 20 fields, 4000 chars, depth 3.
///
/// `max_chars` bounds the compact JSON of `rows` in bytes (at least as strict as
/// characters). `max_depth` counts from the stored value (the list is depth 0, a row 1, a
/// field value 2): containers at `max_depth` or deeper are replaced by the redactor's
/// elision marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExpandBudget {
    /// Most rows per page.
    pub max_rows: u64,
    /// Most fields per row.
    pub max_fields: usize,
    /// Most bytes of compact JSON in `rows`.
    pub max_chars: u64,
    /// Depth at which containers are elided.
    pub max_depth: usize,
}

impl Default for ExpandBudget {
    fn default() -> Self {
        ExpandBudget {
            max_rows: 50,
            max_fields: 20,
            max_chars: 4000,
            max_depth: 3,
        }
    }
}

impl ExpandBudget {
    /// Checks that a page can make progress: at least one row, one field, one level and
    /// [`MIN_EXPAND_CHARS`] chars.
    pub fn validate(&self) -> Result<(), HandleError> {
        let bad = |m: String| Err(HandleError::InvalidBudget(m));
        if self.max_rows == 0 {
            return bad("max_rows must be positive".into());
        }
        if self.max_fields == 0 {
            return bad("max_fields must be positive".into());
        }
        if self.max_depth == 0 {
            return bad("max_depth must be positive".into());
        }
        if self.max_chars < MIN_EXPAND_CHARS {
            return bad(format!("max_chars must be at least {MIN_EXPAND_CHARS}"));
        }
        Ok(())
    }
}

/// Where a text page sits in a stored string (UTF-8 byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct TextPage {
    /// First byte shown.
    pub start: u64,
    /// One past the last byte covered (a secret straddling the page end is masked whole
    /// and covered).
    pub end: u64,
    /// Length of the stored string in bytes.
    pub total_bytes: u64,
}

/// One page of a stored result: bounded, projected, redacted, with explicit continuation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Expansion {
    /// The handle expanded.
    pub handle_id: crate::HandleId,
    /// The capability whose result it is.
    pub capability_id: String,
    /// The rows of this page (for a text payload: one string, the page of text).
    pub rows: Vec<Value>,
    /// Matching rows skipped before this page (text: the byte offset of the page).
    pub offset: u64,
    /// Where the next page starts, `None` when this page is the last.
    pub next_offset: Option<u64>,
    /// Rows in the stored data (list length, else 1).
    pub total_rows: u64,
    /// Rows matching the filter, when known without scanning further than this page
    /// (always known without a filter).
    pub matched_rows: Option<u64>,
    /// Set for a text payload.
    pub text: Option<TextPage>,
    /// Every cut made, in words (`"limit capped at 3 by the grant's max_rows"`, …).
    pub notes: Vec<String>,
    /// What the redactor masked in this page (kinds, pointers, counts; never values).
    pub findings: Report,
}

/// Checks expiry (`now_ms >= expires_at_ms` is expired) and the principal binding of a
/// looked-up handle. A bound handle needs exactly its principal; an unbound one anyone.
pub fn authorize(handle: &Handle, principal: Option<&str>, now_ms: u64) -> Result<(), HandleError> {
    if now_ms >= handle.expires_at_ms {
        return Err(HandleError::Expired {
            id: handle.id.clone(),
            expired_at_ms: handle.expires_at_ms,
        });
    }
    match (&handle.principal_id, principal) {
        (None, _) => Ok(()),
        (Some(bound), Some(caller)) if bound == caller => Ok(()),
        _ => Err(HandleError::PrincipalMismatch {
            id: handle.id.clone(),
        }),
    }
}

enum ClauseCond<'a> {
    /// From the grant: compared with the raw value (the grant's author chose it).
    Scope(&'a Value),
    /// From the caller: compared with what the caller could see of the value, so a
    /// filter cannot probe masked data.
    Query(&'a Condition),
}

struct Clause<'a> {
    field: &'a str,
    cond: ClauseCond<'a>,
    /// The field's values may be masked (by the typed key rule, or as a pair value): the
    /// caller may only see the marker, so each value is checked.
    sensitive: bool,
}

/// Computes one page of `data` (the stored value of `handle`) for `query`, within
/// `budget` and the grant stored in `handle.constraints`, redacting on the way out.
///
/// Does not check expiry or the principal: call [`authorize`] first.
pub fn expand_value(
    handle: &Handle,
    data: &Value,
    query: &ExpandQuery,
    budget: &ExpandBudget,
    redactor: &Redactor,
) -> Result<Expansion, HandleError> {
    budget.validate()?;
    query.validate()?;
    let grant = &handle.constraints;

    if let (Some(allowed), Some(asked)) = (&grant.allowed_fields, query.requested_fields()) {
        let mut outside: Vec<&str> = asked
            .iter()
            .filter(|f| !allowed.contains(f))
            .map(String::as_str)
            .collect();
        if !outside.is_empty() {
            outside.sort_unstable();
            outside.dedup();
            let mut granted: Vec<&str> = allowed.iter().map(String::as_str).collect();
            granted.sort_unstable();
            // The names come from the caller: only short plain ones are repeated.
            let outside: Vec<String> = outside.iter().map(|f| crate::query::shown(f)).collect();
            return Err(HandleError::ConstraintViolation(format!(
                "fields [{}] are not in the granted allowed_fields {granted:?}",
                outside.join(", ")
            )));
        }
    }

    // What a caller sees of a masked value; only needed to evaluate a caller's filter.
    let marker = if query.filter.is_empty() {
        Value::Null
    } else {
        Value::String(redactor.marker(Kind::SensitiveKey).to_owned())
    };
    let mut clauses: Vec<Clause<'_>> =
        Vec::with_capacity(grant.scope.len() + query.filter.clauses().len());
    for (field, v) in &grant.scope {
        clauses.push(Clause {
            field,
            cond: ClauseCond::Scope(v),
            sensitive: false,
        });
    }
    for (field, cond) in query.filter.clauses() {
        if let Some(allowed) = &grant.allowed_fields
            && !allowed.contains(field)
        {
            return Err(HandleError::ConstraintViolation(format!(
                "filter on {}, which is not in the granted allowed_fields",
                crate::query::shown(field)
            )));
        }
        if let Some(scoped) = grant.scope.get(field)
            && !cond.holds(scoped)
        {
            return Err(HandleError::ConstraintViolation(format!(
                "filter on {} contradicts the grant's scope",
                crate::query::shown(field)
            )));
        }
        clauses.push(Clause {
            field,
            cond: ClauseCond::Query(cond),
            sensitive: !redactor.key_rule_remembered(field).is_plain()
                || redactor.is_pair_value_field(field),
        });
    }

    let mut page = Expansion {
        handle_id: handle.id.clone(),
        capability_id: handle.capability_id.clone(),
        rows: Vec::new(),
        offset: query.offset,
        next_offset: None,
        total_rows: handle.total_rows,
        matched_rows: None,
        text: None,
        notes: Vec::new(),
        findings: Report::new(),
    };

    if let Value::String(s) = data {
        if clauses.is_empty() {
            text_page(s, query.offset, budget, redactor, &mut page);
        } else {
            page.matched_rows = Some(0);
            page.notes
                .push("filters and scopes match no rows of a text payload".to_owned());
        }
        return Ok(page);
    }

    let (rows, row_depth): (&[Value], usize) = match data {
        Value::Array(a) => (a, 1),
        other => (std::slice::from_ref(other), 0),
    };
    if clauses.is_empty() {
        page.matched_rows = Some(rows.len() as u64);
    }

    let mut limit = query.limit.unwrap_or(u64::MAX);
    if let Some(g) = grant.max_rows
        && g < limit
    {
        limit = g;
        page.notes
            .push(format!("limit capped at {g} by the grant's max_rows"));
    }
    if budget.max_rows < limit {
        limit = budget.max_rows;
        page.notes
            .push(format!("limit capped at {limit} by the budget's max_rows"));
    }
    if limit == 0 {
        return Ok(page);
    }

    let fields: Option<&[String]> = query.requested_fields().or(grant.allowed_fields.as_deref());
    // The redactor's depth counts from the value it is given (a row is its root); the
    // budget counts from the stored value, where a list's rows sit at depth 1.
    let depth_limit = budget.max_depth.saturating_sub(row_depth);
    let mut policy = Policy::new().max_depth(depth_limit);
    if let Some(allowed) = &grant.allowed_fields {
        // The top-level projection above covers object rows; the redactor's projection
        // also reaches records inside rows that are lists (`[[{…}]]`), so a field outside
        // the grant cannot come back through a different shape.
        policy = policy.allowed_fields(allowed.iter().cloned());
    }

    // Sized for the page, not for what a large offset skips.
    page.rows
        .reserve(limit.min(rows.len() as u64).min(1024) as usize);
    let mut used: u64 = 2; // "[" and "]"
    let mut matched: u64 = 0;
    let mut stopped = false;
    let mut widest = 0usize;
    for row in rows {
        if !clauses.is_empty() && !row_matches(row, &clauses, &marker, redactor) {
            continue;
        }
        matched += 1;
        if matched <= query.offset {
            continue;
        }
        if page.rows.len() as u64 >= limit {
            // A further match exists, so the next page is not empty.
            stopped = true;
            break;
        }
        let (mut shown, selected, pair_masked) =
            project(row, fields, budget.max_fields, depth_limit, redactor);
        widest = widest.max(selected);
        let mut report = redactor.redact_value_in_place(&mut shown, &policy);
        if let Value::Object(m) = &shown
            && redactor.pair_rule(m).is_none()
        {
            // The pair's name was not selected, so the redactor could not count these.
            for field in pair_masked {
                report.record(Kind::SensitiveKey, &format!("/{field}"), 1);
            }
        }
        let mut size = weaver_estimate::estimate(&shown);
        let sep = u64::from(!page.rows.is_empty());
        let mut report = Some(report);
        if 2 + size > budget.max_chars {
            let at = query.offset + page.rows.len() as u64;
            shown = Value::String(format!(
                "[row {at} omitted: {size} bytes of JSON exceed max_chars {}; name fewer fields]",
                budget.max_chars
            ));
            size = weaver_estimate::estimate(&shown);
            report = None;
            page.notes.push(format!("row {at} was too large to show"));
        }
        if used + sep + size > budget.max_chars {
            stopped = true;
            page.notes.push(format!(
                "page stopped at max_chars {}; continue at next_offset",
                budget.max_chars
            ));
            break;
        }
        if let Some(r) = report.filter(|r| !r.is_empty()) {
            // Rows aggregate under `/rows/*` (one entry per column and kind, as the
            // Report promises), not one entry per row.
            page.findings.merge_prefixed("/rows/*", &r);
        }
        used += sep + size;
        page.rows.push(shown);
    }
    if stopped {
        page.next_offset = Some(query.offset + page.rows.len() as u64);
    } else if !clauses.is_empty() {
        page.matched_rows = Some(matched);
    }
    if widest > budget.max_fields {
        page.notes.push(format!(
            "rows show their first {} of up to {widest} fields; name fields to see others",
            budget.max_fields
        ));
    }
    Ok(page)
}

fn row_matches(row: &Value, clauses: &[Clause<'_>], marker: &Value, redactor: &Redactor) -> bool {
    let Value::Object(m) = row else {
        return false;
    };
    clauses.iter().all(|c| {
        let Some(v) = m.get(c.field) else {
            return false;
        };
        match c.cond {
            ClauseCond::Scope(s) => json_eq(v, s),
            ClauseCond::Query(cond)
                if c.sensitive
                    && (redactor.masks_value(c.field, v)
                        || redactor.pair_masks(redactor.pair_rule(m), c.field, v)) =>
            {
                cond.holds(marker)
            }
            ClauseCond::Query(cond) => visible_holds(cond, c.field, v, marker, redactor),
        }
    })
}

/// Evaluates a caller's condition on the value as the caller would see it after
/// redaction, so that a filter is never an oracle for masked text or numbers.
fn visible_holds(
    cond: &Condition,
    field: &str,
    v: &Value,
    marker: &Value,
    redactor: &Redactor,
) -> bool {
    match v {
        // Scanned as the page shows it: after its key, which can give it context.
        Value::String(s) => match redactor.redact_leaf(field, s) {
            Cow::Borrowed(_) => cond.holds(v),
            Cow::Owned(masked) => cond.holds(&Value::String(masked)),
        },
        Value::Number(n) if redactor.scan_number(n).is_some() => cond.holds(marker),
        _ => cond.holds(v),
    }
}

/// Bytes `c` takes inside a compact JSON string.
fn json_char_len(c: char) -> u64 {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8() as u64,
    }
}

/// Bytes `s` takes inside a compact JSON string (without the quotes): the sum of
/// [`json_char_len`] over its characters.
fn json_len(s: &str) -> u64 {
    weaver_estimate::str_len(s) - 2
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// One page of a stored string: up to `max_chars` bytes of JSON, starting at byte
/// `offset` (rounded down to a character boundary).
///
/// The page is redacted with up to the redactor's hold cap of context on both sides, so a
/// secret cut by the page boundary is still recognised: it is masked whole, on both pages
/// it touches, and the next page starts after it.
fn text_page(
    s: &str,
    offset: u64,
    budget: &ExpandBudget,
    redactor: &Redactor,
    page: &mut Expansion,
) {
    page.matched_rows = Some(1);
    let len = s.len();
    let start = floor_boundary(s, usize::try_from(offset).unwrap_or(usize::MAX));
    page.offset = start as u64;
    let cap = budget.max_chars - 2;
    let mut want = cap;
    let mut attempt = 0;
    let rest = json_len(&s[start..]);
    loop {
        // A rest that fits whole (every short text) needs no walk character by character.
        // `size`: the JSON bytes of `s[start..end]`.
        let (end, size) = if rest <= want {
            (len, rest)
        } else {
            let mut end = start;
            let mut size = 0u64;
            for c in s[start..].chars() {
                let l = json_char_len(c);
                if size + l > want {
                    break;
                }
                size += l;
                end += c.len_utf8();
            }
            (end, size)
        };
        let (text, covered, report) = redact_window(s, start, end, redactor);
        // Each marker written is one finding: with none, the text is `s[start..end]`.
        let shown = if report.is_empty() {
            size
        } else {
            json_len(&text)
        };
        debug_assert_eq!(shown, json_len(&text));
        attempt += 1;
        // Markers may be longer than what they replace: shrink the window by the overshoot
        // and retry; after a few tries, drop the page text rather than exceed the cap.
        if shown > cap && attempt < 8 && want > 0 {
            want = want.saturating_sub(shown - cap);
            continue;
        }
        let (text, covered) = if shown > cap {
            // Still move forward, so a caller paging with next_offset cannot loop.
            let step = s[start..].chars().next().map_or(0, char::len_utf8);
            page.notes.push(format!(
                "text page withheld: redaction markers exceed max_chars; bytes {start}..{} skipped",
                covered.max(start + step)
            ));
            (String::new(), covered.max(start + step))
        } else {
            (text, covered)
        };
        if !report.is_empty() {
            page.findings.merge_prefixed("/rows/0", &report);
        }
        page.rows.push(Value::String(text));
        page.text = Some(TextPage {
            start: start as u64,
            end: covered as u64,
            total_bytes: len as u64,
        });
        if covered < len {
            page.next_offset = Some(covered as u64);
            page.notes.push(format!(
                "text page shows bytes {start}..{covered} of {len}; continue at next_offset"
            ));
        }
        return;
    }
}

/// Redacts `s[start..end]` using context around it; returns the text, the byte where the
/// covered range ends (past `end` when a masked secret straddles it) and the findings.
fn redact_window(
    s: &str,
    start: usize,
    end: usize,
    redactor: &Redactor,
) -> (String, usize, Report) {
    let margin = redactor.max_hold();
    let cs = floor_boundary(s, start.saturating_sub(margin));
    let ce = ceil_boundary(s, end.saturating_add(margin));
    let mut spans: Vec<(usize, usize, Kind)> = Vec::new();
    // Only the spans are used: the byte path builds no output unless something matched.
    let _ = redactor.redact_bytes_with(&s.as_bytes()[cs..ce], &mut |f| {
        let a = floor_boundary(s, cs + f.start as usize);
        let b = ceil_boundary(s, cs + f.end as usize);
        spans.push((a, b, f.kind));
    });
    spans.sort_unstable_by_key(|&(a, b, _)| (a, b));
    let mut out = String::with_capacity(end - start);
    let mut report = Report::new();
    let mut pos = start;
    for (a, b, kind) in spans {
        if b <= pos || a >= end {
            continue;
        }
        if a > pos {
            out.push_str(&s[pos..a]);
        }
        out.push_str(redactor.marker(kind));
        report.record(kind, "", 1);
        pos = b;
    }
    if pos < end {
        out.push_str(&s[pos..end]);
    }
    (out, pos.max(end), report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_len_is_the_sum_of_json_char_len() {
        for t in [
            "",
            "plain",
            "a\"b\\c\n\t\u{1}\u{7f}",
            "é漢字🙂",
            "\u{8}\u{c}\r",
        ] {
            assert_eq!(
                json_len(t),
                t.chars().map(json_char_len).sum::<u64>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn json_char_len_matches_serde_json() {
        let sample = "a\"b\\c\nd\re\tf\u{8}\u{c}\u{1}\u{1f}\u{7f}é€😀 ";
        for c in sample.chars() {
            let enc = serde_json::to_string(&c.to_string()).unwrap();
            assert_eq!(json_char_len(c), enc.len() as u64 - 2, "{c:?}");
        }
    }

    /// `copy_bounded` as it was before subtrees were cloned: every map rebuilt key by key.
    #[test]
    fn boundaries_snap_inside_multibyte_chars() {
        let s = "aé€";
        assert_eq!(floor_boundary(s, 2), 1);
        assert_eq!(ceil_boundary(s, 2), 3);
        assert_eq!(floor_boundary(s, 4), 3);
        assert_eq!(ceil_boundary(s, 4), 6);
        assert_eq!(floor_boundary(s, 99), 6);
    }
}
