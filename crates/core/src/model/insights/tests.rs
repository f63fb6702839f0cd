use super::*;

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn rows_become_a_table_without_the_pointer() {
    let rows = vec![
        row(&[("status", "200"), ("requests", "41"), ("@ptr", "x")]),
        row(&[("status", "500"), ("requests", "2"), ("extra", "y")]),
    ];
    let (columns, table) = table(&rows);
    assert_eq!(columns, ["status", "requests", "extra"]);
    assert_eq!(table[0], ["200", "41", ""]);
    assert_eq!(table[1], ["500", "2", "y"]);
}

#[test]
fn scanned_bytes_read_in_words() {
    assert_eq!(scanned_words(812.0), "812 bytes scanned");
    assert_eq!(scanned_words(12_400_000.0), "12.4 MB scanned");
    assert_eq!(
        insights_time("2026-12-04 10:05:00.000"),
        Some(1_796_378_700)
    );
    assert!(is_done("Cancelled") && !is_done("Running"));
    assert_eq!(ready_queries().len(), 3);
}
