//! Json tests behind the standard JSON Schema keywords, with the same meaning a JSON Schema
//! 2020-12 validator gives them, and the help texts that make a finding actionable.

use crate::finding::{Finding, Fix};
use crate::json::{Json, Object};
use crate::path::Path;
use crate::rule::RuleInfo;

/// The JSON Schema `type` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
    Null,
}

impl JsonType {
    /// JSON Schema's reading: an integer is any number with a zero fractional part.
    pub fn matches(self, value: &Json<'_>) -> bool {
        match self {
            JsonType::Object => matches!(value, Json::Object(_)),
            JsonType::Array => matches!(value, Json::Array(_)),
            JsonType::String => value.is_string(),
            JsonType::Integer => match value {
                Json::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
                _ => false,
            },
            JsonType::Number => matches!(value, Json::Number(_)),
            JsonType::Boolean => matches!(value, Json::Bool(_)),
            JsonType::Null => value.is_null(),
        }
    }
}

/// "a string", "a JSON boolean", ...: the kind of a value, never its content.
pub fn type_name(value: &Json<'_>) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a JSON boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

/// The kind of a value and, for scalars, the value itself: `a JSON boolean (true)`.
/// Never use it on a secret's value.
pub fn describe(value: &Json<'_>) -> String {
    match value {
        Json::Bool(b) => format!("{} ({b})", type_name(value)),
        Json::Number(n) => format!("{} ({})", type_name(value), excerpt(&n.to_string())),
        Json::String(s) => quote(s),
        _ => type_name(value).to_owned(),
    }
}

/// A string as JSON writes it, quotes and escapes included; a long one is cut short so that
/// a message stays one readable line.
pub fn quote(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_owned()).to_string();
    if char_len(&quoted) <= EXCERPT_CHARS {
        quoted
    } else {
        format!("{} ({} characters)", excerpt(&quoted), char_len(s))
    }
}

const EXCERPT_CHARS: usize = 60;

fn excerpt(text: &str) -> String {
    if char_len(text) <= EXCERPT_CHARS {
        return text.to_owned();
    }
    let head: String = text.chars().take(EXCERPT_CHARS - 20).collect();
    format!("{head}…")
}

/// Length as JSON Schema counts it: Unicode code points.
pub fn char_len(s: &str) -> usize {
    // Most values are ASCII, where code points are bytes and a word-at-a-time check is cheaper
    // than counting characters.
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

/// 8-4-4-4-12 hexadecimal digits separated by hyphens, either case (the reading of
/// `format: uuid` in the jsonschema crate).
pub fn is_uuid(s: &str) -> bool {
    // Group by group rather than a match on each byte's index: every payload has an image id,
    // and this is a measurable part of linting a clean one.
    let bytes = s.as_bytes();
    bytes.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| bytes[i] == b'-')
        && [0..8, 9..13, 14..18, 19..23, 24..36]
            .into_iter()
            .all(|group| bytes[group].iter().all(u8::is_ascii_hexdigit))
}

/// When a JSON boolean or number was written where the API wants the string of it
/// (`true` for `"true"`), says how to write it.
pub fn string_hint(value: &Json<'_>, allowed: &[&str]) -> Option<String> {
    let text = match value {
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        _ => return None,
    };
    let wanted = allowed.is_empty() || allowed.contains(&text.as_str());
    wanted.then(|| {
        format!(
            "write it as the string {} (in quotes): the API wants a string",
            quote(&text)
        )
    })
}

/// A near miss of a known member name: the same ignoring case, `-` and `_`, or at most two
/// edits away from a name of at least four characters. Returns the only closest candidate.
pub fn suggest<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    // It runs for every unknown member, and a file can have hundreds of thousands: nothing is
    // allocated per candidate, and a name is folded into characters once.
    let mut same = candidates.iter().copied().filter(|c| same_folded(name, c));
    if let Some(one) = same.next() {
        return same.next().is_none().then_some(one);
    }
    let mut best: Option<(usize, &'c str)> = None;
    let mut tie = false;
    for candidate in candidates {
        let Some(distance) = near_distance(name, candidate) else {
            continue;
        };
        match best {
            Some((d, _)) if d < distance => {}
            Some((d, _)) if d == distance => tie = true,
            _ => {
                best = Some((distance, candidate));
                tie = false;
            }
        }
    }
    if tie { None } else { best.map(|(_, c)| c) }
}

/// Whether [`suggest`] may offer `candidate` for a member named `name`: the two are the same
/// ignoring case, `-` and `_`, or a few edits apart. What the linter would suggest renaming to
/// a secret member is a secret too ([`crate::canonical::looks_secret`]), so both read
/// this one definition.
pub fn near_miss(name: &str, candidate: &str) -> bool {
    // Only whether it is near, not how near: one pass at the limit rather than one per
    // distance (every key of a quoted file is asked whether it is a secret's).
    near(name, candidate, |name, candidate, limit| {
        within(name, candidate, limit).then_some(())
    })
    .is_some()
}

/// The edit distance between two names, folded, when it is small enough for a suggestion: at
/// most two edits from a name of at least four characters, none from a shorter one.
fn near_distance(name: &str, candidate: &str) -> Option<usize> {
    near(name, candidate, |name, candidate, limit| {
        (0..=limit).find(|&edits| within(name, candidate, edits))
    })
}

/// `measure` of the folded names and the limit of edits, unless their lengths alone rule a
/// near miss out.
fn near<R>(name: &str, candidate: &str, measure: impl FnOnce(&[char], &[char], usize) -> Option<R>) -> Option<R> {
    with_folded(candidate, |candidate| {
        let limit = if candidate.len() >= 4 { 2 } else { 0 };
        with_folded(name, |name| {
            // The distance is at least the difference in length: most names are ruled out here.
            if name.len().abs_diff(candidate.len()) > limit {
                return None;
            }
            measure(name, candidate, limit)
        })
    })
}

/// `f` of the folded characters of `name`, held on the stack when they are few (every key of
/// a quoted file is asked whether it is a near miss of a secret's name).
fn with_folded<R>(name: &str, f: impl FnOnce(&[char]) -> R) -> R {
    const ON_STACK: usize = 64;
    let mut chars = ['\0'; ON_STACK];
    let mut len = 0;
    for c in folded_chars(name) {
        if len == ON_STACK {
            return f(&folded_chars(name).collect::<Vec<char>>());
        }
        chars[len] = c;
        len += 1;
    }
    f(&chars[..len])
}

/// Whether `a` becomes `b` in at most `edits` insertions, deletions or substitutions: tried
/// edit by edit after the common prefix, which costs little for the two edits a suggestion
/// allows (the full table of the distance would cost the product of the lengths).
fn within(a: &[char], b: &[char], edits: usize) -> bool {
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[common..], &b[common..]);
    match (a.split_first(), b.split_first()) {
        (None, _) | (_, None) => a.len().max(b.len()) <= edits,
        _ if edits == 0 => false,
        (Some((_, a_rest)), Some((_, b_rest))) => {
            within(a_rest, b_rest, edits - 1) || within(a_rest, b, edits - 1) || within(a, b_rest, edits - 1)
        }
    }
}

/// The did-you-mean help for an unknown member, if there is a near miss.
pub fn suggest_help(name: &str, candidates: &[&str]) -> Option<String> {
    suggest(name, candidates).map(|c| format!("did you mean `{c}`? member names are case-sensitive"))
}

/// The fix of a JSON boolean or number written where the schema checked by `check` wants a
/// string: its text in quotes, when that string passes every rule `check` knows (for a
/// member with closed values, when it is one of them). Computed only for a value of the wrong
/// type, so a clean payload never pays for it. Never call it for a secret's value.
pub fn quote_fix(value: &Json<'_>, path: &Path<'_>, check: fn(&Json<'_>, &Path<'_>, &mut Vec<Finding>)) -> Option<Fix> {
    let text = match value {
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        _ => return None,
    };
    let mut probe = Vec::new();
    check(&Json::String(text.as_str().into()), path, &mut probe);
    probe.is_empty().then_some(Fix::QuoteValue { text })
}

/// The fix of an unknown member whose name is a spec name written with another case or with
/// `-`/`_` added or dropped: the rename, when exactly one candidate matches that way and no
/// other member of `object` has or would get the same name (renaming `imageId` next to an
/// `imageid`, or next to an `image_id`, would make a duplicate key). Edit-distance near misses
/// (`imagid`) get a help, never a fix. For many members of one object, use [`Renames`].
pub fn rename_fix(key: &str, object: &Object<'_>, candidates: &[&'static str]) -> Option<Fix> {
    Renames::new(candidates).fix(key, object)
}

/// The object `value` is, or `None` after a finding of `rule` (the schema's type rule) saying
/// it is not; `expected` is "an object" or "an object or null".
pub fn object<'v, 'a>(
    value: &'v Json<'a>,
    path: &Path<'_>,
    rule: &'static RuleInfo,
    expected: &str,
    out: &mut Vec<Finding>,
) -> Option<&'v Object<'a>> {
    let object = value.as_object();
    if object.is_none() {
        let actual = describe(value);
        out.push(Finding::new(
            rule,
            path,
            &[("name", &path.name()), ("expected", expected), ("actual", &actual)],
        ));
    }
    object
}

/// A finding of `rule` (the missing-member rule) for the member `shown` (`` `imageid` ``).
pub fn missing(rule: &'static RuleInfo, path: &Path<'_>, shown: &str, out: &mut Vec<Finding>) {
    out.push(Finding::new(rule, path, &[("name", shown)]));
}

/// The members of a closed object (`additionalProperties: false`): any other is reported by
/// `rule`, with a did-you-mean and, where it is safe, a rename.
pub struct Closed<'c> {
    rule: &'static RuleInfo,
    names: &'c [&'static str],
    /// The names as a message lists them: `` `a`, `b` and `c` ``.
    expected: &'static str,
    renames: Renames<'c>,
}

impl<'c> Closed<'c> {
    pub fn new(rule: &'static RuleInfo, names: &'c [&'static str], expected: &'static str) -> Self {
        Closed {
            rule,
            names,
            expected,
            renames: Renames::new(names),
        }
    }

    /// Reports `key`, a member of `object` at `path` that is none of the names.
    pub fn unknown(&mut self, key: &str, object: &Object<'_>, path: &Path<'_>, out: &mut Vec<Finding>) {
        let at = path.key(key);
        let finding = Finding::new(self.rule, &at, &[("name", &at.name()), ("expected", self.expected)])
            .with_help(suggest_help(key, self.names))
            .with_fix(self.renames.fix(key, object));
        out.push(finding);
    }
}

/// The rename fixes ([`rename_fix`]) of the unknown members of one object. Whether a rename
/// clashes depends on every member of the object, so the members that fold to each candidate
/// are counted once, when the first unknown member that matches a candidate needs it: counted
/// anew for each, an object of 100,000 such members took minutes.
pub struct Renames<'c> {
    candidates: &'c [&'static str],
    /// For each candidate, how many members of the object fold to it.
    claimants: Option<Vec<usize>>,
}

impl<'c> Renames<'c> {
    /// The renames of an object whose spec names are `candidates`; nothing is counted yet.
    pub fn new(candidates: &'c [&'static str]) -> Self {
        Renames {
            candidates,
            claimants: None,
        }
    }

    /// The rename of `key`, a member of `object` (always the same object), if it has one.
    pub fn fix(&mut self, key: &str, object: &Object<'_>) -> Option<Fix> {
        let mut matching = self.candidates.iter().enumerate().filter(|(_, c)| same_folded(key, c));
        let (index, to) = matching.next()?;
        if matching.next().is_some() {
            return None;
        }
        let candidates = self.candidates;
        let claimants = self.claimants.get_or_insert_with(|| {
            let mut counts = vec![0; candidates.len()];
            for name in object.keys() {
                for (count, candidate) in counts.iter_mut().zip(candidates) {
                    *count += usize::from(same_folded(name, candidate));
                }
            }
            counts
        });
        // Names that fold alike fold to the same candidate: those are the claimants of `to`.
        (claimants[index] == 1).then_some(Fix::RenameKey { to })
    }
}

/// `fold(a) == fold(b)`, without allocating: it runs for every member of an object that has
/// an unknown one.
pub fn same_folded(a: &str, b: &str) -> bool {
    folded_chars(a).eq(folded_chars(b))
}

fn folded_chars(name: &str) -> Folded<'_> {
    Folded {
        chars: name.chars(),
        pending: None,
    }
}

/// The characters of a name, lower case, without `-` and `_`: ASCII ones without the case
/// mapping tables, as member names almost always are (every key of a file may be folded).
struct Folded<'a> {
    chars: std::str::Chars<'a>,
    /// The rest of the lower case of a character that has several.
    pending: Option<std::char::ToLowercase>,
}

impl Iterator for Folded<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            if let Some(c) = self.pending.as_mut().and_then(Iterator::next) {
                return Some(c);
            }
            self.pending = None;
            match self.chars.next()? {
                '-' | '_' => {}
                c if c.is_ascii() => return Some(c.to_ascii_lowercase()),
                c => self.pending = Some(c.to_lowercase()),
            }
        }
    }
}

/// A member name with case, `-` and `_` ignored: names that fold alike are near misses of each
/// other (`is_auto_pay`, `isAutoPay`).
pub fn fold(name: &str) -> String {
    folded_chars(name).collect()
}

/// A JSON Schema condition on an object: true for a value that is not an object (the
/// keywords `required` and `properties` only apply to objects), else every `required`
/// member is present and `members` holds.
pub fn object_matches(value: &Json<'_>, required: &[&str], members: impl Fn(&Object<'_>) -> bool) -> bool {
    match value.as_object() {
        None => true,
        Some(object) => required.iter().all(|k| object.contains_key(k)) && members(object),
    }
}

/// A condition on the member `key` of `object`: true when it is absent, as `properties` says.
pub fn member_matches(object: &Object<'_>, key: &str, test: impl Fn(&Json<'_>) -> bool) -> bool {
    object.get(key).is_none_or(test)
}

/// `const` / `enum` of strings in a condition.
pub fn is_one_of(value: &Json<'_>, allowed: &[&str]) -> bool {
    value.as_str().is_some_and(|s| allowed.contains(&s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A test value as the linter sees it.
    macro_rules! j {
        ($($t:tt)+) => {
            &Json::from(&json!($($t)+))
        };
    }

    #[test]
    fn integers_follow_json_schema() {
        assert!(JsonType::Integer.matches(j!(3)));
        assert!(JsonType::Integer.matches(j!(3.0)));
        assert!(!JsonType::Integer.matches(j!(3.5)));
        assert!(!JsonType::Integer.matches(j!("3")));
        assert!(JsonType::Number.matches(j!(3.5)));
    }

    #[test]
    fn lengths_count_code_points() {
        assert_eq!(char_len(""), 0);
        assert_eq!(char_len("abc"), 3);
        assert_eq!(char_len("é€😀"), 3);
        assert_eq!(char_len("a\u{0}b"), 3);
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("e215580f-73ad-429d-b6f2-5433947433b0"));
        assert!(is_uuid("E215580F-73AD-429D-B6F2-5433947433B0"));
        assert!(!is_uuid("e215580f73ad429db6f25433947433b0"));
        assert!(!is_uuid("e215580f-73ad-429d-b6f2-5433947433bg"));
        assert!(!is_uuid("e215580f-73ad-429d-b6f2-5433947433b0 "));
        assert!(!is_uuid(""));
    }

    #[test]
    fn describe_never_hides_kind() {
        assert_eq!(describe(j!(true)), "a JSON boolean (true)");
        assert_eq!(describe(j!("a\"b")), "\"a\\\"b\"");
        assert_eq!(describe(j!([1])), "an array");
        assert_eq!(type_name(j!(null)), "null");
        let long = "x".repeat(500);
        assert_eq!(describe(j!(long)), format!("\"{}… (500 characters)", "x".repeat(39)));
    }

    #[test]
    fn string_hint_for_booleans_and_numbers() {
        assert_eq!(
            string_hint(j!(true), &["true", "false"]).as_deref(),
            Some("write it as the string \"true\" (in quotes): the API wants a string")
        );
        assert!(string_hint(j!(1), &["true", "false"]).is_none());
        assert!(string_hint(j!(1), &[]).is_some());
        assert!(string_hint(j!("true"), &["true"]).is_none());
    }

    #[test]
    fn suggestions() {
        let names = [
            "adminpass",
            "keyname",
            "userid",
            "imageid",
            "isAutoPay",
            "metadata",
            "mode",
        ];
        assert_eq!(suggest("imageId", &names), Some("imageid"));
        assert_eq!(suggest("adminPass", &names), Some("adminpass"));
        assert_eq!(suggest("is_auto_pay", &names), Some("isAutoPay"));
        assert_eq!(suggest("userId", &names), Some("userid"));
        assert_eq!(suggest("imagid", &names), Some("imageid"));
        assert_eq!(suggest("colour", &names), None);
        assert_eq!(suggest("mod", &names), Some("mode"));
        // Names under four characters only match ignoring case, `-` and `_`.
        assert_eq!(suggest("xy", &["xz"]), None);
        assert_eq!(suggest("X-Y", &["xy"]), Some("xy"));
        let meta = ["__system__encrypted", "__system__cmkid", "user_data", "BYOL"];
        assert_eq!(suggest("system__encrypted", &meta), Some("__system__encrypted"));
        assert_eq!(suggest("byol", &meta), Some("BYOL"));
        assert_eq!(suggest("userdata", &meta), Some("user_data"));
    }

    #[test]
    fn near_misses_are_what_suggest_may_offer() {
        for (name, near) in [
            ("adminpass", true),
            ("adminPass", true),
            ("ADMIN_PASS", true),
            ("admin-pass", true),
            ("adminpas", true),
            ("admnpass", true),
            ("adminpass12", true),
            ("adminpwd", false),
            ("admin", false),
            ("password", false),
            ("adminpass123", false),
            ("", false),
        ] {
            assert_eq!(near_miss(name, "adminpass"), near, "{name}");
            assert_eq!(suggest(name, &["adminpass"]).is_some(), near, "{name}");
        }
        // Short names: only the same up to case, `-` and `_`.
        assert!(near_miss("X-Y", "xy") && !near_miss("xz", "xy"));
        // A long name is ruled out by its length alone.
        assert!(!near_miss(&"a".repeat(100_000), "adminpass"));
    }

    /// The edit distance by its full table, to check the pruned search against.
    fn table_distance(a: &str, b: &str) -> usize {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        let mut previous: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut current = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                current.push(
                    (previous[j] + usize::from(ca != cb))
                        .min(previous[j + 1] + 1)
                        .min(current[j] + 1),
                );
            }
            previous = current;
        }
        previous[b.len()]
    }

    #[test]
    fn near_distances_are_edit_distances_within_the_limit() {
        // Every name of up to 5 letters over a small alphabet, against candidates short and long.
        let mut names = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = names
                .iter()
                .filter(|n| n.len() == names.last().map_or(0, String::len))
                .flat_map(|n| ["a", "b", "c"].map(|c| format!("{n}{c}")))
                .collect();
            names.extend(longer);
        }
        for candidate in ["abc", "abca", "abcab", "aabbc"] {
            for name in &names {
                let distance = table_distance(name, candidate);
                let limit = if candidate.len() >= 4 { 2 } else { 0 };
                let expected = (distance <= limit).then_some(distance);
                assert_eq!(near_distance(name, candidate), expected, "{name} {candidate}");
            }
        }
        assert_eq!(near_distance("Admin_Pas", "adminpass"), Some(1));
    }

    #[test]
    fn suggestion_ties_give_nothing() {
        assert_eq!(suggest("abcx", &["abcd", "abce"]), None);
        assert_eq!(suggest("a_b", &["ab", "a-b"]), None);
    }

    fn only_true_or_false(value: &Json<'_>, path: &Path<'_>, out: &mut Vec<Finding>) {
        static R: crate::rule::RuleInfo = crate::rule::RuleInfo::for_tests("r", crate::rule::Severity::Error, "");
        if !matches!(value.as_str(), Some("true" | "false")) {
            out.push(Finding::new(&R, path, &[]));
        }
    }

    #[test]
    fn quote_fixes_only_what_the_check_accepts() {
        let root = Path::Root;
        let quoted = |value: &Json<'_>| quote_fix(value, &root, only_true_or_false);
        assert_eq!(quoted(j!(true)), Some(Fix::QuoteValue { text: "true".into() }));
        assert_eq!(quoted(j!(false)), Some(Fix::QuoteValue { text: "false".into() }));
        assert_eq!(quoted(j!(1)), None);
        assert_eq!(quoted(j!(null)), None);
        assert_eq!(quoted(j!("yes")), None);
        assert_eq!(quoted(j!([true])), None);
        assert_eq!(Fix::QuoteValue { text: "1".into() }.replacement(), "\"1\"");
    }

    #[test]
    fn renames_need_one_candidate_and_no_clash() {
        let names = ["adminpass", "imageid", "isAutoPay", "a_b", "a-b"];
        let raw = json!({"imageId": 1, "is_auto_pay": 2, "AB": 3, "imagid": 4});
        let value = Json::from(&raw);
        let object = value.as_object().unwrap();
        assert_eq!(
            rename_fix("imageId", object, &names),
            Some(Fix::RenameKey { to: "imageid" })
        );
        assert_eq!(
            rename_fix("is_auto_pay", object, &names),
            Some(Fix::RenameKey { to: "isAutoPay" })
        );
        assert_eq!(rename_fix("AB", object, &names), None, "two candidates");
        assert_eq!(rename_fix("imagid", object, &names), None, "only a near miss");
        // The target is there already, or another member would be renamed to it too.
        for raw in [
            json!({"imageId": 1, "imageid": 2}),
            json!({"imageId": 1, "image_id": 2}),
        ] {
            let value = Json::from(&raw);
            assert_eq!(rename_fix("imageId", value.as_object().unwrap(), &names), None, "{raw}");
        }
        assert!(same_folded("IS_auto-pay", "isAutoPay"));
        assert!(
            same_folded("\u{212a}eyname", "keyname"),
            "the Kelvin sign lowercases to `k`"
        );
        assert!(!same_folded("isAutoPa", "isAutoPay"));
        assert!(!same_folded("isAutoPayy", "isAutoPay"));
        assert_eq!(Fix::RenameKey { to: "BYOL" }.replacement(), "\"BYOL\"");
        assert_eq!(Fix::RenameKey { to: "a\"b" }.replacement(), "\"a\\\"b\"");
    }

    #[test]
    fn renames_of_many_members_are_those_of_one() {
        // Every unknown member of an object gets the rename it would get alone: here 5,000
        // names that fold to `imageid`, where none may be renamed, beside one that may.
        let names = ["imageid", "isAutoPay"];
        let mut members: Vec<(String, serde_json::Value)> = (0..5000)
            .map(|i| {
                let name: String = format!("{:07b}", i % 128)
                    .chars()
                    .zip("imageid".chars())
                    .map(|(bit, c)| if bit == '1' { c.to_ascii_uppercase() } else { c })
                    .collect();
                (format!("{name}{}", "_".repeat(i / 128)), json!(i))
            })
            .collect();
        members.push(("is_auto_pay".to_owned(), json!(true)));
        let raw = serde_json::Value::Object(members.into_iter().collect());
        let value = Json::from(&raw);
        let object = value.as_object().unwrap();
        assert_eq!(object.len(), 5001);
        let mut renames = Renames::new(&names);
        // Against the one-shot rename of a sample (each of which reads the whole object).
        for key in object.keys().step_by(97).chain(["is_auto_pay"]) {
            assert_eq!(renames.fix(key, object), rename_fix(key, object, &names), "{key}");
        }
        assert_eq!(renames.fix("imagEid", object), None);
        assert_eq!(
            renames.fix("is_auto_pay", object),
            Some(Fix::RenameKey { to: "isAutoPay" })
        );
        assert_eq!(suggest(&"imageid".repeat(10_000), &names), None);
        assert_eq!(suggest("imagid", &names), Some("imageid"));
    }

    #[test]
    fn conditions_follow_json_schema() {
        let raw = json!({"a": 1, "m": {"u": "x"}});
        let v = Json::from(&raw);
        assert!(object_matches(&v, &["a"], |_| true));
        assert!(!object_matches(&v, &["b"], |_| true));
        assert!(object_matches(j!("not an object"), &["b"], |_| false));
        let o = v.as_object().unwrap();
        assert!(member_matches(o, "absent", |_| false));
        assert!(member_matches(o, "m", |m| object_matches(m, &["u"], |_| true)));
        assert!(is_one_of(j!("1"), &["1"]));
        assert!(!is_one_of(j!(1), &["1"]));
    }
}
