//! Selecting operations by tag, operationId and path prefix: what is kept, what is pruned,
//! and what a selection that names nothing says.

mod common;

use generator::select::{Selection, Selectors};
use generator::ApiInput;

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: Shop, version: '1'}
paths:
  /pets:
    get:
      operationId: listPets
      tags: [pets]
      responses:
        '200':
          description: The pets.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
    post:
      operationId: createPet
      tags: [pets]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '201': {description: Created.}
  /store/orders:
    post:
      operationId: placeOrder
      tags: [store]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Order'}
      responses:
        '200': {description: Placed.}
  /store/orders/{id}:
    get:
      operationId: getOrder
      tags: [store]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The order.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Order'}
  /storefront:
    get:
      operationId: getStorefront
      tags: [store]
      responses:
        '200': {description: The storefront.}
  /admin/users:
    get:
      operationId: listAdmins
      tags: [admin]
      responses:
        '200':
          description: The admins.
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/AdminUser'}}
x-webhooks:
  petAdopted:
    post:
      operationId: petAdopted
      tags: [pets]
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Pet'}
      responses:
        '200': {description: Received.}
  storeClosed:
    post:
      operationId: storeClosed
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                reason: {type: string}
      responses:
        '200': {description: Received.}
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        owner: {$ref: '#/components/schemas/Owner'}
    Owner:
      type: object
      properties:
        name: {type: string}
    NewPet:
      type: object
      properties:
        name: {type: string}
    Order:
      type: object
      properties:
        lines:
          type: array
          items: {$ref: '#/components/schemas/OrderLine'}
    OrderLine:
      type: object
      properties:
        pet: {$ref: '#/components/schemas/Pet'}
    AdminUser:
      type: object
      properties:
        email: {type: string}
"#;

/// The names of the operations, the webhooks and the types of a built API.
type Names = (Vec<String>, Vec<String>, Vec<String>);

/// The operations, webhooks and types of the spec built under `selection`, or its errors.
fn built(selection: Selection) -> Result<Names, String> {
    let dir = common::temp_dir("selection");
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, SPEC).expect("spec written");
    let input = ApiInput::new("shop", vec![spec]).with_selection(selection);
    let built = generator::build_api(&input, &dir);
    let Some(api) = built.api else {
        let errors: Vec<String> = built.diagnostics.iter().map(ToString::to_string).collect();
        return Err(errors.join("\n"));
    };
    let operations = api.operations.iter().map(|op| op.name.clone()).collect();
    let hooks = api.hooks.iter().map(|h| h.operation.name.clone()).collect();
    let types = api.types.iter().map(|t| t.name.clone()).collect();
    Ok((operations, hooks, types))
}

fn selectors(tags: &[&str], operations: &[&str], path_prefixes: &[&str]) -> Selectors {
    let owned = |values: &[&str]| values.iter().map(|v| v.to_string()).collect();
    Selectors {
        tags: owned(tags),
        operations: owned(operations),
        path_prefixes: owned(path_prefixes),
    }
}

fn including(include: Selectors) -> Selection {
    Selection {
        include,
        ..Selection::default()
    }
}

#[test]
fn no_selection_keeps_every_operation_and_type() {
    let (operations, hooks, types) = built(Selection::default()).expect("built");
    assert_eq!(operations.len(), 6);
    assert_eq!(hooks, ["pet_adopted", "store_closed"]);
    assert_eq!(types.len(), 7, "{types:?}");
}

#[test]
fn a_tag_keeps_its_operations_and_the_types_they_reach() {
    let (operations, hooks, types) =
        built(including(selectors(&["pets"], &[], &[]))).expect("built");
    assert_eq!(operations, ["list_pets", "create_pet"]);
    assert_eq!(
        hooks,
        ["pet_adopted"],
        "a webhook is selected by its tag too"
    );
    assert_eq!(
        types,
        ["Pet", "Owner", "NewPet"],
        "Owner is reached through Pet"
    );
}

#[test]
fn path_prefixes_match_whole_segments_and_exclusions_win() {
    let selection = Selection {
        include: selectors(&[], &[], &["/store"]),
        exclude: selectors(&[], &["getOrder"], &[]),
    };
    let (operations, hooks, types) = built(selection).expect("built");
    assert_eq!(
        operations,
        ["place_order"],
        "`/storefront` is not under `/store`"
    );
    assert!(hooks.is_empty(), "a webhook has no path: {hooks:?}");
    assert_eq!(types, ["Pet", "Owner", "Order", "OrderLine"]);
}

#[test]
fn an_exclusion_alone_keeps_the_rest() {
    let selection = Selection {
        exclude: selectors(&["admin"], &[], &[]),
        ..Selection::default()
    };
    let (operations, hooks, types) = built(selection).expect("built");
    assert_eq!(operations.len(), 5);
    assert_eq!(hooks.len(), 2, "untagged webhooks stay: {hooks:?}");
    assert!(!types.contains(&"AdminUser".to_owned()), "{types:?}");
}

#[test]
fn a_selector_that_names_no_operation_is_an_error_naming_it() {
    let selection = Selection {
        include: selectors(&["pets", "pet"], &["listPets", "storeClosed"], &[]),
        exclude: selectors(&[], &[], &["/nowhere"]),
    };
    let errors = built(selection).expect_err("a selector names nothing");
    assert!(
        errors.contains("tag `pet` and exclude path prefix `/nowhere` name no operation")
            && errors.contains("spec.yaml"),
        "{errors}"
    );
    assert!(
        errors.contains("the spec's tags: pets, store, admin"),
        "{errors}"
    );
    assert!(
        !errors.contains("`listPets`"),
        "a used selector is not reported: {errors}"
    );
    assert!(
        !errors.contains("`storeClosed`"),
        "a webhook's id names it: {errors}"
    );
}
