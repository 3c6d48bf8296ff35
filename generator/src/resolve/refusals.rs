//! How the server answers the requests it refuses before a handler runs: with a status the
//! operation documents, and a body of the type documented for it, wherever one fits.

use crate::ir::{
    BodyDefault, Constraints, Field, FieldFill, FillSource, OpenEnum, Operation, Refusal,
    RefusalAnswer, RejectionBody, Response, Status, Struct, TypeDef, TypeKind, TypeRef,
};
use crate::naming::Namespace;

/// Every status the runtime refuses a request with.
const REFUSED: [u16; 5] = [400, 401, 413, 415, 422];

/// The documented codes that may answer a refusal, best first: its own, then, for a request
/// that is malformed, the generic 400 and 422. Missing credentials are only ever a 401 or 403:
/// a client (and schemathesis's `ignored_auth`) tells them apart by that.
fn fitting(refused: u16) -> &'static [u16] {
    match refused {
        401 => &[401, 403],
        413 => &[413, 400, 422],
        415 => &[415, 400, 422],
        422 => &[422, 400],
        _ => &[400, 422],
    }
}

/// Decides each operation's refusals; returns the bodies they answer with, one per type.
pub(super) fn resolve_refusals(
    operations: &mut [Operation],
    types: &[TypeDef],
) -> Vec<RejectionBody> {
    let mut bodies = Bodies {
        types,
        list: Vec::new(),
        variants: Namespace::default(),
    };
    for op in operations.iter_mut() {
        op.refusals = refusals(op, &mut bodies);
    }
    let bodies = bodies.finish();
    // Whether a body has a default is known once every status it answers is.
    for refusal in operations.iter_mut().flat_map(|op| &mut op.refusals) {
        if let RefusalAnswer::Json {
            body, has_default, ..
        } = &mut refusal.answer
        {
            *has_default = bodies
                .iter()
                .any(|b| b.variant == *body && b.default != BodyDefault::None);
        }
    }
    bodies
}

fn refusals(op: &Operation, bodies: &mut Bodies<'_>) -> Vec<Refusal> {
    let mut out: Vec<Refusal> = Vec::new();
    for refused in refused_by(op) {
        let Some((response, status)) = documented(op, refused) else {
            continue;
        };
        // Called for every refusal, so each body learns every status it answers.
        let answer = bodies.answer(response, refused);
        let grouped = out
            .iter_mut()
            .find(|r| r.variant == response.variant && r.status == status);
        match grouped {
            Some(refusal) => refusal.refused.push(refused),
            None => out.push(Refusal {
                refused: vec![refused],
                status,
                variant: response.variant.clone(),
                answer,
            }),
        }
    }
    out
}

/// The statuses the router can refuse the operation's requests with.
pub fn refused_by(op: &Operation) -> Vec<u16> {
    // An empty alternative makes credentials optional: nothing is refused for want of them.
    let needs_credentials = !op.security.is_empty() && op.security.iter().all(|a| !a.is_empty());
    let json_body = op.body.as_ref().is_some_and(|b| b.ty.is_some());
    // Rules are checked on a JSON body and on parameters with rules or listed values.
    let has_rules = json_body
        || op
            .parameters
            .iter()
            .any(|p| !p.constraints.is_empty() || p.ty.contains_named());
    REFUSED
        .into_iter()
        .filter(|status| match status {
            401 => needs_credentials,
            415 => json_body,
            422 => has_rules,
            _ => true,
        })
        .collect()
}

/// The documented response that answers `refused`, and the code it is sent with (`None`: the
/// refused status itself, under a `4XX` range or `default`).
fn documented(op: &Operation, refused: u16) -> Option<(&Response, Option<u16>)> {
    let find = |status: Status| op.responses.iter().find(|r| r.status == status);
    fitting(refused)
        .iter()
        .find_map(|code| find(Status::Code(*code)).map(|r| (r, Some(*code))))
        .or_else(|| find(Status::Range(4)).map(|r| (r, None)))
        .or_else(|| find(Status::Default).map(|r| (r, None)))
}

/// The API's rejection bodies, collected as the operations name them: each variant, type and
/// the statuses refused with it.
struct Bodies<'t> {
    types: &'t [TypeDef],
    list: Vec<(String, TypeRef, Vec<u16>)>,
    variants: Namespace,
}

impl Bodies<'_> {
    /// The answer `response` gives to a request refused with `refused`.
    fn answer(&mut self, response: &Response, refused: u16) -> RefusalAnswer {
        match (&response.ty, &response.content_type) {
            (Some(ty), content_type) => RefusalAnswer::Json {
                body: self.body(ty, refused),
                content_type: content_type
                    .clone()
                    .unwrap_or_else(|| "application/json".to_owned()),
                has_default: false,
            },
            (None, Some(content_type)) if content_type.starts_with("text/") => {
                RefusalAnswer::Text {
                    content_type: content_type.clone(),
                }
            }
            (None, Some(_)) => RefusalAnswer::Error,
            (None, None) => RefusalAnswer::Empty,
        }
    }

    /// The variant of the body of type `ty`, added on first use; `refused` is among the
    /// statuses it answers.
    fn body(&mut self, ty: &TypeRef, refused: u16) -> String {
        let ty = self.see_through(ty.non_null());
        if let Some((variant, _, statuses)) = self.list.iter_mut().find(|(_, t, _)| *t == ty) {
            if !statuses.contains(&refused) {
                statuses.push(refused);
                statuses.sort_unstable();
            }
            return variant.clone();
        }
        let variant = self.variants.claim(&label(&ty)).0;
        self.list.push((variant.clone(), ty, vec![refused]));
        variant
    }

    /// The bodies, each with the default the statuses it answers allow.
    fn finish(self) -> Vec<RejectionBody> {
        self.list
            .iter()
            .map(|(variant, ty, statuses)| {
                let default = match ty {
                    TypeRef::Json | TypeRef::String => BodyDefault::Runtime,
                    TypeRef::Map(value) if **value == TypeRef::Json => BodyDefault::Runtime,
                    TypeRef::Named(name) => match self.kind(name) {
                        Some(TypeKind::Struct(s)) => self
                            .struct_fills(s, statuses, true)
                            .map_or(BodyDefault::None, BodyDefault::Fields),
                        _ => BodyDefault::None,
                    },
                    _ => BodyDefault::None,
                };
                RejectionBody {
                    variant: variant.clone(),
                    ty: ty.clone(),
                    default,
                }
            })
            .collect()
    }

    fn kind(&self, name: &str) -> Option<&TypeKind> {
        self.types.iter().find(|t| t.name == name).map(|t| &t.kind)
    }

    /// `ty` with aliases replaced by what they stand for.
    fn see_through(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..self.types.len() {
            match ty.direct_name().and_then(|name| self.kind(name)) {
                Some(TypeKind::Alias(target)) => ty = target.non_null().clone(),
                _ => break,
            }
        }
        ty
    }

    /// What fills the properties of a struct answering `statuses`; `None` when a required
    /// one stays empty. `outer` allows one envelope (`{"error": {"message": ...}}`).
    fn struct_fills(&self, s: &Struct, statuses: &[u16], outer: bool) -> Option<Vec<FieldFill>> {
        if s.required_sets.is_some() {
            return None;
        }
        let mut fills = Vec::new();
        for field in &s.fields {
            match self.source(field, statuses, outer) {
                Some(source) => {
                    let partial =
                        matches!(&source, FillSource::Listed(by) if by.len() < statuses.len());
                    if field.required && partial {
                        return None;
                    }
                    fills.push(FieldFill {
                        wire: field.wire.clone(),
                        source,
                    });
                }
                None if field.required => return None,
                None => {}
            }
        }
        Some(fills)
    }

    /// What the property `field` is filled with, recognised by its name and type.
    fn source(&self, field: &Field, statuses: &[u16], outer: bool) -> Option<FillSource> {
        let name = plain(&field.wire);
        let is = |names: &[&str]| names.contains(&name.as_str());
        let ty = field.seen_through.as_ref().unwrap_or(&field.ty).non_null();
        match ty {
            TypeRef::String if free_text(&field.constraints) && is(MESSAGE) => {
                Some(FillSource::Message)
            }
            TypeRef::String if free_text(&field.constraints) && is(CODE) => Some(FillSource::Code),
            TypeRef::I32 | TypeRef::I64 if admits_4xx(&field.constraints) && is(STATUS) => {
                Some(FillSource::Status)
            }
            TypeRef::Named(named) => match self.kind(named)? {
                TypeKind::Enum(listed) if is(CODE) => {
                    let by = listed_by_status(listed, statuses);
                    (!by.is_empty()).then_some(FillSource::Listed(by))
                }
                TypeKind::Struct(inner) if outer && is(ENVELOPE) => self
                    .struct_fills(inner, statuses, false)
                    .map(FillSource::Object),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Property names (lower case, letters and digits only) that hold the error's message.
const MESSAGE: &[&str] = &[
    "message",
    "msg",
    "errormessage",
    "detail",
    "details",
    "description",
    "errordescription",
    "error",
    "title",
];
/// ... its code (`kind` and `type` are left alone: Kubernetes' `kind` names the object, a
/// problem's `type` is a URI).
const CODE: &[&str] = &["code", "errorcode", "errortype"];
/// ... its HTTP status, as a number.
const STATUS: &[&str] = &[
    "status",
    "statuscode",
    "httpstatus",
    "httpstatuscode",
    "httpcode",
    "code",
];
/// ... an object holding the error's properties.
const ENVELOPE: &[&str] = &["error"];

fn plain(wire: &str) -> String {
    wire.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether any message fits the rules of a string property.
fn free_text(rules: &Constraints) -> bool {
    rules.pattern.is_none() && rules.max_length.is_none() && !rules.email
}

fn admits_4xx(rules: &Constraints) -> bool {
    rules.minimum.is_none_or(|b| b.value <= 400.0) && rules.maximum.is_none_or(|b| b.value >= 499.0)
}

/// For each of `statuses`, the listed value that says best what went wrong, if one does.
fn listed_by_status(listed: &OpenEnum, statuses: &[u16]) -> Vec<(u16, String)> {
    statuses
        .iter()
        .copied()
        .filter_map(|refused| {
            keywords(refused).iter().find_map(|word| {
                listed
                    .iter()
                    .find(|v| plain(&v.wire).contains(word))
                    .map(|v| (refused, v.wire.clone()))
            })
        })
        .collect()
}

/// Words of listed values that describe a refusal, best first.
fn keywords(refused: u16) -> &'static [&'static str] {
    const MALFORMED: &[&str] = &[
        "validation",
        "invalid",
        "badrequest",
        "unprocessable",
        "malformed",
    ];
    match refused {
        401 => &[
            "unauthorized",
            "unauthenticated",
            "authentication",
            "credential",
            "permission",
            "forbidden",
        ],
        413 => &["toolarge", "size", "validation", "invalid", "badrequest"],
        415 => &[
            "mediatype",
            "contenttype",
            "validation",
            "invalid",
            "badrequest",
        ],
        _ => MALFORMED,
    }
}

/// The variant name of a body type in the `RejectionBody` enum.
fn label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Json => "Json".to_owned(),
        TypeRef::Map(item) if **item == TypeRef::Json => "Object".to_owned(),
        TypeRef::String => "Text".to_owned(),
        TypeRef::List(item) => format!("{}List", label(item)),
        TypeRef::Map(item) => format!("{}Map", label(item)),
        TypeRef::Nullable(inner) => label(inner),
        other => crate::naming::type_name(&format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_values_are_picked_by_what_they_say() {
        let listed = OpenEnum {
            variants: ["not_found", "validation_error", "permission_denied"]
                .map(|wire| crate::ir::EnumVariant {
                    name: wire.into(),
                    wire: wire.into(),
                    docs: None,
                })
                .to_vec(),
            catch_all: "Unknown".into(),
        };
        let by = listed_by_status(&listed, &REFUSED);
        let value = |status| {
            by.iter()
                .find(|(s, _)| *s == status)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(value(400), Some("validation_error"));
        assert_eq!(value(401), Some("permission_denied"));
        assert_eq!(value(413), Some("validation_error"));
    }
}
