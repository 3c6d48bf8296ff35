//! Identifiers and type references as tokens, for every emit module.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{FormProperty, FormStyle, TypeRef};

/// The identifier of a name the IR carries (decided in resolve, never made up here).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for a type reference in the generated crate; `named` prefixes generated
/// type names.
pub fn type_tokens(ty: &TypeRef, named: &TokenStream) -> TokenStream {
    type_tokens_with(ty, named, &quote!(crate::runtime))
}

/// The Rust type for a type reference in another crate (tests, examples), which reaches the
/// runtime's types through `runtime`.
pub fn type_tokens_with(ty: &TypeRef, named: &TokenStream, runtime: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#named #name)
        }
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Uuid => quote!(uuid::Uuid),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Bytes => quote!(#runtime::Base64),
        TypeRef::Binary => quote!(#runtime::FilePart),
        TypeRef::Json => quote!(serde_json::Value),
        TypeRef::List(item) => {
            let item = type_tokens_with(item, named, runtime);
            quote!(Vec<#item>)
        }
        TypeRef::Map(item) => {
            let item = type_tokens_with(item, named, runtime);
            quote!(std::collections::BTreeMap<String, #item>)
        }
        TypeRef::Nullable(inner) => {
            let inner = type_tokens_with(inner, named, runtime);
            quote!(Option<#inner>)
        }
    }
}

/// The styles of a form body's properties, as the runtime's form codec takes them.
pub fn form_styles(properties: &[FormProperty]) -> TokenStream {
    let entries = properties.iter().map(|p| {
        let wire = &p.wire;
        let style = match p.style {
            FormStyle::Form { explode } => quote!(Form { explode: #explode }),
            FormStyle::SpaceDelimited => quote!(SpaceDelimited),
            FormStyle::PipeDelimited => quote!(PipeDelimited),
            FormStyle::DeepObject => quote!(DeepObject),
        };
        quote!((#wire, crate::runtime::FormStyle::#style))
    });
    quote!(&[#(#entries),*])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_types_are_reached_through_the_crate_they_are_named_in() {
        let ty = TypeRef::List(Box::new(TypeRef::Nullable(Box::new(TypeRef::Bytes))));
        let inside = type_tokens(&ty, &TokenStream::new()).to_string();
        assert_eq!(inside, "Vec < Option < crate :: runtime :: Base64 > >");
        let outside = type_tokens_with(&TypeRef::Binary, &quote!(), &quote!(api::runtime));
        assert_eq!(outside.to_string(), "api :: runtime :: FilePart");
    }
}
