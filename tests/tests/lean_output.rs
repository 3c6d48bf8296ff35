//! The output stays lean: a schema a document repeats inline becomes one type, not one per copy.

mod common;

use generator::ir::{Api, TypeRef};

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: Repeats, version: "1" }
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object, properties: { id: { type: string } } } } } }
        default:
          description: error
          content: { application/json: { schema: { title: Problem, type: object, required: [code], properties: { code: { type: integer }, detail: { type: string } } } } }
  /b:
    get:
      operationId: getB
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: object, properties: { id: { type: integer } } } } } }
        default:
          description: error
          content: { application/json: { schema: { title: Problem, type: object, required: [code], properties: { code: { type: integer }, detail: { type: string } } } } }
"#;

fn build(text: &str) -> Api {
    let dir = common::temp_dir("lean");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, text).expect("spec written");
    let built = common::build(vec![spec], &dir);
    built.api.expect("the spec builds")
}

fn response_type(api: &Api, operation: &str, index: usize) -> TypeRef {
    let op = api
        .operations
        .iter()
        .find(|o| o.name == operation)
        .expect("operation");
    op.responses[index].ty.clone().expect("a typed response")
}

#[test]
fn a_schema_repeated_inline_becomes_one_type() {
    let api = build(SPEC);
    assert_eq!(
        response_type(&api, "get_a", 1),
        response_type(&api, "get_b", 1),
        "both operations answer errors with the same type"
    );
    // Two distinct success bodies and one shared error.
    assert_eq!(
        api.types.len(),
        3,
        "{:#?}",
        api.types.iter().map(|t| &t.name).collect::<Vec<_>>()
    );
}

#[test]
fn schemas_that_differ_in_one_keyword_stay_apart() {
    let api = build(&SPEC.replacen(
        "detail: { type: string }",
        "detail: { type: string, maxLength: 9 }",
        1,
    ));
    assert_ne!(
        response_type(&api, "get_a", 1),
        response_type(&api, "get_b", 1)
    );
    assert_eq!(api.types.len(), 4);
}
