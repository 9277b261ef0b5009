//! The reader of HTML: the published web page, and the HTML blocks of the Markdown pages.
//!
//! Parsed with `scraper`, which is html5ever (the HTML5 parsing algorithm browsers use) building
//! a tree: the pages are real-world HTML, with unclosed `<td>`, `<tr>` and `<p>`, comments,
//! entities of every name and text stray inside tables, which is what an HTML5 parser settles
//! the way a browser does. scraper rather than html5ever alone: html5ever builds no tree by
//! itself (its companion `markup5ever_rcdom` says it is not meant for production), and scraper's
//! tree is the well-kept one; its CSS selectors are not used here.
//!
//! The walk over the tree keeps only what doc-diff needs: headings (`<h1>` .. `<h6>`, `<title>`,
//! or an element whose class is `sectiontitle`), running text (for the endpoint line and caption
//! paragraphs), anchors (`<a name>`, `<a id>`, a table's `id`), links, and tables. In a table,
//! each `<tr>` is a row of its `<td>`/`<th>` cells, `rowspan` and `colspan` repeat a cell into
//! the rows and columns it spans (so that every row has the header's columns), `<caption>` is the
//! caption, `<br>`, `<p>`, `<li>` and the like separate words, and a table nested inside a cell
//! is flattened into that cell's text.

use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{Html, Node};

use super::markdown::unescape;
use super::{Cell, Format, Page, PageBuilder, clean};

/// Reads a whole HTML page.
pub fn read(input: &str) -> Page {
    let mut page = PageBuilder::new(Format::Html);
    let html = Html::parse_document(input);
    Walker::new(&mut page, Escapes::Kept).node(html.tree.root());
    page.finish()
}

/// Reads a piece of HTML found in a Markdown page (an HTML block, an inline tag) into `page`.
/// Markdown escapes (`job\_id`) in its text are undone, as the vendor's renderer does.
pub(crate) fn read_markdown_fragment(fragment: &str, page: &mut PageBuilder) {
    let html = Html::parse_fragment(fragment);
    Walker::new(page, Escapes::Markdown).node(html.tree.root());
}

/// The in-page links (the fragment after `#`) of a piece of HTML, such as an `<a href>` inside
/// a Markdown pipe table's cell.
pub(crate) fn link_fragments(fragment: &str) -> Vec<String> {
    let html = Html::parse_fragment(fragment);
    let mut links = Vec::new();
    flatten(html.tree.root(), Escapes::Kept, &mut String::new(), &mut links);
    links
}

/// Whether text holds Markdown backslash escapes to undo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escapes {
    Kept,
    Markdown,
}

impl Escapes {
    fn apply(self, text: &str) -> String {
        match self {
            Escapes::Kept => text.to_owned(),
            Escapes::Markdown => unescape(text),
        }
    }
}

/// Elements after which running text starts a new line.
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

/// Elements whose content is no text of the page.
const SKIPPED: [&str; 4] = ["script", "style", "template", "noscript"];

fn is_heading(element: &Element) -> bool {
    matches!(element.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title")
        || element.classes().any(|c| c == "sectiontitle")
}

/// Walks the tree in document order, telling the page about headings, lines, anchors, links
/// and tables.
struct Walker<'p> {
    page: &'p mut PageBuilder,
    /// Running text since the last line break.
    line: String,
    /// Inside a heading: its text is collected into `line` and block elements break nothing.
    in_heading: bool,
    escapes: Escapes,
}

impl<'p> Walker<'p> {
    fn new(page: &'p mut PageBuilder, escapes: Escapes) -> Self {
        Walker {
            page,
            line: String::new(),
            in_heading: false,
            escapes,
        }
    }

    fn node(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(text) => {
                if !text.trim().is_empty() {
                    self.page.forget_anchors();
                }
                self.line.push_str(&self.escapes.apply(text));
            }
            Node::Element(element) => self.element(node, element),
            Node::Document | Node::Fragment => self.children(node),
            // Comments, the doctype, processing instructions.
            _ => {}
        }
        if node.parent().is_none() {
            self.flush();
        }
    }

    fn children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, element: &Element) {
        let name = element.name();
        if SKIPPED.contains(&name) {
            return;
        }
        if name == "table" {
            self.flush();
            let table = read_table(node, element, self.escapes);
            self.page.table(table.rows, table.caption.as_deref(), table.anchors);
            return;
        }
        if !self.in_heading && is_heading(element) {
            self.flush();
            self.in_heading = true;
            self.anchor_and_link(element);
            self.children(node);
            self.flush();
            self.in_heading = false;
            return;
        }
        let block = !self.in_heading && BLOCKS.contains(&name);
        if block {
            self.flush();
        }
        self.anchor_and_link(element);
        self.children(node);
        if block {
            self.flush();
        }
    }

    /// `<a name>` / `<a id>` name what follows; `<a href>` is a link.
    fn anchor_and_link(&mut self, element: &Element) {
        if element.name() != "a" {
            return;
        }
        for key in ["name", "id"] {
            if let Some(anchor) = element.attr(key) {
                self.page.anchor(anchor);
            }
        }
        if let Some(href) = element.attr("href") {
            self.page.link(href);
        }
    }

    /// Hands the running text to the page: as the heading's text inside one, else line by line.
    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        if self.in_heading {
            self.page.heading(&line);
        } else {
            for part in line.lines() {
                self.page.line(part);
            }
        }
    }
}

/// What a `<table>` gives: its rows, its `<caption>` and its `id`.
struct TableParts {
    rows: Vec<Vec<Cell>>,
    caption: Option<String>,
    anchors: Vec<String>,
}

fn read_table(node: NodeRef<'_, Node>, element: &Element, escapes: Escapes) -> TableParts {
    let mut parts = TableParts {
        rows: Vec::new(),
        caption: None,
        anchors: element.attr("id").map(str::to_owned).into_iter().collect(),
    };
    let mut grid = Grid::default();
    table_children(node, escapes, &mut parts, &mut grid);
    parts
}

/// The rows and the caption of a table, through `<thead>`, `<tbody>` and `<tfoot>`.
fn table_children(node: NodeRef<'_, Node>, escapes: Escapes, parts: &mut TableParts, grid: &mut Grid) {
    for child in node.children() {
        let Node::Element(element) = child.value() else {
            continue;
        };
        match element.name() {
            "tr" => {
                let cells = child.children().filter_map(|c| cell(c, escapes));
                let row = grid.row(cells);
                if !row.is_empty() {
                    parts.rows.push(row);
                }
            }
            "caption" => {
                let mut text = String::new();
                flatten(child, escapes, &mut text, &mut Vec::new());
                parts.caption = Some(text);
            }
            "thead" | "tbody" | "tfoot" => table_children(child, escapes, parts, grid),
            _ => {}
        }
    }
}

/// A `<td>` or `<th>` with how many rows and columns it spans.
fn cell(node: NodeRef<'_, Node>, escapes: Escapes) -> Option<Spanned> {
    let Node::Element(element) = node.value() else {
        return None;
    };
    if !matches!(element.name(), "td" | "th") {
        return None;
    }
    let span = |key: &str| {
        element
            .attr(key)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .map_or(1, |n| n.clamp(1, MAX_SPAN))
    };
    let mut text = String::new();
    let mut links = Vec::new();
    flatten(node, escapes, &mut text, &mut links);
    Some(Spanned {
        cell: Cell {
            text: clean(&text),
            links,
        },
        rows: span("rowspan"),
        columns: span("colspan"),
    })
}

/// A span larger than any real table's, so that `colspan="100000"` costs nothing.
const MAX_SPAN: usize = 64;

/// The text of a cell or caption: words of block elements and nested cells kept apart, a nested
/// table flattened; the in-page links (the fragment after `#`) collected.
fn flatten(node: NodeRef<'_, Node>, escapes: Escapes, text: &mut String, links: &mut Vec<String>) {
    for child in node.children() {
        match child.value() {
            Node::Text(t) => text.push_str(&escapes.apply(t)),
            Node::Element(element) => {
                let name = element.name();
                if SKIPPED.contains(&name) {
                    continue;
                }
                if name == "a"
                    && let Some((_, fragment)) = element.attr("href").and_then(|h| h.split_once('#'))
                    && !fragment.is_empty()
                {
                    links.push(fragment.to_owned());
                }
                let separator = match name {
                    "table" => "\n",
                    "td" | "th" => " ",
                    _ if BLOCKS.contains(&name) => "\n",
                    _ => "",
                };
                text.push_str(separator);
                flatten(child, escapes, text, links);
                if name == "table" || BLOCKS.contains(&name) {
                    text.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// A cell and its spans.
struct Spanned {
    cell: Cell,
    rows: usize,
    columns: usize,
}

/// The cells that `rowspan` carries into the rows below, by column.
#[derive(Default)]
struct Grid {
    /// For each column: the cell to repeat and in how many more rows.
    carried: Vec<Option<(Cell, usize)>>,
}

impl Grid {
    /// Lays out one row: carried cells take their columns first, each cell then fills the next
    /// free column `colspan` times.
    fn row(&mut self, cells: impl Iterator<Item = Spanned>) -> Vec<Cell> {
        let mut row: Vec<Cell> = Vec::new();
        for spanned in cells {
            self.take_carried(&mut row);
            for _ in 0..spanned.columns {
                if spanned.rows > 1 {
                    self.carry(row.len(), &spanned.cell, spanned.rows - 1);
                }
                row.push(spanned.cell.clone());
                self.take_carried(&mut row);
            }
        }
        if !row.is_empty() {
            self.take_carried(&mut row);
        }
        row
    }

    /// Puts carried cells into the row while the next column has one.
    fn take_carried(&mut self, row: &mut Vec<Cell>) {
        while let Some(slot) = self.carried.get_mut(row.len())
            && let Some((cell, left)) = slot.take()
        {
            if left > 1 {
                *slot = Some((cell.clone(), left - 1));
            }
            row.push(cell);
        }
    }

    fn carry(&mut self, column: usize, cell: &Cell, rows: usize) {
        if self.carried.len() <= column {
            self.carried.resize(column + 1, None);
        }
        self.carried[column] = Some((cell.clone(), rows));
    }
}
