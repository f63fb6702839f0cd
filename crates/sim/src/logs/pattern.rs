//! FilterLogEvents patterns for unstructured lines: terms, `?terms`, `-terms` and quoted
//! phrases.

use super::invalid;
use crate::error::AwsError;

/// A filterPattern for unstructured lines.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Pattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Pattern {
    pub(super) fn parse(text: &str) -> Result<Pattern, AwsError> {
        let text = text.trim();
        if text.starts_with('{') || text.starts_with('[') || text.starts_with('%') {
            return Err(invalid(
                "JSON, space-delimited and regular-expression filter patterns are not supported by the simulator; use terms, ?terms, -terms and \"quoted phrases\".",
            ));
        }
        let mut p = Pattern::default();
        let mut chars = text.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&c) = chars.peek() else { break };
            let bucket = match c {
                '?' => {
                    chars.next();
                    1
                }
                '-' => {
                    chars.next();
                    2
                }
                _ => 0,
            };
            let mut term = String::new();
            if chars.peek() == Some(&'"') {
                chars.next();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                term.push(n);
                            }
                        }
                        '"' => {
                            closed = true;
                            break;
                        }
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err(invalid(
                        "Invalid filter pattern: unterminated quoted phrase",
                    ));
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
            }
            if term.is_empty() {
                continue;
            }
            match bucket {
                1 => p.any.push(term),
                2 => p.none.push(term),
                _ => p.all.push(term),
            }
        }
        Ok(p)
    }

    /// Case-sensitive, as CloudWatch Logs matches terms.
    pub(super) fn matches(&self, line: &str) -> bool {
        self.all.iter().all(|t| line.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| line.contains(t.as_str())))
            && !self.none.iter().any(|t| line.contains(t.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_terms_options_exclusions_and_phrases() {
        let p = Pattern::parse(r#"ERROR ?timeout ?refused -health "exec format error""#)
            .expect("parses");
        assert_eq!(p.all, vec!["ERROR", "exec format error"]);
        assert_eq!(p.any, vec!["timeout", "refused"]);
        assert_eq!(p.none, vec!["health"]);
        assert!(Pattern::parse("{ $.level = \"error\" }").is_err());
        assert!(Pattern::parse("\"open").is_err());
        assert_eq!(Pattern::parse("  ").expect("empty"), Pattern::default());
    }

    #[test]
    fn matching_is_case_sensitive_and_honours_all_three_kinds() {
        let p = Pattern::parse("ERROR ?timeout ?refused -health").expect("parses");
        assert!(p.matches("ERROR upstream timeout"));
        assert!(p.matches("ERROR connect ECONNREFUSED refused"));
        assert!(!p.matches("error upstream timeout"));
        assert!(!p.matches("ERROR disk full"));
        assert!(!p.matches("ERROR health timeout"));
        assert!(Pattern::default().matches("anything"));
    }
}
