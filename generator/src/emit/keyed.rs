//! Event streams keyed by event name: an enum per operation, a variant per named event and
//! one for events the spec does not name. The client's reads each event's data by its name;
//! the server's writes the name its variant stands for.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens};
use crate::ir::{KeyedEvents, Operation};

fn keyed(op: &Operation) -> Option<&KeyedEvents> {
    op.responses.iter().find_map(|r| r.keyed.as_ref())
}

/// The enum's declaration, on either side.
fn declaration(keyed: &KeyedEvents, doc: &str) -> TokenStream {
    let name = ident(&keyed.name);
    let variants = keyed.events.iter().map(|e| {
        let variant = ident(&e.variant);
        let ty = match &e.ty {
            Some(ty) => type_tokens(ty, &quote!(super::types::)),
            None => quote!(String),
        };
        let doc = format!(" `event: {}`", e.event);
        quote!(#[doc = #doc] #variant(#ty),)
    });
    quote! {
        #[doc = #doc]
        #[derive(Clone, Debug, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// An event the spec does not name, as it came.
            Other { event: String, data: String },
        }
    }
}

/// The client's enum and its reader, passed to `into_events`.
pub(super) fn client_enum(op: &Operation) -> Option<TokenStream> {
    let keyed = keyed(op)?;
    let name = ident(&keyed.name);
    let doc = format!(
        " The events of [`Client::{}`], each read by its name.",
        op.name
    );
    let declaration = declaration(keyed, &doc);
    let arms = keyed.events.iter().map(|e| {
        let event = &e.event;
        let variant = ident(&e.variant);
        let read = match e.ty {
            Some(_) => quote!(rt::read_json_data),
            None => quote!(rt::read_text_data),
        };
        quote!(#event => #read(event, data).map(Self::#variant),)
    });
    Some(quote! {
        #declaration

        impl #name {
            /// Reads the data of an event named `event`.
            fn read(event: &str, data: &str) -> Result<Self, String> {
                match event {
                    #(#arms)*
                    _ => Ok(Self::Other { event: event.to_owned(), data: data.to_owned() }),
                }
            }
        }
    })
}

/// The server's enum and its writer, passed to `into_response`.
pub(super) fn server_enum(op: &Operation) -> Option<TokenStream> {
    let keyed = keyed(op)?;
    let name = ident(&keyed.name);
    let doc = format!(
        " The events of `{} {}`, each sent under its name.",
        op.method, op.path
    );
    let declaration = declaration(keyed, &doc);
    let arms = keyed.events.iter().map(|e| {
        let event = &e.event;
        let variant = ident(&e.variant);
        let write = match e.ty {
            Some(_) => quote!(rt::write_json_data(data)),
            None => quote!(rt::write_text_data(data)),
        };
        quote!(Self::#variant(data) => Ok((Some(#event), #write?.1)),)
    });
    Some(quote! {
        #declaration

        impl #name {
            /// The event's name and its data, written.
            fn write(&self) -> rt::Written<'_> {
                match self {
                    #(#arms)*
                    Self::Other { event, data } => Ok((Some(event.as_str()), data.clone())),
                }
            }
        }
    })
}
