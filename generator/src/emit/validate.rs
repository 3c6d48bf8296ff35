//! `Validate` impls: the schema's rules as checks, every violation collected with its path.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens};
use crate::ir::{Constraints, Field, RequiredSets, Struct, TypeDef, TypeKind, TypeRef};

/// `strict`: whether a server reads the type from a request body, and so checks it against
/// the JSON it came from.
pub fn emit_validate(def: &TypeDef, strict: bool) -> TokenStream {
    let name = ident(&def.name);
    let body = match &def.kind {
        TypeKind::Struct(s) => {
            let fields = s.fields.iter().map(check_field);
            let additional = s
                .additional
                .as_ref()
                .filter(|t| t.contains_named())
                .map(|_| quote!(rt::Validate::check(&self.additional_properties, checker);));
            let sets = s.required_sets.as_ref().map(|r| check_required_sets(r, s));
            let count = check_property_count(s);
            quote! { #(#fields)* #additional #sets #count }
        }
        TypeKind::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let n = ident(&v.name);
                quote!(Self::#n(value) => rt::Validate::check(value, checker),)
            });
            quote! { match self { #(#arms)* } }
        }
        TypeKind::Newtype(_) => quote!(rt::Validate::check(&self.0, checker);),
        TypeKind::Enum(e) => {
            // Decoding keeps values the spec does not list; validating says they are not listed.
            let unknown = ident(&e.catch_all);
            let listed: Vec<String> = e.variants.iter().map(|v| format!("{:?}", v.wire)).collect();
            let message = format!(
                "must be one of {}, is {{value:?}}",
                listed.join(", ").replace('{', "{{").replace('}', "}}")
            );
            quote! {
                if let Self::#unknown(value) = self {
                    checker.report("enum", format!(#message));
                }
            }
        }
        TypeKind::Alias(_) => return TokenStream::new(),
    };
    let checker = if body.is_empty() {
        quote!(_checker)
    } else {
        quote!(checker)
    };
    let nulls = strict.then(|| check_strict_json(def));
    quote! {
        impl rt::Validate for #name {
            fn check(&self, #checker: &mut rt::Checker) {
                #body
            }
            #nulls
        }
    }
}

/// `check_strict_json` of a struct (or a newtype over one): what decoding tolerates but the
/// schema forbids (an array for an object, `null` for a non-nullable optional property, a
/// missing required nullable one, an undeclared one in a closed object), here and in nested
/// generated types.
fn check_strict_json(def: &TypeDef) -> TokenStream {
    let statements: Vec<TokenStream> = match &def.kind {
        TypeKind::Struct(s) => {
            let not_null: Vec<&str> = s
                .fields
                .iter()
                .filter(|f| !f.required && !f.keeps_null())
                .map(|f| f.wire.as_str())
                .collect();
            let reject = (!not_null.is_empty())
                .then(|| quote!(checker.reject_nulls(object, &[#(#not_null),*]);));
            // A required nullable property decodes as `None` when missing; it must be there.
            let present: Vec<&str> = s
                .fields
                .iter()
                .filter(|f| f.required && f.is_nullable())
                .map(|f| f.wire.as_str())
                .collect();
            let present = (!present.is_empty())
                .then(|| quote!(checker.require_present(object, &[#(#present),*]);));
            let declared = s.fields.iter().map(|f| f.wire.as_str());
            let closed = s
                .closed
                .then(|| quote!(checker.reject_undeclared(object, &[#(#declared),*]);));
            reject
                .into_iter()
                .chain(present)
                .chain(closed)
                .chain(s.fields.iter().map(|field| {
                    let wire = &field.wire;
                    let nested = field.ty.contains_named().then(|| {
                        let ty = type_tokens(field.ty.non_null(), &TokenStream::new());
                        quote!(checker.strict_field::<#ty>(object, #wire);)
                    });
                    quote!(#nested)
                }))
                .filter(|t| !t.is_empty())
                .collect()
        }
        TypeKind::Newtype(target) if target.contains_named() => {
            let ty = type_tokens(target, &TokenStream::new());
            return quote! {
                fn check_strict_json(json: &serde_json::Value, checker: &mut rt::Checker) {
                    <#ty as rt::Validate>::check_strict_json(json, checker);
                }
            };
        }
        _ => Vec::new(),
    };
    if !matches!(def.kind, TypeKind::Struct(_)) {
        return TokenStream::new();
    }
    // Decoding refused anything but an object; only its members are left to check.
    let object = if statements.is_empty() {
        quote!(_object)
    } else {
        quote!(object)
    };
    quote! {
        fn check_strict_json(json: &serde_json::Value, checker: &mut rt::Checker) {
            let Some(#object) = checker.object(json) else { return };
            #(#statements)*
        }
    }
}

/// `minProperties`/`maxProperties`, of the properties the value encodes.
fn check_property_count(s: &Struct) -> Option<TokenStream> {
    let (min, max) = s.property_count;
    if min.is_none_or(|min| min == 0) && max.is_none() {
        return None;
    }
    let present = present_fields(s);
    let min = min.map(|min| quote!(checker.min_properties(present, #min);));
    let max = max.map(|max| quote!(checker.max_properties(present, #max);));
    Some(quote! {
        let present = #present;
        #min
        #max
    })
}

/// How many properties the value encodes: its required fields, the optional ones it has, and
/// its extra properties.
fn present_fields(s: &Struct) -> TokenStream {
    let required = s.fields.iter().filter(|f| f.required).count();
    let required = (required > 0).then(|| quote!(#required));
    let optional = s.fields.iter().filter(|f| !f.required).map(|f| {
        let name = ident(&f.name);
        quote!(usize::from(self.#name.is_some()))
    });
    let additional = (s.additional.as_ref()).map(|_| quote!(self.additional_properties.len()));
    let terms: Vec<TokenStream> = required
        .into_iter()
        .chain(optional)
        .chain(additional)
        .collect();
    if terms.is_empty() {
        return quote!(0usize);
    }
    quote!(#(#terms)+*)
}

/// One set of the listed properties must be present in full; a required field always is. A
/// property that is not a field is in the map of extra properties, or (the object being
/// closed) never present.
fn check_required_sets(rule: &RequiredSets, s: &Struct) -> TokenStream {
    let fields = &s.fields;
    let sets = rule.sets.iter().map(|set| quote!(&[#(#set),*]));
    let exclusive = rule.exclusive;
    let mut named: Vec<&str> = rule.sets.iter().flatten().map(String::as_str).collect();
    named.sort_unstable();
    named.dedup();
    let arms = named.iter().filter_map(|wire| {
        let field = fields.iter().find(|f| f.wire == *wire)?;
        let name = ident(&field.name);
        let present = if field.required {
            quote!(true)
        } else {
            quote!(self.#name.is_some())
        };
        Some(quote!(#wire => #present,))
    });
    let undeclared = if s.additional.is_some() {
        quote!(other => self.additional_properties.contains_key(other),)
    } else {
        quote!(_ => false,)
    };
    quote! {
        checker.required_sets(&[#(#sets),*], #exclusive, |wire| match wire {
            #(#arms)*
            #undeclared
        });
    }
}

fn check_field(field: &Field) -> TokenStream {
    // The rules check the value the type stands for; an alias may add a layer of `null`.
    let value_ty = field.seen_through.as_ref().unwrap_or(field.ty.non_null());
    let (checked_ty, alias_nulls) = null_layers(value_ty);
    let rules = rule_checks(&field.constraints, checked_ty, &quote!(value));
    let nested = field.ty.contains_named();
    if rules.is_empty() && !nested {
        return TokenStream::new();
    }
    let name = ident(&field.name);
    let wire = &field.wire;
    if rules.is_empty() {
        return quote!(checker.field(#wire, &self.#name););
    }
    let rules = match alias_nulls + field.option_layers() {
        0 => quote! { let value = &self.#name; #rules },
        nulls => {
            let pattern = some_pattern(nulls, &quote!(value));
            quote! { if let #pattern = &self.#name { #rules } }
        }
    };
    let nested = nested.then(|| quote!(rt::Validate::check(&self.#name, checker);));
    quote! {
        checker.enter_field(#wire);
        #rules
        #nested
        checker.leave();
    }
}

/// Checks of one value (`value` is a reference to it) against `rules`.
pub fn rule_checks(rules: &Constraints, ty: &TypeRef, value: &TokenStream) -> TokenStream {
    // Lengths and patterns of bytes are those of the base64 text they are sent as.
    let text = if *ty == TypeRef::Bytes {
        quote!(&#value.to_base64())
    } else {
        value.clone()
    };
    let mut checks = string_checks(rules, ty, &text);
    let number = as_f64(ty, value);
    if let (Some(bound), Some(number)) = (rules.minimum, &number) {
        let (limit, exclusive) = (bound.value, bound.exclusive);
        checks.push(quote!(checker.minimum(#number, #limit, #exclusive);));
    }
    if let (Some(bound), Some(number)) = (rules.maximum, &number) {
        let (limit, exclusive) = (bound.value, bound.exclusive);
        checks.push(quote!(checker.maximum(#number, #limit, #exclusive);));
    }
    if let TypeRef::List(item) = ty {
        if let Some(min) = rules.min_items {
            let min = min as usize;
            checks.push(quote!(checker.min_items(#value.len(), #min);));
        }
        if let Some(max) = rules.max_items {
            let max = max as usize;
            checks.push(quote!(checker.max_items(#value.len(), #max);));
        }
        if rules.unique_items {
            checks.push(quote!(checker.unique_items(#value);));
        }
        if let Some(item_rules) = &rules.items {
            let (item_ty, nulls) = null_layers(item);
            let item_checks = rule_checks(item_rules, item_ty, &quote!(item));
            if !item_checks.is_empty() {
                let binding = match nulls {
                    0 => item_checks,
                    nulls => {
                        let pattern = some_pattern(nulls, &quote!(item));
                        quote!(if let #pattern = item { #item_checks })
                    }
                };
                checks.push(quote! {
                    for (index, item) in #value.iter().enumerate() {
                        checker.enter_index(index);
                        #binding
                        checker.leave();
                    }
                });
            }
        }
    }
    quote!(#(#checks)*)
}

/// The length, pattern and email checks of a text (`text` is a reference to it).
fn string_checks(rules: &Constraints, ty: &TypeRef, text: &TokenStream) -> Vec<TokenStream> {
    let mut checks = Vec::new();
    if let Some(min) = rules.min_length {
        let min = min as usize;
        checks.push(quote!(checker.min_length(#text, #min);));
    }
    if let Some(max) = rules.max_length {
        let max = max as usize;
        checks.push(quote!(checker.max_length(#text, #max);));
    }
    if let Some(pattern) = &rules.pattern {
        checks.push(quote!(checker.pattern(#text, #pattern);));
    }
    if rules.email && *ty == TypeRef::String {
        checks.push(quote!(checker.email(#text);));
    }
    checks
}

/// `ty` without its layers of `null` (an alias may add one), and how many there are.
fn null_layers(ty: &TypeRef) -> (&TypeRef, usize) {
    match ty {
        TypeRef::Nullable(inner) => {
            let (inner, layers) = null_layers(inner);
            (inner, layers + 1)
        }
        other => (other, 0),
    }
}

/// `Some(Some(name))`, with `nulls` layers.
fn some_pattern(nulls: usize, name: &TokenStream) -> TokenStream {
    (0..nulls).fold(name.clone(), |inner, _| quote!(Some(#inner)))
}

/// The value as `f64` for a bound check, or `None` when the type is not a number.
fn as_f64(ty: &TypeRef, value: &TokenStream) -> Option<TokenStream> {
    match ty {
        TypeRef::I32 => Some(quote!(f64::from(*#value))),
        TypeRef::I64 => Some(quote!(*#value as f64)),
        TypeRef::F64 => Some(quote!(*#value)),
        _ => None,
    }
}
