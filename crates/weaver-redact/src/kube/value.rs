//! One line of a Kubernetes Secret's data block, decided whole once it has ended: an entry
//! (`key: value`, `"key": "value",`), or a line of the value an entry opened (`key: |`).

use crate::escapes::Decoded;
use crate::rules::values;

/// What the values of a data block are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The `data` of a manifest known to be a Secret: every value is a secret but a
    /// reference or a stand-in, and base64 of at most 8 characters (6 bytes or fewer: too
    /// short to be generated, and what manifests written as examples hold, `YmFyCg==`).
    Data,
    /// `stringData`, which only a Secret has: plain text, every value but a reference or a
    /// stand-in.
    Text,
    /// The `data` of a manifest whose kind is not known yet (`kubectl` prints `data` before
    /// `kind`): values that are base64 of at least 16 characters, a multiple of 4, not all
    /// hexadecimal (a digest is not how Kubernetes encodes data).
    Shape,
}

/// What the lines more indented than an entry are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cont {
    /// A value the entry opened (`key: |`, `key: >-`, `key:`): its first line decides.
    Open,
    /// The rest of a masked value.
    Mask,
    /// The rest of a kept one.
    Keep,
}

/// An open `data:` / `stringData:` block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block {
    /// The column of the block's key: a line indented no more ends the block.
    pub(crate) col: u32,
    /// `None`: the block turned out not to be a map of values (a list: ExternalSecret's
    /// `data: - secretKey: …`), nothing in it is masked.
    pub(crate) mode: Option<Mode>,
    /// A JSON object (`"data": {`): a value may end in a comma.
    json: bool,
    /// The column of the block's entries, once one was seen.
    entry: Option<u32>,
    cont: Cont,
}

impl Block {
    pub(crate) fn new(col: u32, mode: Mode, json: bool) -> Block {
        Block {
            col,
            mode: Some(mode),
            json,
            entry: None,
            cont: Cont::Keep,
        }
    }

    /// A line whose bytes were dropped (its run failed closed): the rest of its value is
    /// masked too.
    pub(crate) fn lost(&mut self) {
        self.cont = Cont::Mask;
    }

    /// Decides one line of the block (`raw`: its bytes without the line break, JSON escapes
    /// as they stand) and returns the span to mask, in `raw`.
    pub(crate) fn line(&mut self, raw: &[u8]) -> Option<(usize, usize)> {
        let mode = self.mode?;
        let dec = Decoded::new(raw);
        let bytes: &[u8] = dec.as_ref().map_or(raw, |d| &d.bytes);
        let span = |a: usize, b: usize| dec.as_ref().map_or((a, b), |d| d.original(a, b));
        let col = bytes
            .iter()
            .take_while(|&&b| matches!(b, b' ' | b'\t'))
            .count();
        let end = trim_end(bytes, col, bytes.len());
        if col >= end {
            return None;
        }
        let col32 = u32::try_from(col).unwrap_or(u32::MAX);
        let content = &bytes[col..end];
        if self.entry.is_some_and(|e| col32 > e) {
            return match self.cont {
                Cont::Keep => None,
                Cont::Mask => (!crate::engine::is_marker(content)).then(|| span(col, end)),
                Cont::Open => {
                    let m = masks(mode, content);
                    self.cont = if m { Cont::Mask } else { Cont::Keep };
                    m.then(|| span(col, end))
                }
            };
        }
        if content[0] == b'#' {
            return None;
        }
        self.entry = Some(col32);
        self.cont = Cont::Keep;
        if content[0] == b'-' && content.get(1).is_none_or(|b| matches!(b, b' ' | b'\t')) {
            // A list, not a map of values.
            self.mode = None;
            return None;
        }
        let mut v = col + key_end(content)?;
        while v < end && matches!(bytes[v], b' ' | b'\t') {
            v += 1;
        }
        let mut e = end;
        if self.json && e > v && bytes[e - 1] == b',' {
            e = trim_end(bytes, v, e - 1);
        }
        let value = &bytes[v..e];
        if value.is_empty() || value[0] == b'#' || indicator(value) || value == b"{" {
            self.cont = Cont::Open;
            return None;
        }
        let (s, t) = inner(bytes, v, e);
        let m = s < t && masks(mode, &bytes[s..t]);
        self.cont = if m { Cont::Mask } else { Cont::Keep };
        m.then(|| span(s, t))
    }
}

/// `b[from..to]` without trailing spaces, tabs and carriage returns: where it ends.
fn trim_end(b: &[u8], from: usize, mut to: usize) -> usize {
    while to > from && matches!(b[to - 1], b' ' | b'\t' | b'\r') {
        to -= 1;
    }
    to
}

/// A byte of a key as Kubernetes writes them (`tls.key`, `.dockercfg`, `ca-bundle`) or
/// annotations do (`kubernetes.io/service-account.name`).
#[inline]
pub(crate) fn is_key_byte(c: u8) -> bool {
    KEY_BYTES[usize::from(c)]
}

const KEY_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/');
        c += 1;
    }
    t
};

/// Where the key of `line` (its content, from the first byte after the indentation) ends,
/// just past its colon: a plain key followed by `:` and a space or the end, or a quoted
/// one followed by `:`.
fn key_end(line: &[u8]) -> Option<usize> {
    let q = line[0];
    if matches!(q, b'"' | b'\'') {
        let close = 1 + line[1..].iter().position(|&c| c == q)?;
        let mut i = close + 1;
        while line.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            i += 1;
        }
        return (line.get(i) == Some(&b':')).then_some(i + 1);
    }
    let n = line.iter().take_while(|&&c| is_key_byte(c)).count();
    let spaced = line.get(n + 1).is_none_or(|c| matches!(c, b' ' | b'\t'));
    (n > 0 && line.get(n) == Some(&b':') && spaced).then_some(n + 1)
}

/// A YAML block scalar header: `|` or `>`, chomping and indentation indicators, then at
/// most a comment.
fn indicator(v: &[u8]) -> bool {
    if !matches!(v.first(), Some(b'|' | b'>')) {
        return false;
    }
    let rest = &v[1..];
    let n = rest
        .iter()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-'))
        .count();
    let tail = &rest[n..];
    let gap = tail
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    tail.is_empty() || (gap > 0 && tail.get(gap) == Some(&b'#'))
}

/// The part of the value `bytes[v..e]` that is judged and masked: inside its quotes when it
/// is quoted and nothing but a comment follows them (otherwise all of it, quotes
/// included: `"a"b"` is not one quoted value), before a comment when it is plain.
fn inner(bytes: &[u8], v: usize, e: usize) -> (usize, usize) {
    let q = bytes[v];
    if matches!(q, b'"' | b'\'') {
        if let Some(c) = bytes[v + 1..e].iter().position(|&b| b == q) {
            let close = v + 1 + c;
            let tail = &bytes[close + 1..e];
            let gap = tail
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            if gap == tail.len() || (gap > 0 && tail[gap] == b'#') {
                return (v + 1, close);
            }
        }
        return (v, e);
    }
    let comment = bytes[v..e]
        .windows(2)
        .position(|w| matches!(w[0], b' ' | b'\t') && w[1] == b'#');
    match comment {
        Some(p) => (v, trim_end(bytes, v, v + p)),
        None => (v, e),
    }
}

/// Whether `v` is standard base64 (length a multiple of 4, at most two `=` at the end).
fn base64(v: &[u8]) -> bool {
    if v.is_empty() || !v.len().is_multiple_of(4) {
        return false;
    }
    let pad = v.iter().rev().take_while(|&&b| b == b'=').count();
    pad <= 2
        && v[..v.len() - pad]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

/// Whether the value `v` of a block in `mode` is masked. Never an empty value, a marker,
/// a SOPS-encrypted value (`ENC[AES256_GCM,…]`) or a reference (`{{ .Values.x }}`,
/// `${PASSWORD}`); base64 that is half one filler byte or an ascending run is a stand-in.
fn masks(mode: Mode, v: &[u8]) -> bool {
    // A marker inside (`n: [REDACTED]`): another rule masked part of it, which it did
    // because this rule kept it, so it keeps it again and redaction stays a fixed point
    // (a stand-in such as `4111111111111111` is kept here and masked as a card).
    if v.is_empty()
        || crate::engine::holds_marker(v)
        || v.starts_with(b"ENC[")
        || values::is_reference(v, None)
    {
        return false;
    }
    let stand_in = || values::filler_half(v) || values::ascending_run(v);
    match mode {
        Mode::Text => !(values::is_placeholder(v) || values::is_stand_in(v)),
        Mode::Data => !(stand_in() || (v.len() <= 8 && base64(v))),
        Mode::Shape => {
            v.len() >= 16 && base64(v) && !v.iter().all(u8::is_ascii_hexdigit) && !stand_in()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mode: Mode, json: bool, lines: &[&str]) -> Vec<Option<String>> {
        let mut b = Block::new(0, mode, json);
        lines
            .iter()
            .map(|l| b.line(l.as_bytes()).map(|(s, e)| l[s..e].to_owned()))
            .collect()
    }

    #[test]
    fn entries_and_their_values() {
        let got = run(
            Mode::Shape,
            false,
            &[
                "  password: UyFCXCpkJHpEc2I9",
                "  username: YWRtaW4=",
                "  # a comment",
                "  extra: 'YWRtaW46cGFzc3dvcmQ=' # quoted",
                "  digest: 0123456789abcdef0123456789abcdef",
                "  mode: conversionStrategyDefault",
                "  cfg: |",
                "    eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7fX19",
                "    Cg==",
                "  text: >-",
                "    not base64 at all",
                "    c2VjcmV0c2VjcmV0c2VjcmV0",
            ],
        );
        let want: Vec<Option<&str>> = vec![
            Some("UyFCXCpkJHpEc2I9"),
            None,
            None,
            Some("YWRtaW46cGFzc3dvcmQ="),
            None,
            None,
            None,
            Some("eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlIjp7fX19"),
            Some("Cg=="),
            None,
            None,
            None,
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|w| w.map(str::to_owned))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn secret_modes_keep_only_stand_ins() {
        let got = run(
            Mode::Data,
            false,
            &[
                "  a: YmFyCg==",
                "  b: aHVudGVyMg==",
                "  c: \"\"",
                "  d: {{ .Values.password }}",
                "  e: ENC[AES256_GCM,data:abc=,type:str]",
                "  f: [REDACTED]",
            ],
        );
        assert_eq!(got[0], None);
        assert_eq!(got[1].as_deref(), Some("aHVudGVyMg=="));
        assert!(got[2..].iter().all(Option::is_none), "{got:?}");
        let got = run(
            Mode::Text,
            true,
            &["    \"user\": \"admin\",", "    \"pw\": \"<password>\""],
        );
        assert_eq!(got, [Some("admin".to_owned()), None]);
    }

    #[test]
    fn lists_turn_the_block_off_and_escapes_map_back() {
        let got = run(
            Mode::Shape,
            false,
            &[
                "  - secretKey: api-key",
                "    key: c2VjcmV0c2VjcmV0c2VjcmV0",
            ],
        );
        assert_eq!(got, [None, None]);
        let mut b = Block::new(0, Mode::Shape, false);
        let raw = r#"\tpassword: \"UyFCXCpkJHpEc2I9\"\r"#;
        let (s, e) = b.line(raw.as_bytes()).expect("masked");
        assert_eq!(&raw[s..e], "UyFCXCpkJHpEc2I9");
    }
}
