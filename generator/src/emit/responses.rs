//! How a documented response appears in generated code, shared by the client's result and
//! error enums and the server's response enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::{ident, type_tokens};
use crate::ir::{Media, Response, Status};

/// The body's Rust type: the schema's type, text or bytes for other content, `None` when empty.
pub fn body_type(response: &Response) -> Option<TokenStream> {
    match (&response.ty, response.media.as_ref()?) {
        (Some(ty), _) => Some(type_tokens(ty, &quote!(super::types::))),
        (None, Media::Text) => Some(quote!(String)),
        (None, _) => Some(quote!(Vec<u8>)),
    }
}

/// An enum variant for the response; ranges and `default` also carry the actual status.
pub fn variant_declaration(response: &Response) -> TokenStream {
    let variant = ident(&response.variant);
    let docs = doc_attrs(response.docs.as_deref());
    match (
        body_type(response),
        matches!(response.status, Status::Code(_)),
    ) {
        (Some(body), true) => quote!(#docs #variant(#body),),
        (Some(body), false) => quote!(#docs #variant(u16, #body),),
        (None, true) => quote!(#docs #variant,),
        (None, false) => quote!(#docs #variant(u16),),
    }
}
