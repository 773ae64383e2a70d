//! The defaults options.js shows for each option (its OPTIONS rows), read from the file itself, so a
//! Rust test can compare them with the defaults the Rust side applies (`Config::default()`,
//! `DriverConfig::new`): the one place defaults live is the Rust config; options.js repeats them for
//! its properties, and these tests fail when the two differ.
#![allow(dead_code)]

use std::collections::BTreeMap;

const OPTIONS_JS: &str = include_str!("../../src/web/edge/options.js");

/// A default as options.js writes it: a number, a string, a boolean, or something else (its text).
#[derive(Debug, Clone, PartialEq)]
pub enum JsDefault {
    Number(f64),
    Text(String),
    Bool(bool),
    Other(String),
}

/// Every `['name', 'kind', default],` row of OPTIONS, by name.
pub fn js_defaults() -> BTreeMap<String, JsDefault> {
    let start = OPTIONS_JS
        .find("export const OPTIONS = [")
        .expect("options.js has OPTIONS");
    let end = start + OPTIONS_JS[start..].find("];").expect("OPTIONS ends");
    let mut rows = BTreeMap::new();
    for line in OPTIONS_JS[start..end].lines() {
        let line = line.trim();
        let Some(inner) = line.strip_prefix('[').and_then(|l| l.strip_suffix("],")) else {
            continue;
        };
        let mut parts = inner.splitn(3, ", ");
        let name = parts.next().unwrap().trim_matches('\'').to_owned();
        let _kind = parts.next().unwrap();
        let value = parts.next().unwrap().trim();
        let parsed = if let Ok(n) = value.parse::<f64>() {
            JsDefault::Number(n)
        } else if value == "true" || value == "false" {
            JsDefault::Bool(value == "true")
        } else if value.starts_with('\'') {
            JsDefault::Text(value.trim_matches('\'').to_owned())
        } else {
            JsDefault::Other(value.to_owned())
        };
        rows.insert(name, parsed);
    }
    assert!(rows.len() > 30, "OPTIONS rows read: {}", rows.len());
    rows
}

/// Asserts that option `name`'s default in options.js is `expected`.
pub fn expect_default(rows: &BTreeMap<String, JsDefault>, name: &str, expected: JsDefault) {
    let shown = rows
        .get(name)
        .unwrap_or_else(|| panic!("options.js has no option '{name}'"));
    assert_eq!(
        shown, &expected,
        "options.js shows {shown:?} as the default of '{name}', the Rust config applies {expected:?}"
    );
}
