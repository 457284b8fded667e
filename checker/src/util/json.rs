//! JSON in the checker: reading cargo's messages, the harness's result
//! files and the verdict cache (with tinyjson), and writing reports (with
//! the small builder the harness uses for its result files).
//!
//! Both halves are chosen for build time: serde and serde_json would add
//! about two seconds to every learner's first build (see BENCHMARKS.md).

#[path = "../../harness/src/json.rs"]
#[allow(dead_code)]
mod writer;

pub use tinyjson::JsonValue;
pub use writer::{Object, array, string as write_string, strings};

/// Parses a JSON document; `None` when it is not valid JSON.
pub fn parse(text: &str) -> Option<JsonValue> {
    text.parse().ok()
}

/// A forgiving view into a parsed document: a missing key or index, or a
/// value of another type, reads as absent instead of panicking.
#[derive(Clone, Copy, Debug)]
pub struct View<'a>(Option<&'a JsonValue>);

impl<'a> View<'a> {
    pub fn new(value: &'a JsonValue) -> Self {
        View(Some(value))
    }

    pub fn get(self, key: &str) -> View<'a> {
        match self.0 {
            Some(JsonValue::Object(map)) => View(map.get(key)),
            _ => View(None),
        }
    }

    /// The value as JSON text (`null` when absent), to compare values of
    /// any type.
    pub fn raw(self) -> String {
        self.0
            .and_then(|v| v.stringify().ok())
            .unwrap_or_else(|| "null".to_string())
    }

    pub fn str(self) -> Option<&'a str> {
        match self.0 {
            Some(JsonValue::String(s)) => Some(s),
            _ => None,
        }
    }

    pub fn string(self) -> String {
        self.str().unwrap_or_default().to_string()
    }

    pub fn opt_string(self) -> Option<String> {
        self.str().map(str::to_string)
    }

    pub fn f64(self) -> Option<f64> {
        match self.0 {
            Some(JsonValue::Number(n)) => Some(*n),
            _ => None,
        }
    }

    pub fn u64(self) -> Option<u64> {
        self.f64().filter(|n| *n >= 0.0).map(|n| n as u64)
    }

    pub fn bool(self) -> Option<bool> {
        match self.0 {
            Some(JsonValue::Boolean(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn is_object(self) -> bool {
        matches!(self.0, Some(JsonValue::Object(_)))
    }

    /// The elements of an array (none when this is not an array).
    pub fn items(self) -> impl Iterator<Item = View<'a>> {
        let items: &'a [JsonValue] = match self.0 {
            Some(JsonValue::Array(v)) => v,
            _ => &[],
        };
        items.iter().map(|v| View(Some(v)))
    }

    pub fn is_array(self) -> bool {
        matches!(self.0, Some(JsonValue::Array(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_keys_and_wrong_types_read_as_absent() {
        let doc = parse(r#"{"a": {"b": [1, "x", true]}}"#).unwrap();
        let r = View::new(&doc);
        let items: Vec<View> = r.get("a").get("b").items().collect();
        assert_eq!(items[0].u64(), Some(1));
        assert_eq!(items[1].str(), Some("x"));
        assert_eq!(items[2].bool(), Some(true));
        assert_eq!(r.get("nope").get("deeper").str(), None);
        assert_eq!(r.get("a").str(), None);
        assert_eq!(r.get("a").get("b").get("c").items().count(), 0);
    }

    #[test]
    fn written_documents_read_back() {
        let doc = Object::new()
            .str("s", "a \"quoted\"\nline")
            .int("n", 7)
            .raw("list", &strings(["x", "y"]))
            .finish();
        let v = parse(&doc).unwrap();
        let r = View::new(&v);
        assert_eq!(r.get("s").str(), Some("a \"quoted\"\nline"));
        assert_eq!(r.get("n").u64(), Some(7));
        assert_eq!(r.get("list").items().count(), 2);
    }
}
