//! `text_20mb`: one log-like string of service lines (requests, jobs, retries, cache,
//! stack traces, non-ASCII notifications); about 0.1 % of the lines carry a secret, a
//! quarter of those a second one.

use std::fmt::Write as _;
use std::io;

use serde_json::json;

use crate::canary::{CanaryLog, HEX, SecretMaker, sentence_with};
use crate::clock::{START_MS, iso_millis};
use crate::rng::{Deck, Rng};
use crate::vocab;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// One ordinary log entry at time `ms` (a stack trace spans three lines).
pub(crate) fn log_line(rng: &mut Rng, ms: i64) -> String {
    let t = iso_millis(ms);
    let svc = *rng.pick(&vocab::SERVICES);
    let mut s = String::with_capacity(160);
    let r = rng.unit();
    let _ = if r < 0.55 {
        let lvl = rng.weighted(&vocab::LEVELS);
        let _ = write!(
            s,
            "{t} {lvl} [{svc}] req={} {} /api/v1/{}/{} status={} dur_ms={:.1} user=u_{} bytes={}",
            rng.string(HEX, 12),
            rng.weighted(&vocab::METHODS),
            rng.pick(&["orders", "users", "items", "carts"]),
            rng.int(1, 999_999),
            rng.pick(&[200, 200, 200, 201, 204, 304, 400, 404, 500]),
            rng.uniform(0.3, 900.0),
            rng.int(1, 99_999),
            rng.int(0, 99_999),
        );
        if rng.chance(0.05) {
            // An epoch-milliseconds field: 13 digits that must not pass for a secret.
            write!(
                s,
                " ts_ms={}",
                1_714_500_000_000 + rng.int(0, 9_999_999_999)
            )
        } else {
            Ok(())
        }
    } else if r < 0.70 {
        let lvl = rng.weighted(&vocab::LEVELS);
        write!(
            s,
            "{t} {lvl} [{svc}] batch={} handled {} items in {:.2}s",
            rng.string(LOWER_ALNUM, 8),
            rng.int(1, 50_000),
            rng.uniform(0.01, 120.0)
        )
    } else if r < 0.82 {
        write!(
            s,
            "{t} WARN [{svc}] upstream {}-{}.svc.cluster.local:{} failed, retry {} reason=\"{}\"",
            rng.pick(&vocab::SERVICES),
            rng.int(1, 9),
            rng.pick(&[80, 443, 8080, 9090]),
            rng.int(1, 5),
            rng.pick(&vocab::FAILURES)
        )
    } else if r < 0.94 {
        write!(
            s,
            "{t} DEBUG [{svc}] cache {} key={svc}:{} ttl={}s size={}",
            rng.pick(&["hit", "miss"]),
            rng.string(LOWER_ALNUM, 16),
            rng.int(1, 3600),
            rng.int(10, 65_536)
        )
    } else if r < 0.99 {
        write!(
            s,
            "{t} ERROR [{svc}] {}: {}\n    at {svc}.handlers.{}(handlers.py:{})\n    at {svc}.app.dispatch(app.py:{})",
            rng.pick(&["ValueError", "KeyError", "TimeoutError", "IntegrityError"]),
            rng.pick(&vocab::FAILURES),
            rng.string(b"abcdefghijklmnopqrstuvwxyz", 7),
            rng.int(10, 900),
            rng.int(10, 400)
        )
    } else {
        write!(
            s,
            "{t} INFO [notifier] delivered message user=u_{} name=\"{}\" text=\"{}\"",
            rng.int(1, 99_999),
            rng.pick(&vocab::DISPLAY),
            rng.pick(&vocab::FOREIGN)
        )
    };
    s
}

/// A log line carrying a secret of a given family (`{r}` marks the rendering).
fn secret_line(tpl: usize, t: &str, svc: &str, r: &str, rng: &mut Rng) -> String {
    match tpl {
        0 => format!(
            "{t} DEBUG [{svc}] request headers: {{'Authorization': '{r}', 'Accept': 'application/json'}}"
        ),
        1 => format!(
            "{t} DEBUG [{svc}] replay: curl -H \"Authorization: {r}\" https://api.internal.example.com/v2/orders"
        ),
        2 => format!(
            "{t} INFO [auth] sign-in ok user=u_{} session={r}",
            rng.int(1, 99_999)
        ),
        3 => format!("{t} INFO [notifier] mail queued to={r} template=order_shipped"),
        4 => format!(
            "{t} WARN [payments] charge refused card={r} amount={:.2} currency=USD",
            rng.uniform(1.0, 999.0)
        ),
        5 => format!("{t} ERROR [{svc}] database {r} unreachable: connection refused"),
        6 => format!("{t} DEBUG [{svc}] partner settings loaded {r} zone=us-east-1"),
        7 => format!("{t} INFO [kyc] ssn={r} verification passed"),
        8 => format!("{t} INFO [notifier] sms delivered to {r}"),
        _ => format!("{t} INFO [support] please call back on {r}."),
    }
}

/// The family each [`secret_line`] template carries.
const LINE_KINDS: [&str; 10] = [
    "bearer", "bearer", "jwt", "email", "card", "conn_str", "api_key", "ssn", "phone", "phone",
];

/// About `target_bytes` of log text (UTF-8) and its canaries.
///
/// Each canary records its line number and its byte and character offsets in the text,
/// which the chunked workload uses to cut boundaries through it.
pub(crate) fn generate(rng: &mut Rng, target_bytes: usize) -> io::Result<(String, CanaryLog)> {
    let mut sm = SecretMaker::new();
    let mut log = CanaryLog::default();
    let mut templates = Deck::new((0..LINE_KINDS.len()).collect(), Vec::new());
    let mut text = String::with_capacity(target_bytes + 4096);
    let mut nchars = 0usize;
    let mut ms = START_MS;
    let mut line_no = 0usize;
    while text.len() < target_bytes {
        ms += rng.int(1, 40);
        let start = text.len();
        if rng.chance(0.001) {
            let tpl = templates.draw(rng);
            let first = sm.make(rng, LINE_KINDS[tpl])?;
            let svc = *rng.pick(&vocab::SERVICES);
            let mut line = secret_line(tpl, &iso_millis(ms), svc, &first.rendered, rng);
            let mut found = vec![first];
            if rng.chance(0.25) {
                let kind = *rng.pick(&["email", "jwt", "api_key", "phone"]);
                let second = sm.make(rng, kind)?;
                let _ = write!(
                    line,
                    " ctx=\"{}\"",
                    sentence_with(rng, kind, &second.rendered)
                );
                found.push(second);
            }
            for s in &found {
                let idx = line.find(&s.canary).unwrap_or(0);
                let at = json!({
                    "line": line_no,
                    "offset_bytes": start + idx,
                    "length_bytes": s.canary.len(),
                    "offset_chars": nchars + line[..idx].chars().count(),
                });
                log.add(s, "inline_text", at);
            }
            text.push_str(&line);
        } else {
            text.push_str(&log_line(rng, ms));
        }
        text.push('\n');
        let added = &text[start..];
        nchars += added.chars().count();
        line_no += added.bytes().filter(|&b| b == b'\n').count();
    }
    Ok((text, log))
}
