//! A read-only property is required of responses only, a write-only one of requests only:
//! the one type that serves both directions leaves them optional, so a client can build a
//! request without the first and decode a response without the second.

mod common;

use generator::ir::TypeKind;

const SPEC: &str = r#"
openapi: 3.0.3
info: { title: Directions, version: "1" }
paths: {}
components:
  schemas:
    Account:
      type: object
      required: [id, password, name]
      properties:
        id: { type: string, readOnly: true }
        password: { type: string, writeOnly: true }
        name: { type: string }
"#;

#[test]
fn read_only_and_write_only_properties_are_not_required() {
    let dir = common::temp_dir("directions");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC).expect("spec written");
    let api = common::build(vec![spec], &dir)
        .api
        .expect("the spec builds");
    let TypeKind::Struct(account) = &api.types[0].kind else {
        panic!("a struct: {:?}", api.types[0]);
    };
    let required: Vec<(&str, bool)> = account
        .fields
        .iter()
        .map(|f| (f.wire.as_str(), f.required))
        .collect();
    assert_eq!(
        required,
        [("id", false), ("password", false), ("name", true)]
    );
}
