//! A test file that round-trips every example of the specs through its generated type.

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, type_tokens};
use crate::ir::Api;

pub fn emit_examples(apis: &[Api], crate_name: &str) -> TokenStream {
    let krate = ident(&crate_name.replace('-', "_"));
    let tests = apis.iter().flat_map(|api| {
        let module = ident(&api.module);
        let krate = krate.clone();
        api.examples.iter().map(move |example| {
            let name = ident(&example.test_name);
            let ty = type_tokens(&example.ty, &quote!(#krate::#module::types::));
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
        //! Every example in the specs decodes into its generated type and encodes back to the same
        //! JSON (less the properties its schema does not declare).

        #[rustfmt::skip]
        mod examples {
            #[allow(dead_code)]
            fn round_trip<T>(origin: &str, input: &str, expected: &str)
            where
                T: serde::de::DeserializeOwned + serde::Serialize,
            {
                let decoded: T = serde_json::from_str(input)
                    .unwrap_or_else(|err| panic!("example at {origin} does not decode: {err}"));
                let encoded = serde_json::to_value(&decoded)
                    .unwrap_or_else(|err| panic!("example at {origin} does not encode: {err}"));
                let expected: serde_json::Value = serde_json::from_str(expected).expect("expected JSON is valid");
                assert_eq!(encoded, expected, "example at {origin} changed in a round trip");
            }

            #(#tests)*
        }
    }
}
