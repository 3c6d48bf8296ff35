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

/// A spec with more operations and schemas than fit in one part of a file.
fn many_operations(count: usize) -> String {
    let mut text = String::from("openapi: 3.0.3\ninfo: { title: Many, version: \"1\" }\npaths:\n");
    for i in 0..count {
        text.push_str(&format!(
            "  /things{i}/{{id}}:\n    post:\n      operationId: thing{i}\n      parameters: [{{ name: id, in: path, required: true, schema: {{ type: integer }} }}]\n      requestBody: {{ content: {{ application/json: {{ schema: {{ $ref: '#/components/schemas/Thing{i}' }} }} }} }}\n      responses:\n        \"200\": {{ description: ok, content: {{ application/json: {{ schema: {{ type: object, properties: {{ n{i}: {{ type: string, enum: [a, b] }} }} }} }} }} }}\n"
        ));
    }
    text.push_str("components:\n  schemas:\n");
    for i in 0..count {
        text.push_str(&format!(
            "    Thing{i}:\n      description: Thing number {i}.\n      type: object\n      required: [name]\n      properties: {{ name: {{ type: string, maxLength: {i} }}, tags: {{ type: array, items: {{ type: string }} }} }}\n"
        ));
    }
    text
}

/// The crate `api` renders to.
fn rendered(api: &Api) -> generator::output::Tree {
    let options = generator::render::CrateOptions {
        crate_name: "many".into(),
        command: "test".into(),
        sources_label: "many.yaml".into(),
        ..Default::default()
    };
    generator::render::render_crate(std::slice::from_ref(api), &options).expect("renders")
}

#[test]
fn files_formatted_in_parts_read_as_if_formatted_whole() {
    let api = build(&many_operations(3 * generator::emit::ITEMS_PER_PART + 5));
    let tree = rendered(&api);
    let whole = |tokens| generator::format::format_part(tokens).expect("formats");
    for (file, tokens) in [
        ("types.rs", generator::emit::emit_types_module(&api)),
        ("client.rs", generator::emit::emit_client_module(&api)),
        ("server.rs", generator::emit::emit_server_module(&api)),
    ] {
        let in_parts = &tree.files[&format!("src/m/{file}")];
        let body = in_parts.split_once('\n').expect("a header line").1;
        assert_eq!(body, whole(tokens), "{file} differs");
    }
}

#[test]
fn large_modules_are_directories_of_bounded_files_keeping_every_path() {
    let hooks: String = (0..300)
        .map(|i| format!("  hook{i}:\n    post:\n      operationId: hook{i}\n      responses: {{ \"200\": {{ description: ok }} }}\n"))
        .collect();
    let text = many_operations(300).replacen(
        "components:",
        &format!("x-webhooks:\n{hooks}components:"),
        1,
    );
    let api = build(&text);
    let per_file = generator::emit::TYPES_PER_FILE;
    assert!(api.types.len() > per_file, "{} types", api.types.len());
    let tree = rendered(&api);
    assert!(!tree.files.contains_key("src/m/types.rs"));
    let index = &tree.files["src/m/types/mod.rs"];
    let files = api.types.len().div_ceil(per_file);
    let mut declared = 0;
    for number in 1..=files {
        let module = format!("part_{number:03}");
        assert!(
            index.contains(&format!("mod {module};\npub use {module}::*;")),
            "{index}"
        );
        let file = &tree.files[&format!("src/m/types/{module}.rs")];
        let body = file.split_once('\n').expect("a header line").1;
        assert!(
            body.starts_with(&format!(
                "//! Types, file {number}.\n#[allow(unused_imports)]\nuse super::*;\n"
            )),
            "{module}: {}",
            &body[..body.len().min(200)]
        );
        let here = api
            .types
            .iter()
            .filter(|t| {
                file.contains(&format!("pub struct {} {{", t.name))
                    || file.contains(&format!("pub enum {} {{", t.name))
            })
            .count();
        assert!(here <= per_file, "{module} holds {here} types");
        declared += here;
    }
    assert!(!tree
        .files
        .contains_key(&format!("src/m/types/part_{:03}.rs", files + 1)));
    assert_eq!(declared, api.types.len(), "every type is declared once");
    // 300 operations: the client and the server are directories of files of 256 too, whose
    // index lets the files' `super::types` paths mean what they mean in the module.
    let per_file = generator::emit::OPERATIONS_PER_FILE;
    assert!(api.operations.len() > per_file);
    for (module, what, item) in [
        ("client", "Client operations", "pub fn thing0("),
        (
            "server",
            "Server operations",
            "pub(super) fn thing0_handler<A: Api>(",
        ),
        (
            "webhooks",
            "Webhooks and callbacks",
            "pub(super) fn hook0_handler<A: Webhooks>(",
        ),
    ] {
        assert!(!tree.files.contains_key(&format!("src/m/{module}.rs")));
        let index = &tree.files[&format!("src/m/{module}/mod.rs")];
        let expected = "#[allow(unused_imports)]\nuse super::*;\nmod part_001;\npub use part_001::*;\nmod part_002;\npub use part_002::*;\n";
        assert!(index.ends_with(expected), "{module}: {index}");
        let first = &tree.files[&format!("src/m/{module}/part_001.rs")];
        assert!(
            first.contains(&format!("//! {what}, file 1.\n")),
            "{module}"
        );
        assert!(
            first.contains(item),
            "{module}'s first operation is in its first file"
        );
        let second = &tree.files[&format!("src/m/{module}/part_002.rs")];
        let named = if module == "webhooks" {
            "hook"
        } else {
            "thing"
        };
        assert!(second.contains(&format!("{named}{per_file}")), "{module}");
        assert!(!tree
            .files
            .contains_key(&format!("src/m/{module}/part_003.rs")));
    }
}

#[test]
fn a_multipart_choice_after_json_writes_its_parts() {
    let api = build(
        r#"
openapi: 3.0.3
info: { title: Documents, version: "1" }
paths:
  /documents:
    post:
      operationId: postDocument
      requestBody:
        required: true
        content:
          application/json:
            schema: { type: object, properties: { name: { type: string } } }
          multipart/form-data:
            schema:
              type: object
              properties:
                name: { type: string }
                file: { type: string, format: binary }
      responses: { "204": { description: stored } }
"#,
    );
    let body = api.operations[0].body.as_ref().expect("a body");
    let multipart = body
        .choices
        .iter()
        .find_map(|choice| match &choice.media {
            generator::ir::Media::Multipart { parts_of } => Some(parts_of.clone()),
            _ => None,
        })
        .expect("a multipart choice");
    let tree = rendered(&api);
    let types = &tree.files["src/m/types.rs"];
    // The client writes that choice part by part: its struct must say how.
    assert!(
        types.contains(&format!("impl rt::ToMultipart for {multipart} ")),
        "{types}"
    );
}
