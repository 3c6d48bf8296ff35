//! How a documented response appears in generated code, shared by the client's result and
//! error enums and the server's response enums.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::tokens::{ident, type_tokens};
use crate::ir::{Media, Response, Status};

/// The body's Rust type: the schema's type, text or bytes for other content, `None` when empty.
/// A successful response streams binary content and events (`rt` is the client's or the
/// server's runtime, which each have a `ByteStream` and an `EventStream`); an error's is read
/// whole.
pub fn body_type(response: &Response) -> Option<TokenStream> {
    let media = response.media.as_ref()?;
    let streamed = media.is_streamed() && response.status.is_success();
    if let Some(keyed) = response.keyed.as_ref().filter(|_| streamed) {
        let name = ident(&keyed.name);
        return Some(quote!(rt::EventStream<#name>));
    }
    match (&response.ty, media) {
        (Some(ty), Media::Events) if streamed => {
            let ty = type_tokens(ty, &quote!(super::types::));
            Some(quote!(rt::EventStream<#ty>))
        }
        (None, Media::Events) if streamed => Some(quote!(rt::EventStream<String>)),
        (None, Media::Stream) if streamed => Some(quote!(rt::ByteStream)),
        (Some(ty), _) => Some(type_tokens(ty, &quote!(super::types::))),
        (None, Media::Text | Media::Events) => Some(quote!(String)),
        (None, _) => Some(quote!(Vec<u8>)),
    }
}

/// Whether a response is handed over before its body is read: a success of binary content
/// or events.
pub fn is_streamed(response: &Response) -> bool {
    response.status.is_success() && response.media.as_ref().is_some_and(Media::is_streamed)
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
