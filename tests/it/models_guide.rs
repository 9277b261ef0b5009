//! The example of docs/models.md, run: the guide shows these lines (tests/it/docs_examples.rs
//! checks that they are here, in a row), and the assertions after them hold what its comments
//! say.

#[test]
fn build_lint_and_name_the_place_of_a_finding() -> Result<(), changeos_models::Violations> {
    use changeos_models::lint::Operation;
    use changeos_models::models::{ChangeOsMode, ChangeServerOsOption, ChangeServerOsWithCloudInitOption};

    let option = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder("e215580f-73ad-429d-b6f2-5433947433b0")
            .adminpass("$ADMIN_PASS")
            .mode(ChangeOsMode::WithStopServer),
    )
    .build()?; // Err lists every error-level violation, not the first

    let findings = Operation::ChangeServerOsWithCloudInit.lint(&serde_json::json!({"os-change": {}}));

    use changeos_models::runtime::pointer::Pointer;

    for finding in &findings {
        let place: &Pointer = &finding.pointer; // "/os-change" (the object that lacks `imageid`)
        let member = place.last(); // Some("os-change"), unescaped
        let rule = finding.rule; // a Rule: prints as "missing-member",
        let why = rule.explanation; // and derefs to the catalog's entry
        println!("{place} ({member:?}): {} [{rule}] {why}", finding.message); // escaped, as RFC 6901 says
    }
    let mut custom = Pointer::root();
    custom.push("metadata"); // a member name, escaped here ("a/b" is "a~1b")
    custom.push_index(0); // "/metadata/0"

    assert_eq!(option.mode, Some(ChangeOsMode::WithStopServer));
    let finding = &findings[0];
    assert_eq!(finding.pointer.to_string(), "/os-change");
    assert_eq!(finding.pointer.last().as_deref(), Some("os-change"));
    assert_eq!(finding.rule.to_string(), "missing-member");
    assert!(!finding.rule.explanation.is_empty());
    assert_eq!(custom.to_string(), "/metadata/0");
    let mut escaped = Pointer::root();
    escaped.push("a/b");
    assert_eq!(escaped.to_string(), "/a~1b");
    Ok(())
}
