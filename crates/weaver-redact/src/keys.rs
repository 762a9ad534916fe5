//! Sensitive key names: tokenization and matching.
//!
//! A key is split into word tokens, compared without ASCII case — on every character that
//! is not a letter or digit (`_`, `-`, `.`, space, emoji, …), between ASCII letters and
//! digits, and on ASCII case changes
//! (`userEmail` → `user email`, `APIKey` → `api key`, `userSSN` → `user ssn`, while a plural
//! acronym stays whole: `taxIDs` → `tax ids`). Sensitivity is decided on whole tokens, so
//! `company`, `spanish`, `latin` or `setting` never hit `pan`, `tin` or `secret`-like words.
//!
//! The rules, in order:
//! 1. a key whose normalized form equals a user stop key is never sensitive;
//! 2. a key containing a user sensitive term (a contiguous token sequence) is sensitive;
//! 3. built-in words: `email`, `phone`, `telephone`, `ssn`, `tin`, `password`, `passwd`,
//!    `passphrase`, `secret`, `apikey`, `credential`, `cvv`, `cvc`, `pan`, `iban`,
//!    `authorization` (and plurals), or the pairs `api key`, `tax id`, `card number`,
//!    `credit card`, `private key`, `access key`, `e mail`, `social security`;
//! 4. `token` is sensitive unless it is an LLM usage counter: preceded by a counting word
//!    (`max_token`, `total_token`, `page_token`) or followed by a counter word
//!    (`token_count`, `token_type`, `token_limit`). The plural `tokens` is a counter
//!    (`max_tokens`, `prompt_tokens`, `total_tokens`) unless a credential word precedes it
//!    (`access_tokens`, `refresh_tokens`, `api_tokens`).

use crate::BuildError;

/// With user terms configured, keys of up to this many tokens are tokenized into a stack
/// buffer; longer keys (rare) use the heap. The built-in rules alone never allocate.
const STACK_TOKENS: usize = 32;

#[derive(Debug)]
pub(crate) struct KeyMatcher {
    /// User sensitive terms, each a sequence of lower-case tokens.
    extra: Vec<Vec<String>>,
    /// User stop keys, each a sequence of lower-case tokens (whole-key match).
    stop: Vec<Vec<String>>,
}

impl KeyMatcher {
    pub(crate) fn new(sensitive: &[String], stop: &[String]) -> Result<KeyMatcher, BuildError> {
        Ok(KeyMatcher {
            extra: normalize_all(sensitive, "sensitive")?,
            stop: normalize_all(stop, "stop")?,
        })
    }

    pub(crate) fn is_sensitive(&self, key: &str) -> bool {
        if self.extra.is_empty() && self.stop.is_empty() {
            return builtin_sensitive(key);
        }
        let mut stack = [(0usize, 0usize); STACK_TOKENS];
        let mut heap = Vec::new();
        let mut n = 0;
        for_each_token(key, |s, e| {
            if n < STACK_TOKENS {
                stack[n] = (s, e);
            } else {
                if n == STACK_TOKENS {
                    heap.extend_from_slice(&stack);
                }
                heap.push((s, e));
            }
            n += 1;
        });
        let spans: &[(usize, usize)] = if n <= STACK_TOKENS {
            &stack[..n]
        } else {
            &heap
        };
        let tok = |i: usize| &key[spans[i].0..spans[i].1];
        if self.stop.iter().any(|t| {
            t.len() == spans.len()
                && t.iter()
                    .enumerate()
                    .all(|(i, w)| tok(i).eq_ignore_ascii_case(w))
        }) {
            return false;
        }
        let has_term = self.extra.iter().any(|t| {
            spans.len() >= t.len()
                && (0..=spans.len() - t.len()).any(|start| {
                    t.iter()
                        .enumerate()
                        .all(|(i, w)| tok(start + i).eq_ignore_ascii_case(w))
                })
        });
        has_term || builtin_sensitive(key)
    }
}

fn normalize_all(terms: &[String], what: &str) -> Result<Vec<Vec<String>>, BuildError> {
    terms
        .iter()
        .map(|t| {
            let mut tokens = Vec::new();
            for_each_token(t, |s, e| tokens.push(t[s..e].to_ascii_lowercase()));
            if tokens.is_empty() {
                Err(BuildError::InvalidOption(format!(
                    "{what} key {t:?} has no letters or digits"
                )))
            } else {
                Ok(tokens)
            }
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Char {
    Lower,
    Upper,
    Digit,
    Sep,
}

/// The class of the character starting at byte `i`, and its length in bytes.
fn class_at(key: &str, i: usize) -> Option<(Char, usize)> {
    let b = *key.as_bytes().get(i)?;
    let class = match b {
        b'a'..=b'z' => Char::Lower,
        b'A'..=b'Z' => Char::Upper,
        b'0'..=b'9' => Char::Digit,
        0..=0x7f => Char::Sep,
        _ => {
            // Non-ASCII: letters and digits join a word (without case splits), anything
            // else (emoji, punctuation, U+FFFD) separates words.
            let c = key[i..].chars().next()?;
            let class = if c.is_alphanumeric() {
                Char::Lower
            } else {
                Char::Sep
            };
            return Some((class, c.len_utf8()));
        }
    };
    Some((class, 1))
}

/// Calls `f(start, end)` for every token of `key` (byte offsets on char boundaries).
fn for_each_token(key: &str, mut f: impl FnMut(usize, usize)) {
    let mut start: Option<usize> = None;
    let mut prev = Char::Sep;
    let mut i = 0;
    while let Some((c, len)) = class_at(key, i) {
        if c == Char::Sep {
            if let Some(s) = start.take() {
                f(s, i);
            }
        } else if let Some(s) = start {
            let split = match (prev, c) {
                (Char::Digit, Char::Lower | Char::Upper)
                | (Char::Lower | Char::Upper, Char::Digit)
                | (Char::Lower, Char::Upper) => true,
                // `APIKey`: the last capital of a run starts the next word — unless what
                // follows is a lone plural `s` (`IDs`, `APIs`).
                (Char::Upper, Char::Upper) => match class_at(key, i + len) {
                    Some((Char::Lower, n)) => {
                        let lone_s = key.as_bytes()[i + len] == b's'
                            && class_at(key, i + len + n).is_none_or(|(c, _)| c != Char::Lower);
                        !lone_s
                    }
                    _ => false,
                },
                _ => false,
            };
            if split {
                f(s, i);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
        prev = c;
        i += len;
    }
    if let Some(s) = start {
        f(s, key.len());
    }
}

/// A built-in word class.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Word {
    Other,
    /// Sensitive on its own.
    Strong,
    Token,
    Tokens,
    Api,
    Key,
    Keys,
    Tax,
    Id,
    Ids,
    Card,
    Cards,
    Number,
    Credit,
    Private,
    Access,
    E,
    Mail,
    Social,
    Security,
    /// Follows `token` in a counter name (`token_count`, `token_type`).
    Counter,
    /// Precedes `token` in a counter or cursor name (`max_token`, `page_token`).
    Counting,
    /// Both a counting and a counter word.
    Total,
    /// Makes the plural `tokens` a credential (`refresh_tokens`).
    Qualifier,
}

fn classify(tok: &str) -> Word {
    // Every built-in word is at most 16 bytes: longer tokens are `Other` without a copy.
    let b = tok.as_bytes();
    if b.len() > 16 {
        return Word::Other;
    }
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(b) {
        *d = s.to_ascii_lowercase();
    }
    match &buf[..b.len()] {
        b"email" | b"emails" | b"phone" | b"phones" | b"telephone" | b"ssn" | b"ssns" | b"tin"
        | b"password" | b"passwords" | b"passwd" | b"passphrase" | b"secret" | b"secrets"
        | b"apikey" | b"apikeys" | b"credential" | b"credentials" | b"cvv" | b"cvc" | b"pan"
        | b"iban" | b"ibans" | b"authorization" | b"taxid" | b"cardnumber" | b"privatekey"
        | b"creditcard" | b"accesskey" => Word::Strong,
        b"token" => Word::Token,
        b"tokens" => Word::Tokens,
        b"api" => Word::Api,
        b"key" => Word::Key,
        b"keys" => Word::Keys,
        b"tax" => Word::Tax,
        b"id" => Word::Id,
        b"ids" => Word::Ids,
        b"card" => Word::Card,
        b"cards" => Word::Cards,
        b"number" | b"numbers" | b"num" | b"no" => Word::Number,
        b"credit" => Word::Credit,
        b"private" => Word::Private,
        b"access" => Word::Access,
        b"e" => Word::E,
        b"mail" => Word::Mail,
        b"social" => Word::Social,
        b"security" => Word::Security,
        b"total" => Word::Total,
        b"count" | b"counts" | b"counter" | b"usage" | b"limit" | b"limits" | b"budget"
        | b"estimate" | b"length" | b"len" | b"size" | b"type" | b"types" | b"index" | b"idx"
        | b"offset" | b"position" | b"pos" | b"logprob" | b"logprobs" => Word::Counter,
        b"max" | b"min" | b"n" | b"prompt" | b"completion" | b"input" | b"output" | b"cached"
        | b"reasoning" | b"remaining" | b"used" | b"page" | b"pagination" | b"continuation"
        | b"cursor" => Word::Counting,
        b"refresh" | b"auth" | b"bearer" | b"session" | b"oauth" | b"csrf" | b"xsrf" | b"jwt"
        | b"personal" | b"device" | b"client" | b"identity" | b"login" | b"github" | b"gitlab"
        | b"slack" | b"service" => Word::Qualifier,
        _ => Word::Other,
    }
}

fn is_pair(a: Word, b: Word) -> bool {
    use Word::{
        Access, Api, Card, Cards, Credit, E, Id, Ids, Key, Keys, Mail, Number, Private, Security,
        Social, Tax,
    };
    matches!(
        (a, b),
        (Api | Private | Access, Key | Keys)
            | (Tax, Id | Ids)
            | (Card, Number)
            | (Credit, Card | Cards)
            | (E, Mail)
            | (Social, Security)
    )
}

/// Decides word `cur` given its neighbours (`Other` at the ends).
fn sensitive_at(prev: Word, cur: Word, next: Word) -> bool {
    match cur {
        Word::Strong => true,
        Word::Token => {
            !matches!(prev, Word::Counting | Word::Total | Word::Number)
                && !matches!(next, Word::Counter | Word::Total)
        }
        Word::Tokens => {
            matches!(
                prev,
                Word::Qualifier | Word::Api | Word::Access | Word::Id | Word::Security
            ) && !matches!(next, Word::Counter | Word::Total)
        }
        _ => is_pair(prev, cur),
    }
}

/// The built-in rules on their own: a single streaming pass, no allocation.
fn builtin_sensitive(key: &str) -> bool {
    // A sliding window (prev, cur) decided when `next` arrives.
    let mut prev = Word::Other;
    let mut cur: Option<Word> = None;
    let mut hit = false;
    for_each_token(key, |s, e| {
        if hit {
            return;
        }
        let next = classify(&key[s..e]);
        if let Some(c) = cur {
            hit = sensitive_at(prev, c, next);
            prev = c;
        }
        cur = Some(next);
    });
    hit || cur.is_some_and(|c| sensitive_at(prev, c, Word::Other))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(key: &str) -> Vec<&str> {
        let mut v = Vec::new();
        for_each_token(key, |s, e| v.push(&key[s..e]));
        v
    }

    #[test]
    fn tokenizer_splits_case_digits_and_separators() {
        assert_eq!(tokens("userEmail"), ["user", "Email"]);
        assert_eq!(tokens("APIKey"), ["API", "Key"]);
        assert_eq!(tokens("XApiKey"), ["X", "Api", "Key"]);
        assert_eq!(tokens("userSSN"), ["user", "SSN"]);
        assert_eq!(tokens("taxIDs"), ["tax", "IDs"]);
        assert_eq!(tokens("x-api-key"), ["x", "api", "key"]);
        assert_eq!(tokens("cvv2"), ["cvv", "2"]);
        assert_eq!(tokens("__a..b  c__"), ["a", "b", "c"]);
        assert_eq!(tokens("contraseñaUsuario"), ["contraseña", "Usuario"]);
        assert!(tokens("").is_empty());
        assert!(tokens("-_.").is_empty());
    }
}
