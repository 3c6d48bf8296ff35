//! The fake server's support (`generator/fake/support.rs`), compiled as the generated fake
//! compiles it: which candidate answer it sends.

use codegen_tests as api_crate;

#[path = "../../generator/fake/support.rs"]
mod support;

use api_crate::constraints::types::Address;

#[test]
fn the_answer_is_the_first_candidate_that_decodes_and_keeps_its_rules() {
    let candidates = [
        r#"{"zip": "12345"}"#,
        r#"{"city": "Lyon", "zip": "1234"}"#,
        r#"{"city": "Lyon", "zip": "75001"}"#,
    ];
    let answer: Address = support::answer(&candidates).expect("the third keeps every rule");
    assert_eq!(answer.city, "Lyon");
    let why = support::answer::<Address>(&candidates[..2]).unwrap_err();
    assert!(why.contains("missing field `city`"), "{why}");
    assert!(why.contains("pattern"), "{why}");
}

#[test]
fn an_answer_that_cannot_be_built_is_a_500() {
    let response = support::broken("get_thing", "no example decodes");
    assert_eq!(response.status(), 500);
}
