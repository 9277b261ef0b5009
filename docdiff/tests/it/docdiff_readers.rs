//! The table readers of `doc-diff`, one per page format, on our own fixture pages and on small
//! inline pages: nested tables and tags, rows spread over lines, Markdown escapes, HTML entities,
//! empty cells, spans, pipe tables, captions, anchors and sections.

use changeos_docdiff::{
    Endpoint, Format, JsonType, Page, Section, Table, detect, html, markdown, member_name, read_page, text, yes_no,
};

/// The sections of the six tables of the fixture pages: the path parameter, three of the
/// request, two of the response.
const SIX_TABLES: [Section; 6] = [
    Section::Uri,
    Section::Request,
    Section::Request,
    Section::Request,
    Section::Response,
    Section::Response,
];

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/docs/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The cells of a table as text, row by row.
fn cells(table: &Table) -> Vec<Vec<&str>> {
    table
        .rows
        .iter()
        .map(|row| row.iter().map(|c| c.text.as_str()).collect())
        .collect()
}

fn endpoint(method: &str, path: &str) -> Option<Endpoint> {
    Some(Endpoint {
        method: method.to_owned(),
        path: path.to_owned(),
    })
}

/// What every reader must find in the three paint pages, which say the same thing.
fn assert_paint_page(page: &Page) {
    assert_eq!(page.endpoint, endpoint("POST", "/v1/things/{thing_id}/paint"));
    assert_eq!(
        page.tables.len(),
        6,
        "the nested value tables and the examples are no tables of their own"
    );
    let numbers: Vec<Option<u32>> = page.tables.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6].map(Some));
    let sections: Vec<Section> = page.tables.iter().map(|t| t.section).collect();
    assert_eq!(sections, SIX_TABLES);
    // The path parameter, whatever its spelling on the page.
    assert_eq!(
        member_name(&page.tables[0].rows[1][0].text).as_deref(),
        Some("thing_id")
    );
    // A row of four cells whose description holds a whole table.
    let brush = &page.tables[2].rows[3];
    assert_eq!(brush.len(), 4);
    assert_eq!(brush[0].text, "brush");
    assert!(
        brush[3].text.contains("flat") && brush[3].text.contains("round"),
        "{}",
        brush[3].text
    );
    // Empty cells stay empty: gloss's mandatory cell and note's description.
    let extras = cells(&page.tables[3]);
    assert_eq!(extras[1][0], "gloss");
    assert_eq!(extras[1][1], "");
    assert_eq!(extras[2][0], "note");
    assert_eq!(extras[2][3], "");
    // The response's table of array items.
    assert_eq!(cells(&page.tables[5])[1][..2], ["n", "Integer"]);
    for table in &page.tables {
        assert!(table.columns().is_some(), "{} has a column of names", table.label());
        let width = table.rows[0].len();
        assert!(
            table.rows.iter().all(|r| r.len() == width),
            "{}: {:?}",
            table.label(),
            cells(table)
        );
    }
}

#[test]
fn markdown_reads_the_vendor_repository_format() {
    let text = fixture("paint.zh.md");
    assert_eq!(detect(&text), Format::Markdown);
    let page = markdown::read(&text);
    assert_eq!(page.format, Format::Markdown);
    assert_paint_page(&page);
    let captions: Vec<&str> = page.tables.iter().map(|t| t.caption.as_str()).collect();
    assert_eq!(
        captions,
        [
            "参数说明",
            "请求参数",
            "paint字段数据结构说明",
            "extras字段数据结构说明",
            "响应参数",
            "coats字段数据结构说明"
        ]
    );
    // `<a name>` before a table names it; the link in a cell points at it.
    assert_eq!(page.tables[2].anchors, ["table3"]);
    assert_eq!(page.tables[1].rows[1][3].links, ["table3"]);
    // The escaped `thing\_id` of the cell is unescaped.
    assert_eq!(page.tables[0].rows[1][0].text, "thing_id");
    // Entities: &lt; &gt; &amp; &nbsp; and numeric references.
    assert_eq!(
        page.tables[2].rows[1][3].text,
        "颜色的ID，格式为UUID（例如<uuid>）& 区分大小写。"
    );
    assert_eq!(page.tables[2].rows[2][3].text, "物品的主人，“必填”。");
    assert_eq!(page.links, ["通用请求返回值.md"]);
}

#[test]
fn markdown_undoes_escapes_like_job_id_in_text_and_cells() {
    let page = markdown::read(
        "## URI\n\nGET /v1/\\{project\\_id\\}/jobs/\\{job\\_id\\}\n\n**表 1**  参数说明\n\n\
         <table><tr><th>参数</th><th>是否必选</th><th>描述</th></tr>\
         <tr><td>job\\_id</td><td>是</td><td>任务ID，见\\*说明\\*。</td></tr></table>\n",
    );
    assert_eq!(page.endpoint, endpoint("GET", "/v1/{project_id}/jobs/{job_id}"));
    assert_eq!(
        cells(&page.tables[0]),
        [
            vec!["参数", "是否必选", "描述"],
            vec!["job_id", "是", "任务ID，见*说明*。"]
        ]
    );
    assert_eq!(page.tables[0].number, Some(1));
    assert_eq!(page.tables[0].section, Section::Uri);
}

#[test]
fn markdown_tables_span_lines_and_nest() {
    let page = markdown::read(
        "## 请求消息\n\n<table><thead><tr>\n<th>参数</th>\n<th>参数类型</th>\n</tr></thead>\n<tbody><tr>\n<td>\n<p>a</p>\n</td>\n\
         <td>Object<table><tr><td>inner</td></tr>\n</table>\n</td>\n</tr>\n<tr><td>b</td><td>String</td></tr>\n</tbody>\n</table>\n\
         text after the table\n",
    );
    assert_eq!(page.tables.len(), 1);
    assert_eq!(
        cells(&page.tables[0]),
        [vec!["参数", "参数类型"], vec!["a", "Object inner"], vec!["b", "String"]]
    );
}

#[test]
fn markdown_reads_pipe_tables_like_html_tables() {
    let text = fixture("paint.pipe.md");
    assert_eq!(detect(&text), Format::Markdown);
    let page = markdown::read(&text);
    assert_eq!(page.endpoint, endpoint("POST", "/v1/things/{thing_id}/paint"));
    let numbers: Vec<Option<u32>> = page.tables.iter().map(|t| t.number).collect();
    assert_eq!(numbers, [1, 2, 3, 4, 5, 6].map(Some), "the example's table is code");
    let sections: Vec<Section> = page.tables.iter().map(|t| t.section).collect();
    assert_eq!(sections, SIX_TABLES);
    assert_eq!(page.tables[0].anchors, ["table1"]);
    assert_eq!(page.tables[0].rows[1][0].text, "thing_id");
    assert_eq!(page.tables[1].rows[1][3].links, ["table3"]);
    assert_eq!(
        page.tables[2].rows[1][3].text,
        "Specifies the color ID in UUID format (<uuid>) & is case-sensitive."
    );
    assert_eq!(
        page.tables[2].rows[3][3].text,
        "Specifies the brush: flat: flat brush round: round brush"
    );
    assert_eq!(
        cells(&page.tables[3])[1],
        ["gloss", "", "String", "Specifies the gloss."]
    );
    assert_eq!(cells(&page.tables[5])[1][..2], ["n", "Integer"]);
}

#[test]
fn html_reads_the_published_page() {
    let text = fixture("paint.html");
    assert_eq!(detect(&text), Format::Html);
    let page = html::read(&text);
    assert_eq!(page.format, Format::Html);
    assert_paint_page(&page);
    // Captions come from `<caption>`, without their number.
    assert_eq!(page.tables[0].caption, "Path parameters");
    assert_eq!(page.tables[5].caption, "Data structure of the coats field");
    // The table's id and the `<a name>`s right before it.
    assert_eq!(page.tables[0].anchors, ["paint__table1", "table1", "paint__table1"]);
    // A link to another page's address keeps only the fragment.
    assert_eq!(page.tables[2].rows[4][3].links, ["paint__table4"]);
    assert_eq!(
        page.tables[2].rows[1][3].text,
        "Specifies the color ID in UUID format (<uuid>) & is case-sensitive."
    );
    assert_eq!(page.tables[2].rows[2][3].text, "Specifies the owner, “mandatory”.");
    assert_eq!(page.tables[0].rows[1][2].text, "Specifies the thing ID.");
}

#[test]
fn html_parser_copes_with_unclosed_cells_breaks_and_comments() {
    let page = html::read(
        "<h2>Request</h2><!-- <table><tr><td>commented out</td></tr></table> -->\
         <table><tr><th>Name<th>Type<tr><td>a<br>b<td>String<tr><td>c<td></table>",
    );
    assert_eq!(page.tables.len(), 1);
    assert_eq!(
        cells(&page.tables[0]),
        [vec!["Name", "Type"], vec!["a b", "String"], vec!["c", ""]]
    );
    assert_eq!(page.tables[0].section, Section::Request);
}

#[test]
fn html_entities_are_decoded() {
    let page = html::read(
        "<h2>Request</h2><table><tr><th>Name</th><th>Description</th></tr>\
         <tr><td>a&nbsp;b</td><td>&amp;&lt;&gt;&quot;&#39;&#x4E2D;&#25991;&ldquo;x&rdquo; &ensp;&hellip; &unknown; & 1 < 2</td></tr></table>",
    );
    // `&nbsp;` and `&ensp;` are spaces to `clean`; `&unknown;` stays as written, and so do a
    // bare `&` and `<`.
    assert_eq!(cells(&page.tables[0])[1], ["a b", "&<>\"'中文“x” … &unknown; & 1 < 2"]);
    let links = html::read(r#"<p><a href="t.md#x&amp;y" name=n1>A &lt; B</a></p>"#).links;
    assert_eq!(links, ["t.md#x&y"]);
}

#[test]
fn html_cells_keep_the_text_of_nested_tags() {
    let page = html::read(
        "<h2>Request</h2><table><tr><th><p><strong>Name</strong></p></th><th>Type</th><th>Description</th></tr>\
         <tr><td><p><span class=\"parmname\"><b>user</b>_<i>data</i></span></p></td>\
         <td><code>String</code></td>\
         <td><ul><li>one</li><li>two<sup>1</sup></li></ul><div><a href=\"#t2\"><em>Table 2</em></a></div></td></tr></table>",
    );
    assert_eq!(
        cells(&page.tables[0]),
        [
            vec!["Name", "Type", "Description"],
            vec!["user_data", "String", "one two1 Table 2"]
        ]
    );
    assert_eq!(page.tables[0].rows[1][2].links, ["t2"]);
}

#[test]
fn html_rowspan_and_colspan_fill_every_column() {
    let page = html::read(
        "<h2>Request</h2><table><tr><th>Name</th><th>Type</th><th>Description</th></tr>\
         <tr><td rowspan=\"2\">mode</td><td>String</td><td>first</td></tr>\
         <tr><td>Integer</td><td>second</td></tr>\
         <tr><td>note</td><td colspan=\"2\">spans two</td></tr>\
         <tr><td colspan=\"100000\" rowspan=\"x\">wide</td></tr></table>",
    );
    let rows = cells(&page.tables[0]);
    assert_eq!(rows[1], ["mode", "String", "first"]);
    assert_eq!(rows[2], ["mode", "Integer", "second"]);
    assert_eq!(rows[3], ["note", "spans two", "spans two"]);
    // An absurd span is capped, a span that is no number counts as 1.
    assert_eq!(rows[4].len(), 64);
}

#[test]
fn html_script_style_and_foster_parented_text() {
    let page = html::read(
        "<html><head><title>Paint</title><style>td { color: red }</style></head><body>\
         <script>var x = '<table><tr><td>no</td></tr></table>';</script>\
         <h2>Request</h2><table>stray<tr><td>Name</td></tr><tr><td>a</td></tr></table></body></html>",
    );
    assert_eq!(page.tables.len(), 1);
    assert_eq!(cells(&page.tables[0]), [vec!["Name"], vec!["a"]]);
    assert_eq!(page.tables[0].section, Section::Request);
}

#[test]
fn markdown_pipe_tables_are_tables() {
    let page = markdown::read(
        "# Paint\n\n## Request\n\nPOST /v1/things/\\{thing\\_id\\}/paint\n\n**Table 2** Request parameters\n\n\
         <a name=\"table2\"></a>\n\n\
         | Parameter | Mandatory | Type | Description |\n\
         |---|:---:|---|---|\n\
         | `paint` | Yes | Object | See [Table 3](#table3).<br>More &amp; more. |\n\
         | job\\_id | No | String | a \\| b |\n\n\
         **Table 3** paint\n\n\
         | Parameter | Type |\n| --- | --- |\n| color | String |\n",
    );
    assert_eq!(page.endpoint, endpoint("POST", "/v1/things/{thing_id}/paint"));
    assert_eq!(page.tables.len(), 2);
    let table = &page.tables[0];
    assert_eq!((table.number, table.caption.as_str()), (Some(2), "Request parameters"));
    assert_eq!(table.anchors, ["table2"]);
    assert_eq!(table.section, Section::Request);
    assert_eq!(
        cells(table),
        [
            vec!["Parameter", "Mandatory", "Type", "Description"],
            vec!["paint", "Yes", "Object", "See Table 3. More & more."],
            vec!["job_id", "No", "String", "a | b"]
        ]
    );
    assert_eq!(table.rows[1][3].links, ["table3"]);
    assert!(table.columns().is_some());
    assert_eq!(page.tables[1].number, Some(3));
    assert_eq!(cells(&page.tables[1])[1], ["color", "String"]);
}

#[test]
fn markdown_html_tables_survive_blank_lines_and_skip_code() {
    let page = markdown::read(
        "## 请求消息\n\n```\n<table><tr><td>参数</td></tr><tr><td>in a code block</td></tr></table>\n```\n\n\
         <table><tr><th>参数</th><th>参数类型</th></tr>\n\n<tr><td>a\\_b&nbsp;</td><td>String</td></tr>\n\n</table>\n\n\
         text after the table &lt;x&gt;\n\n## 响应消息\n\n<TABLE><TR><TD>参数</TD></TR><TR><TD>c</TD></TR></TABLE>\n",
    );
    assert_eq!(page.tables.len(), 2, "{:#?}", page.tables);
    assert_eq!(
        cells(&page.tables[0]),
        [vec!["参数", "参数类型"], vec!["a_b", "String"]]
    );
    assert_eq!(page.tables[0].section, Section::Request);
    assert_eq!(cells(&page.tables[1]), [vec!["参数"], vec!["c"]]);
    assert_eq!(page.tables[1].section, Section::Response);
}

#[test]
fn markdown_reads_a_table_opened_inside_a_paragraph_and_indented_lines() {
    let page = markdown::read(
        "## URI\n\n    POST /v1/things/{id}/paint\n\n## 请求消息\n\n\
         See below: <table><tr><th>参数</th></tr>\n\n<tr><td>x</td></tr></table> and after.\n\n## 响应消息\n",
    );
    assert_eq!(page.endpoint, endpoint("POST", "/v1/things/{id}/paint"));
    assert_eq!(page.tables.len(), 1);
    assert_eq!(cells(&page.tables[0]), [vec!["参数"], vec!["x"]]);
    assert_eq!(page.tables[0].section, Section::Request);
}

#[test]
fn markdown_anchors_name_the_next_table_unless_text_comes_between() {
    let page = markdown::read(
        "## 请求消息\n\n<a name=\"t1\"></a>\nsome text\n\n<table><tr><th>参数</th></tr></table>\n\n\
         <a id=\"t2\"></a>\n\n<table id=\"own\"><tr><th>参数</th></tr></table>\n\n\
         See [the other page](other.md) and ![a picture](p.png).\n",
    );
    assert_eq!(page.tables[0].anchors, Vec::<String>::new());
    assert_eq!(page.tables[1].anchors, ["t2", "own"]);
    // Images are no links to other pages.
    assert_eq!(page.links, ["other.md"]);
}

#[test]
fn text_reads_the_extracted_page() {
    let text = fixture("paint.txt");
    assert_eq!(detect(&text), Format::Text);
    let page = text::read(&text);
    assert_eq!(page.format, Format::Text);
    assert_paint_page(&page);
    // No captions: the numbers are the tables' order, which "see Table N" counts.
    assert!(page.tables.iter().all(|t| t.caption.is_empty() && t.anchors.is_empty()));
    // A description spread over four lines is one cell.
    assert_eq!(
        page.tables[2].rows[3][3].text,
        "Definition Specifies the brush: flat: flat brush round: round brush Default Value N/A"
    );
    // Two tables back to back, with no heading between them, stay two tables.
    assert_eq!(page.tables[1].rows.len(), 2);
    assert_eq!(page.tables[2].rows.len(), 5);
}

#[test]
fn text_tables_end_at_prose_and_keep_escapes_out_of_names() {
    let page = text::read(
        "URI\nGET /v1/{project_id}/jobs/{job_id}\nParameter |\nMandatory |\n---|---|\njob\\_id |\nYes |\n\
         project_id |\n |\nSee the table above for details.\nResponse\nParameter |\nType |\n---|---|\nstatus |\nString |\n",
    );
    assert_eq!(page.endpoint, endpoint("GET", "/v1/{project_id}/jobs/{job_id}"));
    assert_eq!(page.tables.len(), 2);
    assert_eq!(
        cells(&page.tables[0]),
        [
            vec!["Parameter", "Mandatory"],
            vec!["job\\_id", "Yes"],
            vec!["project_id", ""]
        ]
    );
    assert_eq!(member_name(&page.tables[0].rows[1][0].text).as_deref(), Some("job_id"));
    assert_eq!(page.tables[1].section, Section::Response);
}

#[test]
fn formats_are_told_apart_by_content() {
    assert_eq!(detect("# 标题\n\n<table></table>"), Format::Markdown);
    assert_eq!(detect("\u{feff}<!DOCTYPE html><html></html>"), Format::Html);
    assert_eq!(detect("<div><table></table></div>"), Format::Html);
    assert_eq!(detect("Title\nParameter |\n---|\n"), Format::Text);
    assert_eq!(read_page("Title\nno table here\n").tables.len(), 0);
}

#[test]
fn type_spellings_map_to_json_types() {
    let object = Some(JsonType::Object);
    for (written, expected) in [
        ("String", Some(JsonType::String)),
        ("string", Some(JsonType::String)),
        ("Integer", Some(JsonType::Integer)),
        ("Long", Some(JsonType::Integer)),
        ("Float", Some(JsonType::Number)),
        ("Boolean", Some(JsonType::Boolean)),
        ("Object", object.clone()),
        ("Dict", object.clone()),
        ("字典数据结构", object.clone()),
        ("Metadata object", object.clone()),
        (
            "Array of objects",
            Some(JsonType::Array(Some(Box::new(JsonType::Object)))),
        ),
        (
            "Array of SubJob objects",
            Some(JsonType::Array(Some(Box::new(JsonType::Object)))),
        ),
        (
            "Array of strings",
            Some(JsonType::Array(Some(Box::new(JsonType::String)))),
        ),
        ("List<String>", Some(JsonType::Array(Some(Box::new(JsonType::String))))),
        ("String[]", Some(JsonType::Array(Some(Box::new(JsonType::String))))),
        ("字符串数组", Some(JsonType::Array(Some(Box::new(JsonType::String))))),
        ("Array", Some(JsonType::Array(None))),
        ("", None),
        ("Whatever", None),
    ] {
        assert_eq!(JsonType::parse(written), expected, "{written}");
    }
    assert_eq!(
        JsonType::parse("Array of objects").map(|t| t.to_string()).as_deref(),
        Some("array of object")
    );
}

#[test]
fn yes_and_no_in_both_languages() {
    for yes in ["Yes", "yes", "是", "Y", "true", "Mandatory", "必选", "是（仅创建时）"] {
        assert_eq!(yes_no(yes), Some(true), "{yes}");
    }
    for no in [
        "No",
        "no",
        "否",
        "N",
        "false",
        "Optional",
        "可选",
        "否，当keyname有值时必选",
    ] {
        assert_eq!(yes_no(no), Some(false), "{no}");
    }
    for neither in ["", "N/A", "-", "视情况而定"] {
        assert_eq!(yes_no(neither), None, "{neither}");
    }
}

#[test]
fn member_names_are_cleaned() {
    assert_eq!(member_name("job\\_id").as_deref(), Some("job_id"));
    assert_eq!(member_name(" __system__cmkid ").as_deref(), Some("__system__cmkid"));
    assert_eq!(member_name("os-change：").as_deref(), Some("os-change"));
    assert_eq!(member_name("metadata (deprecated)").as_deref(), Some("metadata"));
    assert_eq!(member_name(""), None);
    assert_eq!(member_name("参数说明"), None);
}

#[test]
fn sections_follow_headings_in_both_languages() {
    use changeos_docdiff::section_of;
    for (heading, section) in [
        ("URI", Some(Section::Uri)),
        ("请求消息", Some(Section::Request)),
        ("Request Parameters", Some(Section::Request)),
        ("响应消息", Some(Section::Response)),
        ("Response", Some(Section::Response)),
        ("请求示例", Some(Section::Other)),
        ("Example Response", Some(Section::Other)),
        ("错误码", Some(Section::Other)),
        ("Status code: 200", None),
        ("Painting a Thing", None),
    ] {
        assert_eq!(section_of(heading), section, "{heading}");
    }
    // In plain text, a status line between the heading and the table keeps the section.
    let page = text::read("Response Parameters\nStatus code: 200\nParameter |\nType |\n---|---|\njob_id |\nString |\n");
    assert_eq!(page.tables[0].section, Section::Response);
}
