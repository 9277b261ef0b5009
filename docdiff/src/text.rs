//! The reader of the plain text extracted from the published web page.
//!
//! Every table cell ends with ` |`, one cell per line or spread over several lines (a long
//! description), and the header row is closed by a line such as `---|---|---|`, whose bars
//! give the number of columns. Tables lose their captions, so "see Table N" counts the tables
//! in order. A table ends where a row would start with a line that is no cell, or where the
//! next table's header begins. Headings are the short lines that name a section (`URI`,
//! `Request`, `Response`, `请求消息`, ...).

use super::{Cell, Format, Page, PageBuilder};

/// Reads a plain-text page.
pub fn read(input: &str) -> Page {
    let lines: Vec<&str> = input.lines().collect();
    let mut page = PageBuilder::new(Format::Text);
    let mut i = 0;
    while i < lines.len() {
        let Some(columns) = header_at(&lines, i) else {
            if !page.maybe_heading(lines[i]) {
                page.line(lines[i]);
            }
            i += 1;
            continue;
        };
        let mut rows = vec![lines[i..i + columns].iter().map(|l| Cell::new(cell_text(l))).collect()];
        let mut j = i + columns + 1;
        while j < lines.len() && is_cell(lines[j]) && header_at(&lines, j).is_none() {
            let mut row = Vec::new();
            let mut pending = String::new();
            while j < lines.len() && row.len() < columns {
                let line = lines[j];
                j += 1;
                if is_cell(line) {
                    pending.push_str(cell_text(line));
                    row.push(Cell::new(&pending));
                    pending.clear();
                } else {
                    pending.push_str(line);
                    pending.push('\n');
                }
            }
            if !pending.trim().is_empty() {
                row.push(Cell::new(&pending));
            }
            rows.push(row);
        }
        page.table(rows, None, Vec::new());
        i = j;
    }
    page.finish()
}

/// Whether the line ends a cell.
fn is_cell(line: &str) -> bool {
    line.trim_end().ends_with('|')
}

/// The cell's text: the line without its closing bar.
fn cell_text(line: &str) -> &str {
    let line = line.trim_end();
    line.strip_suffix('|').unwrap_or(line).trim()
}

/// The number of columns when a table's header starts at `i`: that many cell lines, then a
/// separator line with as many bars.
fn header_at(lines: &[&str], i: usize) -> Option<usize> {
    (1..=12).find(|&n| {
        lines
            .get(i + n)
            .and_then(|l| separator_columns(l))
            .is_some_and(|columns| columns == n)
            && lines[i..i + n].iter().all(|l| is_cell(l) && !cell_text(l).is_empty())
    })
}

/// `---|---|---|` → 3.
fn separator_columns(line: &str) -> Option<usize> {
    let line = line.trim();
    let parts: Vec<&str> = line.strip_suffix('|')?.split('|').collect();
    parts
        .iter()
        .all(|p| {
            let p = p.trim().trim_matches(':');
            p.len() >= 3 && p.chars().all(|c| c == '-')
        })
        .then_some(parts.len())
}
