//! The typed decisions on parsed JSON: a value under a key, a name/value pair, a number in
//! any JSON form. Every front end (structural redaction, the firewall's table, summary and
//! bytes path, expansion pages) asks these, so they cannot disagree.

use serde_json::{Map, Number, Value};

use crate::keys::Rule;
use crate::{KeyRule, Kind, Redactor, Shape};

/// The fields of a Kubernetes Secret that hold its secrets: `data` (base64) and
/// `stringData` (plain text).
fn is_secret_data_field(field: &str) -> bool {
    field.eq_ignore_ascii_case("data") || field.eq_ignore_ascii_case("stringData")
}

impl<'a> Shape<'a> {
    /// The shape of a parsed value.
    pub fn of(value: &'a Value) -> Shape<'a> {
        match value {
            Value::Null => Shape::Null,
            Value::Bool(b) => Shape::Bool(*b),
            Value::Number(n) => Shape::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Shape::Str(s),
            Value::Array(_) | Value::Object(_) => Shape::Container,
        }
    }
}

impl Redactor {
    /// Whether `value` under `key` is masked because of the key (see
    /// [`rule_masks`](Self::rule_masks)).
    ///
    /// ```
    /// use serde_json::json;
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// assert!(r.masks_value("mobile", &json!("+1 212 555 0100")));
    /// assert!(!r.masks_value("email_count", &json!(5)));
    /// assert!(!r.masks_value("token_expires_at", &json!(1_700_000_000)));
    /// ```
    pub fn masks_value(&self, key: &str, value: &Value) -> bool {
        self.masks(key, Shape::of(value))
    }

    /// The rule a name/value pair applies to its value field, if `entries` (a map's
    /// entries, e.g. `&map`) are such a pair with a name that is not plain: a field named
    /// like `name`, `key` or `header` ([`is_pair_name_field`](Self::is_pair_name_field))
    /// whose value is a key-shaped string ([`pair_name_rule`](Self::pair_name_rule)) such
    /// as `DB_PASSWORD`, `Authorization`, `X-Api-Key` or `Cookie`. The first such name
    /// decides, except that a map whose `kind` is the string `Secret` (any case) is a
    /// Kubernetes Secret wherever that field stands: its rule also masks its `data` and
    /// `stringData` maps whole, whose entries are its secrets under names that say nothing
    /// (`tls.key`, `.dockerconfigjson`).
    ///
    /// Apply it to the fields for which
    /// [`is_pair_value_field`](Self::is_pair_value_field) holds, and to `data` and
    /// `stringData` ([`pair_masks`](Self::pair_masks) does both). Decide on the whole map,
    /// before any projection: a name that is dropped still protects its value, and a
    /// Secret's `kind` its data.
    ///
    /// ```
    /// use serde_json::json;
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// let secret = json!({"apiVersion": "v1", "kind": "Secret", "data": {"tls.key": "LS0t"}});
    /// let m = secret.as_object().unwrap();
    /// assert!(r.pair_masks(r.pair_rule(m), "data", &m["data"]));
    /// let config = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"mode": "fast"}});
    /// assert_eq!(r.pair_rule(config.as_object().unwrap()), None);
    /// ```
    pub fn pair_rule<'m, I>(&self, entries: I) -> Option<KeyRule>
    where
        I: IntoIterator<Item = (&'m String, &'m Value)>,
    {
        let mut first = None;
        for (k, v) in entries {
            if !self.is_pair_name_field(k) {
                continue;
            }
            let Some(name) = v.as_str() else { continue };
            if k.eq_ignore_ascii_case("kind") && name.eq_ignore_ascii_case("secret") {
                return Some(KeyRule(Rule::SecretManifest));
            }
            if first.is_none() {
                first = self.pair_name_rule(name);
            }
        }
        first
    }

    /// Whether field `field` (holding `value`) of a map whose pair rule is `pair` (from
    /// [`pair_rule`](Self::pair_rule)) is masked as the value of a sensitive pair, or as the
    /// `data` / `stringData` of a Kubernetes Secret.
    pub fn pair_masks(&self, pair: Option<KeyRule>, field: &str, value: &Value) -> bool {
        pair.is_some_and(|r| {
            (self.is_pair_value_field(field)
                || (r.0 == Rule::SecretManifest && is_secret_data_field(field)))
                && self.rule_masks(r, Shape::of(value))
        })
    }

    /// The value field of `map` that is masked as the value of a sensitive name/value pair
    /// (`[{"name": "DB_PASSWORD", "value": "…"}]`, HAR headers, AWS tags), if any.
    ///
    /// ```
    /// use serde_json::json;
    /// use weaver_redact::Redactor;
    /// let r = Redactor::new();
    /// let env = json!({"name": "DB_PASSWORD", "value": "s3cr3t"});
    /// assert_eq!(r.sensitive_pair_field(env.as_object().unwrap()), Some("value"));
    /// let tag = json!({"Key": "team", "Value": "infra"});
    /// assert_eq!(r.sensitive_pair_field(tag.as_object().unwrap()), None);
    /// ```
    pub fn sensitive_pair_field<'m>(&self, map: &'m Map<String, Value>) -> Option<&'m str> {
        let pair = self.pair_rule(map)?;
        map.iter()
            .find(|(k, v)| self.pair_masks(Some(pair), k, v))
            .map(|(k, _)| k.as_str())
    }

    /// Whether a JSON number must be masked on its own, and as what: an integer in any
    /// JSON form (`4111111111111111`, `4111111111111111.0`, `4.111111111111111e15`) whose
    /// digits are a card number (see [`scan_integer`](Self::scan_integer)). The sign is
    /// ignored.
    pub fn scan_number(&self, n: &Number) -> Option<Kind> {
        if let Some(u) = n.as_u64() {
            return self.scan_integer(u);
        }
        if let Some(i) = n.as_i64() {
            return self.scan_integer(i.unsigned_abs());
        }
        self.scan_float(n.as_f64()?)
    }

    /// [`scan_number`](Self::scan_number) for a number already read as `f64` (integers
    /// up to 2⁵³ are exact; every 16-digit card number is).
    pub fn scan_float(&self, x: f64) -> Option<Kind> {
        let a = x.abs();
        // `a < 2^64` and integral, so the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        if a.fract() == 0.0 && a < 18_446_744_073_709_551_616.0 {
            return self.scan_integer(a as u64);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn card_numbers_in_every_number_form() {
        let r = Redactor::new();
        for text in [
            "4111111111111111",
            "4111111111111111.0",
            "4.111111111111111e15",
            "4111111111111111e0",
            "-4111111111111111",
            "41111111111111110e-1",
        ] {
            let v: Value = serde_json::from_str(text).expect("valid JSON number");
            let Value::Number(n) = v else {
                panic!("{text} is a number")
            };
            assert_eq!(r.scan_number(&n), Some(Kind::Card), "{text}");
        }
        for text in ["4111111111111112", "411111111111.5", "1e300", "0.5"] {
            let v: Value = serde_json::from_str(text).expect("valid JSON number");
            let Value::Number(n) = v else {
                panic!("{text} is a number")
            };
            assert_eq!(r.scan_number(&n), None, "{text}");
        }
    }

    #[test]
    fn pairs_need_a_key_shaped_name() {
        let r = Redactor::new();
        let m = json!({"name": "Email campaign", "value": 42});
        assert_eq!(r.sensitive_pair_field(m.as_object().unwrap()), None);
        let m = json!({"value": "Token abc", "name": "Authorization"});
        assert_eq!(
            r.sensitive_pair_field(m.as_object().unwrap()),
            Some("value")
        );
        let m = json!({"key": "password_min_length", "value": 12});
        assert_eq!(r.sensitive_pair_field(m.as_object().unwrap()), None);
        let m = json!({"key": "password_min_length", "value": "twelve-ish?"});
        assert_eq!(
            r.sensitive_pair_field(m.as_object().unwrap()),
            Some("value")
        );
    }

    #[test]
    fn a_secret_manifest_masks_its_data_maps_whole() {
        let r = Redactor::new();
        // `kind` after `data` (as kubectl prints it), any case, with or without metadata.
        for m in [
            json!({"apiVersion": "v1", "data": {"key": "c2VjcmV0"}, "kind": "Secret"}),
            json!({"kind": "secret", "stringData": {"extra": "hunter2"}}),
        ] {
            let m = m.as_object().unwrap();
            let pair = r.pair_rule(m);
            assert!(pair.is_some());
            let field = if m.contains_key("data") {
                "data"
            } else {
                "stringData"
            };
            assert!(r.pair_masks(pair, field, &m[field]));
            assert_eq!(r.sensitive_pair_field(m), Some(field));
            assert!(!r.pair_masks(pair, "kind", &m["kind"]));
        }
        // Another kind, or `Secret` as a value of another field: nothing.
        for m in [
            json!({"kind": "ConfigMap", "data": {"key": "c2VjcmV0"}}),
            json!({"kind": "ExternalSecret", "data": [{"secretKey": "k"}]}),
            json!({"type": "Secret", "data": {"key": "c2VjcmV0"}}),
            json!({"kind": 1, "data": {"key": "c2VjcmV0"}}),
        ] {
            let m = m.as_object().unwrap();
            assert!(!r.pair_masks(r.pair_rule(m), "data", &m["data"]), "{m:?}");
        }
        // `kind` names what a pair holds.
        let m = json!({"kind": "password", "value": "hunter2"});
        assert_eq!(
            r.sensitive_pair_field(m.as_object().unwrap()),
            Some("value")
        );
    }
}
