//! Bad specs: every problem is reported, with its code, file, line:column and JSON pointer.

mod common;

use common::errors_of;

const HEAD: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\n";

#[test]
fn invalid_yaml_names_the_position() {
    let errors = errors_of(
        "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n",
        "yaml",
    );
    assert!(
        errors.starts_with("error[E0002]: not valid YAML or JSON:"),
        "{errors}"
    );
    assert!(errors.contains("spec.yaml:4:"), "{errors}");
}

#[test]
fn a_document_that_is_not_an_object() {
    let errors = errors_of("- just\n- a list\n", "yaml");
    assert!(
        errors.starts_with("error[E0003]: the document is a list, not an OpenAPI object"),
        "{errors}"
    );
}

#[test]
fn swagger_2_is_rejected_with_what_is_supported() {
    let errors = errors_of(
        "swagger: '2.0'\ninfo:\n  title: t\n  version: '1'\npaths: {}\n",
        "yaml",
    );
    assert_eq!(
        errors,
        "error[E0004]: Swagger 2.0 is not supported; OpenAPI 3.0.x and 3.1.x are\n  --> spec.yaml:1:1 (#/swagger)\n  = hint: convert the document to OpenAPI 3 first (for example with swagger2openapi)"
    );
}

#[test]
fn unknown_and_missing_versions() {
    let errors = errors_of(
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "yaml",
    );
    assert!(
        errors.starts_with("error[E0004]: OpenAPI version `4.0.0` is not supported"),
        "{errors}"
    );
    assert!(errors.contains("spec.yaml:1:1 (#/openapi)"), "{errors}");
    let errors = errors_of("info: {title: t, version: '1'}\npaths: {}\n", "yaml");
    assert!(
        errors.starts_with("error[E0004]: the document has no `openapi` version field"),
        "{errors}"
    );
}

#[test]
fn every_dangling_ref_is_reported_with_its_place() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/components/schemas/Missing'\n        c:\n          $ref: '#/components/schemas/AlsoMissing'\n"
    );
    let errors = errors_of(&spec, "yaml");
    assert_eq!(
        errors,
        "error[E0010]: `$ref: #/components/schemas/Missing` points at nothing\n  --> spec.yaml:12:11 (#/components/schemas/A/properties/b/$ref)\n  = hint: define the target or correct the reference\n\
         error[E0010]: `$ref: #/components/schemas/AlsoMissing` points at nothing\n  --> spec.yaml:14:11 (#/components/schemas/A/properties/c/$ref)\n  = hint: define the target or correct the reference"
    );
}

#[test]
fn a_ref_cycle_without_structure_is_an_error() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n"
    );
    let errors = errors_of(&spec, "yaml");
    assert!(
        errors
            .starts_with("error[E0011]: `$ref: #/components/schemas/B` leads back to this schema"),
        "{errors}"
    );
    assert!(
        errors.contains("spec.yaml:8:5 (#/components/schemas/A)"),
        "{errors}"
    );
}

#[test]
fn an_all_of_that_contains_itself_is_an_error() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      allOf:\n        - $ref: '#/components/schemas/B'\n    B:\n      allOf:\n        - $ref: '#/components/schemas/A'\n        - type: object\n          properties:\n            x: {{type: string}}\n"
    );
    let errors = errors_of(&spec, "yaml");
    assert!(errors.contains("error[E0011]"), "{errors}");
}

#[test]
fn external_refs_to_missing_files_are_named() {
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: 'other.yaml#/components/schemas/X'\n");
    let errors = errors_of(&spec, "yaml");
    assert!(
        errors.starts_with("error[E0001]: `$ref: other.yaml#/components/schemas/X` names a file that cannot be used"),
        "{errors}"
    );
    assert!(
        errors.contains("spec.yaml:9:7 (#/components/schemas/A/$ref)"),
        "{errors}"
    );
    assert!(
        errors.ends_with("= hint: the path is relative to the file holding the `$ref`"),
        "{errors}"
    );
}

#[test]
fn a_malformed_node_is_located() {
    let spec = format!("{HEAD}paths:\n  /x:\n    get:\n      responses: 5\n");
    let errors = errors_of(&spec, "yaml");
    assert!(
        errors.starts_with("error[E0005]: not a valid OpenAPI document:"),
        "{errors}"
    );
    assert!(
        errors.contains("spec.yaml:8:7 (#/paths/~1x/get/responses)"),
        "{errors}"
    );
}

#[test]
fn an_undeclared_security_scheme_is_dropped_with_a_warning_and_refused_when_strict() {
    let spec = format!("{HEAD}paths:\n  /x:\n    get:\n      security: [{{nope: []}}]\n      responses:\n        '204': {{description: ok}}\n");
    let built = common::build_text(&spec, false);
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        ["warning[W0102]: security requirement names `nope`, which is not in components/securitySchemes\n  --> spec.yaml:8:19 (#/paths/~1x/get/security/0/nope)\n  = hint: assumed `nope` is not required, so no credential is sent for it; `--strict` refuses this repair"]
    );
    let api = built.api.expect("repaired");
    assert_eq!(api.operations[0].security, Vec::<Vec<String>>::new());
    assert_eq!(
        api.operations[0].notes,
        ["The spec names the undeclared security scheme `nope`, which is not sent."]
    );
    let strict = common::build_text(&spec, true);
    assert!(strict.api.is_none());
    assert!(
        strict.diagnostics[0]
            .to_string()
            .starts_with("error[E0010]: security requirement names `nope`"),
        "{:?}",
        strict.diagnostics
    );
}

/// Each fixture of a repair, built with and without `--strict`: every warning of the repair
/// comes back as an error with the same message and place, and a hint naming what `--strict`
/// refused; nothing else changes.
#[test]
fn strict_turns_every_repair_into_an_error() {
    for fixture in [
        "repair_refs",
        "repair_security",
        "repair_path_params",
        "repair_info",
    ] {
        let lenient = common::build_with(vec![common::fixture(fixture)], &common::root(), false);
        assert!(lenient.api.is_some(), "{fixture} is repaired");
        let strict = common::build_with(vec![common::fixture(fixture)], &common::root(), true);
        assert!(strict.api.is_none(), "{fixture} is refused when strict");
        assert_eq!(lenient.diagnostics.len(), strict.diagnostics.len());
        let mut refused = 0;
        for (warning, error) in lenient.diagnostics.iter().zip(&strict.diagnostics) {
            if warning.code != generator::diag::Code::Repaired {
                assert_eq!(warning, error);
                continue;
            }
            refused += 1;
            assert!(!warning.is_error() && error.is_error(), "{error}");
            assert_ne!(error.code, generator::diag::Code::Repaired);
            assert_eq!(
                (&warning.message, &warning.location),
                (&error.message, &error.location)
            );
            let assumed = warning.hint.as_deref().unwrap_or_default();
            let assumed = assumed
                .strip_prefix("assumed ")
                .and_then(|h| h.strip_suffix("; `--strict` refuses this repair"))
                .unwrap_or_else(|| panic!("{warning}"));
            assert_eq!(
                error.hint.as_deref(),
                Some(format!("`--strict` refused to assume {assumed}").as_str())
            );
        }
        assert!(refused >= 1, "{fixture}: {refused} repairs");
    }
}

#[test]
fn a_refused_repair_reads_as_the_error_it_was() {
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/definitions/B'\n    B:\n      type: string\n");
    let built = common::build_text(&spec, true);
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        ["error[E0010]: `$ref: #/definitions/B` points at nothing\n  --> spec.yaml:12:11 (#/components/schemas/A/properties/b/$ref)\n  = hint: `--strict` refused to assume `#/components/schemas/B`, the only place under `components` it can mean"]
    );
}

#[test]
fn a_misplaced_reference_that_can_mean_several_places_stays_an_error() {
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          $ref: '#/models/B'\n        c:\n          $ref: '#/definitions/C'\n    B:\n      type: string\n  responses:\n    B:\n      description: also B\n    C:\n      description: a response, not a schema\n");
    let errors = errors_of(&spec, "yaml");
    assert_eq!(
        errors,
        "error[E0010]: `$ref: #/models/B` points at nothing\n  --> spec.yaml:12:11 (#/components/schemas/A/properties/b/$ref)\n  = hint: define the target or correct the reference\n\
         error[E0010]: `$ref: #/definitions/C` points at nothing\n  --> spec.yaml:14:11 (#/components/schemas/A/properties/c/$ref)\n  = hint: define the target or correct the reference"
    );
}

#[test]
fn a_path_parameter_spelt_differently_from_the_template_is_the_template_s() {
    let spec = format!("{HEAD}paths:\n  /users/{{user_id}}/keys/{{key}}:\n    get:\n      parameters:\n        - {{name: userId, in: path, required: true, schema: {{type: integer}}}}\n      responses:\n        '204': {{description: ok}}\n");
    let built = common::build_text(&spec, false);
    let api = built.api.expect("repaired");
    let parameters: Vec<String> = api.operations[0]
        .parameters
        .iter()
        .map(|p| format!("{} {} {:?} {}", p.name, p.wire, p.ty, p.required))
        .collect();
    assert_eq!(
        parameters,
        ["user_id user_id I64 true", "key key String true"]
    );
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(text.len(), 2, "{text:#?}");
    assert!(text[0].starts_with("warning[W0102]: path parameter `userId` does not appear in the path, which names `{user_id}`"), "{text:#?}");
    assert!(
        text[1].starts_with(
            "warning[W0102]: the path names `{key}` but no `in: path` parameter declares it"
        ),
        "{text:#?}"
    );
}

#[test]
fn json_specs_get_positions_too() {
    let spec = "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"t\", \"version\": \"1\"},\n  \"paths\": {},\n  \"components\": {\"schemas\": {\"A\": {\"$ref\": \"#/nowhere\"}}}\n}\n";
    let errors = errors_of(spec, "json");
    assert!(errors.contains("spec.json:5:"), "{errors}");
    assert!(errors.contains("(#/components/schemas/A)"), "{errors}");
}

#[test]
fn conflicting_fragments_name_both_files() {
    let dir = common::temp_dir("conflict");
    let a = dir.join("a.yaml");
    let b = dir.join("b.yaml");
    std::fs::write(
        &a,
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    User: {{type: string}}\n"),
    )
    .unwrap();
    std::fs::write(
        &b,
        format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    User: {{type: integer}}\n"),
    )
    .unwrap();
    let input = generator::ApiInput::new("m", vec![a, b]);
    let built = generator::build_api(&input, &dir);
    assert!(built.api.is_none());
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        ["error[E0020]: `#/components/schemas/User` is defined differently here and in a.yaml:8:5\n  --> b.yaml:8:5 (#/components/schemas/User)\n  = hint: make both fragments agree, or put them in different APIs in specs/manifest.yaml"]
    );
}

#[test]
fn identical_fragments_merge() {
    let dir = common::temp_dir("merge");
    let shared =
        "components:\n  parameters:\n    V: {name: v, in: header, schema: {type: string}}\n";
    let a = dir.join("a.yaml");
    let b = dir.join("b.yaml");
    std::fs::write(&a, format!("{HEAD}paths:\n  /a:\n    get:\n      parameters: [{{$ref: '#/components/parameters/V'}}]\n      responses: {{'204': {{description: ok}}}}\n{shared}")).unwrap();
    std::fs::write(&b, format!("{HEAD}paths:\n  /b:\n    get:\n      responses: {{'204': {{description: ok}}}}\n{shared}")).unwrap();
    let built = common::build(vec![a, b], &dir);
    let api = built.api.expect("identical fragments merge");
    let paths: Vec<&str> = api.operations.iter().map(|o| o.path.as_str()).collect();
    assert_eq!(paths, ["/a", "/b"]);
}

#[test]
fn webhooks_of_fragments_merge_and_a_webhook_defined_twice_differently_conflicts() {
    let dir = common::temp_dir("merge-webhooks");
    let hook =
        |status: u16| format!("    post:\n      responses: {{'{status}': {{description: ok}}}}\n");
    let files = [
        format!("{HEAD}paths: {{}}\nwebhooks:\n  a:\n{}", hook(204)),
        format!(
            "{HEAD}paths: {{}}\nwebhooks:\n  b:\n{}  a:\n{}",
            hook(200),
            hook(204)
        ),
        format!("{HEAD}paths: {{}}\nwebhooks:\n  a:\n{}", hook(202)),
    ];
    let specs: Vec<std::path::PathBuf> = files
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let spec = dir.join(format!("{i}.yaml"));
            std::fs::write(&spec, text).unwrap();
            spec
        })
        .collect();
    let built = common::build(specs[..2].to_vec(), &dir);
    let api = built.api.expect("identical webhooks merge");
    let names: Vec<&str> = api
        .hooks
        .iter()
        .map(|h| h.operation.name.as_str())
        .collect();
    assert_eq!(names, ["a", "b"]);
    let built = common::build(vec![specs[0].clone(), specs[2].clone()], &dir);
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        ["error[E0020]: `#/webhooks/a` is defined differently here and in 0.yaml:7:3\n  --> 2.yaml:7:3 (#/webhooks/a)\n  = hint: make both fragments agree, or put them in different APIs in specs/manifest.yaml"]
    );
}

#[test]
fn a_missing_file_is_reported() {
    let built = common::build(
        vec!["/nonexistent/spec.yaml".into()],
        std::path::Path::new("/"),
    );
    assert!(built.diagnostics[0]
        .to_string()
        .starts_with("error[E0001]: cannot read spec file"));
}

#[test]
fn response_headers_resolve_through_components() {
    let built = common::build(vec![common::fixture("collisions")], &common::root());
    let api = built.api.expect("fixture builds");
    let create = api
        .operations
        .iter()
        .find(|o| o.name == "create_user")
        .expect("create_user");
    let headers: Vec<String> = create.responses[0]
        .headers
        .iter()
        .map(|h| format!("{} {} {:?} {:?}", h.wire, h.required, h.ty, h.docs))
        .collect();
    assert_eq!(
        headers,
        [
            "X-Rate-Limit false I32 Some(\"Requests left in the window.\")",
            "X-Request-Id true Uuid None"
        ]
    );
}

#[test]
fn aliases_that_only_refer_to_each_other_are_an_error() {
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n      description: a 3.1 sibling makes this an allOf\n    B:\n      nullable: true\n      allOf:\n        - $ref: '#/components/schemas/A'\n"
    );
    let errors = errors_of(&spec.replace("openapi: 3.0.3", "openapi: 3.1.0"), "yaml");
    assert!(errors.contains("error[E0011]"), "{errors}");
}

#[test]
fn a_path_template_without_its_parameter_skips_the_operation_with_a_warning() {
    let (code, warnings) =
        common::generate("edge_cases", &[common::fixture("edge_cases")]).expect("generates");
    let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert!(
        text.iter().any(|w| w.starts_with(
            "warning[W0101]: the path names `{user_id}` but no `in: path` parameter declares it; the operation is skipped"
        )),
        "{text:#?}"
    );
    assert!(!code.contains("mismatch"));
    assert!(text
        .iter()
        .any(|w| w.contains("server URL `/relative/base` is relative")));
}

#[test]
fn parameters_that_cannot_be_sent_as_given_are_skipped_with_a_warning() {
    let spec = format!(
        "{HEAD}paths:\n  /pages:\n    get:\n      operationId: getPages\n      parameters:\n        - {{ in: header, name: '', schema: {{ type: string }} }}\n        - {{ in: header, name: X-Kept, schema: {{ type: string }} }}\n        - {{ in: header, name: Content-Length, required: true, schema: {{ type: number }} }}\n      responses:\n        '204': {{ description: none }}\n"
    );
    let built = common::build_text(&spec, false);
    let warnings: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "warning[W0101]: a parameter without a name cannot be sent; it is skipped"
        ) && w.contains("/paths/~1pages/get/parameters/0")),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.starts_with(
            "warning[W0101]: the header `Content-Length` frames the message; the HTTP client sets it, so the parameter is skipped"
        )),
        "{warnings:#?}"
    );
    let api = built.api.expect("the spec builds");
    let wires: Vec<&str> = api.operations[0]
        .parameters
        .iter()
        .map(|p| p.wire.as_str())
        .collect();
    assert_eq!(wires, ["X-Kept"]);
}

#[test]
fn long_reference_chains_and_shared_all_of_parents_do_not_crash_or_blow_up() {
    let mut chain = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..3000 {
        chain.push_str(&format!(
            "    S{i}:\n      type: object\n      properties:\n        p:\n          $ref: '#/components/schemas/S{}/properties/p'\n",
            i + 1
        ));
    }
    chain.push_str(
        "    S3000:\n      type: object\n      properties:\n        p:\n          type: string\n",
    );
    let dir = common::temp_dir("chain");
    std::fs::write(dir.join("chain.yaml"), &chain).unwrap();
    let built = common::build(vec![dir.join("chain.yaml")], &dir);
    assert!(built.api.is_some(), "{:?}", built.diagnostics.first());

    // Each level's two parts share every parent below: merged once each, not 2^n times.
    let mut diamond = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n");
    for i in 0..40 {
        diamond.push_str(&format!(
            "    A{i}:\n      allOf:\n        - $ref: '#/components/schemas/A{n}'\n        - $ref: '#/components/schemas/B{n}'\n        - properties: {{a{i}: {{type: string}}}}\n    B{i}:\n      allOf:\n        - $ref: '#/components/schemas/A{n}'\n        - $ref: '#/components/schemas/B{n}'\n        - properties: {{b{i}: {{type: string}}}}\n",
            n = i + 1
        ));
    }
    diamond.push_str("    A40:\n      type: object\n      properties: {end: {type: string}}\n    B40:\n      type: object\n      properties: {end: {type: string}}\n");
    std::fs::write(dir.join("diamond.yaml"), &diamond).unwrap();
    let built = common::build(vec![dir.join("diamond.yaml")], &dir);
    let api = built.api.expect("diamond builds");
    let a0 = api.types.iter().find(|t| t.name == "A0").expect("A0");
    let generator::ir::TypeKind::Struct(s) = &a0.kind else {
        panic!("A0 is a struct")
    };
    assert_eq!(
        s.fields.len(),
        80,
        "a0..a39, b1..b39 and end, each merged once"
    );
}

#[test]
fn external_file_refs_are_relative_to_the_referring_file() {
    let dir = common::temp_dir("external");
    std::fs::create_dir_all(dir.join("schemas")).unwrap();
    std::fs::write(
        dir.join("api.yaml"),
        format!("{HEAD}paths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: 'schemas/pet.yaml#/Pet'\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("schemas/pet.yaml"),
        "Pet:\n  type: object\n  required: [id]\n  properties:\n    id:\n      $ref: '../common.yaml#/components/schemas/Id'\n    owner:\n      $ref: '#/Owner'\nOwner:\n  type: object\n  properties:\n    name: {type: string}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("common.yaml"),
        "components:\n  schemas:\n    Id:\n      type: string\n      format: uuid\n",
    )
    .unwrap();
    let built = common::build(vec![dir.join("api.yaml")], &dir);
    let api = built
        .api
        .unwrap_or_else(|| panic!("{:?}", built.diagnostics));
    let pet = api.types.iter().find(|t| t.name == "Pet").expect("Pet");
    let generator::ir::TypeKind::Struct(s) = &pet.kind else {
        panic!("a struct")
    };
    let fields: Vec<String> = s
        .fields
        .iter()
        .map(|f| format!("{}: {:?}", f.name, f.ty))
        .collect();
    assert_eq!(fields, ["id: Uuid", "owner: Named(\"Owner\")"]);

    std::fs::write(
        dir.join("schemas/pet.yaml"),
        "Pet:\n  $ref: 'missing.yaml#/X'\n",
    )
    .unwrap();
    let built = common::build(vec![dir.join("api.yaml")], &dir);
    let text = built.diagnostics[0].to_string();
    assert!(text.starts_with("error[E0001]: `$ref: missing.yaml#/X` names a file that cannot be used: cannot read spec file"), "{text}");
    assert!(
        text.contains("--> schemas/pet.yaml:2:3 (#/Pet/$ref)"),
        "{text}"
    );
}

#[test]
fn deeply_nested_schemas_generate() {
    let mut schema = String::from("type: string");
    for _ in 0..200 {
        schema = format!("type: object\nproperties:\n  inner:\n{}", indent(&schema));
    }
    fn indent(text: &str) -> String {
        text.lines().map(|l| format!("    {l}\n")).collect()
    }
    let spec = format!(
        "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Deep:\n{}",
        indent(&indent(&schema)).replace("\n\n", "\n")
    );
    let dir = common::temp_dir("deep");
    std::fs::write(dir.join("deep.yaml"), &spec).unwrap();
    let built = common::build(vec![dir.join("deep.yaml")], &dir);
    let api = built
        .api
        .unwrap_or_else(|| panic!("{:?}", built.diagnostics.first().map(ToString::to_string)));
    assert_eq!(api.types.len(), 200);
}

#[test]
fn a_fifty_megabyte_spec_generates() {
    // Mostly a vendor extension full of samples (as real specs carry), plus many schemas.
    let sample =
        serde_json::json!({"id": "x".repeat(200), "tags": ["a", "b", "c"], "nested": {"n": 1}});
    let samples: Vec<serde_json::Value> = std::iter::repeat_n(sample, 230_000).collect();
    let schemas: serde_json::Map<String, serde_json::Value> = (0..500)
        .map(|i| (format!("S{i}"), serde_json::json!({"type": "object", "properties": {"a": {"type": "string"}, "b": {"$ref": format!("#/components/schemas/S{}", (i + 1) % 500)}}})))
        .collect();
    let spec = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "big", "version": "1"},
        "paths": {},
        "x-samples": samples,
        "components": {"schemas": schemas},
    });
    let text = spec.to_string();
    assert!(text.len() > 50 << 20, "{} bytes", text.len());
    let dir = common::temp_dir("big");
    std::fs::write(dir.join("big.json"), &text).unwrap();
    let built = common::build(vec![dir.join("big.json")], &dir);
    let api = built
        .api
        .unwrap_or_else(|| panic!("{:?}", built.diagnostics.first().map(ToString::to_string)));
    assert_eq!(api.types.len(), 500);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn what_a_webhook_or_callback_cannot_carry_is_a_located_warning() {
    let spec = "openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /s:
    post:
      operationId: subscribe
      responses: {'201': {description: ok}}
      callbacks:
        gone: {$ref: '#/components/callbacks/Missing'}
        loop: {$ref: '#/components/callbacks/Loop'}
        odd:
          '{$request.body#/url}':
            post:
              security: [{key: []}]
              parameters:
                - {name: id, in: path, required: true, schema: {type: string}}
              callbacks:
                deeper: {}
              responses: {'204': {description: ok}}
webhooks:
  broken:
    post:
      responses: 5
  empty: {}
  fine:
    post:
      responses: {'204': {description: ok}}
components:
  callbacks:
    Loop: {$ref: '#/components/callbacks/Loop'}
";
    let built = common::build_text(spec, false);
    let text: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
    let odd = "#/paths/~1s/post/callbacks/odd/{$request.body#~1url}/post";
    assert_eq!(
        text,
        [
            "warning[W0101]: not a valid path item (invalid type: integer `5`, expected struct Responses); it is not generated\n  --> spec.yaml:21:3 (#/webhooks/broken)".to_owned(),
            format!("warning[W0101]: callbacks of a webhook or of a callback are not generated\n  --> spec.yaml:17:15 ({odd}/callbacks)"),
            "warning[W0101]: this webhook or callback has no operation; nothing is generated\n  --> spec.yaml:24:3 (#/webhooks/empty)".to_owned(),
            "warning[W0101]: the callback `$ref: #/components/callbacks/Missing` does not lead to a callback in this document; it is not generated\n  --> spec.yaml:9:9 (#/paths/~1s/post/callbacks/gone)\n  = hint: point the reference at an entry of components/callbacks".to_owned(),
            "warning[W0101]: the callback `$ref: #/components/callbacks/Loop` leads back to itself; it is not generated\n  --> spec.yaml:10:9 (#/paths/~1s/post/callbacks/loop)\n  = hint: point the reference at an entry of components/callbacks".to_owned(),
            format!("warning[W0101]: path parameter `id` of a webhook or callback is not read: the receiver's path is the user's choice\n  --> spec.yaml:13:13 ({odd})"),
            format!("warning[W0101]: the receiver does not check a webhook's or callback's security requirement\n  --> spec.yaml:14:15 ({odd}/security)\n  = hint: verify the sender (a signature, a secret) in a layer around the route"),
        ]
    );
    let api = built.api.expect("generated");
    let hooks: Vec<(&str, &str, usize)> = api
        .hooks
        .iter()
        .map(|h| {
            let op = &h.operation;
            (
                op.name.as_str(),
                h.routes_field.as_str(),
                op.parameters.len(),
            )
        })
        .collect();
    assert_eq!(
        hooks,
        [("fine", "fine", 0), ("subscribe_odd", "subscribe_odd", 0)]
    );
}
