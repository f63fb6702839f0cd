//! Running a parsed Logs Insights query over log events: per-event commands (filter, parse,
//! fields) up to `stats`, the aggregation, then sort, limit and display over the rows.

use std::collections::BTreeMap;

use super::query::{Aggregate, Command, Expr, GroupKey, Literal};
use crate::world::InsightsRecord as Record;

/// A result row: (field, value) in column order.
pub type Row = Vec<(String, String)>;

/// What a run produced.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// Result rows.
    pub rows: Vec<Row>,
    /// Events that passed the query's filters.
    pub matched: u64,
}

fn get<'r>(row: &'r Row, key: &str) -> Option<&'r str> {
    row.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn set(row: &mut Row, key: &str, value: String) {
    match row.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => row.push((key.to_string(), value)),
    }
}

/// Insights' time format (`2026-12-04 10:05:00.000`, UTC).
pub fn insights_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S%.3f").to_string())
        .unwrap_or_default()
}

/// A number as Insights prints it: whole numbers without decimals.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{:.4}", v)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

fn matches(e: &Expr, row: &Row) -> bool {
    match e {
        Expr::And(a, b) => matches(a, row) && matches(b, row),
        Expr::Or(a, b) => matches(a, row) || matches(b, row),
        Expr::Not(a) => !matches(a, row),
        Expr::Present(f) => get(row, f).is_some(),
        Expr::Like(f, re) => get(row, f).is_some_and(|v| re.is_match(v)),
        Expr::Compare(f, op, lit) => {
            let Some(v) = get(row, f) else {
                return false;
            };
            let ord = match (lit, v.parse::<f64>()) {
                (Literal::Num(n), Ok(x)) => x.partial_cmp(n),
                (Literal::Num(n), Err(_)) => Some(v.cmp(&number(*n))),
                (Literal::Str(s), _) => Some(v.cmp(s.as_str())),
            };
            let Some(ord) = ord else {
                return false;
            };
            match op.as_str() {
                "=" => ord.is_eq(),
                "!=" => ord.is_ne(),
                ">" => ord.is_gt(),
                "<" => ord.is_lt(),
                ">=" => ord.is_ge(),
                _ => ord.is_le(),
            }
        }
    }
}

/// The row of an event: its system fields and, for a JSON message, its top-level members.
fn row_of(r: &Record, ptr: String) -> Row {
    let mut row: Row = vec![
        ("@timestamp".into(), insights_time(r.ts_ms)),
        ("@message".into(), r.message.clone()),
        ("@logStream".into(), r.stream.clone()),
        ("@log".into(), r.log.clone()),
        ("@ptr".into(), ptr),
    ];
    if r.message.trim_start().starts_with('{') {
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_str(&r.message) {
            for (k, v) in map {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                row.push((k, text));
            }
        }
    }
    row
}

fn aggregate(a: &Aggregate, rows: &[&Row]) -> String {
    if a.func == "count" {
        let n = if a.field == "*" {
            rows.len()
        } else {
            rows.iter().filter(|r| get(r, &a.field).is_some()).count()
        };
        return n.to_string();
    }
    let mut values: Vec<f64> = rows
        .iter()
        .filter_map(|r| get(r, &a.field)?.parse().ok())
        .collect();
    if values.is_empty() {
        return String::new();
    }
    values.sort_by(f64::total_cmp);
    let v = match a.func.as_str() {
        "sum" => values.iter().sum(),
        "avg" => values.iter().sum::<f64>() / values.len() as f64,
        "min" => values[0],
        "max" => values[values.len() - 1],
        // pct: nearest rank.
        _ => {
            let p = a.pct.unwrap_or(50.0).clamp(0.0, 100.0) / 100.0;
            let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
            values[rank - 1]
        }
    };
    number(v)
}

fn stats(aggs: &[Aggregate], keys: &[GroupKey], rows: &[Row]) -> Vec<Row> {
    let mut groups: BTreeMap<Vec<String>, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        let key: Vec<String> = keys
            .iter()
            .map(|k| match k {
                GroupKey::Field(f) => get(row, f).unwrap_or_default().to_string(),
                GroupKey::Bin(secs, _) => {
                    let ts = get(row, "@timestamp")
                        .and_then(|t| {
                            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.3f").ok()
                        })
                        .map_or(0, |t| t.and_utc().timestamp());
                    insights_time(ts.div_euclid(*secs) * secs * 1000)
                }
            })
            .collect();
        groups.entry(key).or_default().push(row);
    }
    groups
        .into_iter()
        .map(|(key, members)| {
            let mut out: Row = keys
                .iter()
                .zip(key)
                .map(|(k, v)| match k {
                    GroupKey::Field(f) => (f.clone(), v),
                    GroupKey::Bin(_, name) => (name.clone(), v),
                })
                .collect();
            out.extend(
                aggs.iter()
                    .map(|a| (a.name.clone(), aggregate(a, &members))),
            );
            out
        })
        .collect()
}

fn compare(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    match (
        a.and_then(|v| v.parse::<f64>().ok()),
        b.and_then(|v| v.parse::<f64>().ok()),
    ) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.cmp(&b),
    }
}

/// Runs `commands` over `records`, answering at most `limit` rows.
pub fn run(commands: &[Command], records: &[Record], limit: usize) -> Output {
    let split = commands
        .iter()
        .position(|c| matches!(c, Command::Stats(..)))
        .unwrap_or(commands.len());
    let (before, after) = commands.split_at(split);
    let mut shown: Vec<String> = Vec::new();
    let mut rows: Vec<Row> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let mut row = row_of(r, format!("{:016x}", i));
        let mut keep = true;
        for c in before {
            match c {
                Command::Filter(e) => keep = matches(e, &row),
                Command::Parse(field, re, names) => {
                    let caps = get(&row, field).and_then(|v| {
                        re.captures(v).map(|c| {
                            names
                                .iter()
                                .enumerate()
                                .filter_map(|(n, name)| {
                                    // A regex names its groups; a glob numbers them in order.
                                    c.name(name)
                                        .or_else(|| c.get(n + 1))
                                        .map(|m| (name.clone(), m.as_str().to_string()))
                                })
                                .collect::<Vec<_>>()
                        })
                    });
                    for (name, value) in caps.unwrap_or_default() {
                        set(&mut row, &name, value);
                    }
                }
                _ => {}
            }
            if !keep {
                break;
            }
        }
        if keep {
            rows.push(row);
        }
    }
    let matched = rows.len() as u64;
    for c in before {
        match c {
            Command::Fields(f) => shown.extend(f.iter().cloned()),
            Command::Parse(_, _, names) => shown.extend(names.iter().cloned()),
            Command::Display(f) => shown = f.clone(),
            _ => {}
        }
    }
    let mut grouped = false;
    if let Some(Command::Stats(aggs, keys)) = after.first() {
        rows = stats(aggs, keys, &rows);
        grouped = true;
    } else {
        rows.sort_by(|a, b| compare(get(b, "@timestamp"), get(a, "@timestamp")));
    }
    let mut cap = limit;
    // Without stats every command ran per event above, but sort, limit and display act on the
    // rows; with stats, those after it do.
    let rows_commands = if grouped { &after[1..] } else { before };
    for c in rows_commands {
        match c {
            Command::Sort(keys) => rows.sort_by(|a, b| {
                keys.iter()
                    .map(|(k, asc)| {
                        let o = compare(get(a, k), get(b, k));
                        if *asc {
                            o
                        } else {
                            o.reverse()
                        }
                    })
                    .find(|o| o.is_ne())
                    .unwrap_or(std::cmp::Ordering::Equal)
            }),
            Command::Filter(e) if grouped => rows.retain(|r| matches(e, r)),
            Command::Limit(n) => cap = cap.min(*n),
            Command::Display(f) => shown = f.clone(),
            _ => {}
        }
    }
    if grouped {
        for c in before {
            if let Command::Limit(n) = c {
                cap = cap.min(*n);
            }
        }
    }
    rows.truncate(cap);
    if !grouped {
        if shown.is_empty() {
            shown = vec!["@timestamp".into(), "@message".into()];
        }
        shown.dedup();
        rows = rows
            .into_iter()
            .map(|r| {
                let mut out: Row = shown
                    .iter()
                    .filter_map(|f| get(&r, f).map(|v| (f.clone(), v.to_string())))
                    .collect();
                if let Some(p) = get(&r, "@ptr") {
                    out.push(("@ptr".into(), p.to_string()));
                }
                out
            })
            .collect();
    } else if !shown.is_empty() && after.iter().any(|c| matches!(c, Command::Display(_))) {
        rows = rows
            .into_iter()
            .map(|r| {
                shown
                    .iter()
                    .filter_map(|f| get(&r, f).map(|v| (f.clone(), v.to_string())))
                    .collect()
            })
            .collect();
    }
    Output { rows, matched }
}
