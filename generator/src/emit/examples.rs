//! A test file that round-trips every example of the specs through its generated type.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens_with};
use crate::ir::Api;

pub fn emit_examples(apis: &[Api], crate_name: &str) -> TokenStream {
    let krate = ident(&crate_name.replace('-', "_"));
    let tests = apis.iter().flat_map(|api| {
        let module = ident(&api.module);
        let krate = krate.clone();
        api.examples.iter().map(move |example| {
            let name = ident(&example.test_name);
            let ty = type_tokens_with(
                &example.ty,
                &quote!(#krate::#module::types::),
                &quote!(#krate::runtime),
            );
            let origin = &example.origin;
            let input = example.value.to_string();
            let expected = example.expected.to_string();
            quote! {
                #[test]
                fn #name() {
                    round_trip::<#ty>(#origin, #input, #expected);
                }
            }
        })
    });
    quote! {
        //! Every example in the specs decodes into its generated type, encodes back to the same
        //! JSON (less the properties its schema does not declare) and keeps its schema's rules.

        #[rustfmt::skip]
        mod examples {
            #[allow(dead_code)]
            fn round_trip<T>(origin: &str, input: &str, expected: &str)
            where
                T: serde::de::DeserializeOwned + serde::Serialize + #krate::runtime::Validate,
            {
                let decoded: T = serde_json::from_str(input)
                    .unwrap_or_else(|err| panic!("example at {origin} does not decode: {err}"));
                // Through text, as on the wire: an `f32` widened to a JSON value shows digits
                // its text form does not.
                let encoded: serde_json::Value = serde_json::to_string(&decoded)
                    .and_then(|text| serde_json::from_str(&text))
                    .unwrap_or_else(|err| panic!("example at {origin} does not encode: {err}"));
                let expected: serde_json::Value = serde_json::from_str(expected).expect("expected JSON is valid");
                assert_eq!(encoded, expected, "example at {origin} changed in a round trip");
                if let Err(errors) = decoded.validate() {
                    panic!("example at {origin} breaks a rule of its schema: {errors}");
                }
            }

            #(#tests)*
        }
    }
}
