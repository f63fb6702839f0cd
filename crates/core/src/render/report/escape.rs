//! Escaping for the snapshot files. Everything in a snapshot that came from AWS, the logs or the
//! audit file (event text, alarm reasons, log lines, user names) goes through one of these, so
//! that text can only ever be text: no tags in the HTML, and no headings, links, quotes, lists,
//! extra table cells or an early end of a code block in the Markdown.

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Text for a Markdown paragraph, list item or table cell, kept readable: on one line (a
/// newline would start a new block or end the table row), `<` as `&lt;` (no HTML, no
/// autolinks), `\`, `` ` ``, `[`, `]` and `|` backslash-escaped (no code spans, links, images or
/// extra cells), and a leading block marker escaped (no heading, quote, list or fence when the
/// text begins a list item). Emphasis characters are left alone: they cannot change structure.
pub(super) fn md(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    // Leading spaces would make the rest of a list item an indented code block.
    let text = one_line.trim_start();
    let mut out = String::with_capacity(text.len() + 8);
    if text.starts_with(['#', '>', '-', '+', '*', '=', '~', '_']) {
        out.push('\\');
    }
    // `1.` or `1)` at the start would open an ordered list.
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let ordered = digits > 0 && text[digits..].starts_with(['.', ')']);
    for (i, c) in text.char_indices() {
        match c {
            '<' => out.push_str("&lt;"),
            '\\' | '`' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if ordered && i == digits => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A fenced Markdown code block around `body` (lines ending in `\n`). The fence is longer than
/// any run of backticks in the body (and at least three), so no line of it can close the block.
pub(super) fn fenced(body: &str) -> String {
    let fence = "`".repeat(longest_backtick_run(body).max(2) + 1);
    let newline = if body.is_empty() || body.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    format!("{fence}\n{body}{newline}{fence}\n")
}

/// Inline code: delimited by more backticks than the text holds in a row, padded with a space
/// when the text starts or ends with a backtick, on one line.
pub(super) fn code(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if one_line.trim().is_empty() {
        return md(&one_line);
    }
    let ticks = "`".repeat(longest_backtick_run(&one_line) + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{one_line}{pad}{ticks}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn markdown_text_cannot_open_blocks_links_or_cells() {
        assert_eq!(md("a|b\nc"), "a\\|b c");
        assert_eq!(md("# Heading"), "\\# Heading");
        assert_eq!(md("  > quote"), "\\> quote");
        assert_eq!(md("12. item"), "12\\. item");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("```"), "\\`\\`\\`");
        assert_eq!(md("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(md("<script>x</script>"), "&lt;script>x&lt;/script>");
        // A backslash of the text cannot escape the escape of a pipe.
        assert_eq!(md("a\\|b"), "a\\\\\\|b");
        // Plain words stay as they are.
        assert_eq!(
            md("service coe_etl (task 3.5) stopped: OOM"),
            "service coe_etl (task 3.5) stopped: OOM"
        );
    }

    #[test]
    fn fences_and_code_spans_outgrow_their_content() {
        assert_eq!(fenced("a\n"), "```\na\n```\n");
        assert_eq!(fenced("``` x ````\n"), "`````\n``` x ````\n`````\n");
        assert_eq!(fenced(""), "```\n```\n");
        assert_eq!(code("coe-ecs"), "`coe-ecs`");
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
