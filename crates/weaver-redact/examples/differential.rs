//! A long differential run of the two-stage scanner against the exact scanner, by hand:
//! `cargo run --release -p weaver-redact --example differential -- [SECONDS]` (default 60).
//! Random texts glued from adversarial pieces (digit groups, keywords in any case, e-mails,
//! URLs, JWTs, PEM, markers, cut bytes, long chained runs), compared one-shot (output and
//! findings) and streamed at a random chunking. Prints the number of cases; panics on the
//! first difference with the input.

use std::time::Instant;

use weaver_redact::Redactor;

const PIECES: &[&str] = &[
    "word",
    "x",
    "Z9",
    " ",
    "\n",
    "\t",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "&",
    "\r\n",
    "<",
    "`",
    "\\n",
    "é",
    "0",
    "7",
    "12",
    "345",
    "2024-05-01",
    "555-0147",
    "(212) 555-0147",
    "+44 20 7946 0958",
    "+1-555-123-4567",
    "123-45-6789",
    "123456789",
    "4111 1111 1111 1111",
    "1700000000123",
    "phone ",
    "ssn ",
    "tel:",
    "call ",
    "-",
    ".",
    "(",
    ")",
    "+",
    "  ",
    "password=",
    "PassWord: ",
    "\"api_key\": \"",
    "apiKey=",
    "x-api-key: ",
    "token=",
    "tokens: ",
    "max_tokens=",
    "secret => ",
    "pwd:=",
    "Authorization: Bearer ",
    "bearer ",
    "Basic ",
    "dXNlcjpwYXNz",
    "session_id=",
    "cookie: ",
    "auth=",
    "AUTH",
    "credentials=",
    "abc123def456",
    "bob@example.com",
    "a@b.io",
    "x@y",
    "%40",
    "\\u0040",
    "user%40host.org",
    "@",
    "postgres://user:pa55@db.example.com/x",
    "https://",
    "eyJhbGciOiJIUzI1NiJ9.",
    "eyJzdWIiOiIxIn0.",
    "c2lnbmF0dXJl",
    "-----BEGIN RSA PRIVATE KEY-----",
    "\nMIIBOgIBAAJBAK\n",
    "-----END RSA PRIVATE KEY-----",
    "sk-ant-abc123def456ghi789jkl012",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_0123456789abcdefghij0123456789",
    "xoxb-1234-5678-abcdefgh",
    "sk_live_0123456789abcdef",
    "AIzaSyA0123456789abcdefghijklmnopqrstu",
    "[REDACTED]",
    "[REDACTED:email]",
    "[REDACTED:hold_limit 12 bytes]",
];

fn main() {
    let secs: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let r = Redactor::builder().max_hold(1024).build().expect("rules");
    let d = Redactor::new();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let t = Instant::now();
    let mut cases = 0u64;
    let mut bytes = 0u64;
    while t.elapsed().as_secs() < secs {
        let mut text = String::new();
        let n = next(60);
        for _ in 0..n {
            let p = PIECES[next(PIECES.len())];
            // Sometimes a long chained run of one piece (past the 1 KiB cap of `r`).
            let reps = if next(40) == 0 { 1 + next(300) } else { 1 };
            for _ in 0..reps {
                text.push_str(p);
            }
        }
        for red in [&r, &d] {
            let mut fe = Vec::new();
            let exact = red.redact_bytes_exact_with(text.as_bytes(), &mut |f| fe.push(f));
            let mut ff = Vec::new();
            let fast = red.redact_bytes_with(text.as_bytes(), &mut |f| ff.push(f));
            assert!(
                fast.as_ref() == exact.as_slice() && ff == fe,
                "one-shot differs on {text:?}"
            );
            let mut s = red.stream();
            let mut out = Vec::new();
            let b = text.as_bytes();
            let mut at = 0;
            while at < b.len() {
                let k = (1 + next(64)).min(b.len() - at);
                s.push(&b[at..at + k], &mut out);
                at += k;
            }
            s.finish(&mut out);
            assert!(out == exact, "streamed differs on {text:?}");
        }
        cases += 1;
        bytes += text.len() as u64;
    }
    println!(
        "{cases} cases ({bytes} bytes), each one-shot and streamed under two hold caps: 0 differences in {secs} s"
    );
}
