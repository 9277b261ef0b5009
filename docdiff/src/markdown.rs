//! The reader of the Markdown the vendor publishes in its documentation repositories.
//!
//! Headings are `#` lines, captions are bold lines such as `**表 3**  字段说明` or
//! `**Table 3** Fields`, an `<a name="...">` line before a table names it for links, and the
//! tables themselves are HTML `<table>` blocks, read by the [`super::html`] scanner. Markdown
//! escapes (`\{project\_id\}`) are undone in running text and in cells; fenced code blocks
//! (the request examples) are skipped.

use super::html;
use super::{Format, Page, PageBuilder};

/// Reads a Markdown page.
pub fn read(input: &str) -> Page {
    let mut page = PageBuilder::new(Format::Markdown);
    let lines: Vec<&str> = input.lines().collect();
    let mut fence: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            i += 1;
            continue;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            i += 1;
            continue;
        }
        let Some(at) = line.to_ascii_lowercase().find("<table") else {
            text_line(line, &mut page);
            i += 1;
            continue;
        };
        text_line(&line[..at], &mut page);
        // The table runs until as many `</table>` as `<table` have been seen.
        let mut fragment = String::new();
        let mut depth: i64 = 0;
        let mut j = i;
        while j < lines.len() {
            let part = if j == i { &line[at..] } else { lines[j] };
            let lower = part.to_ascii_lowercase();
            depth += count(&lower, "<table") - count(&lower, "</table");
            fragment.push_str(part);
            fragment.push('\n');
            j += 1;
            if depth <= 0 {
                break;
            }
        }
        html::walk(&html::tokenize(&fragment), &mut page);
        i = j;
    }
    let mut page = page.finish();
    for cell in page.tables.iter_mut().flat_map(|t| t.rows.iter_mut().flatten()) {
        cell.text = unescape(&cell.text);
    }
    page
}

fn count(text: &str, needle: &str) -> i64 {
    i64::try_from(text.matches(needle).count()).unwrap_or(i64::MAX)
}

/// A line of Markdown outside tables.
fn text_line(line: &str, page: &mut PageBuilder) {
    let hashes = line.chars().take_while(|c| *c == '#').count();
    if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        let text = inline_text(&line[hashes..], page);
        page.heading(&text);
        return;
    }
    let text = inline_text(line, page);
    if !text.trim().is_empty() {
        page.forget_anchors();
        page.line(&text);
    }
}

/// The text of a line: inline HTML and link syntax reduced to their text (anchors and link
/// targets go to `page`), escapes undone.
fn inline_text(line: &str, page: &mut PageBuilder) -> String {
    let mut text = String::new();
    for token in html::tokenize(line) {
        match token {
            html::Token::Start { name, attrs } if name == "a" => {
                for (key, value) in attrs {
                    match key.as_str() {
                        "name" | "id" => page.anchor(&value),
                        "href" => page.link(&value),
                        _ => {}
                    }
                }
            }
            html::Token::Text(t) => text.push_str(&t),
            _ => {}
        }
    }
    unescape(&links(&text, page))
}

/// `[text](target)` becomes `text`; the target is recorded as a link.
fn links(text: &str, page: &mut PageBuilder) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let link = after
            .find(']')
            .filter(|&close| after[close + 1..].starts_with('('))
            .and_then(|close| Some((close, close + 2 + after[close + 2..].find(')')?)));
        match link {
            Some((close, end)) => {
                out.push_str(&after[..close]);
                page.link(&after[close + 2..end]);
                rest = &after[end + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Undoes Markdown backslash escapes: `job\_id` → `job_id`, `\{` → `{`.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
        } else {
            out.push(c);
        }
    }
    out
}
