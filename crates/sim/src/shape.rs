//! A protocol-neutral reply tree, encoded as JSON, CBOR or XML by `protocol`.
//!
//! Handlers build a `Shape` once; timestamps stay typed so each protocol can write them its own
//! way (epoch seconds in JSON, CBOR tag 1, ISO 8601 in XML).

/// A reply value.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// Absent; dropped from maps when encoded.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A timestamp in epoch seconds.
    Time(f64),
    /// A list.
    List(Vec<Shape>),
    /// A structure or map, in insertion order.
    Map(Vec<(String, Shape)>),
}

impl Shape {
    /// A map from `(key, value)` pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Shape)>) -> Shape {
        Shape::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// A list from any values convertible into shapes.
    pub fn list<T: Into<Shape>>(items: impl IntoIterator<Item = T>) -> Shape {
        Shape::List(items.into_iter().map(Into::into).collect())
    }

    /// An empty structure.
    pub fn empty() -> Shape {
        Shape::Map(Vec::new())
    }

    /// A timestamp, or `Null` when absent.
    pub fn time(t: Option<f64>) -> Shape {
        t.map_or(Shape::Null, Shape::Time)
    }

    /// Add or replace a key of a map (no-op on other shapes).
    pub fn set(&mut self, key: &str, value: Shape) {
        if let Shape::Map(pairs) = self {
            if let Some(slot) = pairs.iter_mut().find(|(k, _)| k == key) {
                slot.1 = value;
            } else {
                pairs.push((key.to_string(), value));
            }
        }
    }

    /// Look a key up in a map.
    pub fn get(&self, key: &str) -> Option<&Shape> {
        match self {
            Shape::Map(pairs) => pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// JSON with timestamps as epoch seconds (awsJson1_0, awsJson1_1, restJson1 bodies).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Shape::Null => Value::Null,
            Shape::Bool(b) => Value::Bool(*b),
            Shape::Int(i) => Value::from(*i),
            Shape::Float(f) | Shape::Time(f) => serde_json::Number::from_f64(*f)
                .map(Value::Number)
                .unwrap_or(Value::Null),
            Shape::Str(s) => Value::String(s.clone()),
            Shape::List(items) => Value::Array(items.iter().map(Shape::to_json).collect()),
            Shape::Map(pairs) => Value::Object(
                pairs
                    .iter()
                    .filter(|(_, v)| !matches!(v, Shape::Null))
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// CBOR (rpc-v2-cbor) with timestamps as tag 1 epoch seconds.
    pub fn to_cbor(&self) -> ciborium::Value {
        use ciborium::Value;
        match self {
            Shape::Null => Value::Null,
            Shape::Bool(b) => Value::Bool(*b),
            Shape::Int(i) => Value::Integer((*i).into()),
            Shape::Float(f) => Value::Float(*f),
            Shape::Time(t) => Value::Tag(1, Box::new(Value::Float(*t))),
            Shape::Str(s) => Value::Text(s.clone()),
            Shape::List(items) => Value::Array(items.iter().map(Shape::to_cbor).collect()),
            Shape::Map(pairs) => Value::Map(
                pairs
                    .iter()
                    .filter(|(_, v)| !matches!(v, Shape::Null))
                    .map(|(k, v)| (Value::Text(k.clone()), v.to_cbor()))
                    .collect(),
            ),
        }
    }

    /// awsQuery XML body of this value (lists as `<member>` elements, timestamps ISO 8601).
    pub fn write_xml(&self, out: &mut String) {
        match self {
            Shape::Null => {}
            Shape::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Shape::Int(i) => out.push_str(&i.to_string()),
            Shape::Float(f) => out.push_str(&f.to_string()),
            Shape::Time(t) => out.push_str(&iso8601(*t)),
            Shape::Str(s) => xml_escape_into(s, out),
            Shape::List(items) => {
                for item in items {
                    out.push_str("<member>");
                    item.write_xml(out);
                    out.push_str("</member>");
                }
            }
            Shape::Map(pairs) => {
                for (k, v) in pairs {
                    if matches!(v, Shape::Null) {
                        continue;
                    }
                    out.push('<');
                    out.push_str(k);
                    out.push('>');
                    v.write_xml(out);
                    out.push_str("</");
                    out.push_str(k);
                    out.push('>');
                }
            }
        }
    }
}

/// Escape text for XML element content.
pub fn xml_escape_into(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// Epoch seconds as `2026-11-23T18:57:00.000Z`.
pub fn iso8601(t: f64) -> String {
    let millis = (t * 1000.0).round() as i64;
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

impl From<&str> for Shape {
    fn from(s: &str) -> Self {
        Shape::Str(s.to_string())
    }
}
impl From<String> for Shape {
    fn from(s: String) -> Self {
        Shape::Str(s)
    }
}
impl From<&String> for Shape {
    fn from(s: &String) -> Self {
        Shape::Str(s.clone())
    }
}
impl From<bool> for Shape {
    fn from(b: bool) -> Self {
        Shape::Bool(b)
    }
}
impl From<i64> for Shape {
    fn from(i: i64) -> Self {
        Shape::Int(i)
    }
}
impl From<i32> for Shape {
    fn from(i: i32) -> Self {
        Shape::Int(i.into())
    }
}
impl From<u32> for Shape {
    fn from(i: u32) -> Self {
        Shape::Int(i.into())
    }
}
impl From<usize> for Shape {
    fn from(i: usize) -> Self {
        Shape::Int(i64::try_from(i).unwrap_or(i64::MAX))
    }
}
impl From<f64> for Shape {
    fn from(f: f64) -> Self {
        Shape::Float(f)
    }
}
impl<T: Into<Shape>> From<Option<T>> for Shape {
    fn from(o: Option<T>) -> Self {
        o.map_or(Shape::Null, Into::into)
    }
}
impl<T: Into<Shape>> From<Vec<T>> for Shape {
    fn from(v: Vec<T>) -> Self {
        Shape::List(v.into_iter().map(Into::into).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_drops_nulls_and_writes_epoch_seconds() {
        let s = Shape::map([
            ("a", Shape::from("x")),
            ("b", Shape::Null),
            ("t", Shape::Time(1.5)),
        ]);
        assert_eq!(s.to_json().to_string(), r#"{"a":"x","t":1.5}"#);
    }

    #[test]
    fn xml_lists_use_member_and_escape_text() {
        let s = Shape::map([("Names", Shape::list(["a<b", "c"]))]);
        let mut out = String::new();
        s.write_xml(&mut out);
        assert_eq!(
            out,
            "<Names><member>a&lt;b</member><member>c</member></Names>"
        );
    }

    #[test]
    fn cbor_timestamps_are_tag_one() {
        let v = Shape::Time(10.0).to_cbor();
        assert_eq!(
            v,
            ciborium::Value::Tag(1, Box::new(ciborium::Value::Float(10.0)))
        );
    }

    #[test]
    fn iso8601_has_milliseconds_and_zulu() {
        assert_eq!(iso8601(0.25), "1970-01-01T00:00:00.250Z");
    }
}
