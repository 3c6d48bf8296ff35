//! Type definitions: one small emit function per IR kind.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::{ident, type_tokens};
use super::validate::emit_validate;
use crate::ir::{Api, Field, Media, OpenEnum, Struct, TypeDef, TypeKind, TypeRef, Union};

/// The `types` module's doc.
pub fn emit_types_head(api: &Api) -> TokenStream {
    let doc = format!(" Schemas of {} as Rust types.", api.title);
    quote! {
        #![doc = #doc]
        #[allow(unused_imports)]
        use crate::runtime as rt;
    }
}

/// How operations use the named types, which decides the impls they get beyond serde.
#[derive(Debug, Default)]
pub struct TypeUses<'a> {
    /// Types of parameters: a JSON parameter impl.
    pub parameters: BTreeSet<&'a str>,
    /// Structs sent as multipart bodies: written part by part.
    pub multipart: BTreeSet<&'a str>,
    /// Named types written as a text part (string enums, aliases of scalars); other named
    /// types are JSON parts.
    pub text_parts: BTreeSet<&'a str>,
    /// Types a request body reaches, which a server checks strictly against the JSON it
    /// decoded; a type only ever received by a client needs no such check.
    pub strict: BTreeSet<&'a str>,
}

impl<'a> TypeUses<'a> {
    pub fn of(api: &'a Api) -> Self {
        let by_name: BTreeMap<&str, &TypeDef> =
            api.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let parameters = super::all_operations(api)
            .flat_map(|op| &op.parameters)
            .filter_map(|p| match p.ty.non_null() {
                TypeRef::List(item) => item.direct_name(),
                other => other.direct_name(),
            })
            .collect();
        // The body's own media, and each media type of a body documented in several.
        let multipart = super::all_operations(api)
            .filter_map(|op| op.body.as_ref())
            .flat_map(|body| {
                std::iter::once(&body.media).chain(body.choices.iter().map(|c| &c.media))
            })
            .filter_map(|media| match media {
                Media::Multipart { parts_of } => Some(parts_of.as_str()),
                _ => None,
            })
            .collect();
        let text_parts = api
            .types
            .iter()
            .filter(|t| is_text_part(&TypeRef::Named(t.name.clone()), &by_name, 0))
            .map(|t| t.name.as_str())
            .collect();
        let bodies = super::all_operations(api)
            .filter_map(|op| op.body.as_ref())
            .flat_map(|body| {
                body.ty
                    .iter()
                    .chain(body.choices.iter().flat_map(|c| &c.ty))
            });
        let strict = crate::select::reached_from(&api.types, bodies);
        TypeUses {
            parameters,
            multipart,
            text_parts,
            strict,
        }
    }
}

/// Whether a value of `ty` is written as text parts (one per item of a list).
fn is_text_part(ty: &TypeRef, by_name: &BTreeMap<&str, &TypeDef>, depth: usize) -> bool {
    match ty {
        TypeRef::Json | TypeRef::Map(_) => false,
        TypeRef::List(item) | TypeRef::Nullable(item) => is_text_part(item, by_name, depth),
        TypeRef::Named(name) => match by_name.get(name.as_str()).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(target)) if depth < 8 => is_text_part(target, by_name, depth + 1),
            _ => false,
        },
        _ => true,
    }
}

/// Whether a value of `ty` is written as text parts (one per item of a list, of a list).
fn written_as_text(ty: &TypeRef, text_names: &BTreeSet<&str>) -> bool {
    match ty {
        TypeRef::Json | TypeRef::Map(_) => false,
        TypeRef::List(item) | TypeRef::Nullable(item) => written_as_text(item, text_names),
        TypeRef::Named(name) => text_names.contains(name.as_str()),
        _ => true,
    }
}

/// A run of type definitions; those used as parameters get a JSON parameter impl too, and
/// multipart bodies a writer of their parts.
pub fn emit_types(types: &[TypeDef], uses: &TypeUses<'_>) -> TokenStream {
    let defs = types.iter().map(|def| {
        let code = emit_type(def, uses.strict.contains(def.name.as_str()));
        let param = uses
            .parameters
            .contains(def.name.as_str())
            .then(|| emit_json_param(def));
        let multipart = match &def.kind {
            TypeKind::Struct(s) if uses.multipart.contains(def.name.as_str()) => {
                Some(emit_to_multipart(def, s, uses))
            }
            _ => None,
        };
        quote!(#code #param #multipart)
    });
    quote!(#(#defs)*)
}

/// `ToMultipart`: scalars, enums and files (and lists of them) as parts of their own, any
/// other value as one JSON part.
fn emit_to_multipart(def: &TypeDef, s: &Struct, uses: &TypeUses<'_>) -> TokenStream {
    let name = ident(&def.name);
    let text_part = |ty: &TypeRef| written_as_text(ty, &uses.text_parts);
    let writes = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let wire = &f.wire;
        match (text_part(&f.ty), f.option_layers() > 0) {
            // A required nullable field is there even when `None`: an empty part says so.
            (true, true) if f.required => quote! {
                match &self.#field {
                    Some(value) => parts.part(#wire, value),
                    None => parts.part(#wire, ""),
                }
            },
            // So is a required list when it is empty.
            (true, false) if matches!(f.ty, TypeRef::List(_)) => quote! {
                if self.#field.is_empty() {
                    parts.part(#wire, "");
                }
                parts.part(#wire, &self.#field);
            },
            (true, _) => quote!(parts.part(#wire, &self.#field);),
            (false, true) if !f.required => {
                quote!(if let Some(value) = &self.#field { parts.json(#wire, value); })
            }
            (false, _) => quote!(parts.json(#wire, &self.#field);),
        }
    });
    let additional = s.additional.as_ref().map(|value| {
        let write = if text_part(value) {
            quote!(parts.part(name, value))
        } else {
            quote!(parts.json(name, value))
        };
        quote!(for (name, value) in &self.additional_properties { #write; })
    });
    quote! {
        impl rt::ToMultipart for #name {
            fn write_parts(&self, parts: &mut rt::MultipartWriter) {
                #(#writes)*
                #additional
            }
        }
    }
}

/// A field's declared type: boxed when recursive, an `Option` for being optional and another
/// for being nullable (`Some(None)` is a member sent as `null`).
pub fn field_type(field: &Field) -> TokenStream {
    let mut ty = type_tokens(field.ty.non_null(), &TokenStream::new());
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    for _ in 0..field.option_layers() {
        ty = quote!(Option<#ty>);
    }
    ty
}

/// `ToParam`/`FromParam` for a struct, union or newtype used as a parameter: a string as
/// itself, anything else as JSON text.
fn emit_json_param(def: &TypeDef) -> TokenStream {
    if matches!(def.kind, TypeKind::Enum(_) | TypeKind::Alias(_)) {
        return TokenStream::new();
    }
    let name = ident(&def.name);
    quote! {
        impl rt::ToParam for #name {
            fn to_param(&self) -> String {
                rt::json_to_param(self)
            }
        }

        impl rt::FromParam for #name {
            fn from_param(text: &str) -> Result<Self, String> {
                rt::json_from_param(text)
            }
        }
    }
}

fn emit_type(def: &TypeDef, strict: bool) -> TokenStream {
    let docs = doc_attrs(def.docs.as_deref());
    let body = match &def.kind {
        TypeKind::Struct(s) => emit_struct(def, s),
        TypeKind::Enum(e) => emit_enum(def, e),
        TypeKind::Union(u) => emit_union(def, u),
        TypeKind::Alias(target) => {
            let name = ident(&def.name);
            let target = type_tokens(target, &TokenStream::new());
            return quote! { #docs pub type #name = #target; };
        }
        TypeKind::Newtype(target) => {
            let name = ident(&def.name);
            let target = type_tokens(target, &TokenStream::new());
            quote! {
                #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    };
    let validate = emit_validate(def, strict);
    quote! { #docs #body #validate }
}

fn emit_struct(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let has_secret = s.fields.iter().any(|f| f.secret);
    let all_optional = s.fields.iter().all(Field::is_option);
    let mut derives = vec![quote!(Clone)];
    if !has_secret {
        derives.push(quote!(Debug));
    }
    if all_optional {
        derives.push(quote!(Default));
    }
    derives.push(quote!(PartialEq));
    let fields = s.fields.iter().map(emit_field);
    let additional = s.additional.as_ref().map(|value| {
        let value = type_tokens(value, &TokenStream::new());
        quote! {
            /// Properties the schema does not declare, kept as sent.
            pub additional_properties: std::collections::BTreeMap<String, #value>,
        }
    });
    let serialize = emit_struct_serialize(def, s);
    let deserialize = emit_struct_deserialize(def, s, all_optional);
    // With every field optional the type derives `Default`, which is its constructor.
    let constructor = (!all_optional).then(|| emit_constructor(def, s));
    let debug = has_secret.then(|| emit_redacting_debug(def, s));
    quote! {
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
            #additional
        }
        #serialize
        #deserialize
        #constructor
        #debug
    }
}

/// `Deserialize` from an object only, member by member through the runtime's helpers.
/// `all_optional`: every field is an `Option`, so the struct derives `Default` to read into.
fn emit_struct_deserialize(def: &TypeDef, s: &Struct, all_optional: bool) -> TokenStream {
    // `read__2fa` for a field `_2fa`, whose name keeps the underscore of its wire name.
    let allow = s
        .fields
        .iter()
        .any(|f| f.name.starts_with('_'))
        .then(|| quote!(#[allow(non_snake_case)]));
    if all_optional && !s.fields.is_empty() {
        return emit_defaulted_members(def, s, allow);
    }
    let slots: Vec<_> = s.fields.iter().map(|f| slot_ident(&f.name)).collect();
    let arms = s.fields.iter().zip(&slots).map(|(field, slot)| {
        let wire = &field.wire;
        let read = member_reader(field);
        quote!(#wire => rt::#read(&mut map, &mut #slot, #wire),)
    });
    let values = s.fields.iter().zip(&slots).map(|(field, slot)| {
        let field_name = ident(&field.name);
        let wire = &field.wire;
        let value = if field.is_option() || field.is_nullable() {
            quote!(#slot)
        } else {
            quote!(rt::required(#slot, #wire)?)
        };
        quote!(#field_name: #value,)
    });
    let (other, rest, rest_value) = match &s.additional {
        Some(_) => (
            quote!(_ => rt::additional(&mut map, &mut additional_properties, key),),
            quote!(let mut additional_properties = std::collections::BTreeMap::new();),
            quote!(additional_properties,),
        ),
        None => (quote!(_ => rt::skip(&mut map),), quote!(), quote!()),
    };
    let read = if s.fields.is_empty() && s.additional.is_none() {
        quote!(rt::skip_members(&mut map)?;)
    } else if s.fields.is_empty() {
        quote! {
            #rest
            while let Some(key) = map.next_key::<rt::Key<'de>>()? {
                rt::additional(&mut map, &mut additional_properties, key)?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = None;)*
            #rest
            // One `?` after the match, not one per member: each costs the compiler.
            while let Some(key) = map.next_key::<rt::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    #other
                }?;
            }
        }
    };
    members_impls(
        def,
        allow,
        quote! {
            #read
            Ok(Self { #(#values)* #rest_value })
        },
    )
}

/// The runtime helper that reads a field's member. A field whose type is an `Option` (absent
/// and `null` both `None`) reads the whole `Option`; one that keeps `null` apart from absence
/// reads the value inside, as a required one does, and is `Some` once read.
fn member_reader(field: &Field) -> TokenStream {
    if (field.is_option() || field.is_nullable()) && !field.keeps_null() {
        quote!(optional_member)
    } else {
        quote!(member)
    }
}

/// `Deserialize` through the runtime's object reader, and `Members` with `read` as its body.
fn members_impls(def: &TypeDef, allow: Option<TokenStream>, read: TokenStream) -> TokenStream {
    let name = ident(&def.name);
    let label = &def.name;
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
                rt::read_object(input)
            }
        }
        impl rt::Members for #name {
            const NAME: &'static str = #label;
            #allow
            fn read<'de, A: rt::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                #read
            }
        }
    }
}

/// `Members` of a struct whose fields are all `Option`s: read into its default value.
fn emit_defaulted_members(def: &TypeDef, s: &Struct, allow: Option<TokenStream>) -> TokenStream {
    let arms = s.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let wire = &field.wire;
        let read = member_reader(field);
        quote!(#wire => rt::#read(&mut map, &mut value.#field_name, #wire),)
    });
    let other = match &s.additional {
        Some(_) => quote!(_ => rt::additional(&mut map, &mut value.additional_properties, key),),
        None => quote!(_ => rt::skip(&mut map),),
    };
    members_impls(
        def,
        allow,
        quote! {
            let mut value = Self::default();
            while let Some(key) = map.next_key::<rt::Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    #other
                }?;
            }
            Ok(value)
        },
    )
}

/// `Serialize` as an object: required members always, optional ones when they are there, then
/// the additional properties.
fn emit_struct_serialize(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let entries = s.fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let wire = &field.wire;
        let write = if field.required {
            quote!(entry)
        } else {
            quote!(entry_if)
        };
        quote!(object.#write(#wire, &self.#field_name);)
    });
    let additional = s
        .additional
        .as_ref()
        .map(|_| quote!(object.entries(&self.additional_properties);));
    let mutable = (!s.fields.is_empty() || s.additional.is_some()).then(|| quote!(mut));
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let #mutable object = rt::write_object(serializer);
                #(#entries)*
                #additional
                object.end()
            }
        }
    }
}

/// The local holding a member while an object is read: prefixed, so no field name can
/// shadow the visitor's own bindings.
fn slot_ident(field: &str) -> proc_macro2::Ident {
    quote::format_ident!("read_{}", field)
}

fn emit_field(field: &Field) -> TokenStream {
    let mut docs = field.docs.clone();
    if field.deprecated {
        docs = Some(paragraph(docs, "Deprecated."));
    }
    if field.keeps_null() && field.is_nullable() {
        let note = "`Some(None)` sends the member as `null`; `None` leaves it out.";
        docs = Some(paragraph(docs, note));
    }
    let docs = doc_attrs(docs.as_deref());
    let name = ident(&field.name);
    let ty = field_type(field);
    quote! { #docs pub #name: #ty, }
}

/// `text` after the doc so far, as a paragraph of its own.
fn paragraph(docs: Option<String>, text: &str) -> String {
    match docs {
        Some(docs) => format!("{docs}\n\n{text}"),
        None => text.to_owned(),
    }
}

/// `new` takes the required fields; everything else starts out `None` (or empty).
fn emit_constructor(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let required: Vec<&Field> = s.fields.iter().filter(|f| !f.is_option()).collect();
    let params = required.iter().map(|f| {
        let n = ident(&f.name);
        let ty = field_type(f);
        quote!(#n: #ty)
    });
    let inits = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        if f.is_option() {
            quote!(#n: None)
        } else {
            quote!(#n)
        }
    });
    let additional = s
        .additional
        .as_ref()
        .map(|_| quote!(additional_properties: std::collections::BTreeMap::new(),));
    let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = " Creates a value from its required fields; the optional ones start out `None`.";
    quote! {
        impl #name {
            #[doc = #doc]
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits,)* #additional }
            }
        }
    }
}

fn emit_redacting_debug(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let label = &def.name;
    let fields = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let label = &f.name;
        let value = match (f.secret, f.is_option()) {
            (false, _) => quote!(&self.#n),
            (true, true) => quote!(&self.#n.as_ref().map(|_| rt::Redacted)),
            (true, false) => quote!(&rt::Redacted),
        };
        quote!(.field(#label, #value))
    });
    let additional = s
        .additional
        .as_ref()
        .map(|_| quote!(.field("additional_properties", &self.additional_properties)));
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#fields)* #additional .finish()
            }
        }
    }
}

fn emit_enum(def: &TypeDef, e: &OpenEnum) -> TokenStream {
    let name = ident(&def.name);
    let unknown = ident(&e.catch_all);
    let decls = e.variants.iter().map(|v| {
        let wire = if v.wire.is_empty() {
            "the empty string".to_owned()
        } else {
            format!("`{}`", v.wire)
        };
        let docs = doc_attrs(Some(&match &v.docs {
            Some(text) => format!("{wire}: {text}"),
            None => wire,
        }));
        let n = ident(&v.name);
        quote!(#docs #n,)
    });
    let to_wire = e.variants.iter().map(|v| {
        let n = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#n => #wire,)
    });
    let from_wire = e.variants.iter().map(|v| {
        let n = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#n,)
    });
    quote! {
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this description of the API does not list; kept as sent.
            #unknown(String),
        }

        impl #name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }

            /// The variant for a wire value; values not listed are kept in the catch-all variant.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        // Display, FromStr, serde and parameter conversions, all through `as_str`/`from_wire`.
        rt::open_enum!(#name);
    }
}

fn emit_union(def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let variants = u.variants.iter().map(|v| {
        let n = ident(&v.name);
        let mut ty = type_tokens(&v.ty, &TokenStream::new());
        if v.boxed {
            ty = quote!(Box<#ty>);
        }
        quote!(#n(#ty),)
    });
    // Alternatives differ in size by nature; boxing the big ones would burden every match.
    match &u.tag {
        None => {
            let deserialize = emit_untagged_deserialize(def, u);
            quote! {
                #[derive(Clone, Debug, PartialEq, serde::Serialize)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name { #(#variants)* }
                #deserialize
            }
        }
        Some(tag) => {
            let serde = emit_tagged_serde(def, u, tag);
            quote! {
                #[derive(Clone, Debug, PartialEq)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name { #(#variants)* }
                #serde
            }
        }
    }
}

/// Decoding of an untagged union by the runtime, which prefers the alternative that keeps
/// every member of the input over the first that decodes.
fn emit_untagged_deserialize(def: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = &def.name;
    let alternatives = untagged_alternatives(u);
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                rt::from_untagged(&value, &[#(#alternatives)*], #wire_name)
            }
        }
    }
}

/// Each variant of `u` as a runtime `Alternative`: decoded from a JSON value if it fits.
fn untagged_alternatives(u: &Union) -> Vec<TokenStream> {
    u.variants
        .iter()
        .map(|v| {
            let n = ident(&v.name);
            let wrap = if v.boxed {
                quote!(|v| Self::#n(Box::new(v)))
            } else {
                quote!(Self::#n)
            };
            quote!(|v| serde::Deserialize::deserialize(v).ok().map(#wrap),)
        })
        .collect()
}

fn emit_tagged_serde(def: &TypeDef, u: &Union, tag: &str) -> TokenStream {
    let name = ident(&def.name);
    let wire_name = &def.name;
    let alternatives = untagged_alternatives(u);
    let serialize_arms = u.variants.iter().map(|v| {
        let n = ident(&v.name);
        let value = &v.tag_values[0];
        quote!(Self::#n(value) => rt::serialize_tagged(serializer, #tag, #value, value),)
    });
    let deserialize_arms = u.variants.iter().map(|v| {
        let n = ident(&v.name);
        let values = &v.tag_values;
        let wrap = if v.boxed {
            quote!(|v| Self::#n(Box::new(v)))
        } else {
            quote!(Self::#n)
        };
        quote!(#(#values)|* => rt::from_tagged(value).map(#wrap),)
    });
    let expected = u
        .variants
        .iter()
        .flat_map(|v| v.tag_values.iter().map(|t| format!("`{t}`")))
        .collect::<Vec<_>>()
        .join(", ");
    let unknown = format!(
        "unknown `{tag}` value `{{other}}`; expected one of {}",
        expected.replace('{', "{{").replace('}', "}}")
    );
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self { #(#serialize_arms)* }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let (tag, value) = rt::split_tagged(deserializer, #tag)?;
                // Without its tag (a spec may leave it optional) the value is read by shape.
                let Some(tag) = tag else {
                    return rt::from_untagged(&value, &[#(#alternatives)*], #wire_name);
                };
                match tag.as_str() {
                    #(#deserialize_arms)*
                    other => Err(D::Error::custom(format!(#unknown))),
                }
            }
        }
    }
}
