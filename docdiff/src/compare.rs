//! The comparison: the members a page documents against the members the spec's schemas hold.
//!
//! The page side is a tree built from the tables: the first parameter table of the request
//! section is the body, the URI section's tables are the path parameters, the first table of
//! the response section is the response body. A member of object or array type finds the
//! table of its own members through an in-page link in its row, a "see Table N" / 表N in its
//! description, or (older pages link nothing) a caption that names it. The spec side is
//! codegen's IR, which keeps the pointer of every schema, so that [`super::write`] knows the
//! exact schema each member belongs in (a base's member belongs in the base).

use serde_json::{Value, json};

use super::{Columns, DocDiffError, Endpoint, Format, JsonType, Page, Section, Table, member_name, table_refs, yes_no};

use changeos_codegen::error::child;
use changeos_codegen::ir::{Api, Kind, Operation, ParameterIn, SchemaRef};

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiffKind {
    /// The page lists a member the spec does not have.
    OnlyInDoc,
    /// The spec has a member the page does not list.
    OnlyInSpec,
    /// Both have it; one says mandatory and the other not.
    Mandatory,
    /// Both have it with different JSON types.
    Type,
    /// The method or the path template differ.
    Endpoint,
}

impl DiffKind {
    /// The word of the JSON report.
    pub fn as_str(self) -> &'static str {
        match self {
            DiffKind::OnlyInDoc => "only-in-doc",
            DiffKind::OnlyInSpec => "only-in-spec",
            DiffKind::Mandatory => "mandatory",
            DiffKind::Type => "type",
            DiffKind::Endpoint => "endpoint",
        }
    }
}

/// Which part of the operation a difference is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Endpoint,
    /// Pointers are `/path/<name>`.
    Path,
    /// Pointers are RFC 6901 pointers into the request body.
    Body,
    /// Pointers are `/response` followed by a pointer into the success response's body.
    Response,
}

/// A member as the page documents it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMember {
    pub name: String,
    /// `None` when the table has no mandatory column or the cell says neither yes nor no.
    pub mandatory: Option<bool>,
    /// The type cell as written (`Object`, `Dict`, `Array of objects`), or empty.
    pub written_type: String,
    pub json_type: Option<JsonType>,
    pub description: String,
    /// The members of an object (or of an array's items) when the page has their table.
    pub children: Option<Vec<DocMember>>,
}

/// The spec schema that holds a member (or would hold it): where `--write` puts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// JSON pointer into the spec of the object schema with the `properties`.
    pub pointer: String,
    /// The component schema it is, or is written inside.
    pub component: Option<String>,
    /// It has `additionalProperties: false`.
    pub closed: bool,
}

/// One difference between the page and the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    pub kind: DiffKind,
    pub area: Area,
    /// RFC 6901 pointer into the request body, `/path/<name>`, `/response/...`, or empty for
    /// the endpoint. `*` stands for every element of an array.
    pub pointer: String,
    /// What the page says (JSON report's `doc`).
    pub doc: Value,
    /// What the spec says (JSON report's `spec`).
    pub spec: Value,
    /// For a member of the body or the response: the schema that holds it.
    pub holder: Option<Holder>,
    /// For a member the page lists: as the page lists it.
    pub member: Option<DocMember>,
}

/// How much was compared, for the report's first line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compared {
    pub endpoint: bool,
    pub path: usize,
    pub body: usize,
    pub response: usize,
}

/// Everything doc-diff found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub operation: String,
    /// The page's path as given.
    pub page: String,
    pub format: Format,
    pub differences: Vec<Difference>,
    /// What could not be compared, and why (not differences).
    pub notes: Vec<String>,
    pub compared: Compared,
}

/// Compares `page` with the operation `operation` of `spec`.
pub fn compare(api: &Api, operation: &str, page: &Page, page_name: &str) -> Result<Report, DocDiffError> {
    let op = find_operation(api, operation)?;
    let parameter_tables: Vec<usize> = (0..page.tables.len())
        .filter(|&i| page.tables[i].columns().is_some())
        .collect();
    if parameter_tables.is_empty() {
        return Err(DocDiffError::NoParameterTable {
            page: page_name.to_owned(),
            format: page.format,
            detail: no_table_detail(page),
        });
    }
    let mut cmp = Comparison {
        api,
        page,
        reached: vec![false; page.tables.len()],
        report: Report {
            operation: operation.to_owned(),
            page: page_name.to_owned(),
            format: page.format,
            differences: Vec::new(),
            notes: Vec::new(),
            compared: Compared::default(),
        },
    };
    cmp.endpoint(op);
    cmp.path_parameters(op);
    cmp.body(op)?;
    cmp.response(op);
    cmp.unreached();
    Ok(cmp.report)
}

fn find_operation<'a>(api: &'a Api, id: &str) -> Result<&'a Operation, DocDiffError> {
    api.operations
        .iter()
        .find(|op| op.id == id)
        .ok_or_else(|| DocDiffError::UnknownOperation {
            operation: id.to_owned(),
            known: api
                .operations
                .iter()
                .map(|op| op.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn no_table_detail(page: &Page) -> String {
    if page.tables.is_empty() {
        let mut detail = "it holds no table at all".to_owned();
        if !page.links.is_empty() {
            let shown: Vec<&str> = page.links.iter().take(3).map(String::as_str).collect();
            detail.push_str(&format!(
                "; it looks like an index page that only links to other pages ({}): give doc-diff the page of the operation itself",
                shown.join(", ")
            ));
        }
        detail
    } else {
        format!(
            "none of its {} table(s) has a column of parameter names (参数 / Parameter / Name)",
            page.tables.len()
        )
    }
}

/// A member as the spec has it.
#[derive(Debug, Clone)]
struct SpecMember {
    name: String,
    /// The object that defines it, when that is a base of the object compared.
    held_by: Option<Holder>,
    required: bool,
    json_type: Option<JsonType>,
    /// The members of an object, or of an array's items.
    object: Option<SpecObject>,
}

#[derive(Debug, Clone)]
struct SpecObject {
    holder: Holder,
    members: Vec<SpecMember>,
}

fn spec_type(api: &Api, schema: &SchemaRef, depth: usize) -> Option<JsonType> {
    let schema = resolve(api, schema)?;
    Some(match &schema.kind {
        Kind::String(_) => JsonType::String,
        Kind::Integer => JsonType::Integer,
        Kind::Number => JsonType::Number,
        Kind::Boolean => JsonType::Boolean,
        Kind::Object(_) => JsonType::Object,
        Kind::Array(items) => JsonType::Array(
            (depth < 16)
                .then(|| spec_type(api, items, depth + 1))
                .flatten()
                .map(Box::new),
        ),
    })
}

fn resolve<'a>(api: &'a Api, schema: &'a SchemaRef) -> Option<&'a changeos_codegen::ir::Schema> {
    match schema {
        SchemaRef::Named(name) => api.type_def(name).map(|t| &t.schema),
        SchemaRef::Inline(schema) => Some(schema),
    }
}

/// The object a schema is (or whose items are), with its members; `component` names the
/// component an inline schema sits in.
fn spec_object(api: &Api, schema: &SchemaRef, component: Option<&str>, depth: usize) -> Option<SpecObject> {
    if depth > 16 {
        return None;
    }
    let component = match schema {
        SchemaRef::Named(name) => Some(name.as_str()),
        SchemaRef::Inline(_) => component,
    };
    let resolved = resolve(api, schema)?;
    match &resolved.kind {
        Kind::Array(items) => spec_object(api, items, component, depth + 1),
        Kind::Object(object) => {
            // An inline object's own members are labelled "" (no type defines it by name).
            let label = match schema {
                SchemaRef::Named(name) => name.as_str(),
                SchemaRef::Inline(_) => "",
            };
            let members = api
                .members_owned(label, object)
                .into_iter()
                .map(|(owner, p)| SpecMember {
                    name: p.wire.clone(),
                    held_by: (owner != label).then(|| Holder {
                        pointer: api
                            .type_def(owner)
                            .map(|t| t.schema.pointer.clone())
                            .unwrap_or_default(),
                        component: Some(owner.to_owned()),
                        closed: false,
                    }),
                    required: p.required,
                    json_type: spec_type(api, &p.schema, 0),
                    object: spec_object(api, &p.schema, component, depth + 1),
                })
                .collect();
            Some(SpecObject {
                holder: Holder {
                    pointer: resolved.pointer.clone(),
                    component: component.map(str::to_owned),
                    closed: object.closed.is_some(),
                },
                members,
            })
        }
        _ => None,
    }
}

struct Comparison<'a> {
    api: &'a Api,
    page: &'a Page,
    /// Tables the comparison used, to name the ones it did not.
    reached: Vec<bool>,
    report: Report,
}

impl Comparison<'_> {
    fn note(&mut self, note: impl Into<String>) {
        self.report.notes.push(note.into());
    }

    fn difference(&mut self, kind: DiffKind, area: Area, pointer: String, doc: Value, spec: Value) -> &mut Difference {
        self.report.differences.push(Difference {
            kind,
            area,
            pointer,
            doc,
            spec,
            holder: None,
            member: None,
        });
        let last = self.report.differences.len() - 1;
        &mut self.report.differences[last]
    }

    fn endpoint(&mut self, op: &Operation) {
        let spec = Endpoint {
            method: op.method.clone(),
            path: op.path.clone(),
        };
        match &self.page.endpoint {
            Some(doc) => {
                self.report.compared.endpoint = true;
                if *doc != spec {
                    self.difference(
                        DiffKind::Endpoint,
                        Area::Endpoint,
                        String::new(),
                        json!(doc.to_string()),
                        json!(spec.to_string()),
                    );
                }
            }
            None => self.note(
                "the page gives no method and path (a line such as `POST /v1/...`): the endpoint was not compared",
            ),
        }
    }

    /// Parameter tables of a section, without header and query parameter tables.
    fn tables_in(&self, section: Section) -> Vec<usize> {
        (0..self.page.tables.len())
            .filter(|&i| {
                let t = &self.page.tables[i];
                t.section == section && t.columns().is_some() && !t.is_header_or_query()
            })
            .collect()
    }

    fn path_parameters(&mut self, op: &Operation) {
        let spec_members: Vec<SpecMember> = op
            .parameters
            .iter()
            .filter(|p| p.location == ParameterIn::Path)
            .map(|p| SpecMember {
                name: p.name.clone(),
                held_by: None,
                required: p.required,
                json_type: spec_type(self.api, &p.schema, 0),
                object: None,
            })
            .collect();
        let tables = self.tables_in(Section::Uri);
        if tables.is_empty() {
            if !spec_members.is_empty() {
                self.note("the page has no URI parameter table: the path parameters were not compared");
            }
            return;
        }
        let mut doc_members = Vec::new();
        for t in tables {
            self.reached[t] = true;
            doc_members.extend(self.members(t, &mut vec![t], false));
        }
        let spec_object = SpecObject {
            holder: Holder {
                pointer: String::new(),
                component: None,
                closed: false,
            },
            members: spec_members,
        };
        let count = self.members_compared(Area::Path, "/path", &doc_members, &spec_object);
        self.report.compared.path = count;
        for d in &mut self.report.differences {
            if d.area == Area::Path {
                d.holder = None;
            }
        }
    }

    fn body(&mut self, op: &Operation) -> Result<(), DocDiffError> {
        let root = self.tables_in(Section::Request).first().copied();
        let Some(body) = &op.request else {
            if let Some(t) = root {
                self.reached[t] = true;
                self.note(format!(
                    "the page lists request parameters in {}, but the spec's operation takes no request body",
                    self.page.tables[t].label()
                ));
            }
            return Ok(());
        };
        let Some(root) = root else {
            return Err(DocDiffError::NoRequestTable {
                page: self.report.page.clone(),
                format: self.page.format,
                detail: format!(
                    "{} takes a request body, but no parameter table follows a heading such as 请求消息 / 请求参数 / Request",
                    self.report.operation
                ),
            });
        };
        let Some(object) = spec_object(self.api, &SchemaRef::Named(body.clone()), None, 0) else {
            self.note("the spec's request body is not an object: the body was not compared");
            return Ok(());
        };
        self.reached[root] = true;
        let doc = self.members(root, &mut vec![root], true);
        self.report.compared.body = self.members_compared(Area::Body, "", &doc, &object);
        Ok(())
    }

    fn response(&mut self, op: &Operation) {
        let root = self.tables_in(Section::Response).first().copied();
        let schema = op
            .responses
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .map(|(_, name)| SchemaRef::Named(name.clone()));
        let has_response = schema.is_some();
        let (Some(root), Some(schema)) = (root, schema) else {
            if root.is_none() && has_response {
                self.note(
                    "the page lists no response fields (it may refer to a shared page): the response was not compared",
                );
            }
            return;
        };
        let Some(object) = spec_object(self.api, &schema, None, 0) else {
            self.note("the spec's success response is not an object: the response was not compared");
            return;
        };
        self.reached[root] = true;
        let doc = self.members(root, &mut vec![root], true);
        self.report.compared.response = self.members_compared(Area::Response, "/response", &doc, &object);
    }

    fn unreached(&mut self) {
        for (i, table) in self.page.tables.iter().enumerate() {
            let parameter_table = table.columns().is_some() && !table.is_header_or_query();
            let in_scope = matches!(table.section, Section::Request | Section::Response);
            if parameter_table && in_scope && !self.reached[i] {
                self.note(format!(
                    "{} is not linked from any member and was not compared",
                    table.label()
                ));
            }
        }
    }

    /// The members a table lists, with the members of their objects from nested tables.
    fn members(&mut self, table: usize, ancestors: &mut Vec<usize>, nest: bool) -> Vec<DocMember> {
        let t: &Table = &self.page.tables[table];
        let Some(columns) = t.columns() else {
            return Vec::new();
        };
        let header_name = t.header().get(columns.name).map(|c| c.text.clone()).unwrap_or_default();
        let mut out: Vec<DocMember> = Vec::new();
        for row in t.rows.iter().skip(1) {
            let text = |i: Option<usize>| i.and_then(|i| row.get(i)).map(|c| c.text.clone()).unwrap_or_default();
            let name_cell = text(Some(columns.name));
            if name_cell == header_name {
                continue;
            }
            let Some(name) = member_name(&name_cell) else { continue };
            if out.iter().any(|m| m.name == name) {
                let label = t.label();
                self.note(format!("{label} lists `{name}` twice: the first row was used"));
                continue;
            }
            let written_type = text(columns.kind);
            let json_type = JsonType::parse(&written_type);
            if json_type.is_none() && !written_type.is_empty() {
                let label = t.label();
                self.note(format!(
                    "{label}: the type `{written_type}` of `{name}` is not one doc-diff knows: its type was not compared"
                ));
            }
            let may_nest = match &json_type {
                Some(JsonType::Object) | Some(JsonType::Array(None)) | None => true,
                Some(JsonType::Array(Some(item))) => **item == JsonType::Object,
                _ => false,
            };
            let children = if nest && may_nest {
                self.nested_table(table, row, &name, ancestors, columns).map(|n| {
                    self.reached[n] = true;
                    ancestors.push(n);
                    let members = self.members(n, ancestors, true);
                    ancestors.pop();
                    members
                })
            } else {
                None
            };
            out.push(DocMember {
                name,
                mandatory: columns.mandatory.and_then(|i| row.get(i)).and_then(|c| yes_no(&c.text)),
                written_type,
                json_type,
                description: text(columns.description),
                children,
            });
        }
        out
    }

    /// The table that lists the members of the object in `row`.
    fn nested_table(
        &self,
        table: usize,
        row: &[super::Cell],
        name: &str,
        ancestors: &[usize],
        columns: Columns,
    ) -> Option<usize> {
        let tables = &self.page.tables;
        let usable = |i: usize| i != table && !ancestors.contains(&i) && tables[i].columns().is_some();
        for link in row.iter().flat_map(|c| &c.links) {
            if let Some(i) = tables.iter().position(|t| t.anchors.contains(link))
                && usable(i)
            {
                return Some(i);
            }
        }
        let description = columns
            .description
            .and_then(|i| row.get(i))
            .map(|c| c.text.as_str())
            .unwrap_or_default();
        for n in table_refs(description) {
            if let Some(i) = tables.iter().position(|t| t.number == Some(n))
                && usable(i)
            {
                return Some(i);
            }
        }
        let section = tables[table].section;
        (0..tables.len()).find(|&i| usable(i) && tables[i].section == section && names(&tables[i].caption, name))
    }

    /// Compares one level and recurses; returns how many members were looked at.
    fn members_compared(&mut self, area: Area, prefix: &str, doc: &[DocMember], spec: &SpecObject) -> usize {
        let mut count = 0;
        for member in doc {
            count += 1;
            let pointer = child(prefix, &member.name);
            let Some(theirs) = spec.members.iter().find(|m| m.name == member.name) else {
                let doc_value = json!({
                    "type": member.json_type.as_ref().map(ToString::to_string),
                    "written": member.written_type,
                    "mandatory": member.mandatory,
                    "description": member.description,
                });
                let d = self.difference(DiffKind::OnlyInDoc, area, pointer, doc_value, Value::Null);
                d.holder = Some(spec.holder.clone());
                d.member = Some(member.clone());
                continue;
            };
            if let Some(mandatory) = member.mandatory
                && mandatory != theirs.required
            {
                let d = self.difference(
                    DiffKind::Mandatory,
                    area,
                    pointer.clone(),
                    json!(mandatory),
                    json!(theirs.required),
                );
                d.holder = Some(theirs.held_by.clone().unwrap_or_else(|| spec.holder.clone()));
                d.member = Some(member.clone());
            }
            if let (Some(doc_type), Some(spec_type)) = (&member.json_type, &theirs.json_type)
                && !doc_type.agrees_with(spec_type)
            {
                let d = self.difference(
                    DiffKind::Type,
                    area,
                    pointer.clone(),
                    json!(doc_type.to_string()),
                    json!(spec_type.to_string()),
                );
                d.member = Some(member.clone());
            }
            let array = matches!(theirs.json_type, Some(JsonType::Array(_)));
            let inner = if array { format!("{pointer}/*") } else { pointer.clone() };
            match (&member.children, &theirs.object) {
                (Some(children), Some(object)) => count += self.members_compared(area, &inner, children, object),
                (None, Some(object)) if !object.members.is_empty() && area != Area::Path => self.note(format!(
                    "the page gives no table of the members of {pointer}: they were not compared"
                )),
                (Some(children), None) if !children.is_empty() => self.note(format!(
                    "the page lists members of {pointer}, which the spec does not describe as an object: they were not compared"
                )),
                _ => {}
            }
        }
        for theirs in &spec.members {
            if doc.iter().any(|m| m.name == theirs.name) {
                continue;
            }
            count += 1;
            let spec_value = json!({
                "type": theirs.json_type.as_ref().map(ToString::to_string),
                "mandatory": theirs.required,
            });
            let d = self.difference(
                DiffKind::OnlyInSpec,
                area,
                child(prefix, &theirs.name),
                Value::Null,
                spec_value,
            );
            d.holder = Some(theirs.held_by.clone().unwrap_or_else(|| spec.holder.clone()));
        }
        count
    }
}

/// Whether `caption` names `name` as a whole word (not inside a longer name).
fn names(caption: &str, name: &str) -> bool {
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    caption.match_indices(name).any(|(at, _)| {
        let before = caption[..at].chars().next_back();
        let after = caption[at + name.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}
