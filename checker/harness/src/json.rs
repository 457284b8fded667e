//! Minimal JSON writing, for the harness's result files and the checker's
//! reports (the checker includes this file too).
//!
//! Hand-written rather than serde_json because both are compiled into every
//! learner's first build, and serde costs seconds of it; these documents
//! need only strings, numbers, booleans, arrays and objects, written in a
//! fixed key order.

use std::fmt::Write;

/// Appends `s` to `out` as a quoted JSON string.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Builds one JSON object field by field.
pub struct Object {
    out: String,
}

impl Default for Object {
    fn default() -> Self {
        Object::new()
    }
}

impl Object {
    pub fn new() -> Self {
        Object {
            out: String::from("{"),
        }
    }

    fn key(&mut self, key: &str) {
        if self.out.len() > 1 {
            self.out.push(',');
        }
        string(&mut self.out, key);
        self.out.push(':');
    }

    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        string(&mut self.out, value);
        self
    }

    pub fn opt_str(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    pub fn num(mut self, key: &str, value: f64) -> Self {
        self.key(key);
        if value.is_finite() {
            let _ = write!(self.out, "{value}");
        } else {
            self.out.push_str("null");
        }
        self
    }

    pub fn int(mut self, key: &str, value: u64) -> Self {
        self.key(key);
        let _ = write!(self.out, "{value}");
        self
    }

    pub fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.out.push_str(if value { "true" } else { "false" });
        self
    }

    /// A string, or `null` when absent.
    pub fn str_or_null(mut self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => {
                self.key(key);
                self.out.push_str("null");
                self
            }
        }
    }

    /// A value that is already JSON, or `null` when absent.
    pub fn raw_or_null(self, key: &str, json: Option<&str>) -> Self {
        self.raw(key, json.unwrap_or("null"))
    }

    /// A field whose value is already JSON (an array of objects, say).
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.out.push_str(json);
        self
    }

    pub fn finish(mut self) -> String {
        self.out.push('}');
        self.out
    }
}

/// Encodes strings as a JSON array.
pub fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    array(items.into_iter().map(|s| {
        let mut out = String::new();
        string(&mut out, s);
        out
    }))
}

/// Joins already-encoded JSON values into an array.
pub fn array(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_newlines_and_control_characters() {
        let mut out = String::new();
        string(&mut out, "a\"b\\c\nd\u{1}");
        assert_eq!(out, r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn non_finite_numbers_become_null() {
        let json = Object::new()
            .num("x", f64::NAN)
            .int("n", 3)
            .bool("b", true)
            .finish();
        assert_eq!(json, r#"{"x":null,"n":3,"b":true}"#);
    }

    #[test]
    fn objects_join_fields_with_commas() {
        let json = Object::new()
            .str("a", "x")
            .num("b", 1.5)
            .raw("c", "[]")
            .finish();
        assert_eq!(json, r#"{"a":"x","b":1.5,"c":[]}"#);
    }
}
