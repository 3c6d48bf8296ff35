//! Open string enums: values the server adds later are kept, not refused.

/// The conversions every open string enum has, in terms of its `as_str` and
/// `from_wire`: one line per enum in the generated types instead of six impls. A crate whose
/// specs have no string enum leaves it unused.
#[allow(unused_macros)]
macro_rules! open_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl crate::runtime::ToParam for $name {
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }

        impl crate::runtime::FromParam for $name {
            fn from_param(value: &str) -> Result<Self, String> {
                Ok(Self::from_wire(value))
            }
        }

        impl crate::runtime::PartValue for $name {
            fn write_part(&self, name: &str, out: &mut crate::runtime::MultipartWriter) {
                out.part(name, self.as_str());
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value =
                    <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&value))
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use open_enum;
