//! The reader of the Markdown the vendor publishes in its documentation repositories.
//!
//! Parsed with `pulldown-cmark` (CommonMark, with its pipe-table extension), the parser rustdoc
//! and mdBook use; its events carry headings, paragraphs, links and pipe tables, with escapes
//! and entities already resolved. Captions are bold lines such as `**表 3**  字段说明`, an
//! `<a name="...">` before a table names it for links, and the parameter tables are HTML
//! `<table>` blocks, which go to the HTML reader ([`super::html`]) together with whatever
//! raw HTML the page holds. Markdown escapes (`\{project\_id\}`) stay in raw HTML, where
//! CommonMark leaves them; the vendor's renderer undoes them, and so does the HTML reader for
//! a Markdown page. Fenced code blocks (the request examples) are skipped; an indented one is
//! read as lines, as the hand-written reader before this one did, so that an endpoint line
//! indented too far is still found.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::html;
use super::{Cell, Format, Page, PageBuilder};

/// Reads a Markdown page.
pub fn read(input: &str) -> Page {
    let mut reader = Reader {
        input,
        page: PageBuilder::new(Format::Markdown),
        line: String::new(),
        in_heading: false,
        consumed: 0,
        table: None,
    };
    let mut events = Parser::new_ext(input, Options::ENABLE_TABLES).into_offset_iter();
    while let Some((event, range)) = events.next() {
        reader.event(event, range, &mut events);
    }
    reader.flush();
    reader.page.finish()
}

/// A pipe table being read.
#[derive(Default)]
struct PipeTable {
    rows: Vec<Vec<Cell>>,
    /// The cell being read: its text and its in-page links.
    cell: Option<Cell>,
}

struct Reader<'a> {
    input: &'a str,
    page: PageBuilder,
    /// Running text since the last line break.
    line: String,
    in_heading: bool,
    /// The end of the source already read as a whole (raw HTML, a fenced code block): the
    /// events inside it are passed over.
    consumed: usize,
    table: Option<PipeTable>,
}

impl<'a> Reader<'a> {
    fn event(
        &mut self,
        event: Event<'a>,
        range: Range<usize>,
        rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) {
        if range.start < self.consumed {
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range, rest),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) => self.text(&text),
            Event::InlineHtml(html) => self.inline_html(&html, range, rest),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'a>, range: Range<usize>, rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) {
        match tag {
            Tag::Heading { .. } => {
                self.flush();
                self.in_heading = true;
            }
            Tag::Paragraph | Tag::Item | Tag::BlockQuote(_) | Tag::CodeBlock(CodeBlockKind::Indented) => self.flush(),
            Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
                self.flush();
                self.consumed = range.end;
            }
            Tag::HtmlBlock => {
                self.flush();
                self.raw_html(range, rest);
            }
            Tag::Link { dest_url, .. } => self.link(&dest_url),
            Tag::Table(_) => {
                self.flush();
                self.table = Some(PipeTable::default());
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(table) = &mut self.table {
                    table.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(table) = &mut self.table {
                    table.cell = Some(Cell::default());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let text = std::mem::take(&mut self.line);
                self.page.heading(&text);
                self.in_heading = false;
            }
            TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::CodeBlock => self.flush(),
            TagEnd::TableCell => {
                if let Some(table) = &mut self.table
                    && let Some(mut cell) = table.cell.take()
                {
                    cell.text = super::clean(&cell.text);
                    if let Some(row) = table.rows.last_mut() {
                        row.push(cell);
                    }
                }
            }
            TagEnd::Table => {
                if let Some(mut table) = self.table.take() {
                    table.rows.retain(|r| !r.is_empty());
                    self.page.table(table.rows, None, Vec::new());
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        match self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => cell.text.push_str(text),
            None => self.line.push_str(text),
        }
    }

    /// A link: to another page, or (in a pipe table's cell) to a table of this one.
    fn link(&mut self, target: &str) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            if let Some((_, fragment)) = target.split_once('#')
                && !fragment.is_empty()
            {
                cell.links.push(fragment.to_owned());
            }
            return;
        }
        self.page.link(target);
    }

    /// An inline tag. An opening `<table` starts raw HTML that runs until its tables close; any
    /// other tag may be an anchor or a link, or a `<br>` that separates a cell's words.
    fn inline_html(
        &mut self,
        tag: &str,
        range: Range<usize>,
        rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>,
    ) {
        if table_depth(tag) > 0 {
            self.flush();
            self.raw_html(range, rest);
            return;
        }
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.text.push(' ');
            cell.links.extend(html::link_fragments(tag));
            return;
        }
        if is_br(tag) {
            self.line_break();
        } else {
            html::read_markdown_fragment(tag, &mut self.page);
        }
    }

    /// Raw HTML from `range`, handed to the HTML reader whole: an HTML block, or an inline
    /// `<table`. It runs on while a `<table>` it opened is not closed: CommonMark ends an HTML
    /// block at a blank line, the vendor's tables do not.
    fn raw_html(&mut self, range: Range<usize>, rest: &mut impl Iterator<Item = (Event<'a>, Range<usize>)>) {
        let start = range.start;
        let mut end = range.end;
        while table_depth(&self.input[start..end]) > 0 {
            let Some((_, range)) = rest.next() else {
                break;
            };
            end = end.max(range.end);
        }
        self.consumed = end;
        html::read_markdown_fragment(&self.input[start..end], &mut self.page);
    }

    fn line_break(&mut self) {
        match self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            Some(cell) => cell.text.push(' '),
            None if self.in_heading => self.line.push(' '),
            None => self.flush(),
        }
    }

    /// Hands the running text to the page as a line; text that is there makes the anchors seen
    /// before it name nothing.
    fn flush(&mut self) {
        if self.in_heading {
            return;
        }
        let line = std::mem::take(&mut self.line);
        if !line.trim().is_empty() {
            self.page.forget_anchors();
            for part in line.lines() {
                self.page.line(part);
            }
        }
    }
}

/// `<br>`, `<br/>`, `<BR />`.
fn is_br(tag: &str) -> bool {
    let lower = tag.to_ascii_lowercase();
    lower
        .strip_prefix("<br")
        .is_some_and(|rest| rest.trim_start().starts_with(['>', '/']))
}

/// How many more `<table` than `</table` the text holds.
fn table_depth(html: &str) -> i64 {
    let lower = html.to_ascii_lowercase();
    let count = |needle: &str| i64::try_from(lower.matches(needle).count()).unwrap_or(i64::MAX);
    count("<table") - count("</table")
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
