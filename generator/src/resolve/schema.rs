//! Schemas to types: structs, open enums, unions, merged `allOf`s, aliases and primitives.

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::hash::Hasher as _;

use super::{docs, name_override, Resolver};
use crate::diag::{Code, Severity};
use crate::ir::{
    Bound, Constraints, EnumVariant, Field, OpenEnum, RequiredSets, Struct, TypeDef, TypeKind,
    TypeRef, Union, UnionVariant,
};
use crate::naming::{self, Namespace};
use crate::pointer;

/// An object's parts, gathered from the schema itself or from every part of an `allOf`.
#[derive(Default, Clone)]
struct ObjectParts {
    /// Wire name -> (schema, its pointer, name hint for an inline type).
    properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String, String)>,
    required: Vec<String>,
    additional: Option<(AdditionalProperties, String)>,
    docs: Option<String>,
    /// Referenced schemas already merged: a parent shared by two parts is merged once.
    merged: std::collections::HashSet<String>,
    /// Alternatives that only require properties, with the pointer of their list.
    required_sets: Option<(RequiredSets, String)>,
    /// The schema says `type: object`: without properties it is still an object.
    declared_object: bool,
    /// `minProperties` and `maxProperties` of the schema itself.
    property_count: (Option<usize>, Option<usize>),
}

impl<'a> Resolver<'a> {
    /// Builds the type of one `components.schemas` entry under its claimed name.
    pub(super) fn resolve_component(
        &mut self,
        schema: &ReferenceOr<Schema>,
        pointer: &str,
        name: &str,
    ) {
        let named = TypeRef::Named(name.to_owned());
        self.resolved.insert(pointer.to_owned(), named.clone());
        match schema {
            ReferenceOr::Reference { reference } => {
                self.pending_names.remove(name);
                if self.is_alias_cycle(pointer) {
                    self.report(
                        Severity::Error,
                        Code::CircularRef,
                        pointer,
                        format!("`$ref: {reference}` leads back to this schema without any schema in between"),
                        Some("point one of the references at a real schema"),
                    );
                    return;
                }
                self.in_progress.push(pointer.to_owned());
                let target = self.resolve_ref(reference, pointer);
                self.in_progress.pop();
                self.define_alias(name, pointer, None, target);
            }
            ReferenceOr::Item(schema) => {
                let ty = self.resolve_named(schema, pointer, name);
                self.resolved.insert(pointer.to_owned(), named.clone());
                if self.pending_names.remove(name).is_some() {
                    self.define_alias(
                        name,
                        pointer,
                        docs(schema.schema_data.description.as_deref()),
                        ty,
                    );
                }
                self.record_example(schema, pointer, named);
            }
        }
    }

    /// Whether following component-to-component references from `pointer` comes back to it.
    fn is_alias_cycle(&self, pointer: &str) -> bool {
        let Some(schemas) = self.document.components.as_ref().map(|c| &c.schemas) else {
            return false;
        };
        let mut current = pointer.to_owned();
        for _ in 0..=schemas.len() {
            let key = pointer::unescape_segment(current.trim_start_matches("/components/schemas/"));
            let Some(ReferenceOr::Reference { reference }) = schemas.get(&key) else {
                return false;
            };
            let Some(next) = reference.strip_prefix('#') else {
                return false;
            };
            if next == pointer {
                return true;
            }
            current = next.to_owned();
        }
        false
    }

    fn define_alias(&mut self, name: &str, pointer: &str, docs: Option<String>, target: TypeRef) {
        let slot = self.reserve_slot();
        self.types[slot] = Some(TypeDef {
            name: name.to_owned(),
            origin: pointer.to_owned(),
            docs,
            kind: TypeKind::Alias(target),
        });
    }

    /// Resolves a schema or a reference to one; `hint` names an inline type defined for it.
    pub(super) fn resolve_ref_or<S: AsSchema>(
        &mut self,
        schema: &ReferenceOr<S>,
        pointer: &str,
        hint: &str,
    ) -> TypeRef {
        match schema {
            ReferenceOr::Reference { reference } => {
                self.resolve_ref(reference, &pointer::child(pointer, "$ref"))
            }
            ReferenceOr::Item(schema) => self.resolve_inline(schema.as_schema(), pointer, hint),
        }
    }

    /// The type a `$ref` stands for. Component schemas have names already; other targets are
    /// resolved where they stand.
    pub(super) fn resolve_ref(&mut self, reference: &str, at: &str) -> TypeRef {
        let component = reference
            .strip_prefix('#')
            .and_then(|at| pointer::component_key(at, "schemas"));
        if let Some(key) = component {
            if let Some(name) = self.component_names.get(&key) {
                let named = TypeRef::Named(name.clone());
                return if self.component_is_nullable(&key) {
                    nullable(named)
                } else {
                    named
                };
            }
        }
        let Some((pointer, target)) = self.lookup(reference, at) else {
            return TypeRef::Json;
        };
        if let Some(done) = self.resolved.get(&pointer) {
            return done.clone();
        }
        if self.in_progress.contains(&pointer) {
            self.report(
                Severity::Error,
                Code::CircularRef,
                at,
                format!("`$ref: {reference}` leads back to itself without any schema in between"),
                Some("point one of the references at a real schema"),
            );
            return TypeRef::Json;
        }
        self.in_progress.push(pointer.clone());
        let hint = naming::type_name(pointer.rsplit('/').next().unwrap_or("Schema"));
        let ty = self.resolve_ref_or(&target, &pointer, &hint);
        self.in_progress.pop();
        // Remembered, so a chain of references is walked once, not once per referrer.
        self.resolved.insert(pointer, ty.clone());
        ty
    }

    fn component_is_nullable(&self, key: &str) -> bool {
        let schemas = self.document.components.as_ref().map(|c| &c.schemas);
        matches!(schemas.and_then(|s| s.get(key)), Some(ReferenceOr::Item(s)) if s.schema_data.nullable)
    }

    /// An inline schema: memoized by pointer, example recorded once.
    fn resolve_inline(&mut self, schema: &Schema, pointer: &str, hint: &str) -> TypeRef {
        if let Some(done) = self.resolved.get(pointer) {
            return done.clone();
        }
        let content = defines_type(schema)
            .then(|| content_digest(schema))
            .flatten();
        if let Some(done) = content.as_ref().and_then(|c| self.by_content.get(c)) {
            let ty = done.clone();
            self.resolved.insert(pointer.to_owned(), ty.clone());
            return ty;
        }
        let hint = name_override(&schema.schema_data.extensions)
            .map_or_else(|| hint.to_owned(), naming::type_name);
        let ty = self.resolve_named(schema, pointer, &hint);
        self.resolved.insert(pointer.to_owned(), ty.clone());
        if let Some(content) = content {
            self.by_content.insert(content, ty.clone());
        }
        self.record_example(schema, pointer, ty.clone());
        ty
    }

    fn record_example(&mut self, schema: &Schema, pointer: &str, ty: TypeRef) {
        if let Some(value) = &schema.schema_data.example {
            let at = pointer::child(pointer, "example");
            self.push_example(at, Some(pointer.to_owned()), ty, value);
        }
    }

    /// Resolves a schema that gets `name` if it needs a type of its own.
    fn resolve_named(&mut self, schema: &Schema, pointer: &str, name: &str) -> TypeRef {
        let data = &schema.schema_data;
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values: Vec<Value> = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
                self.string_enum(&values, data, pointer, name)
            }
            SchemaKind::Type(Type::String(s)) => string_type(&s.format),
            SchemaKind::Type(Type::Integer(i)) => integer_type(&i.format),
            // `format: float` too: vendors give "floats" more digits than an `f32` holds
            // (coordinates, say), and every `f32` is exact in an `f64`.
            SchemaKind::Type(Type::Number(_)) => TypeRef::F64,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Bool,
            SchemaKind::Type(Type::Array(a)) => self.array(a.items.as_ref(), pointer, name),
            SchemaKind::Type(Type::Object(o)) => {
                let parts = self.own_parts(
                    &o.properties,
                    &o.required,
                    o.additional_properties.as_ref(),
                    data,
                    pointer,
                    name,
                );
                let parts = ObjectParts {
                    declared_object: true,
                    property_count: (o.min_properties, o.max_properties),
                    ..parts
                };
                self.object(parts, pointer, name)
            }
            SchemaKind::OneOf { one_of } => self.union(
                one_of,
                None,
                data,
                &pointer::child(pointer, "oneOf"),
                pointer,
                name,
            ),
            SchemaKind::AnyOf { any_of } => self.union(
                any_of,
                None,
                data,
                &pointer::child(pointer, "anyOf"),
                pointer,
                name,
            ),
            SchemaKind::AllOf { all_of } => {
                self.all_of(all_of, ObjectParts::default(), data, pointer, name)
            }
            SchemaKind::Not { .. } => TypeRef::Json,
            SchemaKind::Any(any) => self.any_schema(any, data, pointer, name),
        };
        if data.nullable {
            nullable(ty)
        } else {
            ty
        }
    }

    /// A schema with no single `type`, or with a mix of keywords.
    fn any_schema(
        &mut self,
        any: &AnySchema,
        data: &SchemaData,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        let own = |this: &mut Self| {
            this.own_parts(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                data,
                pointer,
                name,
            )
        };
        if !any.all_of.is_empty() {
            let parts = own(self);
            return self.all_of(&any.all_of, parts, data, pointer, name);
        }
        let (alternatives, key) = if any.one_of.is_empty() {
            (&any.any_of, "anyOf")
        } else {
            (&any.one_of, "oneOf")
        };
        if !alternatives.is_empty() {
            let list_pointer = pointer::child(pointer, key);
            if any.properties.is_empty() && any.required.is_empty() {
                return self.union(alternatives, None, data, &list_pointer, pointer, name);
            }
            let shared = own(self);
            return self.union_with_shared(
                alternatives,
                shared,
                data,
                &list_pointer,
                pointer,
                name,
            );
        }
        // Object and array keywords apply to values of that type only: beside another
        // declared type (`type: integer` with `additionalProperties`) they say nothing.
        let declared = |kind: &str| any.typ.as_deref().is_none_or(|t| t == kind);
        let object_keywords = !any.properties.is_empty() || any.additional_properties.is_some();
        if any.typ.as_deref() == Some("object") || (object_keywords && declared("object")) {
            let parts = ObjectParts {
                property_count: (any.min_properties, any.max_properties),
                ..own(self)
            };
            return self.object(parts, pointer, name);
        }
        if any.typ.as_deref() == Some("array") {
            return self.array(any.items.as_ref(), pointer, name);
        }
        if any.typ.is_none() && any.items.is_some() {
            return self.array_or_any(any.items.as_ref(), data, pointer, name);
        }
        self.check_enum_kind(any, pointer);
        if !any.enumeration.is_empty()
            && any.enumeration.iter().all(|v| v.is_string() || v.is_null())
        {
            return self.string_enum(&any.enumeration, data, pointer, name);
        }
        any_scalar(any)
    }

    /// Reports an `enum` that lists no value of the declared `type`: nothing satisfies both.
    fn check_enum_kind(&mut self, any: &AnySchema, pointer: &str) {
        let Some(kind) = any.typ.as_deref() else {
            return;
        };
        if any.enumeration.is_empty() || any.enumeration.iter().any(|v| of_kind(v, kind)) {
            return;
        }
        self.report(
            Severity::Warning,
            Code::Suspect,
            &pointer::child(pointer, "enum"),
            format!("`enum` lists no value of type {kind}: no value satisfies this schema"),
            Some("make the listed values and `type` agree"),
        );
    }

    /// `oneOf`/`anyOf` beside `properties`/`required`: the shared part belongs to every
    /// alternative, as in `allOf`. Alternatives that only require properties make one struct
    /// whose `validate()` checks that one of those sets is present.
    fn union_with_shared(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        mut shared: ObjectParts,
        data: &SchemaData,
        list_pointer: &str,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        let Some(sets) = required_only(alternatives) else {
            return self.union(
                alternatives,
                Some(&shared),
                data,
                list_pointer,
                pointer,
                name,
            );
        };
        let exclusive = list_pointer.ends_with("/oneOf");
        let rule = RequiredSets { sets, exclusive };
        shared.required_sets = Some((rule, list_pointer.to_owned()));
        self.object(shared, pointer, name)
    }

    /// An alternative with the properties beside its union merged in.
    fn merged_alternative(
        &mut self,
        shared: &ObjectParts,
        alternative: &ReferenceOr<Schema>,
        at: &str,
        name: &str,
    ) -> TypeRef {
        let mut parts = shared.clone();
        parts.docs = None;
        let mut others = Vec::new();
        self.gather_part(alternative, at.to_owned(), name, &mut parts, &mut others);
        for (_, at) in &others {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                at,
                "this alternative is not an object; its variant holds only the properties beside the union".into(),
                None,
            );
        }
        self.object(parts, at, name)
    }

    fn array<S: AsSchema>(
        &mut self,
        items: Option<&ReferenceOr<S>>,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        let item = match items {
            Some(items) => self.resolve_ref_or(
                items,
                &pointer::child(pointer, "items"),
                &naming::nested(name, "Item"),
            ),
            None => TypeRef::Json,
        };
        TypeRef::List(Box::new(item))
    }

    /// `items` without `type: array`: JSON Schema applies `items` to arrays only and accepts
    /// any other value (Slack describes objects this way), so the type is a list of the items
    /// or any other JSON value.
    fn array_or_any(
        &mut self,
        items: Option<&ReferenceOr<Box<Schema>>>,
        data: &SchemaData,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        self.report(
            Severity::Warning,
            Code::Suspect,
            pointer,
            "`items` without `type: array` accepts any value that is not an array too: typed as a list of the items or any other JSON value".into(),
            Some("add `type: array` if the value is always an array"),
        );
        let slot = self.reserve_slot();
        let type_name = self.claim_type_name(name, pointer);
        let named = TypeRef::Named(type_name.clone());
        self.resolved.insert(pointer.to_owned(), named.clone());
        let list = self.array(items, pointer, &type_name);
        let variant = |name: &str, ty| UnionVariant {
            name: name.into(),
            ty,
            tag_values: Vec::new(),
            boxed: false,
        };
        self.types[slot] = Some(TypeDef {
            name: type_name,
            origin: pointer.to_owned(),
            docs: docs(data.description.as_deref()),
            kind: TypeKind::Union(Union {
                variants: vec![variant("List", list), variant("Other", TypeRef::Json)],
                tag: None,
            }),
        });
        named
    }

    fn own_parts(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        data: &SchemaData,
        pointer: &str,
        name: &str,
    ) -> ObjectParts {
        let mut parts = ObjectParts {
            docs: docs(data.description.as_deref()),
            ..ObjectParts::default()
        };
        let properties_pointer = pointer::child(pointer, "properties");
        for (wire, schema) in properties {
            let hint = naming::nested(name, &naming::type_name(wire));
            parts.properties.insert(
                wire.clone(),
                (
                    schema.clone(),
                    pointer::child(&properties_pointer, wire),
                    hint,
                ),
            );
        }
        parts.required = required.to_vec();
        parts.additional =
            additional.map(|a| (a.clone(), pointer::child(pointer, "additionalProperties")));
        parts
    }

    /// An object: a struct when it declares properties, a map or any JSON value when not.
    fn object(&mut self, mut parts: ObjectParts, pointer: &str, name: &str) -> TypeRef {
        let additional = parts
            .additional
            .as_ref()
            .map(|(additional, at)| match additional {
                AdditionalProperties::Any(true) => Some(TypeRef::Json),
                AdditionalProperties::Any(false) => None,
                AdditionalProperties::Schema(schema) => {
                    Some(self.resolve_ref_or(schema, at, &naming::nested(name, "Value")))
                }
            });
        let additional = additional.flatten();
        let closed = matches!(
            parts.additional,
            Some((AdditionalProperties::Any(false), _))
        );
        self.declare_required_only(&mut parts, closed, pointer, name);
        if parts.properties.is_empty() {
            if let Some((_, at)) = &parts.required_sets {
                self.report(
                    Severity::Warning,
                    Code::Unsupported,
                    at,
                    "these alternatives require properties the schema does not declare; the rule is not checked".into(),
                    Some("declare the properties beside the union"),
                );
            }
            // An object of anything is still an object: a map, which an array, a string or
            // a number does not decode into.
            let open = parts.declared_object && !closed;
            let value = additional.or(open.then_some(TypeRef::Json));
            return value.map_or(TypeRef::Json, |value| TypeRef::Map(Box::new(value)));
        }
        let slot = self.reserve_slot();
        let type_name = self.claim_type_name(name, pointer);
        let named = TypeRef::Named(type_name.clone());
        self.resolved.insert(pointer.to_owned(), named.clone());
        let mut field_names = Namespace::default();
        if additional.is_some() {
            field_names.claim("additional_properties");
        }
        let mut fields = Vec::new();
        for (wire, (schema, at, hint)) in &parts.properties {
            let hint = match hint.strip_prefix(name.trim_end_matches('_')) {
                Some(rest) => naming::nested(&type_name, rest),
                None => hint.clone(),
            };
            let field_name = field_names.claim(&naming::snake_name(wire)).0;
            let required = parts.required.contains(wire);
            fields.push(self.field(field_name, wire, schema, at, &hint, required));
        }
        let seen = closed || additional.is_some();
        let required_sets = parts
            .required_sets
            .and_then(|(rule, at)| self.checkable_sets(rule, &fields, seen, &at));
        self.types[slot] = Some(TypeDef {
            name: type_name,
            origin: pointer.to_owned(),
            docs: parts.docs,
            kind: TypeKind::Struct(Struct {
                fields,
                additional,
                required_sets,
                closed,
                property_count: parts.property_count,
            }),
        });
        named
    }

    /// A property listed in `required` but not declared must still be present, with any
    /// value (or one of `additionalProperties`): it becomes a field rather than vanish on
    /// decoding, and the likely misspelling is reported.
    fn declare_required_only(
        &mut self,
        parts: &mut ObjectParts,
        closed: bool,
        pointer: &str,
        name: &str,
    ) {
        let undeclared: Vec<(usize, String)> = (parts.required.iter().enumerate())
            .filter(|(_, wire)| !parts.properties.contains_key(*wire))
            .map(|(index, wire)| (index, wire.clone()))
            .collect();
        for (index, wire) in undeclared {
            let at = pointer::child(&pointer::child(pointer, "required"), &index.to_string());
            if closed {
                // A field would accept what the schema refuses; the type stays as declared.
                self.report(
                    Severity::Warning,
                    Code::Suspect,
                    &at,
                    format!("`{wire}` is required but the object is closed and does not declare it: no value satisfies this schema"),
                    Some("declare it under `properties`, or correct its name in `required`"),
                );
                continue;
            }
            let schema = match &parts.additional {
                Some((AdditionalProperties::Schema(schema), _)) => match schema.as_ref() {
                    ReferenceOr::Reference { reference } => ReferenceOr::Reference {
                        reference: reference.clone(),
                    },
                    ReferenceOr::Item(item) => ReferenceOr::Item(Box::new(item.clone())),
                },
                _ => ReferenceOr::Item(Box::new(Schema {
                    schema_data: SchemaData::default(),
                    schema_kind: SchemaKind::Any(AnySchema::default()),
                })),
            };
            let hint = naming::nested(name, &naming::type_name(&wire));
            self.report(
                Severity::Warning,
                Code::Suspect,
                &at,
                format!("`{wire}` is required but not among the properties: it is a field of any JSON value"),
                Some("declare it under `properties`, or correct its name in `required`"),
            );
            parts.properties.insert(wire, (schema, at, hint));
        }
    }

    /// A struct field for the property `wire`, its type resolved under `hint`.
    fn field(
        &mut self,
        name: String,
        wire: &str,
        schema: &ReferenceOr<Box<Schema>>,
        at: &str,
        hint: &str,
        listed_required: bool,
    ) -> Field {
        let ty = self.resolve_ref_or(schema, at, hint);
        let item = self.followed(schema);
        let data = item.as_ref().map(|s| &s.schema_data);
        Field {
            name,
            wire: wire.to_owned(),
            docs: match schema {
                ReferenceOr::Item(s) => docs(
                    s.schema_data
                        .description
                        .as_deref()
                        .or(s.schema_data.title.as_deref()),
                ),
                ReferenceOr::Reference { .. } => None,
            },
            // A read-only property is required of responses only, a write-only one of
            // requests only (OpenAPI 3.0): one type serves both, so neither is required.
            required: listed_required && !data.is_some_and(|d| d.read_only || d.write_only),
            boxed: false,
            secret: is_secret(wire, item.as_ref()),
            deprecated: data.is_some_and(|d| d.deprecated),
            constraints: item
                .as_ref()
                .map(|item| self.constraints(item))
                .unwrap_or_default(),
            seen_through: None,
            ty,
        }
    }

    /// The required sets, when `validate()` can check them. A property that is not a field is
    /// seen in the map of extra properties, or never present when the object is closed
    /// (`seen`); otherwise it is dropped on decoding, and the rule, which it would decide, is
    /// left unchecked and reported.
    fn checkable_sets(
        &mut self,
        rule: RequiredSets,
        fields: &[Field],
        seen: bool,
        at: &str,
    ) -> Option<RequiredSets> {
        if seen {
            return Some(rule);
        }
        let mut unseen = rule.sets.iter().enumerate().flat_map(|(index, set)| {
            set.iter()
                .filter(|wire| !fields.iter().any(|f| &f.wire == *wire))
                .map(move |wire| (index, wire))
        });
        let Some((index, wire)) = unseen.next() else {
            return Some(rule);
        };
        self.report(
            Severity::Warning,
            Code::Unsupported,
            &pointer::child(&pointer::child(at, &index.to_string()), "required"),
            format!("`{wire}` is required here but not declared beside the union, so decoding drops it; `validate()` does not check these alternatives"),
            Some("declare the property beside the union"),
        );
        None
    }

    /// The schema a property stands for, following a reference to a component (the rules of
    /// a component that is not an object apply to the field).
    fn followed(&self, schema: &ReferenceOr<Box<Schema>>) -> Option<Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some((**schema).clone()),
            ReferenceOr::Reference { reference } => self.component_schema(reference).cloned(),
        }
    }

    /// The component schema a local `$ref` names, when it is one written out.
    pub(super) fn component_schema(&self, reference: &str) -> Option<&'a Schema> {
        let key = reference.strip_prefix("#/components/schemas/")?;
        match self.document.components.as_ref()?.schemas.get(key)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Validation rules of a property or parameter, with those of list items a `$ref` names.
    pub(super) fn constraints(&self, schema: &Schema) -> Constraints {
        constraints(schema, &|reference| self.component_schema(reference), 8)
    }

    /// `allOf`: every object part merged into one struct. A lone reference (3.1's `$ref` with
    /// a sibling `description`) stays that type.
    fn all_of(
        &mut self,
        all_of: &[ReferenceOr<Schema>],
        mut parts: ObjectParts,
        data: &SchemaData,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        if parts.docs.is_none() {
            parts.docs = docs(data.description.as_deref());
        }
        let real: Vec<&ReferenceOr<Schema>> = all_of.iter().filter(|p| !is_annotation(p)).collect();
        if let ([ReferenceOr::Reference { reference }], true) =
            (real.as_slice(), parts.properties.is_empty())
        {
            return self.resolve_ref(reference, &pointer::child(pointer, "allOf"));
        }
        let mut others = Vec::new();
        self.gather_all_of(
            all_of,
            &pointer::child(pointer, "allOf"),
            name,
            &mut parts,
            &mut others,
        );
        if parts.properties.is_empty() && parts.additional.is_none() {
            if let [(only, at)] = others.as_slice() {
                return self.resolve_ref_or(only, at, name);
            }
        }
        for (_, at) in &others {
            self.report(
                Severity::Warning,
                Code::Unsupported,
                at,
                "this `allOf` part is not an object; only its object parts are merged".into(),
                None,
            );
        }
        self.object(parts, pointer, name)
    }

    fn gather_all_of(
        &mut self,
        all_of: &[ReferenceOr<Schema>],
        pointer: &str,
        name: &str,
        parts: &mut ObjectParts,
        others: &mut Vec<(ReferenceOr<Schema>, String)>,
    ) {
        for (index, part) in all_of.iter().enumerate() {
            let at = pointer::child(pointer, &index.to_string());
            self.gather_part(part, at, name, parts, others);
        }
    }

    /// Merges one `allOf` part (or one alternative beside shared properties) at `at` into
    /// `parts`; what is no object goes to `others`.
    fn gather_part(
        &mut self,
        part: &ReferenceOr<Schema>,
        at: String,
        name: &str,
        parts: &mut ObjectParts,
        others: &mut Vec<(ReferenceOr<Schema>, String)>,
    ) {
        let (schema, at, owner) = match part {
            ReferenceOr::Item(schema) => (schema.clone(), at, name.to_owned()),
            ReferenceOr::Reference { reference } => {
                let Some((target, ReferenceOr::Item(schema))) = self.lookup(reference, &at) else {
                    others.push((part.clone(), at));
                    return;
                };
                if self.in_progress.contains(&target) {
                    self.report(
                        Severity::Error,
                        Code::CircularRef,
                        &at,
                        format!("`allOf` includes `{reference}`, which includes this schema again"),
                        Some("an object cannot be composed of itself; break the cycle"),
                    );
                    return;
                }
                if !is_object_like(&schema) {
                    others.push((part.clone(), at));
                    return;
                }
                if !parts.merged.insert(target.clone()) {
                    return;
                }
                let owner = self
                    .resolved
                    .get(&target)
                    .and_then(|t| t.direct_name().map(str::to_owned));
                let owner = owner.unwrap_or_else(|| {
                    naming::type_name(target.rsplit('/').next().unwrap_or(name))
                });
                (schema, target, owner)
            }
        };
        self.in_progress.push(at.clone());
        self.merge_part(&schema, &at, &owner, parts, others);
        self.in_progress.pop();
    }

    fn merge_part(
        &mut self,
        schema: &Schema,
        at: &str,
        owner: &str,
        parts: &mut ObjectParts,
        others: &mut Vec<(ReferenceOr<Schema>, String)>,
    ) {
        let data = &schema.schema_data;
        let (properties, required, additional, nested) = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                &[][..],
            ),
            SchemaKind::AllOf { all_of } => {
                (&IndexMap::new(), &Vec::new(), None, all_of.as_slice())
            }
            SchemaKind::Any(any) if is_object_like(schema) => (
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                any.all_of.as_slice(),
            ),
            SchemaKind::Any(any) if any == &AnySchema::default() => {
                if parts.docs.is_none() {
                    parts.docs = docs(data.description.as_deref());
                }
                return;
            }
            _ => {
                others.push((ReferenceOr::Item(schema.clone()), at.to_owned()));
                return;
            }
        };
        // Properties declared in a nested allOf are pushed in order.
        let own = self.own_parts(properties, required, additional, data, at, owner);
        if !nested.is_empty() {
            self.gather_all_of(nested, &pointer::child(at, "allOf"), owner, parts, others);
        }
        for (wire, entry) in own.properties {
            parts.properties.insert(wire, entry);
        }
        for wire in own.required {
            if !parts.required.contains(&wire) {
                parts.required.push(wire);
            }
        }
        if own.additional.is_some() {
            parts.additional = own.additional;
        }
        if parts.docs.is_none() {
            parts.docs = own.docs;
        }
    }

    /// An open string enum. `x-enum-varnames` and `x-enumNames` name the variants.
    fn string_enum(
        &mut self,
        values: &[Value],
        data: &SchemaData,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        if values.iter().all(Value::is_null) {
            // Only `null` is allowed: nothing to name.
            return TypeRef::Nullable(Box::new(TypeRef::Json));
        }
        let slot = self.reserve_slot();
        let type_name = self.claim_type_name(name, pointer);
        let mut names = Namespace::default();
        let variants = self.enum_variants(values, data, pointer, &type_name, &mut names);
        let catch_all = catch_all_variant(&mut names, variants.len());
        self.types[slot] = Some(TypeDef {
            name: type_name.clone(),
            origin: pointer.to_owned(),
            docs: docs(data.description.as_deref()),
            kind: TypeKind::Enum(OpenEnum {
                variants,
                catch_all,
            }),
        });
        let named = TypeRef::Named(type_name);
        if values.iter().any(Value::is_null) {
            nullable(named)
        } else {
            named
        }
    }

    /// One variant per distinct non-null value, named in `names`; a clash is numbered and
    /// reported.
    fn enum_variants(
        &mut self,
        values: &[Value],
        data: &SchemaData,
        pointer: &str,
        type_name: &str,
        names: &mut Namespace,
    ) -> Vec<EnumVariant> {
        let given_names = string_list(
            data.extensions
                .get("x-enum-varnames")
                .or(data.extensions.get("x-enumNames")),
        );
        let descriptions = string_list(data.extensions.get("x-enum-descriptions"));
        let mut variants = Vec::new();
        for (index, value) in values.iter().enumerate() {
            let wire = match value {
                Value::Null => continue,
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if variants.iter().any(|v: &EnumVariant| v.wire == wire) {
                continue;
            }
            let wanted = match given_names.get(index) {
                // Stripping may leave a keyword (`UserTypeSelf` -> `Self`): name it again.
                Some(given) => naming::variant_name(&naming::strip_type_prefix(
                    &naming::variant_name(given),
                    type_name,
                )),
                None => naming::variant_name(&wire),
            };
            let (variant, renamed) = names.claim(&wanted);
            if renamed {
                self.report(
                    Severity::Warning,
                    Code::NameCollision,
                    &pointer::child(&pointer::child(pointer, "enum"), &index.to_string()),
                    format!("enum value `{wire}` maps to the variant name `{wanted}`, already taken; it is named `{variant}`"),
                    Some("name the variants with `x-enum-varnames`"),
                );
            }
            variants.push(EnumVariant {
                name: variant,
                wire,
                docs: descriptions.get(index).and_then(|d| docs(Some(d))),
            });
        }
        variants
    }

    /// `oneOf`/`anyOf`: an enum of the distinct alternatives (each with the `shared` properties
    /// beside the union merged in), tagged by the discriminator, or by a property every
    /// alternative fixes to a value of its own.
    fn union(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        shared: Option<&ObjectParts>,
        data: &SchemaData,
        list_pointer: &str,
        pointer: &str,
        name: &str,
    ) -> TypeRef {
        let distinct = distinct_alternatives(alternatives);
        if distinct.is_empty() {
            // Every alternative was `null` (3.1 lowering removed them): any JSON value.
            return TypeRef::Json;
        }
        if let [only] = distinct.as_slice() {
            let at = pointer::child(list_pointer, &only.to_string());
            let ty = match shared {
                Some(shared) => self.merged_alternative(shared, &alternatives[*only], &at, name),
                None => self.resolve_ref_or(&alternatives[*only], &at, name),
            };
            self.document_if_undocumented(&ty, data);
            return ty;
        }
        let slot = self.reserve_slot();
        let type_name = self.claim_type_name(name, pointer);
        self.resolved
            .insert(pointer.to_owned(), TypeRef::Named(type_name.clone()));
        let label_property = data
            .discriminator
            .as_ref()
            .map(|d| d.property_name.clone())
            .or_else(|| fixed_everywhere(alternatives));
        let mut variants = self.union_variants(
            alternatives,
            &distinct,
            shared,
            label_property.as_deref(),
            list_pointer,
            &type_name,
        );
        let tag = match &data.discriminator {
            Some(discriminator) => self.union_tag(
                discriminator,
                &mut variants,
                alternatives,
                &distinct,
                pointer,
            ),
            None => self.fixed_tag(&mut variants),
        };
        if tag.is_none() {
            order_untagged(&mut variants);
        }
        self.types[slot] = Some(TypeDef {
            name: type_name.clone(),
            origin: pointer.to_owned(),
            docs: docs(data.description.as_deref()),
            kind: TypeKind::Union(Union { variants, tag }),
        });
        TypeRef::Named(type_name)
    }

    /// One variant per distinct alternative, named in the union's own namespace.
    fn union_variants(
        &mut self,
        alternatives: &[ReferenceOr<Schema>],
        distinct: &[usize],
        shared: Option<&ObjectParts>,
        label_property: Option<&str>,
        list_pointer: &str,
        type_name: &str,
    ) -> Vec<UnionVariant> {
        let mut names = Namespace::default();
        let mut variants = Vec::new();
        for (position, &index) in distinct.iter().enumerate() {
            let alternative = &alternatives[index];
            let mut wanted =
                self.variant_label(alternative, alternatives, position, label_property);
            // A variant named after a shared property would take the name of its type.
            if shared.is_some_and(|s| s.properties.keys().any(|p| naming::type_name(p) == wanted)) {
                wanted = format!("With{wanted}");
            }
            let variant = names.claim(&wanted).0;
            let at = pointer::child(list_pointer, &index.to_string());
            let hint = naming::nested(type_name, &variant);
            let ty = match shared {
                Some(shared) => self.merged_alternative(shared, alternative, &at, &hint),
                None => self.resolve_ref_or(alternative, &at, &hint),
            };
            variants.push(UnionVariant {
                name: variant,
                ty,
                tag_values: Vec::new(),
                boxed: false,
            });
        }
        variants
    }

    /// Gives each variant (of the alternatives at `distinct`) its discriminator values: those
    /// `mapping` gives it, else the one value its type allows for the property, else the name
    /// of the schema it refers to. The tag property when every variant has one; else `None`,
    /// reported: decoded by shape.
    fn union_tag(
        &mut self,
        discriminator: &openapiv3::Discriminator,
        variants: &mut [UnionVariant],
        alternatives: &[ReferenceOr<Schema>],
        distinct: &[usize],
        pointer: &str,
    ) -> Option<String> {
        let property = &discriminator.property_name;
        let mut claimed: Vec<String> = Vec::new();
        for (variant, &index) in variants.iter_mut().zip(distinct) {
            let alternative = &alternatives[index];
            let mut values = mapped_values(discriminator, alternative);
            if values.is_empty() {
                values.extend(
                    self.fixed_value(&variant.ty, property)
                        .map(|(value, _)| value),
                );
            }
            if let (true, ReferenceOr::Reference { reference }) = (values.is_empty(), alternative) {
                values.push(pointer::last_segment(reference));
            }
            // A tag value mapped to two alternatives selects the first.
            variant.tag_values = values
                .into_iter()
                .filter(|value| !claimed.contains(value))
                .collect();
            claimed.extend(variant.tag_values.iter().cloned());
        }
        if variants.iter().all(|v| !v.tag_values.is_empty()) {
            return Some(property.clone());
        }
        self.report(
            Severity::Warning,
            Code::Unsupported,
            &pointer::child(pointer, "discriminator"),
            "the discriminator does not name a value for every alternative; the union is decoded by shape".into(),
            Some("list every alternative in `discriminator.mapping`"),
        );
        None
    }

    /// A union without a discriminator is still tagged when one required property is fixed
    /// (`const`, or an enum of one value) in every variant, to a value of its own: a `const`
    /// is a closed value, so it tells the variants apart better than their shapes do.
    fn fixed_tag(&self, variants: &mut [UnionVariant]) -> Option<String> {
        let first = variants.first()?.ty.direct_name()?;
        let Some(TypeKind::Struct(s)) = self.type_def(first).map(|d| &d.kind) else {
            return None;
        };
        let candidates: Vec<String> = s.fields.iter().map(|f| f.wire.clone()).collect();
        for property in candidates {
            let values: Option<Vec<String>> = variants
                .iter()
                .map(|v| match self.fixed_value(&v.ty, &property) {
                    Some((value, true)) => Some(value),
                    _ => None,
                })
                .collect();
            let Some(values) = values else { continue };
            let distinct: std::collections::BTreeSet<&String> = values.iter().collect();
            if distinct.len() == values.len() {
                for (variant, value) in variants.iter_mut().zip(values) {
                    variant.tag_values = vec![value];
                }
                return Some(property);
            }
        }
        None
    }

    /// The one value a variant's struct allows for `property` (a `const` or an enum of one
    /// value), and whether the property is required.
    fn fixed_value(&self, ty: &TypeRef, property: &str) -> Option<(String, bool)> {
        let TypeKind::Struct(s) = &self.type_def(ty.direct_name()?)?.kind else {
            return None;
        };
        let field = s.fields.iter().find(|f| f.wire == property)?;
        if field.is_nullable() {
            return None;
        }
        let TypeKind::Enum(e) = &self.type_def(field.ty.direct_name()?)?.kind else {
            return None;
        };
        match e.variants.as_slice() {
            [only] => Some((only.wire.clone(), field.required)),
            _ => None,
        }
    }

    /// The definition a type name stands for, seen through aliases; `None` while it is being
    /// built.
    pub(super) fn type_def(&self, name: &str) -> Option<&TypeDef> {
        let mut name = name.to_owned();
        for _ in 0..8 {
            let def = self.types.iter().flatten().find(|t| t.name == name)?;
            match &def.kind {
                TypeKind::Alias(target) => name = target.direct_name()?.to_owned(),
                _ => return Some(def),
            }
        }
        None
    }

    /// Gives an inline type the documentation of the schema it stands for, if it has none.
    fn document_if_undocumented(&mut self, ty: &TypeRef, data: &SchemaData) {
        let Some(name) = ty.direct_name() else { return };
        let def = self.types.iter_mut().flatten().find(|t| t.name == name);
        if let Some(def) = def.filter(|d| d.docs.is_none()) {
            def.docs = docs(data.description.as_deref());
        }
    }

    /// A meaningful variant name: the referenced type, the title, a property only this
    /// alternative has, or the JSON type.
    fn variant_label(
        &self,
        alternative: &ReferenceOr<Schema>,
        all: &[ReferenceOr<Schema>],
        position: usize,
        label_property: Option<&str>,
    ) -> String {
        let schema = match alternative {
            ReferenceOr::Reference { reference } => {
                let key = pointer::last_segment(reference);
                return self
                    .component_names
                    .get(&key)
                    .cloned()
                    .unwrap_or_else(|| naming::type_name(&key));
            }
            ReferenceOr::Item(schema) => schema,
        };
        if let Some(title) = &schema.schema_data.title {
            return naming::type_name(title);
        }
        if let Some(value) = label_property.and_then(|p| fixed_in_schema(schema, p)) {
            return naming::type_name(&value);
        }
        let own = property_names(schema);
        let elsewhere: Vec<&str> = all
            .iter()
            .filter(|other| !std::ptr::eq(*other, alternative))
            .filter_map(|other| other.as_item())
            .flat_map(property_names)
            .collect();
        let required = required_names(schema);
        let unique = required
            .iter()
            .chain(own.iter())
            .find(|p| !elsewhere.contains(p));
        if let Some(property) = unique {
            return naming::type_name(property);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => "String".into(),
            SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
            SchemaKind::Type(Type::Number(_)) => "Number".into(),
            SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
            SchemaKind::Type(Type::Array(_)) => "List".into(),
            SchemaKind::Type(Type::Object(_)) if own.is_empty() => "Object".into(),
            _ => format!("Variant{}", position + 1),
        }
    }
}

/// Lets `resolve_ref_or` take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
pub(super) trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// The catch-all variant of an open enum: `Unknown`, unless a listed value took it.
fn catch_all_variant(names: &mut Namespace, listed: usize) -> String {
    let free = ["Unknown", "UnknownValue", "Unlisted"]
        .into_iter()
        .find(|candidate| !names.contains(candidate));
    let wanted = free.map_or_else(|| format!("Unknown{listed}"), str::to_owned);
    names.claim(&wanted).0
}

fn nullable(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::Nullable(_) => ty,
        other => TypeRef::Nullable(Box::new(other)),
    }
}

/// Whether a JSON value is of the JSON Schema type `kind` (`null` is never listed alone).
fn of_kind(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

/// A schema of no single `type` that is no object, list or enum: its `type` and `format` as a
/// scalar, or any JSON value.
fn any_scalar(any: &AnySchema) -> TypeRef {
    let format = any
        .format
        .clone()
        .map_or(VariantOrUnknownOrEmpty::Empty, |f| match f.parse() {
            Ok(known) => VariantOrUnknownOrEmpty::Item(known),
            Err(()) => VariantOrUnknownOrEmpty::Unknown(f),
        });
    match any.typ.as_deref() {
        Some("string") => string_type(&format),
        Some("integer") => {
            integer_type(&any.format.as_deref().and_then(|f| f.parse().ok()).map_or(
                VariantOrUnknownOrEmpty::Empty,
                VariantOrUnknownOrEmpty::Item,
            ))
        }
        Some("number") => TypeRef::F64,
        Some("boolean") => TypeRef::Bool,
        _ => TypeRef::Json,
    }
}

fn string_type(format: &VariantOrUnknownOrEmpty<StringFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => TypeRef::Bytes,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
        VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => TypeRef::Uuid,
        _ => TypeRef::String,
    }
}

fn integer_type(format: &VariantOrUnknownOrEmpty<IntegerFormat>) -> TypeRef {
    match format {
        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
        _ => TypeRef::I64,
    }
}

/// A schema that only documents (a description, say) and adds no structure.
fn is_annotation(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(any) if *any == AnySchema::default()))
}

/// A 128-bit digest of a schema's JSON text, hashed as it is written: keying types by it
/// rather than by the text keeps memory flat, and a collision among even a million schemas
/// has a chance under 1e-26.
fn content_digest(schema: &Schema) -> Option<(u64, u64)> {
    struct Digest(std::hash::DefaultHasher, std::hash::DefaultHasher);
    impl std::io::Write for Digest {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            self.1.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut second = std::hash::DefaultHasher::new();
    // A different prefix makes the second hash independent of the first.
    second.write_u8(0x5a);
    let mut digest = Digest(std::hash::DefaultHasher::new(), second);
    serde_json::to_writer(&mut digest, schema).ok()?;
    Some((digest.0.finish(), digest.1.finish()))
}

/// Whether a schema can become a type of its own (so two copies of it would be two types).
fn defines_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(
            Type::Integer(_) | Type::Number(_) | Type::Boolean(_) | Type::Array(_),
        ) => false,
        _ => true,
    }
}

fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => {
            (!any.properties.is_empty()
                || any.typ.as_deref() == Some("object")
                || !any.all_of.is_empty())
                && any.one_of.is_empty()
                && any.any_of.is_empty()
        }
        _ => false,
    }
}

fn property_names(schema: &Schema) -> Vec<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.keys().map(String::as_str).collect(),
        SchemaKind::Any(any) => any.properties.keys().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

fn required_names(schema: &Schema) -> Vec<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.required.iter().map(String::as_str).collect(),
        SchemaKind::Any(any) => any.required.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Indices of the alternatives that differ in structure; documentation and examples do not
/// count, so two `{message: string}` objects that differ only in their example are one.
fn distinct_alternatives(alternatives: &[ReferenceOr<Schema>]) -> Vec<usize> {
    let mut seen: Vec<Value> = Vec::new();
    let mut distinct = Vec::new();
    for (index, alternative) in alternatives.iter().enumerate() {
        let mut shape = serde_json::to_value(alternative).unwrap_or(Value::Null);
        strip_documentation(&mut shape);
        if !seen.contains(&shape) {
            seen.push(shape);
            distinct.push(index);
        }
    }
    distinct
}

fn strip_documentation(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for key in [
                "description",
                "example",
                "examples",
                "title",
                "externalDocs",
            ] {
                object.remove(key);
            }
            object.retain(|key, _| !key.starts_with("x-"));
            object.values_mut().for_each(strip_documentation);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_documentation),
        _ => {}
    }
}

/// Untagged decoding tries variants in order, and serde lets a struct decode from a JSON array:
/// lists and scalars go first, catch-alls last.
fn order_untagged(variants: &mut [UnionVariant]) {
    variants.iter_mut().for_each(|v| v.tag_values.clear());
    variants.sort_by_key(|v| match &v.ty {
        TypeRef::List(_) => 0,
        TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Nullable(_) => 2,
        TypeRef::Json => 3,
        _ => 1,
    });
}

/// The values `discriminator.mapping` gives a referenced alternative.
fn mapped_values(
    discriminator: &openapiv3::Discriminator,
    alternative: &ReferenceOr<Schema>,
) -> Vec<String> {
    let ReferenceOr::Reference { reference } = alternative else {
        return Vec::new();
    };
    discriminator
        .mapping
        .iter()
        .filter(|(_, target)| *target == reference || reference.ends_with(&format!("/{target}")))
        .map(|(value, _)| value.clone())
        .collect()
}

/// Alternatives that only list required properties (GitHub's "give at least one of these"):
/// their lists, or `None` when any alternative says more.
fn required_only(alternatives: &[ReferenceOr<Schema>]) -> Option<Vec<Vec<String>>> {
    alternatives
        .iter()
        .map(|alternative| {
            let schema = alternative.as_item()?;
            let mut shape = serde_json::to_value(schema).ok()?;
            strip_documentation(&mut shape);
            let object = shape.as_object_mut()?;
            let required = object.remove("required")?;
            if object.get("type").and_then(Value::as_str) == Some("object") {
                object.remove("type");
            }
            let required: Vec<String> = serde_json::from_value(required).ok()?;
            (object.is_empty() && !required.is_empty()).then_some(required)
        })
        .collect()
}

/// The value a property of an inline alternative is fixed to (`const` or an enum of one string).
fn fixed_in_schema(schema: &Schema, property: &str) -> Option<String> {
    let properties = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => &o.properties,
        SchemaKind::Any(any) => &any.properties,
        _ => return None,
    };
    let ReferenceOr::Item(item) = properties.get(property)? else {
        return None;
    };
    match &item.schema_kind {
        SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
            [Some(only)] => Some(only.clone()),
            _ => None,
        },
        SchemaKind::Any(any) => match any.enumeration.as_slice() {
            [Value::String(only)] => Some(only.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A property every inline alternative fixes to a value, to name the variants by.
fn fixed_everywhere(alternatives: &[ReferenceOr<Schema>]) -> Option<String> {
    let inline: Vec<&Schema> = alternatives.iter().filter_map(|a| a.as_item()).collect();
    let first = inline.first()?;
    property_names(first)
        .into_iter()
        .find(|p| inline.iter().all(|s| fixed_in_schema(s, p).is_some()))
        .map(str::to_owned)
}

fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Fields whose values must not show up in logs: `format: password`, or a name that says
/// password, secret, token or key.
fn is_secret(wire: &str, schema: Option<&Schema>) -> bool {
    if let Some(SchemaKind::Type(Type::String(s))) = schema.map(|s| &s.schema_kind) {
        if matches!(
            s.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        ) {
            return true;
        }
    }
    let words = naming::snake_name(wire);
    let words: Vec<&str> = words.split('_').filter(|w| !w.is_empty()).collect();
    let last = words.last().copied().unwrap_or("");
    words
        .iter()
        .any(|w| matches!(*w, "password" | "passwd" | "secret" | "apikey"))
        || matches!(last, "token" | "password")
        || words
            .windows(2)
            .any(|pair| matches!(pair, ["api" | "private" | "secret" | "access", "key"]))
}

/// Validation rules of a schema; `component` finds what a `$ref` of its items names, through
/// at most `depth` references.
fn constraints<'d>(
    schema: &Schema,
    component: &dyn Fn(&str) -> Option<&'d Schema>,
    depth: usize,
) -> Constraints {
    let mut rules = Constraints::default();
    match &schema.schema_kind {
        // Length and pattern rules apply to plain strings and to base64 text; a uuid, a date
        // or an enum is already checked by its type.
        SchemaKind::Type(Type::String(s))
            if s.enumeration.is_empty()
                && matches!(string_type(&s.format), TypeRef::String | TypeRef::Bytes) =>
        {
            rules.min_length = s.min_length.map(|n| n as u64);
            rules.max_length = s.max_length.map(|n| n as u64);
            rules.pattern = s.pattern.clone();
            rules.email = matches!(&s.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "email");
        }
        SchemaKind::Type(Type::Integer(i)) => {
            rules.minimum = i.minimum.map(|v| Bound {
                value: v as f64,
                exclusive: i.exclusive_minimum,
            });
            rules.maximum = i.maximum.map(|v| Bound {
                value: v as f64,
                exclusive: i.exclusive_maximum,
            });
        }
        SchemaKind::Type(Type::Number(n)) => {
            rules.minimum = n.minimum.map(|v| Bound {
                value: v,
                exclusive: n.exclusive_minimum,
            });
            rules.maximum = n.maximum.map(|v| Bound {
                value: v,
                exclusive: n.exclusive_maximum,
            });
        }
        SchemaKind::Type(Type::Array(a)) => {
            rules.min_items = a.min_items.map(|n| n as u64);
            rules.max_items = a.max_items.map(|n| n as u64);
            rules.unique_items = a.unique_items;
            let items = match &a.items {
                Some(ReferenceOr::Item(item)) => constraints(item, component, depth),
                Some(ReferenceOr::Reference { reference }) if depth > 0 => component(reference)
                    .map(|item| constraints(item, component, depth - 1))
                    .unwrap_or_default(),
                _ => Constraints::default(),
            };
            if !items.is_empty() {
                rules.items = Some(Box::new(items));
            }
        }
        _ => {}
    }
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_all_takes_the_first_free_name() {
        let catch_all = |listed: &[&str]| {
            let mut names = Namespace::default();
            for name in listed {
                names.claim(name);
            }
            catch_all_variant(&mut names, listed.len())
        };
        assert_eq!(catch_all(&[]), "Unknown");
        assert_eq!(catch_all(&["Unknown"]), "UnknownValue");
        assert_eq!(catch_all(&["Unknown", "UnknownValue"]), "Unlisted");
        assert_eq!(
            catch_all(&["Unknown", "UnknownValue", "Unlisted"]),
            "Unknown3"
        );
    }
}
