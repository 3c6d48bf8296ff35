//! The values the wire check makes from schemas meet every rule the generated `validate()`
//! checks, on a fixture whose operation requires a field under each rule.

mod common;

use codegen_tests::constraints::types::CompleteSignup;
use codegen_tests::runtime::Validate;
use serde_json::json;

#[test]
fn a_value_made_for_a_schema_meets_its_rules() {
    let built = common::build(vec![common::fixture("constraints")], &common::root());
    let api = built.api.expect("the fixture builds");
    let call = api
        .wire_calls
        .iter()
        .find(|c| c.operation == "create_signup")
        .expect("a call of create_signup");
    let body = call.body.as_ref().expect("a body value");
    assert_eq!(body.example, None);
    assert!(body.guessed, "the pattern of `code` has no example");
    let signup: CompleteSignup =
        serde_json::from_value(body.synthesized.clone()).expect("the value decodes");
    if let Err(errors) = signup.validate() {
        panic!("{errors}: {}", body.synthesized);
    }
    let parameters: Vec<_> = call
        .parameters
        .iter()
        .flatten()
        .map(|v| (v.key.as_str(), v.synthesized.clone(), v.guessed))
        .collect();
    assert_eq!(
        parameters,
        [
            ("query.zip", json!("11111"), true),
            ("query.floor", json!(1), false)
        ]
    );
}
