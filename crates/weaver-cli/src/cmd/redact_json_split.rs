//! The entries of a top-level JSON object, as byte ranges of an already validated
//! document (so the scan only tracks strings and brackets; it never recurses).

use std::ops::Range;

fn ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
        i += 1;
    }
    i
}

/// Index after the string whose opening quote is at `b[i]`.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Index after the value starting at `b[i]`.
fn value_end(b: &[u8], mut i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'[' | b'{' => {
            let mut depth = 0usize;
            loop {
                match b.get(i)? {
                    b'"' => i = string_end(b, i)?,
                    b'[' | b'{' => {
                        depth += 1;
                        i += 1;
                    }
                    b']' | b'}' => {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => i += 1,
                }
            }
        }
        _ => {
            while !matches!(
                b.get(i),
                None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            ) {
                i += 1;
            }
            Some(i)
        }
    }
}

/// `(key, value)` byte ranges of the top-level object of the validated document `b`
/// (the key range includes its quotes), in input order; `None` if `b` is not an object.
pub(super) fn top_level_entries(b: &[u8]) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let mut i = ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    i = ws(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let k_end = string_end(b, i)?;
        let key = i..k_end;
        i = ws(b, k_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(b, i + 1);
        let v_end = value_end(b, i)?;
        out.push((key, i..v_end));
        i = ws(b, v_end);
        match b.get(i)? {
            b',' => i = ws(b, i + 1),
            b'}' => return Some(out),
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_entries_with_nested_strings_and_brackets() {
        let doc = br#" { "a" : [1, "]}", {"x": "\"]"}] , "b\"}" : "s,}" , "c": -1.5e3 ,"d":{} } "#;
        let e = top_level_entries(doc).unwrap();
        let text: Vec<(&str, &str)> = e
            .iter()
            .map(|(k, v)| {
                (
                    std::str::from_utf8(&doc[k.clone()]).unwrap(),
                    std::str::from_utf8(&doc[v.clone()]).unwrap(),
                )
            })
            .collect();
        assert_eq!(
            text,
            [
                (r#""a""#, r#"[1, "]}", {"x": "\"]"}]"#),
                (r#""b\"}""#, r#""s,}""#),
                (r#""c""#, "-1.5e3"),
                (r#""d""#, "{}"),
            ]
        );
        assert_eq!(top_level_entries(b"{}").unwrap(), []);
        assert!(top_level_entries(b"[1]").is_none());
    }
}
