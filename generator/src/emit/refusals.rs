//! How the server answers refused requests, as resolve decided: the `Operation` and
//! `RejectionBody` enums, the `rejection_body` method of the `Api` trait, the error bodies'
//! defaults, and each handler's answer to a rejection.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens};
use crate::ir::{
    Api, BodyDefault, FieldFill, FillSource, Operation, Refusal, RefusalAnswer, RejectionBody,
    TypeRef,
};

/// The `Api` trait's `rejection_body` method, when some refusal is answered with a JSON body.
pub fn emit_rejection_method(api: &Api) -> TokenStream {
    if api.rejection_bodies.is_empty() {
        return TokenStream::new();
    }
    quote! {
        /// Fills the body of the documented answer to a request the router refused before a
        /// handler ran (missing credentials, a malformed parameter or body, a broken rule).
        /// `rejection` says why, with the status the answer is sent with; `body` starts as
        /// the default its variant describes. Change it, replace it, or leave `None` for the
        /// rejection's JSON error. Refusals an operation documents no answer for keep the
        /// runtime's status and JSON error, and do not come here.
        fn rejection_body(
            &self,
            operation: Operation,
            rejection: &rt::Rejection,
            body: RejectionBody<'_>,
        ) {
            let _ = (operation, rejection, body);
        }
    }
}

/// The `Operation` and `RejectionBody` enums and the error bodies' defaults.
pub fn emit_rejection_items(api: &Api) -> TokenStream {
    if api.rejection_bodies.is_empty() {
        return TokenStream::new();
    }
    let operations = api.operations.iter().map(|op| {
        let variant = ident(&op.names.operation);
        let doc = format!(" `{} {}`", op.method, op.path);
        quote!(#[doc = #doc] #variant,)
    });
    let bodies = api.rejection_bodies.iter().map(|body| {
        let variant = ident(&body.variant);
        let ty = type_tokens(&body.ty, &quote!(super::types::));
        let docs = default_docs(body)
            .into_iter()
            .map(|line| quote!(#[doc = #line]));
        quote!(#(#docs)* #variant(&'a mut Option<#ty>),)
    });
    let defaults = api.rejection_bodies.iter().map(emit_default);
    quote! {
        /// The operations of the API, as [`Api::rejection_body`] names them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operation {
            #(#operations)*
        }

        /// The body of the documented answer to a refused request, by its type, for
        /// [`Api::rejection_body`] to fill.
        #[derive(Debug)]
        pub enum RejectionBody<'a> {
            #(#bodies)*
        }

        #(#defaults)*
    }
}

/// The default of a struct body: the properties the rejection fills, decoded as the type.
fn emit_default(body: &RejectionBody) -> TokenStream {
    let BodyDefault::Fields(fills) = &body.default else {
        return TokenStream::new();
    };
    let ty = type_tokens(&body.ty, &quote!(super::types::));
    let fills = fill_tokens(fills);
    quote! {
        impl rt::ErrorBody for #ty {
            fn from_rejection(rejection: &rt::Rejection, status: u16) -> Option<Self> {
                rt::filled(rejection, status, #fills)
            }
        }
    }
}

fn fill_tokens(fills: &[FieldFill]) -> TokenStream {
    let fills = fills.iter().map(|fill| {
        let wire = &fill.wire;
        let source = match &fill.source {
            FillSource::Message => quote!(rt::Fill::Message),
            FillSource::Code => quote!(rt::Fill::Code),
            FillSource::Status => quote!(rt::Fill::Status),
            FillSource::Listed(by_status) => {
                let pairs = by_status
                    .iter()
                    .map(|(status, value)| quote!((#status, #value)));
                quote!(rt::Fill::Listed(&[#(#pairs),*]))
            }
            FillSource::Object(inner) => {
                let inner = fill_tokens(inner);
                quote!(rt::Fill::Object(#inner))
            }
        };
        quote!((#wire, #source))
    });
    quote!(&[#(#fills),*])
}

/// What a `RejectionBody` variant starts as, line by line.
fn default_docs(body: &RejectionBody) -> Vec<String> {
    let text = match (&body.default, &body.ty) {
        (BodyDefault::Fields(fills), _) if fills.is_empty() => {
            "Starts as an object without properties: the schema has none a rejection fills."
        }
        (BodyDefault::Fields(fills), _) => {
            let mut lines = vec![" Starts built from the rejection:".to_owned(), String::new()];
            lines.extend(fill_docs(fills, ""));
            return lines;
        }
        (BodyDefault::Runtime, TypeRef::String) => "Starts as the rejection's message.",
        (BodyDefault::Runtime, _) => {
            "Starts as the rejection's JSON error: `{\"error\": {\"status\", \"code\", \"message\"}}`."
        }
        (BodyDefault::None, _) => {
            "Starts as `None`: a rejection fills no body of this schema (a required property \
             nothing fills, or not an object). Left `None`, the rejection's JSON error is sent \
             with the documented status."
        }
    };
    vec![format!(" {text}")]
}

/// One list item per filled property.
fn fill_docs(fills: &[FieldFill], prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for fill in fills {
        let name = format!("{prefix}{}", fill.wire);
        let source = match &fill.source {
            FillSource::Message => "its message".to_owned(),
            FillSource::Code => "its code (`invalid_body`, `validation_failed`, ...)".to_owned(),
            FillSource::Status => "the status sent".to_owned(),
            FillSource::Listed(by_status) => {
                let mut values: Vec<(&str, Vec<String>)> = Vec::new();
                for (status, value) in by_status {
                    match values.iter_mut().find(|(v, _)| v == value) {
                        Some((_, statuses)) => statuses.push(status.to_string()),
                        None => values.push((value, vec![status.to_string()])),
                    }
                }
                let values: Vec<String> = values
                    .iter()
                    .map(|(value, statuses)| format!("`{value}` for {}", statuses.join(", ")))
                    .collect();
                format!("a listed value: {}", values.join("; "))
            }
            FillSource::Object(inner) => {
                lines.extend(fill_docs(inner, &format!("{name}.")));
                continue;
            }
        };
        lines.push(format!(" - `{name}`: {source}"));
    }
    lines
}

/// The handler's answer to `rejection`: each documented refusal, then the runtime's own.
pub fn emit_refused(op: &Operation) -> TokenStream {
    if op.refusals.is_empty() {
        return quote!(rejection.into_response());
    }
    let arms = op.refusals.iter().map(|refusal| {
        let refused = refusal.refused.iter();
        let one = refusal.refused.len() == 1;
        let (pattern, status) = match refusal.status {
            Some(code) => (quote!(#(#refused)|*), quote!(#code)),
            None if one => (quote!(status @ #(#refused)*), quote!(status)),
            None => (quote!(status @ (#(#refused)|*)), quote!(status)),
        };
        let answer = answer_tokens(op, refusal, &status);
        quote!(#pattern => #answer,)
    });
    quote! {
        match rejection.status {
            #(#arms)*
            _ => rejection.into_response(),
        }
    }
}

fn answer_tokens(op: &Operation, refusal: &Refusal, status: &TokenStream) -> TokenStream {
    match &refusal.answer {
        RefusalAnswer::Empty => quote!(rt::refuse_empty(#status)),
        RefusalAnswer::Text { content_type } => {
            quote!(rt::refuse_text(rejection, #status, #content_type))
        }
        RefusalAnswer::Error => quote!(rt::refuse_error(rejection, #status)),
        RefusalAnswer::Json {
            body,
            content_type,
            has_default,
        } => {
            let operation = ident(&op.names.operation);
            let variant = ident(body);
            let default = if *has_default {
                quote!(rt::ErrorBody::from_rejection)
            } else {
                quote!(rt::no_default)
            };
            quote! {
                rt::refuse(
                    rejection,
                    #status,
                    #content_type,
                    #default,
                    |rejection, body| {
                        api.rejection_body(Operation::#operation, rejection, RejectionBody::#variant(body))
                    },
                )
            }
        }
    }
}

/// The doc lines of an operation's trait method that say how its refused requests are
/// answered.
pub fn refusal_docs(op: &Operation) -> Vec<String> {
    if op.refusals.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![
        String::new(),
        " Refused requests are answered as documented:".to_owned(),
        String::new(),
    ];
    for refusal in &op.refusals {
        let refused: Vec<String> = refusal.refused.iter().map(u16::to_string).collect();
        let status = match refusal.status {
            Some(code) => code.to_string(),
            None => "the status refused".to_owned(),
        };
        let carrying = match &refusal.answer {
            RefusalAnswer::Empty => "no body".to_owned(),
            RefusalAnswer::Text { .. } => "the message as text".to_owned(),
            RefusalAnswer::Error => "the rejection's JSON error".to_owned(),
            RefusalAnswer::Json {
                body, has_default, ..
            } => {
                let note = if *has_default {
                    ""
                } else {
                    ", built by [`Api::rejection_body`] only"
                };
                format!("body [`RejectionBody::{body}`]{note}")
            }
        };
        lines.push(format!(
            " - {}: `{}` ({status}), {carrying}",
            refused.join(", "),
            refusal.variant
        ));
    }
    lines
}
