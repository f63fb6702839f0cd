//! The Logs Insights query language, the part the simulator runs: `fields`, `filter`, `parse`
//! (glob or regex), `stats` (count, sum, avg, min, max, pct; by fields and `bin()`), `sort`,
//! `limit` and `display`. Anything else is refused as AWS refuses a malformed query: with the
//! offending part's place in the text.

use regex::Regex;

/// Why a query does not compile, and where (character offsets in the query text).
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    /// First character of the offending part.
    pub start: usize,
    /// Last character of the offending part.
    pub end: usize,
    /// What is wrong.
    pub message: String,
}

/// A value in a filter: a number or a string.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
}

/// A filter expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
    /// `not a`.
    Not(Box<Expr>),
    /// `field like /re/` (or `field =~ /re/`).
    Like(String, Regex),
    /// `field <op> literal`.
    Compare(String, String, Literal),
    /// `ispresent(field)`.
    Present(String),
}

/// An aggregate of `stats`.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// count, sum, avg, min, max or pct.
    pub func: String,
    /// Its field (`*` for count(*)).
    pub field: String,
    /// pct's percentile.
    pub pct: Option<f64>,
    /// Output column name.
    pub name: String,
}

/// A `stats … by` key: a field, or `bin(seconds)`.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupKey {
    /// A field.
    Field(String),
    /// `bin(5m)`: (seconds, the column's name).
    Bin(i64, String),
}

/// One command of the pipeline.
#[derive(Debug, Clone)]
pub enum Command {
    /// `fields a, b`.
    Fields(Vec<String>),
    /// `display a, b`.
    Display(Vec<String>),
    /// `filter expr`.
    Filter(Expr),
    /// `parse field /regex/` (named groups) or `parse field "a * b" as x`.
    Parse(String, Regex, Vec<String>),
    /// `stats aggs by keys`.
    Stats(Vec<Aggregate>, Vec<GroupKey>),
    /// `sort field [asc|desc], …`.
    Sort(Vec<(String, bool)>),
    /// `limit n`.
    Limit(usize),
}

/// Splits the query at `|` outside strings and regexes; (start offset, text) of each part.
fn split(query: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let (mut start, mut quote) = (0usize, None::<char>);
    for (i, c) in query.char_indices() {
        match (quote, c) {
            (None, '"' | '\'' | '/') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '|') => {
                parts.push((start, &query[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, &query[start..]));
    parts
}

/// A compile error over `len` characters at `at`.
fn err(at: usize, len: usize, message: impl Into<String>) -> CompileError {
    CompileError {
        start: at,
        end: at + len.saturating_sub(1),
        message: message.into(),
    }
}

/// Comma-separated names.
fn names(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Parses a whole query.
pub fn parse(query: &str) -> Result<Vec<Command>, CompileError> {
    let mut out = Vec::new();
    for (offset, part) in split(query) {
        let trimmed = part.trim_start();
        let at = offset + (part.len() - trimmed.len());
        let text = trimmed.trim_end();
        if text.is_empty() {
            return Err(err(at, 1, "Expected a command between the pipes"));
        }
        let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let rest = rest.trim();
        let command = match word {
            "fields" => Command::Fields(names(rest)),
            "display" => Command::Display(names(rest)),
            "filter" => Command::Filter(expr(rest, at + word.len() + 1)?),
            "parse" => parse_command(rest, at)?,
            "stats" => stats(rest, at)?,
            "sort" => Command::Sort(
                names(rest)
                    .into_iter()
                    .map(|s| match s.rsplit_once(' ') {
                        Some((f, "asc")) => (f.trim().to_string(), true),
                        Some((f, "desc")) => (f.trim().to_string(), false),
                        _ => (s, false),
                    })
                    .collect(),
            ),
            "limit" => Command::Limit(
                rest.parse()
                    .ok()
                    .filter(|n| (1..=10_000).contains(n))
                    .ok_or_else(|| err(at, text.len(), "limit takes a number from 1 to 10000"))?,
            ),
            other => {
                return Err(err(
                    at,
                    other.len(),
                    format!("unexpected symbol found {other} at line 1 and position {at}"),
                ))
            }
        };
        out.push(command);
    }
    Ok(out)
}

/// A regex literal `/…/` with its flags (`i`), or None.
fn regex_literal(text: &str) -> Option<Result<Regex, regex::Error>> {
    let body = text.trim().strip_prefix('/')?;
    let (re, flags) = body.rsplit_once('/')?;
    let re = if flags.contains('i') {
        format!("(?i){re}")
    } else {
        re.to_string()
    };
    Some(Regex::new(&re))
}

fn parse_command(rest: &str, at: usize) -> Result<Command, CompileError> {
    let (field, pattern) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(|| err(at, 5, "parse needs a field and a pattern"))?;
    let pattern = pattern.trim();
    if pattern.starts_with('/') {
        let re = regex_literal(pattern)
            .ok_or_else(|| err(at, rest.len(), "unterminated regular expression"))?
            .map_err(|e| err(at, rest.len(), format!("invalid regular expression: {e}")))?;
        let names: Vec<String> = re.capture_names().flatten().map(str::to_string).collect();
        return Ok(Command::Parse(field.to_string(), re, names));
    }
    // "glob * pattern *" as a, b
    let (glob, fields) = pattern
        .rsplit_once(" as ")
        .ok_or_else(|| err(at, rest.len(), "a glob pattern needs `as` and field names"))?;
    let glob = glob.trim().trim_matches(|c| c == '"' || c == '\'');
    let re = glob
        .split('*')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join("(.*?)");
    let re = Regex::new(&format!("{re}$")).map_err(|e| err(at, rest.len(), e.to_string()))?;
    Ok(Command::Parse(field.to_string(), re, names(fields)))
}

fn stats(rest: &str, at: usize) -> Result<Command, CompileError> {
    let (aggs, keys) = match rest.rsplit_once(" by ") {
        Some((a, k)) => (a, names(k)),
        None => (rest, Vec::new()),
    };
    let mut out = Vec::new();
    for item in split_top(aggs) {
        let item = item.trim();
        let (call, alias) = match item.rsplit_once(" as ") {
            Some((c, a)) => (c.trim(), Some(a.trim().to_string())),
            None => (item, None),
        };
        let (func, args) = call
            .strip_suffix(')')
            .and_then(|c| c.split_once('('))
            .ok_or_else(|| {
                err(
                    at,
                    item.len(),
                    format!("expected an aggregate function, found {item}"),
                )
            })?;
        let func = func.trim().to_lowercase();
        if !["count", "sum", "avg", "min", "max", "pct"].contains(&func.as_str()) {
            return Err(err(at, item.len(), format!("unknown function {func}")));
        }
        let mut args = args.split(',').map(str::trim);
        // `count()` counts every row, as `count(*)` does.
        let field = args
            .next()
            .filter(|a| !a.is_empty())
            .unwrap_or("*")
            .to_string();
        let pct = args.next().and_then(|p| p.parse().ok());
        if func == "pct" && pct.is_none() {
            return Err(err(
                at,
                item.len(),
                "pct needs a percentile: pct(field, 99)",
            ));
        }
        out.push(Aggregate {
            name: alias.unwrap_or_else(|| call.replace(' ', "")),
            func,
            field,
            pct,
        });
    }
    let keys = keys
        .into_iter()
        .map(
            |k| match k.strip_prefix("bin(").and_then(|b| b.strip_suffix(')')) {
                Some(span) => duration(span)
                    .map(|s| GroupKey::Bin(s, k.clone()))
                    .ok_or_else(|| err(at, k.len(), format!("invalid bin {k}"))),
                None => Ok(GroupKey::Field(k)),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Command::Stats(out, keys))
}

/// Splits at commas outside parentheses.
fn split_top(text: &str) -> Vec<&str> {
    let (mut depth, mut start, mut out) = (0i32, 0usize, Vec::new());
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[start..]);
    out
}

/// `5m` → 300.
fn duration(span: &str) -> Option<i64> {
    let split = span.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = span.split_at(split);
    let n: i64 = n.parse().ok()?;
    let secs = match unit {
        "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" | "hr" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    Some(n * secs)
}

/// A filter expression (`at`: its offset in the query, for errors).
fn expr(text: &str, at: usize) -> Result<Expr, CompileError> {
    let text = text.trim();
    if let Some((a, b)) = split_word(text, " or ") {
        return Ok(Expr::Or(Box::new(expr(a, at)?), Box::new(expr(b, at)?)));
    }
    if let Some((a, b)) = split_word(text, " and ") {
        return Ok(Expr::And(Box::new(expr(a, at)?), Box::new(expr(b, at)?)));
    }
    if let Some(inner) = text.strip_prefix("not ") {
        return Ok(Expr::Not(Box::new(expr(inner, at)?)));
    }
    if let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        return expr(inner, at);
    }
    if let Some(field) = text
        .strip_prefix("ispresent(")
        .and_then(|t| t.strip_suffix(')'))
    {
        return Ok(Expr::Present(field.trim().to_string()));
    }
    for op in [" not like ", " like ", " =~ "] {
        if let Some((field, re)) = text.split_once(op) {
            let regex = match regex_literal(re) {
                Some(r) => r.map_err(|e| err(at, text.len(), e.to_string()))?,
                // `like "text"` matches the text anywhere.
                None => Regex::new(&regex::escape(
                    re.trim().trim_matches(|c| c == '"' || c == '\''),
                ))
                .map_err(|e| err(at, text.len(), e.to_string()))?,
            };
            let like = Expr::Like(field.trim().to_string(), regex);
            return Ok(if op == " not like " {
                Expr::Not(Box::new(like))
            } else {
                like
            });
        }
    }
    for op in [">=", "<=", "!=", "=", ">", "<"] {
        if let Some((field, value)) = text.split_once(op) {
            let value = value.trim();
            let literal = match value.parse::<f64>() {
                Ok(n) => Literal::Num(n),
                Err(_) => Literal::Str(value.trim_matches(|c| c == '"' || c == '\'').to_string()),
            };
            return Ok(Expr::Compare(
                field.trim().to_string(),
                op.to_string(),
                literal,
            ));
        }
    }
    Err(err(
        at,
        text.len(),
        format!("cannot read the filter {text}"),
    ))
}

/// Splits at the first `word` outside parentheses, strings and regexes.
fn split_word<'a>(text: &'a str, word: &str) -> Option<(&'a str, &'a str)> {
    let (mut depth, mut quote) = (0i32, None::<char>);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'' | '/') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '(') => depth += 1,
            (None, ')') => depth -= 1,
            (None, _) if depth == 0 && text[i..].starts_with(word) => {
                return Some((&text[..i], &text[i + word.len()..]));
            }
            _ => {}
        }
    }
    None
}
