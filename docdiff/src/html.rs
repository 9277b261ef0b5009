//! The reader of the published web page's HTML, and the table scanner the Markdown reader
//! shares.
//!
//! A small hand-written scanner is enough for these pages: it tokenizes tags, text, comments
//! and entities, then walks the tokens keeping only what doc-diff needs: headings (`<h1>` ..
//! `<h6>`, or an element whose class is `sectiontitle`), running text (for the endpoint line
//! and caption paragraphs), anchors and tables. Inside a table, `<tr>` and `<td>`/`<th>` make
//! rows and cells, `<caption>` the caption, `<br>`, `<p>`, `<li>` and the like separate words,
//! and a table nested inside a cell is flattened into that cell's text. Unclosed `<td>` and
//! `<tr>` end at the next one, as browsers do.

use super::{Cell, Format, Page, PageBuilder, clean};

/// One piece of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// A start tag, its name lower-cased, attribute values decoded.
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    End {
        name: String,
    },
    /// Text between tags, entities decoded.
    Text(String),
}

impl Token {
    fn attr(attrs: &[(String, String)], key: &str) -> Option<String> {
        attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
}

/// Splits HTML into tags and text. Comments, doctypes and processing instructions are dropped,
/// and so is the content of `<script>` and `<style>`. A `<` that starts no tag is text.
pub fn tokenize(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    while let Some(offset) = input[i..].find('<') {
        i += offset;
        let rest = &input[i..];
        let parsed = if rest.starts_with("<!--") {
            Some((rest.find("-->").map_or(rest.len(), |e| e + 3), None))
        } else if rest.starts_with("<!") || rest.starts_with("<?") {
            Some((rest.find('>').map_or(rest.len(), |e| e + 1), None))
        } else if let Some(after) = rest.strip_prefix("</") {
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            (!name.is_empty()).then(|| {
                let len = rest.find('>').map_or(rest.len(), |e| e + 1);
                (len, Some(Token::End { name }))
            })
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
            let (len, name, attrs) = start_tag(rest);
            Some((len, Some(Token::Start { name, attrs })))
        } else {
            None
        };
        let Some((len, token)) = parsed else {
            i += 1;
            continue;
        };
        if text_start < i {
            out.push(Token::Text(decode_entities(&input[text_start..i])));
        }
        i += len;
        text_start = i;
        if let Some(Token::Start { name, .. }) = &token
            && (name == "script" || name == "style")
        {
            let close = format!("</{name}");
            let end = input[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(input.len(), |e| i + e);
            i = end;
            text_start = end;
        }
        out.extend(token);
    }
    if text_start < input.len() {
        out.push(Token::Text(decode_entities(&input[text_start..])));
    }
    out
}

/// A start tag at the beginning of `rest`: its length, name and attributes.
fn start_tag(rest: &str) -> (usize, String, Vec<(String, String)>) {
    let chars: Vec<(usize, char)> = rest.char_indices().collect();
    let mut k = 1;
    let mut name = String::new();
    while k < chars.len() && (chars[k].1.is_ascii_alphanumeric() || matches!(chars[k].1, '-' | ':')) {
        name.push(chars[k].1.to_ascii_lowercase());
        k += 1;
    }
    let mut attrs = Vec::new();
    loop {
        while k < chars.len() && (chars[k].1.is_whitespace() || chars[k].1 == '/') {
            k += 1;
        }
        if k >= chars.len() {
            return (rest.len(), name, attrs);
        }
        if chars[k].1 == '>' {
            return (chars[k].0 + 1, name, attrs);
        }
        let mut key = String::new();
        while k < chars.len() && !chars[k].1.is_whitespace() && !matches!(chars[k].1, '=' | '>' | '/') {
            key.push(chars[k].1.to_ascii_lowercase());
            k += 1;
        }
        let mut value = String::new();
        if k < chars.len() && chars[k].1 == '=' {
            k += 1;
            match chars.get(k).map(|c| c.1) {
                Some(quote @ ('"' | '\'')) => {
                    k += 1;
                    while k < chars.len() && chars[k].1 != quote {
                        value.push(chars[k].1);
                        k += 1;
                    }
                    k += 1;
                }
                _ => {
                    while k < chars.len() && !chars[k].1.is_whitespace() && chars[k].1 != '>' {
                        value.push(chars[k].1);
                        k += 1;
                    }
                }
            }
        }
        if key.is_empty() {
            // A stray character: skip it rather than loop.
            k += 1;
        } else {
            attrs.push((key, decode_entities(&value)));
        }
    }
}

/// Decodes character references: the usual named ones and every numeric one. Unknown names
/// stay as they are.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 12);
        let decoded = end.and_then(|end| entity(&rest[1..end]).map(|c| (c, end + 1)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "middot" => '·',
        "bull" => '•',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "laquo" => '«',
        "raquo" => '»',
        "zwsp" => '\u{200b}',
        _ => return None,
    })
}

/// Reads a whole HTML page.
pub fn read(input: &str) -> Page {
    let mut page = PageBuilder::new(Format::Html);
    walk(&tokenize(input), &mut page);
    page.finish()
}

/// Tags after which running text starts a new line.
const BLOCKS: [&str; 20] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "pre",
    "section",
    "article",
    "dd",
    "dt",
    "dl",
    "body",
    "head",
    "tr",
    "hr",
    "blockquote",
    "header",
    "footer",
    "main",
];

/// A table being read.
#[derive(Default)]
struct TableState {
    /// 1 inside the table itself, more inside tables nested in its cells.
    depth: usize,
    rows: Vec<Vec<Cell>>,
    row: Option<Vec<Cell>>,
    cell: Option<(String, Vec<String>)>,
    caption: Option<String>,
    in_caption: bool,
    anchors: Vec<String>,
}

impl TableState {
    fn push_text(&mut self, text: &str) {
        if self.in_caption {
            self.caption.get_or_insert_with(String::new).push_str(text);
        } else if let Some((cell, _)) = &mut self.cell {
            cell.push_str(text);
        }
    }

    fn finish_cell(&mut self) {
        if let Some((text, links)) = self.cell.take() {
            self.row.get_or_insert_with(Vec::new).push(Cell {
                text: clean(&text),
                links,
            });
        }
    }

    fn finish_row(&mut self) {
        self.finish_cell();
        if let Some(row) = self.row.take().filter(|r| !r.is_empty()) {
            self.rows.push(row);
        }
    }
}

/// Walks tokens, telling `page` about headings, lines, anchors, links and tables.
pub(crate) fn walk(tokens: &[Token], page: &mut PageBuilder) {
    let mut line = String::new();
    // The element that holds a heading, and how deeply elements of its name nest inside it.
    let mut heading: Option<(String, usize)> = None;
    let mut table: Option<TableState> = None;
    for token in tokens {
        if let Some(state) = &mut table {
            if table_token(state, token) {
                let done = table.take().unwrap_or_default();
                let mut rows = done.rows;
                rows.retain(|r| !r.is_empty());
                page.table(rows, done.caption.as_deref(), done.anchors);
            }
            continue;
        }
        match token {
            Token::Start { name, attrs } if name == "table" => {
                flush(&mut line, heading.is_some(), page);
                table = Some(TableState {
                    depth: 1,
                    anchors: Token::attr(attrs, "id").into_iter().collect(),
                    ..TableState::default()
                });
            }
            Token::Start { name, attrs } => {
                let class = Token::attr(attrs, "class").unwrap_or_default();
                let is_heading = matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title")
                    || class.split_whitespace().any(|c| c == "sectiontitle");
                match &mut heading {
                    Some((open, nested)) if open == name => *nested += 1,
                    Some(_) => {}
                    None if is_heading => {
                        flush(&mut line, false, page);
                        heading = Some((name.clone(), 0));
                    }
                    None => {
                        if BLOCKS.contains(&name.as_str()) {
                            flush(&mut line, false, page);
                        }
                    }
                }
                if name == "a" {
                    for key in ["name", "id"] {
                        if let Some(anchor) = Token::attr(attrs, key) {
                            page.anchor(&anchor);
                        }
                    }
                    if let Some(href) = Token::attr(attrs, "href") {
                        page.link(&href);
                    }
                }
            }
            Token::End { name } => match &mut heading {
                Some((open, 0)) if open == name => {
                    page.heading(&line);
                    line.clear();
                    heading = None;
                }
                Some((open, nested)) if open == name => *nested -= 1,
                Some(_) => {}
                None => {
                    if BLOCKS.contains(&name.as_str()) {
                        flush(&mut line, false, page);
                    }
                }
            },
            Token::Text(text) => {
                if !text.trim().is_empty() {
                    page.forget_anchors();
                }
                line.push_str(text);
            }
        }
    }
    flush(&mut line, heading.is_some(), page);
}

fn flush(line: &mut String, as_heading: bool, page: &mut PageBuilder) {
    if as_heading {
        page.heading(line);
    } else {
        for part in line.lines() {
            page.line(part);
        }
    }
    line.clear();
}

/// One token inside a table; true when the table ends with it.
fn table_token(state: &mut TableState, token: &Token) -> bool {
    match token {
        Token::Start { name, attrs } => {
            let top = state.depth == 1;
            match name.as_str() {
                "table" => {
                    state.depth += 1;
                    state.push_text("\n");
                }
                "caption" if top => state.in_caption = true,
                "tr" if top => {
                    state.finish_row();
                    state.row = Some(Vec::new());
                }
                "td" | "th" if top => {
                    state.finish_cell();
                    state.cell = Some((String::new(), Vec::new()));
                }
                "td" | "th" => state.push_text(" "),
                _ => {
                    if BLOCKS.contains(&name.as_str()) {
                        state.push_text("\n");
                    }
                }
            }
            if name == "a"
                && let Some(href) = Token::attr(attrs, "href")
                && let Some((_, fragment)) = href.split_once('#')
                && let Some((_, links)) = &mut state.cell
                && !fragment.is_empty()
            {
                links.push(fragment.to_owned());
            }
            false
        }
        Token::End { name } => {
            let top = state.depth == 1;
            match name.as_str() {
                "table" if top => {
                    state.finish_row();
                    return true;
                }
                "table" => {
                    state.depth -= 1;
                    state.push_text("\n");
                }
                "caption" if top => state.in_caption = false,
                "tr" if top => state.finish_row(),
                "td" | "th" if top => state.finish_cell(),
                _ => {
                    if BLOCKS.contains(&name.as_str()) {
                        state.push_text("\n");
                    }
                }
            }
            false
        }
        Token::Text(text) => {
            state.push_text(text);
            false
        }
    }
}
