//! changeos-docdiff: reads one of the vendor's doc pages and compares it with an operation of
//! the spec (the `doc-diff` binary, `cargo run -p changeos-docdiff -- --operation ID PAGE`).
//!
//! A maintainer's tool beside the generator: it goes the other way round, from a vendor page to
//! the spec. The flow is one way: a page's text goes to the reader of its format ([`markdown`],
//! [`html`] or [`text`], chosen by [`detect`]), which turns it into a [`Page`]: the endpoint
//! line and every table, each with its caption, its number, its anchors and the section (URI,
//! request, response) it sits in. [`mod@compare`] builds the tree of documented members from
//! the tables (following "see Table N" / 详情请参见表N links), walks the spec's schemas beside it
//! and lists every [`compare::Difference`]; [`report`] renders them, and [`mod@write`] applies
//! to the spec what needs no judgment (members only in the doc, mandatory flags), refusing a
//! result `changeos-codegen` would refuse. Nothing here knows the changeos API: the page and
//! the spec say it all.

#![forbid(unsafe_code)]

pub mod compare;
pub mod html;
pub mod markdown;
pub mod report;
pub mod text;
pub mod write;

use std::fmt;
use std::path::PathBuf;

pub use compare::{Area, DiffKind, Difference, Report, compare};

/// The format of a page, detected from its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Markdown the vendor publishes in its documentation repositories, whose tables are
    /// HTML `<table>`s (pipe tables are read too).
    Markdown,
    /// The HTML of the published web page.
    Html,
    /// The plain text extracted from the web page: tables lose their captions, every cell ends
    /// with ` |`, and a `---|---|` line closes the header row.
    Text,
}

impl Format {
    /// How reports name the format.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown with HTML tables",
            Format::Html => "HTML",
            Format::Text => "plain text",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// The part of the page a table belongs to, from the heading above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// URI: the path parameters.
    Uri,
    /// The request message: body parameters.
    Request,
    /// The response message: response fields.
    Response,
    /// Anything else (introduction, examples, status codes, before the first heading).
    Other,
}

/// The method and path template the page gives, such as `POST /v1/{id}/things`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// One cell: its text (whitespace collapsed, entities decoded) and the in-page links it holds
/// (the fragment after `#`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub links: Vec<String>,
}

impl Cell {
    pub fn new(text: &str) -> Cell {
        Cell {
            text: clean(text),
            links: Vec::new(),
        }
    }
}

/// One table of the page. The first row is the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// "Table N" / "表 N" of the caption; in a page without captions, the table's position
    /// (1-based), which is how the plain-text pages' "see Table N" count.
    pub number: Option<u32>,
    /// Names a link can point at (`id` of the table, `<a name>` just before it).
    pub anchors: Vec<String>,
    /// The caption without its number, or empty.
    pub caption: String,
    pub section: Section,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The header row, or nothing for an empty table.
    pub fn header(&self) -> &[Cell] {
        self.rows.first().map(Vec::as_slice).unwrap_or_default()
    }

    /// Which column holds what, when this is a table of parameters.
    pub fn columns(&self) -> Option<Columns> {
        Columns::of(self.header())
    }

    /// A table of request headers or query parameters: neither path nor body.
    fn is_header_or_query(&self) -> bool {
        let caption = self.caption.to_lowercase();
        ["header", "头参数", "请求头", "消息头", "query", "查询参数"]
            .iter()
            .any(|w| caption.contains(w))
    }

    /// How reports name the table.
    pub fn label(&self) -> String {
        match (self.number, self.caption.is_empty()) {
            (Some(n), true) => format!("table {n}"),
            (Some(n), false) => format!("table {n} ({})", self.caption),
            (None, true) => "a table without caption".to_owned(),
            (None, false) => format!("table \"{}\"", self.caption),
        }
    }
}

/// A page as the readers give it: its endpoint and its tables, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub format: Format,
    pub endpoint: Option<Endpoint>,
    pub tables: Vec<Table>,
    /// Links to other pages (not in-page anchors), in order: an index page has only these.
    pub links: Vec<String>,
}

/// The positions of the columns that matter in a parameter table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Columns {
    pub name: usize,
    pub mandatory: Option<usize>,
    pub kind: Option<usize>,
    pub description: Option<usize>,
}

impl Columns {
    /// Reads the header row (English or Chinese column names); `None` when no column holds
    /// parameter names.
    pub fn of(header: &[Cell]) -> Option<Columns> {
        let mut columns = Columns {
            name: usize::MAX,
            mandatory: None,
            kind: None,
            description: None,
        };
        for (i, cell) in header.iter().enumerate() {
            let text: String = cell
                .text
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
            if has(&["必选", "必填", "必须", "mandatory", "required", "optional"]) {
                columns.mandatory.get_or_insert(i);
            } else if has(&["类型", "type"]) {
                columns.kind.get_or_insert(i);
            } else if has(&["描述", "说明", "description", "remark"]) {
                columns.description.get_or_insert(i);
            } else if has(&["参数", "名称", "字段", "属性", "parameter", "name", "field", "member"])
                && columns.name == usize::MAX
            {
                columns.name = i;
            }
        }
        (columns.name != usize::MAX).then_some(columns)
    }
}

/// A JSON type as the page or the spec gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    /// With the item type when it is known.
    Array(Option<Box<JsonType>>),
}

impl JsonType {
    /// The JSON Schema `type` keyword's word for it.
    pub fn keyword(&self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Object => "object",
            JsonType::Array(_) => "array",
        }
    }

    /// Whether a documented type (`self`) says the same as the spec's. An array whose item
    /// type the page does not say matches any array.
    pub fn agrees_with(&self, spec: &JsonType) -> bool {
        match (self, spec) {
            (JsonType::Array(Some(doc)), JsonType::Array(Some(spec))) => doc.agrees_with(spec),
            (JsonType::Array(_), JsonType::Array(_)) => true,
            _ => self == spec,
        }
    }

    /// Reads the type column. Knows English, Chinese and older spellings (`Dict`, `字典数据结构`
    /// for an object, `List<String>`, `Array of objects`); `None` for anything else.
    pub fn parse(written: &str) -> Option<JsonType> {
        let lower = clean(written).to_lowercase();
        let lower = lower.trim_end_matches(['.', '。']).trim();
        if lower.is_empty() {
            return None;
        }
        for prefix in [
            "array of ",
            "list of ",
            "array<",
            "list<",
            "array[",
            "list[",
            "set of ",
            "set<",
        ] {
            if let Some(rest) = lower.strip_prefix(prefix) {
                let inner = rest.trim_end_matches(['>', ']']).trim();
                return Some(JsonType::Array(JsonType::item(inner).map(Box::new)));
            }
        }
        if let Some(inner) = lower.strip_suffix("[]") {
            return Some(JsonType::Array(JsonType::item(inner.trim()).map(Box::new)));
        }
        for suffix in ["数组", "列表"] {
            if let Some(inner) = lower.strip_suffix(suffix) {
                let inner = inner.trim();
                let item = if inner.is_empty() { None } else { JsonType::item(inner) };
                return Some(JsonType::Array(item.map(Box::new)));
            }
        }
        if matches!(lower, "array" | "list" | "jsonarray" | "json array") {
            return Some(JsonType::Array(None));
        }
        JsonType::scalar_or_object(lower)
    }

    /// An item type: a plural (`objects`, `strings`), or a class name followed by `object(s)`.
    fn item(inner: &str) -> Option<JsonType> {
        let singular = inner.strip_suffix('s').filter(|s| !s.ends_with('s')).unwrap_or(inner);
        JsonType::parse(inner)
            .or_else(|| JsonType::parse(singular))
            .or_else(|| (inner.ends_with(" object") || inner.ends_with(" objects")).then_some(JsonType::Object))
    }

    fn scalar_or_object(lower: &str) -> Option<JsonType> {
        let word = |words: &[&str]| words.contains(&lower);
        if word(&[
            "string",
            "str",
            "字符串",
            "字符串类型",
            "char",
            "text",
            "uuid",
            "date",
            "datetime",
        ]) {
            Some(JsonType::String)
        } else if word(&[
            "integer",
            "int",
            "int32",
            "int64",
            "long",
            "short",
            "整数",
            "整型",
            "数值型整数",
        ]) {
            Some(JsonType::Integer)
        } else if word(&[
            "number",
            "float",
            "double",
            "decimal",
            "bigdecimal",
            "数字",
            "浮点数",
            "浮点型",
        ]) {
            Some(JsonType::Number)
        } else if word(&["boolean", "bool", "布尔", "布尔型", "布尔类型"]) {
            Some(JsonType::Boolean)
        } else if word(&[
            "object",
            "dict",
            "dictionary",
            "map",
            "json",
            "jsonobject",
            "json object",
            "struct",
            "字典",
            "字典数据结构",
            "对象",
            "结构体",
            "数据结构",
        ]) || lower.ends_with(" object")
        {
            Some(JsonType::Object)
        } else {
            None
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonType::Array(Some(item)) => write!(f, "array of {item}"),
            other => f.write_str(other.keyword()),
        }
    }
}

/// Reads a mandatory cell: `Yes`/`No`, `是`/`否`, `true`/`false`, `必选`/`可选` and the like;
/// `None` when it says neither (empty, `N/A`, a condition).
pub fn yes_no(cell: &str) -> Option<bool> {
    let text = clean(cell).to_lowercase();
    if text.starts_with("n/a") || text.starts_with("na ") || text == "na" {
        return None;
    }
    let word: String = text.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    match word.as_str() {
        "yes" | "y" | "true" | "mandatory" | "required" => return Some(true),
        "no" | "n" | "false" | "optional" => return Some(false),
        "" => {}
        _ => return None,
    }
    if ["非必", "否", "可选", "选填", "不必"]
        .iter()
        .any(|w| text.starts_with(w))
    {
        Some(false)
    } else if ["是", "必选", "必填", "必须"].iter().any(|w| text.starts_with(w)) {
        Some(true)
    } else {
        None
    }
}

/// The section a heading opens. `None` for a heading none of the words fit (such as a
/// "Status code: 200" line above a response table, which keeps the response section).
pub fn section_of(heading: &str) -> Option<Section> {
    let lower = clean(heading).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "example",
        "示例",
        "样例",
        "返回值",
        "returned value",
        "error code",
        "错误码",
        "function",
        "功能介绍",
        "constraint",
        "约束",
        "调试",
        "debug",
        "permission",
        "授权",
    ]) {
        Some(Section::Other)
    } else if lower.starts_with("uri") || has(&["路径参数", "path parameter"]) {
        Some(Section::Uri)
    } else if has(&["响应", "response"]) {
        Some(Section::Response)
    } else if has(&["请求", "request"]) {
        Some(Section::Request)
    } else {
        None
    }
}

/// A line such as `POST /v2/{project_id}/things`: the method and the path template.
pub fn endpoint_in(line: &str) -> Option<Endpoint> {
    let mut words = line.split_whitespace();
    let method = words.next()?;
    let path = words.next()?;
    let known = ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method);
    if !known || !path.starts_with('/') || words.next().is_some_and(|w| !w.starts_with(['(', '（'])) {
        return None;
    }
    let path = path.split('?').next().unwrap_or(path);
    let path = if path.len() > 1 {
        path.trim_end_matches('/')
    } else {
        path
    };
    Some(Endpoint {
        method: method.to_owned(),
        path: path.to_owned(),
    })
}

/// "Table N" / "表N" in a description: every number, in the order they appear.
pub fn table_refs(text: &str) -> Vec<u32> {
    let lower = text.to_lowercase();
    let mut found: Vec<(usize, u32)> = Vec::new();
    for marker in ["table", "表"] {
        for (at, _) in lower.match_indices(marker) {
            let rest = lower[at + marker.len()..].trim_start_matches([' ', '\u{a0}']);
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse() {
                found.push((at, n));
            }
        }
    }
    found.sort_unstable();
    let mut out = Vec::new();
    for (_, n) in found {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// A caption line (`Table 3 Data structure`, `表 3  字段说明`, `**表 3**  字段说明`): its number
/// and the rest.
pub fn caption_of(line: &str) -> Option<(u32, String)> {
    let text = clean(&line.replace("**", ""));
    let rest = text
        .strip_prefix("Table")
        .or_else(|| text.strip_prefix("table"))
        .or_else(|| text.strip_prefix('表'))?;
    let rest = rest.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let number = digits.parse().ok()?;
    let caption = rest[digits.len()..].trim_start_matches([' ', ':', '：', '.']).trim();
    Some((number, caption.to_owned()))
}

/// Collapses whitespace (including no-break and zero-width spaces) to single spaces.
pub fn clean(text: &str) -> String {
    text.replace(['\u{200b}', '\u{feff}'], "")
        .split(|c: char| c.is_whitespace() || c == '\u{a0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A member name as a cell gives it: the first word, without Markdown escapes or trailing
/// punctuation; `None` when it does not look like a name (empty, or prose).
pub fn member_name(cell: &str) -> Option<String> {
    let text = clean(&cell.replace('\\', ""));
    let word = text.split(' ').next()?;
    let word = word.trim_matches(|c: char| matches!(c, ':' | '：' | ',' | '，' | '.' | '。' | '*' | '`'));
    let looks_like_name = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$' | '@' | '[' | ']'));
    looks_like_name.then(|| word.to_owned())
}

/// Builds a [`Page`] while a reader walks the text: headings switch the section, lines are
/// searched for the endpoint and for captions, tables take the section and pending caption.
#[derive(Debug)]
pub(crate) struct PageBuilder {
    format: Format,
    section: Section,
    endpoint: Option<Endpoint>,
    tables: Vec<Table>,
    links: Vec<String>,
    caption: Option<(u32, String)>,
    anchors: Vec<String>,
}

impl PageBuilder {
    pub(crate) fn new(format: Format) -> Self {
        PageBuilder {
            format,
            section: Section::Other,
            endpoint: None,
            tables: Vec::new(),
            links: Vec::new(),
            caption: None,
            anchors: Vec::new(),
        }
    }

    /// A heading of the page (Markdown `#`, HTML `<h1>`..`<h6>`): unknown ones end a section.
    pub(crate) fn heading(&mut self, text: &str) {
        let text = clean(text);
        if text.is_empty() {
            return;
        }
        self.section = section_of(&text).unwrap_or(Section::Other);
        self.caption = None;
    }

    /// A line of the plain-text page: a heading only when short and one of the known words.
    pub(crate) fn maybe_heading(&mut self, text: &str) -> bool {
        let text = clean(text);
        if text.split(' ').count() > 4 || text.chars().count() > 40 {
            return false;
        }
        match section_of(&text) {
            Some(section) => {
                self.section = section;
                self.caption = None;
                true
            }
            None => false,
        }
    }

    /// A line of running text outside tables.
    pub(crate) fn line(&mut self, text: &str) {
        let text = clean(text);
        if text.is_empty() {
            return;
        }
        if let Some(caption) = caption_of(&text) {
            self.caption = Some(caption);
        } else if self.endpoint.is_none()
            && let Some(endpoint) = endpoint_in(&text)
        {
            self.endpoint = Some(endpoint);
        }
    }

    /// A name a link may point at, just before a table.
    pub(crate) fn anchor(&mut self, name: &str) {
        if !name.is_empty() {
            self.anchors.push(name.to_owned());
        }
    }

    /// A link to another page.
    pub(crate) fn link(&mut self, target: &str) {
        if !target.is_empty() && !target.starts_with('#') && !self.links.iter().any(|l| l == target) {
            self.links.push(target.to_owned());
        }
    }

    /// Running text that is not an anchor: anchors only count right before a table.
    pub(crate) fn forget_anchors(&mut self) {
        self.anchors.clear();
    }

    /// A table found here; `caption` is the table's own (`<caption>`), if it has one.
    pub(crate) fn table(&mut self, rows: Vec<Vec<Cell>>, own_caption: Option<&str>, own_anchors: Vec<String>) {
        let caption = own_caption
            .map(clean)
            .filter(|c| !c.is_empty())
            .map(|c| caption_of(&c).unwrap_or((0, c)))
            .or(self.caption.take());
        let (number, caption) = match caption {
            Some((0, text)) => (None, text),
            Some((n, text)) => (Some(n), text),
            None => (None, String::new()),
        };
        let mut anchors = std::mem::take(&mut self.anchors);
        anchors.extend(own_anchors);
        self.tables.push(Table {
            number,
            anchors,
            caption,
            section: self.section,
            rows,
        });
    }

    pub(crate) fn finish(mut self) -> Page {
        // Without captions, "see Table N" counts the tables in order.
        if self.tables.iter().all(|t| t.number.is_none()) {
            for (i, table) in self.tables.iter_mut().enumerate() {
                table.number = u32::try_from(i + 1).ok();
            }
        }
        Page {
            format: self.format,
            endpoint: self.endpoint,
            tables: self.tables,
            links: self.links,
        }
    }
}

/// Which reader a page needs, from its first characters and its shape.
pub fn detect(text: &str) -> Format {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let lower: String = start.chars().take(200).collect::<String>().to_lowercase();
    let markdown_heading = text.lines().any(|l| {
        let hashes = l.chars().take_while(|c| *c == '#').count();
        (1..=6).contains(&hashes) && l[hashes..].starts_with(' ')
    });
    if start.starts_with('<') && !lower.starts_with("<a name") {
        // `<!DOCTYPE html>`, `<html>`, or a fragment such as `<div>...`.
        Format::Html
    } else if markdown_heading || text.contains("<table") || text.contains("<TABLE") {
        Format::Markdown
    } else {
        Format::Text
    }
}

/// Reads a page in whatever format it is.
pub fn read_page(text: &str) -> Page {
    match detect(text) {
        Format::Markdown => markdown::read(text),
        Format::Html => html::read(text),
        Format::Text => text::read(text),
    }
}

/// Why doc-diff could not compare.
#[derive(Debug, thiserror::Error)]
pub enum DocDiffError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{path} is not UTF-8 text: doc-diff reads Markdown, HTML or plain text pages")]
    NotText { path: String },
    #[error("{page} ({format}) has no parameter table: {detail}")]
    NoParameterTable {
        page: String,
        format: Format,
        detail: String,
    },
    #[error("{page} ({format}) has no request parameter table: {detail}")]
    NoRequestTable {
        page: String,
        format: Format,
        detail: String,
    },
    #[error("the spec has no operation `{operation}`; it has: {known}")]
    UnknownOperation { operation: String, known: String },
    #[error("{0}")]
    Spec(String),
    #[error("--write would leave a spec codegen refuses, so nothing was written:\n{0}")]
    Refused(String),
}

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Grouped text: the differences by kind, each with the page's and the spec's side.
    Human,
    /// The JSON report: operation, page, and every difference as kind, pointer, doc, spec.
    Json,
}

/// What `doc-diff` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The workspace root (the spec is `root/spec/ecs-changeos.openapi.json`).
    pub root: PathBuf,
    pub operation: String,
    pub page: PathBuf,
    pub format: OutputFormat,
    /// Apply what needs no judgment to the spec.
    pub write: bool,
}

/// What `doc-diff` printed and how it ends: exit 0 without differences, 1 with some.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub exit: u8,
}

/// Reads the page and the spec, compares them, prints the report and (with `write`) updates
/// the spec. An `Err` means exit 2.
pub fn run(options: &Options) -> Result<Outcome, DocDiffError> {
    let page_name = options.page.display().to_string();
    let bytes = std::fs::read(&options.page).map_err(|source| DocDiffError::Read {
        path: page_name.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| DocDiffError::NotText {
        path: page_name.clone(),
    })?;
    let spec_path = options.root.join(changeos_codegen::SPEC_PATH);
    let spec_text = std::fs::read_to_string(&spec_path).map_err(|source| DocDiffError::Read {
        path: spec_path.display().to_string(),
        source,
    })?;
    let api = changeos_codegen::read_api(&spec_text, changeos_codegen::SPEC_PATH)
        .map_err(|e| DocDiffError::Spec(e.to_string()))?;
    let page = read_page(&text);
    let report = compare(&api, &options.operation, &page, &page_name)?;
    let mut stdout = match options.format {
        OutputFormat::Human => report::human(&report),
        OutputFormat::Json => report::json(&report),
    };
    let mut stderr = String::new();
    if options.write {
        let outcome = write::apply(&spec_text, &report)?;
        if outcome.text != spec_text {
            changeos_codegen::generate(&outcome.text, changeos_codegen::SPEC_PATH)
                .map_err(|e| DocDiffError::Refused(e.to_string()))?;
            std::fs::write(&spec_path, &outcome.text).map_err(|source| DocDiffError::Write {
                path: spec_path.display().to_string(),
                source,
            })?;
        }
        let summary = report::write_summary(&outcome, changeos_codegen::SPEC_PATH);
        match options.format {
            OutputFormat::Human => stdout.push_str(&summary),
            OutputFormat::Json => stderr.push_str(&summary),
        }
    }
    Ok(Outcome {
        stdout,
        stderr,
        exit: u8::from(!report.differences.is_empty()),
    })
}
