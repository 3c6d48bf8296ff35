//! Request bodies the spec documents in several media types: an enum per operation on each
//! side, whose variant is the media type. The client's borrows what the caller passes (and
//! converts from the first media type's argument, so the common call reads as with one);
//! the server's owns what it read, and tells the handler which media type came.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{form_styles, ident, type_tokens};
use crate::ir::{Body, BodyChoice, Media, Operation, TypeRef};

/// Whether the client sends this choice's bytes with a Content-Type the caller writes
/// (multipart the spec gives no parts for: its boundary is the caller's).
pub(super) fn is_raw_multipart(content_type: &str, media: &Media) -> bool {
    *media == Media::Bytes && content_type.to_ascii_lowercase().starts_with("multipart/")
}

/// What the client takes for a body of one media type (borrowed for `lifetime`, which may
/// be elided), and whether it borrows.
pub(super) fn client_argument(
    ty: Option<&TypeRef>,
    media: &Media,
    lifetime: &TokenStream,
) -> (TokenStream, bool) {
    match (ty, media) {
        (Some(ty), _) => {
            let ty = type_tokens(ty, &quote!(super::types::));
            (quote!(& #lifetime #ty), true)
        }
        (None, Media::Text) => (quote!(& #lifetime str), true),
        (None, Media::Stream) => (quote!(rt::ByteStream), false),
        (None, _) => (quote!(Vec<u8>), false),
    }
}

/// What the server reads a body of one media type into.
pub(super) fn server_type(ty: Option<&TypeRef>, media: &Media) -> TokenStream {
    match (ty, media) {
        (Some(ty), _) => type_tokens(ty, &quote!(super::types::)),
        (None, Media::Text) => quote!(String),
        (None, Media::Stream) => quote!(rt::ByteStream),
        (None, _) => quote!(Vec<u8>),
    }
}

/// The client's argument type for a choice: a raw multipart one carries its Content-Type.
fn client_variant_type(choice: &BodyChoice) -> (TokenStream, bool) {
    let (ty, borrows) = client_argument(choice.ty.as_ref(), &choice.media, &quote!('a));
    if is_raw_multipart(&choice.content_type, &choice.media) {
        return (quote!((&'a str, #ty)), true);
    }
    (ty, borrows)
}

/// The client's enum of the body's media types and its `From` conversions: one for each
/// argument type, to its first media type.
pub(super) fn client_enum(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref().filter(|b| !b.choices.is_empty())?;
    let name = ident(&op.names.client_body);
    let typed: Vec<(&BodyChoice, TokenStream, bool)> = body
        .choices
        .iter()
        .map(|c| {
            let (ty, borrows) = client_variant_type(c);
            (c, ty, borrows)
        })
        .collect();
    let borrows = typed.iter().any(|(_, _, b)| *b);
    let (generics, applied) = if borrows {
        (quote!(<'a>), quote!(<'a>))
    } else {
        (quote!(), quote!())
    };
    let variants = typed.iter().map(|(choice, ty, _)| {
        let variant = ident(&choice.variant);
        let doc = format!(" Sent as `{}`.", choice.content_type);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let mut converted: Vec<String> = Vec::new();
    let conversions = typed.iter().filter_map(|(choice, ty, _)| {
        let key = ty.to_string();
        if converted.contains(&key) || is_raw_multipart(&choice.content_type, &choice.media) {
            return None;
        }
        converted.push(key);
        let variant = ident(&choice.variant);
        Some(quote! {
            impl #generics From<#ty> for #name #applied {
                fn from(body: #ty) -> Self {
                    Self::#variant(body)
                }
            }
        })
    });
    let doc = format!(
        " The body of [`Client::{}`], in one of the media types the spec documents.",
        op.name
    );
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug)]
        pub enum #name #generics {
            #(#variants)*
        }

        #(#conversions)*
    })
}

/// The client's argument type for the body enum.
/// The client's body enum as an argument type; `lifetime` is what it borrows for.
pub(super) fn client_enum_type(op: &Operation, body: &Body, lifetime: &TokenStream) -> TokenStream {
    let name = ident(&op.names.client_body);
    if client_enum_borrows(body) {
        quote!(#name<#lifetime>)
    } else {
        quote!(#name)
    }
}

/// Whether the client's body enum borrows what the caller passes.
pub(super) fn client_enum_borrows(body: &Body) -> bool {
    body.choices.iter().any(|c| client_variant_type(c).1)
}

/// How the client puts a body of one media type into the request, from `body`.
pub(super) fn send_expression(content_type: &str, media: &Media) -> TokenStream {
    match media {
        Media::Form(properties) => {
            let styles = form_styles(properties);
            quote!(request.form(#content_type, body, #styles))
        }
        Media::Json if content_type == "application/json" => quote!(request.json(body)),
        // A JSON body of another media type (`application/merge-patch+json`, a vendor's
        // `+json`) is labelled as the spec says: servers may insist on it.
        Media::Json => quote!(request.json_as(#content_type, body)),
        Media::Multipart { .. } => quote!(request.multipart(body)),
        Media::Text => quote!(request.raw(#content_type, body.as_bytes().to_vec())),
        Media::Bytes if is_raw_multipart(content_type, media) => {
            quote!(request.raw(content_type, body))
        }
        Media::Bytes => quote!(request.raw(#content_type, body)),
        Media::Stream => quote!(request.stream(#content_type, body)),
        // Resolve reads a request of events as text.
        Media::Events => quote!(request.raw(#content_type, body.as_bytes().to_vec())),
    }
}

/// The client's statement sending `body`, an enum value: one arm per media type.
pub(super) fn client_send_choice(op: &Operation, body: &Body) -> TokenStream {
    let name = ident(&op.names.client_body);
    let arms = body.choices.iter().map(|choice| {
        let variant = ident(&choice.variant);
        let send = send_expression(&choice.content_type, &choice.media);
        if is_raw_multipart(&choice.content_type, &choice.media) {
            quote!(#name::#variant((content_type, body)) => #send,)
        } else {
            quote!(#name::#variant(body) => #send,)
        }
    });
    quote!(match body { #(#arms)* })
}

/// The server's enum of the body's media types.
pub(super) fn server_enum(op: &Operation) -> Option<TokenStream> {
    let body = op.body.as_ref().filter(|b| !b.choices.is_empty())?;
    let name = ident(&op.names.server_body);
    let variants = body.choices.iter().map(|choice| {
        let variant = ident(&choice.variant);
        let ty = server_type(choice.ty.as_ref(), &choice.media);
        let doc = format!(" Sent as `{}`.", choice.content_type);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    let doc = format!(
        " The body of `{} {}`, in the media type it came in.",
        op.method, op.path
    );
    let derives = if body.choices.iter().any(|c| c.media == Media::Stream) {
        quote!(#[derive(Debug)])
    } else {
        quote!(#[derive(Clone, Debug, PartialEq)])
    };
    Some(quote! {
        #[doc = #doc]
        #derives
        pub enum #name {
            #(#variants)*
        }
    })
}

/// The server's read of a body in whichever documented media type its Content-Type names;
/// `None` when it is empty.
pub(super) fn server_read_choice(op: &Operation, body: &Body) -> TokenStream {
    let name = ident(&op.names.server_body);
    let documented = body.choices.iter().map(|c| c.content_type.as_str());
    let arms = body.choices.iter().enumerate().map(|(index, choice)| {
        let variant = ident(&choice.variant);
        let read = server_read(&choice.media, false);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        quote!(Some(#index) => #read.map(#name::#variant),)
    });
    quote! {
        match incoming.media_choice(&[#(#documented),*])? {
            #(#arms)*
            _ => None,
        }
    }
}

/// How the server reads a body of one media type (`None` when optional and empty).
pub(super) fn server_read(media: &Media, required: bool) -> TokenStream {
    match media {
        Media::Form(properties) => {
            let styles = form_styles(properties);
            quote!(incoming.form_body(#required, #styles)?)
        }
        Media::Json => quote!(incoming.json_body(#required)?),
        Media::Multipart { .. } => quote!(incoming.multipart_body(#required).await?),
        Media::Text | Media::Events => quote!(incoming.text_body(#required)?),
        Media::Bytes => quote!(incoming.raw_body(#required)?),
        Media::Stream => quote!(incoming.stream_body(#required)?),
    }
}

/// Whether reading the body waits for it to arrive (multipart is read as it comes).
pub(super) fn reads_parts(body: &Body) -> bool {
    let multipart = |media: &Media| matches!(media, Media::Multipart { .. });
    multipart(&body.media) || body.choices.iter().any(|c| multipart(&c.media))
}
