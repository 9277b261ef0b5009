//! The generated linter against a generic JSON Schema validator.
//!
//! Both are compiled from the same spec: the linter in Rust, the exported schema as data. On
//! the rules that standard JSON Schema can say (`RuleInfo::standard`) and that are errors
//! (warnings are left out of the exported schemas), they must give the same verdict on any
//! payload. Thousands of payloads come from mutating valid ones with a seeded generator, so a
//! failure replays exactly.

use crate::common;

use std::collections::BTreeMap;

use changeos_models::catalog;
use changeos_models::lint::Operation;
use changeos_models::{Finding, Severity};
use changeos_runtime::placeholder;
use common::{CMK_ID, IMAGE_ID, KEY_NAME, USER_DATA, USER_ID};
use serde_json::{Map, Value, json};

/// Payloads generated and compared (each against both operations).
const PAYLOADS: usize = 12_000;
/// Change it to explore other payloads; keep the committed value fixed so failures replay.
const SEED: u64 = 0x6368_616e_6765_6f73; // "changeos"

// ---------------------------------------------------------------------------------------------
// A small deterministic PRNG (xorshift64*): no dependency, same sequence on every platform.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        assert!(n > 0);
        (self.next() % n as u64) as usize
    }

    /// True `percent` times out of a hundred.
    fn percent(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// What mutations draw from

/// Every member name of the request bodies, at any level: added elsewhere, they are known
/// names at the wrong level.
const KNOWN_NAMES: &[&str] = &[
    "os-change",
    "adminpass",
    "keyname",
    "userid",
    "imageid",
    "metadata",
    "mode",
    "isAutoPay",
    "__system__encrypted",
    "__system__cmkid",
    "user_data",
    "BYOL",
];

/// Misspellings people make.
const NEAR_MISSES: &[&str] = &[
    "imageId",
    "image_id",
    "ImageID",
    "adminPass",
    "admin_pass",
    "is_auto_pay",
    "isautopay",
    "IsAutoPay",
    "byol",
    "Byol",
    "userId",
    "user_id",
    "keyName",
    "key-name",
    "system__encrypted",
    "__system_encrypted",
    "__system__cmkId",
    "os_change",
    "osChange",
    "OS-CHANGE",
    "Mode",
    "user-data",
    "userData",
    "meta_data",
];

/// Strings that are valid and invalid for several fields at once, or for none.
const GENERIC_STRINGS: &[&str] = &[
    "",
    " ",
    "x",
    "null",
    "true",
    "false",
    "1",
    "0",
    "změna",
    "😀",
    "$ADMIN_PASS",
    IMAGE_ID,
];

/// Valid values of a member, by name: mutations that set them keep a payload valid, so that
/// both verdicts occur often.
fn valid_value(rng: &mut Rng, name: &str) -> Option<Value> {
    let value = match name {
        "os-change" => json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID }),
        "adminpass" => json!(rng.pick(&["$ADMIN_PASS", "${ADMIN_PASS}", "Cloud.Pass-2024", "Zq7!Wm3@Kp9$Rt"])),
        "keyname" => json!(rng.pick(&[KEY_NAME, "k", "é"])),
        "userid" => json!(USER_ID),
        "imageid" => json!(rng.pick(&[IMAGE_ID, "E215580F-73AD-429D-B6F2-5433947433B0"])),
        "metadata" => rng
            .pick(&[
                json!({}),
                json!({ "__system__encrypted": "1", "__system__cmkid": CMK_ID }),
            ])
            .clone(),
        "mode" => json!("withStopServer"),
        "isAutoPay" => json!(rng.pick(&["true", "false"])),
        "__system__encrypted" => json!(rng.pick(&["0", "1"])),
        "__system__cmkid" => json!(CMK_ID),
        "user_data" => json!(USER_DATA),
        "BYOL" => json!("true"),
        _ => return None,
    };
    Some(value)
}

/// Values that sit on or across the limits of a member, by name.
fn tricky_strings(name: &str) -> Vec<String> {
    let strings: &[&str] = match name {
        "adminpass" => &[
            "Ab1.xyz",                     // 7 characters
            "Ab1.xyzw",                    // 8
            "Aa1.Aa1.Aa1.Aa1.Aa1.Aa1.Aa",  // 26
            "Aa1.Aa1.Aa1.Aa1.Aa1.Aa1.Aa1", // 27
            "Cloud Pass 2024",
            "Cloud.Pässword1",
            "Pässwörd",         // 8 code points, 10 bytes
            "😀Cloud.Pass1",    // outside the BMP
            "cloudpass2024",    // policy only: valid for the schema
            "Cloud~Pass#2024*", // a warning only
            "MyRoot.Pass24",    // policy only
            "Pass\nword12",
            "Cloud.Pass-2024\n", // `$` must not match before a final line break
            "$ADMIN_PASS\n",
            "$1X",
            "pre$X",
            "${ADMIN_PASS",
            "$ADMIN_PASS}",
            "${A}x",
            "$A-B",
            "$é",
            "$_x",
            "${}",
            "$",
            "$AVERYLONGPLACEHOLDERNAME_WELL_OVER_26_CHARS",
            "${AVERYLONGPLACEHOLDERNAME_WELL_OVER_26_CHARS}",
            "",
        ],
        "imageid" => &[
            "e215580f73ad429db6f25433947433b0",
            "CentOS 7.9 64bit",
            "e215580f-73ad-429d-b6f2-5433947433b0 ",
            "{e215580f-73ad-429d-b6f2-5433947433b0}",
            "urn:uuid:e215580f-73ad-429d-b6f2-5433947433b0",
            "e215580g-73ad-429d-b6f2-5433947433b0",
            "e215580f-73ad-429d-b6f2-54339474３３b0",
            "e215580f_73ad_429d_b6f2_5433947433b0",
            "",
        ],
        "keyname" | "userid" => &["", " ", "é", "😀"],
        "mode" => &["stop", "WithStopServer", "withStopServer ", ""],
        "isAutoPay" => &["True", "1", "yes", ""],
        "__system__encrypted" => &["true", "01", " 1", ""],
        "__system__cmkid" => &[
            "83cdb52d9ebf44699cfae7b5b80da846",
            "83cdb52d-9ebf-4469-9cfa-e7b5b80da84",
            "83cdb52d-9ebf-4469-9cfa-e7b5b80da8466",
            "83cdb52d-9ebf-4469-9cfa-e7b5b80da84é",  // 36 code points, 37 bytes
            "83cdb52d-9ebf-4469-9cfa-e7b5b80da84😀", // 36 code points, 37 UTF-16 units
            "alias/disk-key",
            "",
        ],
        "user_data" => &["IyEv\nYmlu", "IyEv-mlu", "IyE=YmJj", "IyEvYmluL2Jhc2g", "YQ==", ""],
        "BYOL" => &["false", "TRUE", "true ", ""],
        _ => &[],
    };
    let mut out: Vec<String> = strings.iter().map(|s| (*s).to_owned()).collect();
    if name == "user_data" {
        // On both sides of the size limit: a rule the schema cannot say, so both are valid
        // for the comparison.
        out.push("AAAA".repeat(10_922) + "AAA=");
        out.push("AAAA".repeat(10_923));
    }
    out
}

/// A member name nobody defined: letters, digits, separators, and the characters that need
/// escaping in a JSON pointer.
fn random_name(rng: &mut Rng) -> String {
    const CHARS: &[char] = &[
        'a', 'b', 'e', 'i', 'm', 'o', 'A', 'Z', '0', '9', '_', '-', '~', '/', ' ', 'é',
    ];
    let len = rng.below(12);
    (0..len).map(|_| *rng.pick(CHARS)).collect()
}

/// Any JSON value, nested a little.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth == 0 { 4 } else { 6 }) {
        0 => Value::Null,
        1 => json!(rng.percent(50)),
        2 => rng
            .pick(&[json!(0), json!(1), json!(-1), json!(20240513), json!(3.5), json!(1e3)])
            .clone(),
        3 => json!(rng.pick(GENERIC_STRINGS)),
        4 => Value::Array((0..rng.below(3)).map(|_| random_value(rng, depth - 1)).collect()),
        _ => {
            let mut object = Map::new();
            for _ in 0..rng.below(3) {
                let name = some_name(rng);
                object.insert(name, random_value(rng, depth - 1));
            }
            Value::Object(object)
        }
    }
}

/// A member name: known, near miss or random.
fn some_name(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => (*rng.pick(KNOWN_NAMES)).to_owned(),
        1 => (*rng.pick(NEAR_MISSES)).to_owned(),
        _ => random_name(rng),
    }
}

/// Another spelling of a name: case changes, `_` and `-` swapped, added or dropped.
fn respell(rng: &mut Rng, name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    match rng.below(7) {
        0 => name.to_uppercase(),
        1 => name.to_lowercase(),
        2 => {
            // Toggle the case of one letter.
            if let Some(i) = (!chars.is_empty()).then(|| rng.below(chars.len())) {
                let c = chars[i];
                chars[i] = if c.is_uppercase() {
                    c.to_lowercase().next().unwrap_or(c)
                } else {
                    c.to_uppercase().next().unwrap_or(c)
                };
            }
            chars.into_iter().collect()
        }
        3 => name.replace('_', "-"),
        4 => name.replace('-', "_"),
        5 => name.replace('_', ""),
        _ => {
            let at = rng.below(chars.len() + 1);
            chars.insert(at, if rng.percent(50) { '_' } else { '-' });
            chars.into_iter().collect()
        }
    }
}

/// The same content as another JSON type: `"true"` ↔ `true`, `"1"` ↔ `1`, `x` → `[x]`, ...
fn retype(rng: &mut Rng, value: &Value) -> Value {
    let current = kind(value);
    let target = loop {
        let k = rng.below(6);
        if k != current {
            break k;
        }
    };
    match target {
        0 => Value::Null,
        1 => match value {
            Value::String(s) if s == "true" || s == "false" => json!(s == "true"),
            Value::Number(n) => json!(n.as_f64() != Some(0.0)),
            _ => json!(rng.percent(50)),
        },
        2 => match value {
            Value::String(s) if s.parse::<i64>().is_ok() => json!(s.parse::<i64>().unwrap()),
            Value::Bool(b) => json!(u8::from(*b)),
            _ => rng.pick(&[json!(0), json!(1), json!(-7), json!(2.5)]).clone(),
        },
        3 => match value {
            Value::Null => json!("null"),
            Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => json!(value.to_string()),
            Value::String(_) => unreachable!("the target kind differs"),
        },
        4 => match value {
            Value::Object(members) => Value::Array(members.values().cloned().collect()),
            _ if rng.percent(30) => json!([]),
            _ => json!([value]),
        },
        _ => match value {
            Value::Array(items) => Value::Object(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v.clone()))
                    .collect(),
            ),
            _ if rng.percent(30) => json!({}),
            _ => json!({ "value": value }),
        },
    }
}

fn kind(value: &Value) -> usize {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

// ---------------------------------------------------------------------------------------------
// Places in a payload

/// The keys leading from the root to an object.
type Place = Vec<String>;

/// Every object of the payload reachable through members, the root included.
fn objects(value: &Value) -> Vec<Place> {
    fn walk(value: &Value, here: &mut Place, out: &mut Vec<Place>) {
        if let Value::Object(members) = value {
            out.push(here.clone());
            for (key, member) in members {
                here.push(key.clone());
                walk(member, here, out);
                here.pop();
            }
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

/// Every member: the object that holds it and its name. Deeper members come as often as
/// shallow ones, so mutations land at every depth.
fn members(value: &Value) -> Vec<(Place, String)> {
    objects(value)
        .into_iter()
        .flat_map(|place| {
            let keys: Vec<String> = object_at(value, &place).keys().cloned().collect();
            keys.into_iter().map(move |key| (place.clone(), key))
        })
        .collect()
}

fn object_at<'v>(value: &'v Value, place: &Place) -> &'v Map<String, Value> {
    place
        .iter()
        .fold(value, |v, key| &v[key.as_str()])
        .as_object()
        .expect("places are objects")
}

fn object_at_mut<'v>(value: &'v mut Value, place: &Place) -> &'v mut Map<String, Value> {
    place
        .iter()
        .fold(value, |v, key| v.get_mut(key.as_str()).expect("places exist"))
        .as_object_mut()
        .expect("places are objects")
}

// ---------------------------------------------------------------------------------------------
// Mutations

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mutation {
    Drop,
    Add,
    Retype,
    Rename,
    Duplicate,
    ChangeString,
}

const MUTATIONS: &[Mutation] = &[
    Mutation::Drop,
    Mutation::Add,
    Mutation::Retype,
    Mutation::Rename,
    Mutation::Duplicate,
    Mutation::ChangeString,
];

/// Applies one mutation somewhere in the payload. A mutation that finds nothing to work on
/// (no member left, no string) leaves the payload as it is.
fn mutate(rng: &mut Rng, payload: &mut Value, mutation: Mutation) {
    let all = members(payload);
    match mutation {
        Mutation::Drop => {
            if let Some((place, key)) = (!all.is_empty()).then(|| rng.pick(&all).clone()) {
                object_at_mut(payload, &place).shift_remove(&key);
            }
        }
        Mutation::Add => {
            let places = objects(payload);
            if places.is_empty() {
                return;
            }
            let place = rng.pick(&places).clone();
            let name = some_name(rng);
            // A valid value half of the time, so that a known name at its own level is a
            // neutral change and a known name elsewhere is only wrong by its place.
            let value = match valid_value(rng, &name) {
                Some(valid) if rng.percent(50) => valid,
                _ => random_value(rng, 2),
            };
            object_at_mut(payload, &place).insert(name, value);
        }
        Mutation::Retype => {
            if all.is_empty() || rng.percent(3) {
                *payload = retype(rng, payload);
                return;
            }
            let (place, key) = rng.pick(&all).clone();
            let object = object_at_mut(payload, &place);
            let new = retype(rng, &object[&key]);
            object.insert(key, new);
        }
        Mutation::Rename => {
            if let Some((place, key)) = (!all.is_empty()).then(|| rng.pick(&all).clone()) {
                let object = object_at_mut(payload, &place);
                let value = object.shift_remove(&key).expect("the member exists");
                let name = if rng.percent(80) {
                    respell(rng, &key)
                } else {
                    some_name(rng)
                };
                object.insert(name, value);
            }
        }
        Mutation::Duplicate => {
            if let Some((place, key)) = (!all.is_empty()).then(|| rng.pick(&all).clone()) {
                let value = object_at(payload, &place)[&key].clone();
                if rng.percent(50) {
                    // Under another name in the same object.
                    let name = if rng.percent(50) {
                        respell(rng, &key)
                    } else {
                        some_name(rng)
                    };
                    object_at_mut(payload, &place).insert(name, value);
                } else {
                    // Under the same name in another object.
                    let places = objects(payload);
                    let target = rng.pick(&places).clone();
                    object_at_mut(payload, &target).insert(key, value);
                }
            }
        }
        Mutation::ChangeString => {
            let strings: Vec<(Place, String)> = all
                .into_iter()
                .filter(|(place, key)| object_at(payload, place)[key.as_str()].is_string())
                .collect();
            if strings.is_empty() {
                return;
            }
            let (place, key) = rng.pick(&strings).clone();
            let tricky = tricky_strings(&key);
            let new = match rng.below(10) {
                0..=3 => valid_value(rng, &key).unwrap_or_else(|| json!(rng.pick(GENERIC_STRINGS))),
                4..=7 if !tricky.is_empty() => json!(rng.pick(&tricky)),
                8 => json!("a".repeat(1 + rng.below(300))),
                _ => json!(rng.pick(GENERIC_STRINGS)),
            };
            object_at_mut(payload, &place).insert(key, new);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The two verdicts

/// The schema validator of one operation, formats checked (`imageid` is a `uuid`).
fn validator(operation: Operation) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(operation.schema()).expect("the exported schema is JSON");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{}: the exported schema does not compile: {e}", operation.id()))
}

/// Whether the finding is one a JSON Schema validator must also see: an error of a rule that
/// standard keywords express.
fn is_standard_error(finding: &Finding) -> bool {
    assert!(
        catalog::RULES.iter().any(|r| finding.rule == **r),
        "{} is not in the catalog",
        finding.rule
    );
    finding.severity == Severity::Error && finding.rule.standard
}

/// Everything needed to judge a disagreement.
fn report(operation: Operation, payload: &Value, findings: &[Finding], validator: &jsonschema::Validator) -> String {
    let findings: Vec<String> = findings
        .iter()
        .map(|f| {
            let standard = f.rule.standard;
            format!("  {f} (standard: {standard})")
        })
        .collect();
    let errors: Vec<String> = validator
        .iter_errors(payload)
        .map(|e| format!("  {}: {e}", e.instance_path()))
        .collect();
    format!(
        "operation {}\npayload:\n{}\nlinter findings:\n{}\nvalidator errors:\n{}\n",
        operation.id(),
        serde_json::to_string_pretty(payload).expect("JSON"),
        if findings.is_empty() {
            "  (none)".to_owned()
        } else {
            findings.join("\n")
        },
        if errors.is_empty() {
            "  (none)".to_owned()
        } else {
            errors.join("\n")
        },
    )
}

/// The valid payloads mutations start from: the vendor's examples and our richer ones.
fn seeds() -> Vec<Value> {
    common::vendor_examples()
        .into_iter()
        .chain(common::richer_valid_payloads())
        .map(|p| p.body)
        .collect()
}

#[test]
fn linter_and_schema_agree_on_mutated_payloads() {
    let seeds = seeds();
    let validators: Vec<(Operation, jsonschema::Validator)> =
        Operation::ALL.iter().map(|&op| (op, validator(op))).collect();
    let mut rng = Rng::new(SEED);

    let mut compared = 0usize;
    let mut valid = 0usize;
    let mut disagreements = Vec::new();
    let mut accepted_but_invalid = Vec::new();
    let mut applied: BTreeMap<Mutation, usize> = BTreeMap::new();
    let mut fired: BTreeMap<&str, usize> = BTreeMap::new();

    for _ in 0..PAYLOADS {
        let mut payload = rng.pick(&seeds).clone();
        for _ in 0..1 + rng.below(3) {
            let mutation = *rng.pick(MUTATIONS);
            *applied.entry(mutation).or_default() += 1;
            mutate(&mut rng, &mut payload, mutation);
        }
        for (operation, validator) in &validators {
            let findings = operation.lint(&payload);
            let linter_valid = !findings.iter().any(is_standard_error);
            for finding in findings.iter().filter(|f| is_standard_error(f)) {
                *fired.entry(finding.rule.id()).or_default() += 1;
            }
            let schema_valid = validator.is_valid(&payload);
            compared += 1;
            valid += usize::from(schema_valid);
            if linter_valid != schema_valid {
                disagreements.push(report(*operation, &payload, &findings, validator));
            }
            // Stricter than the schema, never looser: no error at all means schema-valid.
            let linter_clean = !findings.iter().any(|f| f.severity == Severity::Error);
            if linter_clean && !schema_valid {
                accepted_but_invalid.push(report(*operation, &payload, &findings, validator));
            }
        }
    }

    let invalid = compared - valid;
    eprintln!(
        "differential: {PAYLOADS} payloads, {compared} comparisons: {valid} valid ({:.1}%), {invalid} invalid ({:.1}%); mutations applied: {applied:?}",
        100.0 * valid as f64 / compared as f64,
        100.0 * invalid as f64 / compared as f64,
    );
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) between the linter (standard errors) and the schema; the first ones:\n\n{}",
        disagreements.len(),
        disagreements.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
    );
    assert!(
        accepted_but_invalid.is_empty(),
        "{} payload(s) without any linter error fail the schema; the first ones:\n\n{}",
        accepted_but_invalid.len(),
        accepted_but_invalid
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(PAYLOADS >= 10_000 && compared >= 2 * 10_000, "{compared} comparisons");
    // A comparison where nearly everything is invalid (or valid) would prove little.
    assert!(
        valid * 20 >= compared,
        "only {valid} of {compared} valid: the mutations are too harsh"
    );
    assert!(
        invalid * 20 >= compared,
        "only {invalid} of {compared} invalid: the mutations are too mild"
    );
    for mutation in MUTATIONS {
        assert!(
            applied.get(mutation).copied().unwrap_or(0) >= 1_000,
            "{mutation:?} was rarely applied"
        );
    }
    // Every rule both judges know is put to the test, not only the easy ones.
    eprintln!("differential: standard errors fired: {fired:?}");
    for rule in catalog::RULES
        .iter()
        .filter(|r| r.standard && r.severity == Severity::Error)
    {
        let count = fired.get(rule.id).copied().unwrap_or(0);
        assert!(
            count >= 20,
            "{} fired only {count} times: no payload tests it well",
            rule.id
        );
    }
}

/// The seeds themselves are valid for both judges, or the mutations start from nothing.
#[test]
fn seeds_are_valid_for_linter_and_schema() {
    for payload in common::vendor_examples()
        .into_iter()
        .chain(common::richer_valid_payloads())
    {
        let findings = payload.operation.lint(&payload.body);
        assert!(findings.is_empty(), "{}: {findings:#?}", payload.name);
        assert!(validator(payload.operation).is_valid(&payload.body), "{}", payload.name);
    }
}

/// The exported schema says "placeholder" with the same regular expression the linter's
/// placeholder test was written for.
#[test]
fn exported_placeholder_pattern_is_the_support_one() {
    for operation in Operation::ALL {
        let schema: Value = serde_json::from_str(operation.schema()).expect("JSON");
        let any_of = schema
            .pointer("/$defs/AdminPassword/anyOf")
            .and_then(Value::as_array)
            .unwrap_or_else(|| panic!("{}: no anyOf under $defs/AdminPassword", operation.id()));
        let placeholders: Vec<&Value> = any_of.iter().filter(|branch| branch.get("pattern").is_some()).collect();
        assert!(
            placeholders.contains(&&json!({ "pattern": placeholder::PATTERN })),
            "{}: no branch is exactly the placeholder pattern {}: {any_of:#?}",
            operation.id(),
            placeholder::PATTERN
        );
    }
}
