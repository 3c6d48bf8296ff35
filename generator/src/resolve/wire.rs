//! The wire check's calls: for each operation, a value for every argument the generated client
//! sends: the spec's example of it when there is one, and one made from its schema.

use std::borrow::Cow;
use std::collections::HashMap;

use openapiv3::{
    Example, MediaType, OpenAPI, Operation as SpecOperation, Parameter as SpecParameter,
    ParameterSchemaOrContent, PathItem, ReferenceOr, RequestBody, Response as SpecResponse,
    Responses, StatusCode,
};
use serde_json::Value;

use super::sample::Sampler;
use crate::ir::{
    Body, Operation, ParamLocation, Parameter, RefusalAnswer, Response, Status, TypeRef,
    WireAnswer, WireCall, WireValue,
};
use crate::naming::Namespace;
use crate::normalize::RefTargets;
use crate::pointer;

/// Optional headers a mock server reads as instructions rather than data; left out.
const STEERING_HEADERS: &[&str] = &["accept", "content-type", "prefer", "authorization"];

/// One call per operation, named in the API's module of the wire tests.
pub(super) fn calls(
    document: &OpenAPI,
    targets: &RefTargets,
    operations: &[Operation],
) -> Vec<WireCall> {
    let items = path_items(document, targets);
    let mut spec_operations = HashMap::new();
    for (path, item) in &items {
        for (method, operation) in item.iter() {
            let key = (*path, method.to_ascii_uppercase());
            spec_operations.insert(key, (item.as_ref(), operation));
        }
    }
    let mut sampler = Sampler::new(document, targets);
    // The module's helper, beside the tests.
    let mut names = super::reserved(&["client"]);
    operations
        .iter()
        .map(|op| {
            let spec = spec_operations.get(&(op.path.as_str(), op.method.clone()));
            let call = Call {
                op,
                spec: spec.copied(),
                document,
                targets,
            };
            call.build(&mut sampler, &mut names)
        })
        .collect()
}

/// The document's path items, references followed (one that leads nowhere is left out).
fn path_items<'d>(
    document: &'d OpenAPI,
    targets: &RefTargets,
) -> Vec<(&'d str, Cow<'d, PathItem>)> {
    document
        .paths
        .iter()
        .filter_map(|(path, item)| {
            let item = match item {
                ReferenceOr::Item(item) => Cow::Borrowed(item),
                ReferenceOr::Reference { reference } => Cow::Owned(
                    pointer::from_reference(reference)
                        .and_then(|p| targets.decode::<PathItem>(&p))
                        .and_then(Result::ok)?,
                ),
            };
            Some((path.as_str(), item))
        })
        .collect()
}

/// An operation of the IR with the spec's operation and path item it comes from.
struct Call<'a> {
    op: &'a Operation,
    spec: Option<(&'a PathItem, &'a SpecOperation)>,
    document: &'a OpenAPI,
    targets: &'a RefTargets,
}

impl Call<'_> {
    fn build(&self, sampler: &mut Sampler<'_>, names: &mut Namespace) -> WireCall {
        let declared: Vec<SpecParameter> = self
            .spec
            .map(|(item, operation)| declared_parameters(item, operation, self.document))
            .unwrap_or_default();
        let parameters = self
            .op
            .parameters
            .iter()
            .map(|p| {
                let spec = declared
                    .iter()
                    .find(|d| d.parameter_data_ref().name == p.wire && location(d) == p.location);
                parameter_value(p, spec, self.document, sampler)
            })
            .collect();
        let body = self.op.body.as_ref().map(|body| {
            let spec = self
                .spec
                .and_then(|(_, operation)| operation.request_body.as_ref());
            body_value(body, spec, self.document, sampler)
        });
        WireCall {
            operation: self.op.name.clone(),
            test_name: names.claim(&self.op.name).0,
            parameters,
            body,
            answer: self.answer(sampler),
            refusal_bodies: self.refusal_bodies(sampler),
        }
    }

    /// A value for each JSON body the operation's refusals document.
    fn refusal_bodies(&self, sampler: &mut Sampler<'_>) -> Vec<(String, WireValue)> {
        let mut bodies = Vec::new();
        for refusal in &self.op.refusals {
            let RefusalAnswer::Json { body, .. } = &refusal.answer else {
                continue;
            };
            let Some(response) = self
                .op
                .responses
                .iter()
                .find(|r| r.variant == refusal.variant)
            else {
                continue;
            };
            let value = self.response_value(response, sampler);
            if let Some(value) = value.filter(|_| !bodies.iter().any(|(b, _)| b == body)) {
                bodies.push((body.clone(), value));
            }
        }
        bodies
    }

    /// A documented response's body: its example and a value made from its schema.
    fn response_value(&self, response: &Response, sampler: &mut Sampler<'_>) -> Option<WireValue> {
        let content_type = response.content_type.as_ref()?;
        let spec = self.spec.and_then(|(_, operation)| {
            spec_response(
                &operation.responses,
                &response.status,
                self.document,
                self.targets,
            )
        });
        let media = spec.as_deref().and_then(|r| {
            r.content
                .get(content_type)
                .or_else(|| r.content.values().next())
        });
        Some(media_value(
            media,
            Direction::Response,
            self.document,
            sampler,
        ))
    }

    /// The fake server's answer: the first documented success, else `default` (sent as 200),
    /// else the first response documented (a redirect, say).
    fn answer(&self, sampler: &mut Sampler<'_>) -> Option<WireAnswer> {
        let responses = &self.op.responses;
        let chosen = responses
            .iter()
            .find(|r| r.status.is_success())
            .or_else(|| responses.iter().find(|r| r.status == Status::Default))
            .or_else(|| responses.first())?;
        let status = match chosen.status {
            Status::Code(code) => code,
            Status::Range(digit) => u16::from(digit) * 100,
            Status::Default => 200,
        };
        let body = self.response_value(chosen, sampler);
        Some(WireAnswer {
            variant: chosen.variant.clone(),
            status,
            body,
        })
    }
}

/// The spec's response for a status, references followed.
fn spec_response<'d>(
    responses: &'d Responses,
    status: &Status,
    document: &'d OpenAPI,
    targets: &RefTargets,
) -> Option<Cow<'d, SpecResponse>> {
    let found = match status {
        Status::Code(code) => responses.responses.get(&StatusCode::Code(*code)),
        Status::Range(digit) => responses
            .responses
            .get(&StatusCode::Range(u16::from(*digit))),
        Status::Default => responses.default.as_ref(),
    }?;
    match found {
        ReferenceOr::Item(response) => Some(Cow::Borrowed(response)),
        ReferenceOr::Reference { reference } => {
            let at = pointer::from_reference(reference)?;
            // Components are in the typed document; other targets (a path's own) are not.
            match pointer::component_key(&at, "responses") {
                Some(key) => document
                    .components
                    .as_ref()?
                    .responses
                    .get(&key)?
                    .as_item()
                    .map(Cow::Borrowed),
                None => targets.decode::<SpecResponse>(&at)?.ok().map(Cow::Owned),
            }
        }
    }
}

/// The path item's parameters, then the operation's own, references followed.
fn declared_parameters(
    item: &PathItem,
    operation: &SpecOperation,
    document: &OpenAPI,
) -> Vec<SpecParameter> {
    let components = document.components.as_ref();
    item.parameters
        .iter()
        .chain(&operation.parameters)
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let key = pointer::from_reference(reference)
                    .and_then(|p| pointer::component_key(&p, "parameters"))?;
                components?.parameters.get(&key)?.as_item().cloned()
            }
        })
        .collect()
}

fn location(parameter: &SpecParameter) -> ParamLocation {
    match parameter {
        SpecParameter::Query { .. } => ParamLocation::Query,
        SpecParameter::Header { .. } => ParamLocation::Header,
        SpecParameter::Path { .. } => ParamLocation::Path,
        SpecParameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

/// A parameter's value; `None` for an optional header a mock server would take as an
/// instruction, unless the spec lists its values or gives an example.
fn parameter_value(
    parameter: &Parameter,
    spec: Option<&SpecParameter>,
    document: &OpenAPI,
    sampler: &mut Sampler<'_>,
) -> Option<WireValue> {
    let value = spec_value(parameter, spec, document, sampler);
    let steering = parameter.location == ParamLocation::Header
        && STEERING_HEADERS.contains(&parameter.wire.to_ascii_lowercase().as_str());
    let fixed = value.example.is_some() || spec.is_some_and(|s| lists_values(s, sampler));
    (parameter.required || !steering || fixed).then_some(value)
}

/// Whether a parameter's schema (through its reference) lists its values.
fn lists_values(parameter: &SpecParameter, sampler: &mut Sampler<'_>) -> bool {
    let ParameterSchemaOrContent::Schema(schema) = &parameter.parameter_data_ref().format else {
        return false;
    };
    let schema = serde_json::to_value(schema).unwrap_or_default();
    let followed = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => sampler.lookup(reference).map(|s| (*s).clone()),
        None => Some(schema),
    };
    followed.is_some_and(|s| s.get("enum").is_some())
}

/// A parameter's example and a value made from its schema.
fn spec_value(
    parameter: &Parameter,
    spec: Option<&SpecParameter>,
    document: &OpenAPI,
    sampler: &mut Sampler<'_>,
) -> WireValue {
    let place = match parameter.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let key = format!("{place}.{}", parameter.wire);
    let Some(spec) = spec else {
        // A parameter the spec does not declare as such (a repaired path parameter).
        return WireValue {
            key,
            example: None,
            synthesized: of_type(&parameter.ty),
            guessed: false,
        };
    };
    let data = spec.parameter_data_ref();
    let schema = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => serde_json::to_value(schema).ok(),
        ParameterSchemaOrContent::Content(content) => content
            .values()
            .next()
            .and_then(|media| media.schema.as_ref())
            .and_then(|schema| serde_json::to_value(schema).ok()),
    }
    .unwrap_or(Value::Bool(true));
    let example = data
        .example
        .clone()
        .or_else(|| first_example(&data.examples, document))
        .or_else(|| schema_example(&schema, sampler));
    // A list parameter's example of one item (`sourceDictionaries: all`) is the same text
    // on the wire as a list of it.
    let listed = matches!(parameter.ty.non_null(), TypeRef::List(_));
    let example = example.map(|value| match value {
        Value::Array(_) | Value::Null => value,
        single if listed => Value::Array(vec![single]),
        other => other,
    });
    let (synthesized, guessed) = sampler.value(&schema);
    WireValue {
        key,
        example,
        synthesized,
        guessed,
    }
}

/// The body's value, from the media type the IR chose.
fn body_value(
    body: &Body,
    spec: Option<&ReferenceOr<RequestBody>>,
    document: &OpenAPI,
    sampler: &mut Sampler<'_>,
) -> WireValue {
    let request_body = spec.and_then(|spec| match spec {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { reference } => {
            let key = pointer::from_reference(reference)
                .and_then(|p| pointer::component_key(&p, "requestBodies"))?;
            document
                .components
                .as_ref()?
                .request_bodies
                .get(&key)?
                .as_item()
        }
    });
    let media = request_body.and_then(|b| {
        b.content
            .get(&body.content_type)
            .or_else(|| b.content.values().next())
    });
    media_value(media, Direction::Request, document, sampler)
}

/// Which way a body goes: a request leaves read-only properties out, a response write-only.
#[derive(Clone, Copy)]
enum Direction {
    Request,
    Response,
}

/// A media type's example (its own, its first `examples`, its schema's) and a value made from
/// its schema for a body going `direction`.
fn media_value(
    media: Option<&MediaType>,
    direction: Direction,
    document: &OpenAPI,
    sampler: &mut Sampler<'_>,
) -> WireValue {
    let schema = media_schema(media);
    let example = media.and_then(|m| {
        m.example
            .clone()
            .or_else(|| first_example(&m.examples, document))
    });
    let example = example.or_else(|| schema_example(&schema, sampler));
    let (synthesized, guessed) = match direction {
        Direction::Request => sampler.value(&schema),
        Direction::Response => sampler.response_value(&schema),
    };
    WireValue {
        key: "body".into(),
        example,
        synthesized,
        guessed,
    }
}

/// A media type's schema, as JSON; `true` (anything) when it gives none.
fn media_schema(media: Option<&MediaType>) -> Value {
    media
        .and_then(|m| m.schema.as_ref())
        .and_then(|s| serde_json::to_value(s).ok())
        .unwrap_or(Value::Bool(true))
}

/// The value of the first of `examples` that has one, references followed.
fn first_example(
    examples: &indexmap::IndexMap<String, ReferenceOr<Example>>,
    document: &OpenAPI,
) -> Option<Value> {
    examples.values().find_map(|example| match example {
        ReferenceOr::Item(example) => example.value.clone(),
        ReferenceOr::Reference { reference } => {
            let key = pointer::from_reference(reference)
                .and_then(|p| pointer::component_key(&p, "examples"))?;
            let found = document.components.as_ref()?.examples.get(&key)?;
            found.as_item()?.value.clone()
        }
    })
}

/// The `example` of a schema (through its reference).
fn schema_example(schema: &Value, sampler: &mut Sampler<'_>) -> Option<Value> {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => sampler.lookup(reference)?.get("example").cloned(),
        None => schema.get("example").cloned(),
    }
}

/// A value of a type, for an argument the spec gives no schema for.
fn of_type(ty: &TypeRef) -> Value {
    match ty.non_null() {
        TypeRef::Bool => Value::Bool(true),
        TypeRef::I32 | TypeRef::I64 => Value::from(1),
        TypeRef::F64 => Value::from(1.5),
        TypeRef::List(item) => Value::Array(vec![of_type(item)]),
        _ => Value::String("wire".into()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::ir::{Api, WireCall};

    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: Wire, version: "1" }
paths:
  /pets/{petId}:
    parameters:
      - { name: petId, in: path, required: true, schema: { type: string, pattern: "^p-[0-9]{3}$" } }
    post:
      operationId: client
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 10, maximum: 20, multipleOf: 4 } }
        - { name: kind, in: query, required: true, example: dog, schema: { type: string, enum: [cat, dog] } }
        - { name: Accept, in: header, schema: { type: string } }
        - { name: Prefer, in: header, schema: { type: string, enum: [minimal] } }
        - { name: x-when, in: header, required: true, schema: { type: string, format: date-time } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Pet" }
      responses: { "204": { description: done } }
components:
  schemas:
    Pet:
      oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }]
      discriminator: { propertyName: kind, mapping: { feline: "#/components/schemas/Cat" } }
    Base:
      type: object
      required: [id, kind, name]
      properties:
        id: { type: string, readOnly: true }
        kind: { type: string }
        name: { type: string, minLength: 6, maxLength: 8 }
    Cat:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          required: [lives, tags, owner]
          properties:
            lives: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1 }
            tags: { type: array, minItems: 2, uniqueItems: true, items: { type: string, format: email } }
            owner: { $ref: "#/components/schemas/Owner" }
    Dog:
      allOf: [{ $ref: "#/components/schemas/Base" }]
    Owner:
      type: object
      required: [site]
      properties:
        site: { type: string, format: uri }
        next: { $ref: "#/components/schemas/Owner" }
"##;

    fn build(text: &str) -> Api {
        static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!("wire-calls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let n = BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let spec = dir.join(format!("spec{n}.yaml"));
        std::fs::write(&spec, text).unwrap();
        let input = crate::ApiInput::new("wire", vec![spec]);
        let built = crate::build_api(&input, &dir);
        built
            .api
            .unwrap_or_else(|| panic!("{:?}", built.diagnostics))
    }

    fn values(
        call: &WireCall,
    ) -> Vec<(String, serde_json::Value, Option<serde_json::Value>, bool)> {
        call.parameters
            .iter()
            .flatten()
            .chain(&call.body)
            .map(|v| {
                (
                    v.key.clone(),
                    v.synthesized.clone(),
                    v.example.clone(),
                    v.guessed,
                )
            })
            .collect()
    }

    #[test]
    fn a_one_of_gets_a_value_only_one_alternative_accepts() {
        let api = build(
            r##"
openapi: 3.0.3
info: { title: Overlap, version: "1" }
paths:
  /things/{id}/{view}:
    post:
      operationId: touch
      parameters:
        - name: id
          in: path
          required: true
          schema:
            oneOf: [{ type: integer }, { type: string, format: uuid }, { type: string }]
        - { name: view, in: path, required: true, schema: { type: string, enum: ["", full] } }
        - { name: sources, in: query, example: all, schema: { type: array, items: { type: string } } }
      requestBody:
        content:
          application/json:
            schema:
              oneOf:
                - { type: object, properties: { email: { type: string } } }
                - { type: object, properties: { email: { type: string }, code: { type: string } } }
      responses: { "204": { description: done } }
"##,
        );
        let [call] = api.wire_calls.as_slice() else {
            panic!("one call: {:?}", api.wire_calls);
        };
        assert_eq!(
            values(call),
            vec![
                // `1` is also a string, and a UUID too: only other text is one alternative's.
                ("path.id".into(), json!("wire"), None, false),
                ("path.view".into(), json!("full"), None, false),
                // An example of one item is that item's list.
                (
                    "query.sources".into(),
                    json!(["wire"]),
                    Some(json!(["all"])),
                    false
                ),
                // Every object is both alternatives': the value is a guess.
                ("body".into(), json!({}), None, true),
            ]
        );
    }

    #[test]
    fn every_argument_gets_a_value_its_schema_accepts() {
        let api = build(SPEC);
        let [call] = api.wire_calls.as_slice() else {
            panic!("one call: {:?}", api.wire_calls);
        };
        assert_eq!(call.operation, "client");
        assert_eq!(
            call.test_name, "client2",
            "the module's helper keeps its name"
        );
        assert_eq!(call.parameters.len(), 6);
        assert!(
            call.parameters[3].is_none(),
            "an optional Accept is left out"
        );
        assert!(
            call.parameters[4].is_some(),
            "unless the spec lists its values"
        );
        let body = json!({
            "kind": "feline",
            "name": "wirexx",
            "lives": 1.0,
            "tags": ["wire@example.com", "1wire@example.com"],
            "owner": {"site": "https://example.com/wire"}
        });
        assert_eq!(
            values(call),
            vec![
                ("path.petId".into(), json!("p-111"), None, true),
                ("query.limit".into(), json!(12), None, false),
                ("query.kind".into(), json!("cat"), Some(json!("dog")), false),
                ("header.Prefer".into(), json!("minimal"), None, false),
                (
                    "header.x-when".into(),
                    json!("2024-05-06T07:08:09Z"),
                    None,
                    false
                ),
                ("body".into(), body, None, false),
            ]
        );
    }

    #[test]
    fn bounds_lists_maps_and_cycles_are_respected() {
        let spec = r##"
openapi: 3.0.3
info: { title: Wire, version: "1" }
paths:
  /things:
    put:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [below, colours, labels, loop, label, maybe]
              properties:
                below: { type: integer, maximum: 0, exclusiveMaximum: true }
                colours: { type: array, minItems: 3, uniqueItems: true, items: { $ref: "#/components/schemas/Colour" } }
                labels: { type: object, minProperties: 1, additionalProperties: { type: string, minLength: 5 } }
                loop: { $ref: "#/components/schemas/Loop" }
                label: { type: string, maxLength: 2 }
                maybe: { nullable: true, anyOf: [{ type: string, enum: [null] }, { type: boolean }] }
      responses: { "200": { description: ok } }
components:
  schemas:
    Colour: { type: string, enum: [red, green, blue] }
    Loop:
      type: object
      required: [again]
      properties:
        again: { $ref: "#/components/schemas/Loop" }
"##;
        let api = build(spec);
        let body = api.wire_calls[0].body.as_ref().expect("a body");
        assert_eq!(
            body.synthesized,
            serde_json::Value::Null,
            "a required cycle has no value"
        );
        let without_loop = build(&spec.replace("loop, ", ""));
        let body = without_loop.wire_calls[0].body.as_ref().expect("a body");
        assert_eq!(
            body.synthesized,
            json!({
                "below": -1,
                "colours": ["red", "green", "blue"],
                "labels": {"wire0": "wirex"},
                "label": "wi",
                "maybe": true
            })
        );
    }

    /// Operations answered by a success, through references to a path's response and to
    /// `components/responses`, and a refusal body to fill.
    const FAKE_SPEC: &str = r##"
openapi: 3.0.3
info: { title: Fake, version: "1" }
paths:
  /pets:
    get:
      operationId: list
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Pet" } }
        "400":
          description: refused
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Problem" }
  /pets/{id}:
    get:
      operationId: show
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "201": { $ref: "#/paths/~1pets~1%7Bid%7D/put/responses/200" }
    delete:
      operationId: remove
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200": { $ref: "#/components/responses/Removed" }
    put:
      operationId: replace
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
      responses:
        "200":
          description: replaced
          content:
            application/json:
              example: { id: p-1, name: Rex }
              schema: { $ref: "#/components/schemas/Pet" }
components:
  responses:
    Removed:
      description: removed
      content:
        application/json:
          schema: { type: object, required: [gone], properties: { gone: { type: boolean } } }
  schemas:
    Pet:
      type: object
      required: [id, name, secret]
      properties:
        id: { type: string, readOnly: true }
        name: { type: string }
        secret: { type: string, writeOnly: true }
    Problem:
      type: object
      required: [code, tag]
      properties:
        code: { type: integer }
        tag: { type: string, enum: [refused] }
"##;

    #[test]
    fn the_fake_answers_with_the_first_success_and_fills_refusal_bodies() {
        let api = build(FAKE_SPEC);
        let answer = |name: &str| {
            let call = api.wire_calls.iter().find(|c| c.operation == name).unwrap();
            call.answer.clone().expect("an answer")
        };
        let list = answer("list");
        assert_eq!((list.variant.as_str(), list.status), ("Status200", 200));
        assert_eq!(
            list.body.unwrap().synthesized,
            json!([{"id": "wire", "name": "wire"}]),
            "a response has its read-only properties and not its write-only ones"
        );
        let show = answer("show")
            .body
            .expect("a body, through a reference into a path");
        assert_eq!(show.example, Some(json!({"id": "p-1", "name": "Rex"})));
        let removed = answer("remove")
            .body
            .expect("a body, through components/responses");
        assert_eq!(removed.synthesized, json!({"gone": true}));
        let list_call = api
            .wire_calls
            .iter()
            .find(|c| c.operation == "list")
            .unwrap();
        let [(variant, problem)] = list_call.refusal_bodies.as_slice() else {
            panic!("one refusal body: {:?}", list_call.refusal_bodies);
        };
        assert_eq!(variant, "Problem");
        assert_eq!(problem.synthesized, json!({"code": 1, "tag": "refused"}));
    }
}
