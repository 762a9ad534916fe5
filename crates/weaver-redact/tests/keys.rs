//! Sensitive key names, driven by testdata/redact/keys.toml.

use std::path::PathBuf;

use weaver_redact::{BuildError, Redactor};

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Vectors {
    sensitive: Vec<String>,
    not_sensitive: Vec<String>,
    builder: BuilderCase,
    invalid: Invalid,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BuilderCase {
    sensitive_keys: Vec<String>,
    stop_keys: Vec<String>,
    sensitive: Vec<String>,
    not_sensitive: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Invalid {
    sensitive_keys: Vec<Vec<String>>,
    stop_keys: Vec<Vec<String>>,
}

fn vectors() -> Vectors {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/redact/keys.toml");
    let text = std::fs::read_to_string(&path).expect("keys.toml is readable");
    toml::from_str(&text).expect("keys.toml parses")
}

/// Lists every key whose verdict differs from `want`, so one run shows all failures.
fn wrong<'a>(r: &Redactor, keys: &'a [String], want: bool) -> Vec<&'a str> {
    keys.iter()
        .filter(|k| r.is_sensitive_key(k) != want)
        .map(String::as_str)
        .collect()
}

#[test]
fn default_sensitive_keys() {
    let v = vectors();
    let r = Redactor::new();
    assert!(v.sensitive.len() > 50, "the vector file lost its cases");
    assert_eq!(
        wrong(&r, &v.sensitive, true),
        Vec::<&str>::new(),
        "should be sensitive"
    );
}

#[test]
fn default_not_sensitive_keys() {
    let v = vectors();
    let r = Redactor::new();
    assert!(v.not_sensitive.len() > 50, "the vector file lost its cases");
    assert_eq!(
        wrong(&r, &v.not_sensitive, false),
        Vec::<&str>::new(),
        "should pass"
    );
}

#[test]
fn builder_terms_and_stop_keys() {
    let v = vectors();
    let r = Redactor::builder()
        .sensitive_keys(v.builder.sensitive_keys.iter().cloned())
        .stop_keys(v.builder.stop_keys.iter().cloned())
        .build()
        .expect("valid key lists build");
    assert_eq!(
        wrong(&r, &v.builder.sensitive, true),
        Vec::<&str>::new(),
        "should be sensitive"
    );
    assert_eq!(
        wrong(&r, &v.builder.not_sensitive, false),
        Vec::<&str>::new(),
        "should pass"
    );
    // The default redactor disagrees on the custom cases, so the lists are what made them.
    let d = Redactor::new();
    assert!(!d.is_sensitive_key("customerRef") && !d.is_sensitive_key("userDOB"));
    // The default mentions a secret in these (its values are typed-checked); the stop keys
    // make them plain.
    assert!(!d.key_rule("email_verified").is_plain() && !d.key_rule("Password-Policy").is_plain());
    assert!(r.key_rule("email_verified").is_plain() && r.key_rule("PasswordPolicy").is_plain());
}

#[test]
fn keys_without_letters_or_digits_are_a_typed_error() {
    let v = vectors();
    for keys in &v.invalid.sensitive_keys {
        let err = Redactor::builder()
            .sensitive_keys(keys.iter().cloned())
            .build();
        assert!(
            matches!(err, Err(BuildError::InvalidOption(_))),
            "sensitive {keys:?}"
        );
    }
    for keys in &v.invalid.stop_keys {
        let err = Redactor::builder().stop_keys(keys.iter().cloned()).build();
        assert!(
            matches!(err, Err(BuildError::InvalidOption(_))),
            "stop {keys:?}"
        );
    }
}

#[test]
fn long_and_odd_keys_do_not_panic() {
    let r = Redactor::builder()
        .sensitive_keys([
            "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg",
        ])
        .build()
        .expect("builds");
    let long: String = "aB".repeat(5000);
    assert!(!r.is_sensitive_key(&long));
    let long_hit = format!("{long}_password");
    assert!(r.is_sensitive_key(&long_hit));
    let all = "a_b_c_d_e_f_g_h_i_j_k_l_m_n_o_p_q_r_s_t_u_v_w_x_y_z_aa_bb_cc_dd_ee_ff_gg";
    assert!(r.is_sensitive_key(&format!("x_{all}_y")));
    assert!(!r.is_sensitive_key(&all[2..]));
    for k in [
        "\u{0}",
        "é",
        "ÉMAIL",
        "😀password",
        "pass\u{301}word",
        "\u{fffd}token",
    ] {
        let _ = r.is_sensitive_key(k);
    }
    assert!(r.is_sensitive_key("😀password"));
    assert!(r.is_sensitive_key("\u{fffd}token"));
    assert!(!r.is_sensitive_key("\u{fffd}"));
    assert!(!r.is_sensitive_key("contraseñaUsuario"));
}
