//! A compact, readable text dump of an API's resolved model, for snapshot review: a naming
//! or resolution change shows up as a small diff.

use std::fmt::Write;

use crate::ir::{
    Api, BodyDefault, Constraints, Field, FieldFill, FillSource, HookOrigin, Media, Operation,
    ParamLocation, RefusalAnswer, RejectionBody, Response, SchemeKind, Status, TypeDef, TypeKind,
    TypeRef, UnionVariant,
};

pub fn dump_api(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "api {}: {} {}", api.module, api.title, api.version);
    for file in &api.spec_files {
        let _ = writeln!(out, "  from {file}");
    }
    for server in &api.servers {
        let _ = writeln!(out, "server {} = {}", server.name, server.url);
    }
    for scheme in &api.security_schemes {
        let _ = writeln!(
            out,
            "security {} ({}): {}",
            scheme.key,
            scheme.name,
            scheme_text(&scheme.kind)
        );
    }
    for op in &api.operations {
        dump_operation(&mut out, op);
    }
    for body in &api.rejection_bodies {
        dump_rejection_body(&mut out, body);
    }
    for hook in &api.hooks {
        let origin = match &hook.origin {
            HookOrigin::Webhook { name } => format!("webhook {name:?}"),
            HookOrigin::Callback {
                name,
                expression,
                operations,
            } => format!(
                "callback {name:?} of {} to {expression:?}",
                operations.join(", ")
            ),
        };
        let _ = writeln!(out, "hook {origin}, routes field {}", hook.routes_field);
        dump_operation(&mut out, &hook.operation);
    }
    for def in &api.types {
        dump_type(&mut out, def);
    }
    let _ = writeln!(out, "examples: {}", api.examples.len());
    out
}

fn dump_operation(out: &mut String, op: &Operation) {
    let id = op
        .operation_id
        .as_deref()
        .map(|id| format!(" ({id})"))
        .unwrap_or_default();
    let _ = writeln!(out, "operation {} = {} {}{id}", op.name, op.method, op.path);
    let _ = writeln!(out, "  security: {}", security_text(&op.security));
    for note in &op.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    for p in &op.parameters {
        let default = p
            .default
            .as_ref()
            .map(|d| format!(" = {d}"))
            .unwrap_or_default();
        let required = if p.required { "" } else { "?" };
        let _ = writeln!(
            out,
            "  {} param {}{required}: {}{default} as {:?}",
            location(p.location),
            p.name,
            type_text(&p.ty),
            p.wire
        );
    }
    if let Some(body) = &op.body {
        let ty = match (&body.ty, &body.media) {
            (Some(ty), _) => type_text(ty),
            (None, Media::Text) => "String".to_owned(),
            (None, _) => "raw bytes".to_owned(),
        };
        let required = if body.required { ", required" } else { "" };
        let media = media_label(&body.media);
        let _ = writeln!(
            out,
            "  body: {ty} ({}, {media}{required})",
            body.content_type
        );
    }
    for r in &op.responses {
        dump_response(out, r);
    }
    for refusal in &op.refusals {
        let refused: Vec<String> = refusal.refused.iter().map(u16::to_string).collect();
        let status = refusal.status.map_or("same".to_owned(), |s| s.to_string());
        let answer = match &refusal.answer {
            RefusalAnswer::Empty => "empty".to_owned(),
            RefusalAnswer::Text { content_type } => format!("text ({content_type})"),
            RefusalAnswer::Json {
                body,
                content_type,
                has_default,
            } => {
                let default = if *has_default { "" } else { ", no default" };
                format!("{body} ({content_type}{default})")
            }
            RefusalAnswer::Error => "JSON error".to_owned(),
        };
        let _ = writeln!(
            out,
            "  refused {} -> {} {status}: {answer}",
            refused.join(" "),
            refusal.variant
        );
    }
}

fn dump_rejection_body(out: &mut String, body: &RejectionBody) {
    let default = match &body.default {
        BodyDefault::Fields(fills) => format!("{{{}}}", fills_text(fills)),
        BodyDefault::Runtime => "runtime".to_owned(),
        BodyDefault::None => "none".to_owned(),
    };
    let _ = writeln!(
        out,
        "rejection body {} = {}: {default}",
        body.variant,
        type_text(&body.ty)
    );
}

fn fills_text(fills: &[FieldFill]) -> String {
    let parts: Vec<String> = fills
        .iter()
        .map(|fill| {
            let source = match &fill.source {
                FillSource::Message => "message".to_owned(),
                FillSource::Code => "code".to_owned(),
                FillSource::Status => "status".to_owned(),
                FillSource::Listed(by_status) => {
                    let pairs: Vec<String> = by_status
                        .iter()
                        .map(|(status, value)| format!("{status}={value}"))
                        .collect();
                    format!("listed({})", pairs.join(" "))
                }
                FillSource::Object(inner) => format!("{{{}}}", fills_text(inner)),
            };
            format!("{} <- {source}", fill.wire)
        })
        .collect();
    parts.join(", ")
}

/// Alternatives of scheme sets: `a + b | anonymous`.
fn security_text(security: &[Vec<String>]) -> String {
    if security.is_empty() {
        return "none".to_owned();
    }
    security
        .iter()
        .map(|all| {
            if all.is_empty() {
                "anonymous".to_owned()
            } else {
                all.join(" + ")
            }
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

fn dump_response(out: &mut String, r: &Response) {
    let status = match &r.status {
        Status::Code(c) => c.to_string(),
        Status::Range(d) => format!("{d}XX"),
        Status::Default => "default".into(),
    };
    let keyed = r.keyed.as_ref().map(|keyed| {
        let events: Vec<String> = keyed
            .events
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e.event,
                    e.ty.as_ref().map_or("String".into(), type_text)
                )
            })
            .collect();
        format!("events keyed by name: {}", events.join(", "))
    });
    let ty = match (&r.ty, &r.content_type, &r.media) {
        _ if keyed.is_some() => keyed.unwrap_or_default(),
        (Some(ty), Some(ct), Some(Media::Events)) => format!("events of {} ({ct})", type_text(ty)),
        (None, Some(ct), Some(Media::Events)) => format!("events of String ({ct})"),
        (Some(ty), _, _) => type_text(ty),
        (None, Some(ct), Some(Media::Text)) => format!("String ({ct})"),
        (None, Some(ct), _) => format!("raw bytes ({ct})"),
        (None, None, _) => "empty".into(),
    };
    let _ = writeln!(out, "  {status}: {ty}");
    for h in &r.headers {
        let required = if h.required { "" } else { "?" };
        let _ = writeln!(
            out,
            "    header {}{required}: {} as {:?}",
            h.name,
            type_text(&h.ty),
            h.wire
        );
    }
}

fn dump_type(out: &mut String, def: &TypeDef) {
    let _ = writeln!(out, "{}", type_heading(def));
    match &def.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                let _ = writeln!(out, "  {}", field_text(f));
            }
            if let Some(extra) = &s.additional {
                let _ = writeln!(out, "  ..additional: {}", type_text(extra));
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                let _ = writeln!(out, "  {}", variant_text(v));
            }
        }
        TypeKind::Enum(_) | TypeKind::Alias(_) | TypeKind::Newtype(_) => {}
    }
}

/// A type definition's first line: its kind, name and shape, and where it came from.
fn type_heading(def: &TypeDef) -> String {
    let origin = &def.origin;
    match &def.kind {
        TypeKind::Struct(_) => format!("struct {}  <- #{origin}", def.name),
        TypeKind::Enum(variants) => {
            let list: Vec<String> = variants
                .iter()
                .map(|v| format!("{}={}", v.wire, v.name))
                .collect();
            format!(
                "enum {}: {} (open)  <- #{origin}",
                def.name,
                list.join(", ")
            )
        }
        TypeKind::Union(u) => {
            let tag = u
                .tag
                .as_ref()
                .map(|t| format!(" tagged by {t:?}"))
                .unwrap_or_else(|| " untagged".into());
            format!("union {}{tag}  <- #{origin}", def.name)
        }
        TypeKind::Alias(target) => {
            format!("alias {} = {}  <- #{origin}", def.name, type_text(target))
        }
        TypeKind::Newtype(target) => {
            format!("newtype {}({})  <- #{origin}", def.name, type_text(target))
        }
    }
}

fn variant_text(v: &UnionVariant) -> String {
    let boxed = if v.boxed { " (boxed)" } else { "" };
    let tags = if v.tag_values.is_empty() {
        String::new()
    } else {
        format!(" when {:?}", v.tag_values)
    };
    format!("{}({}){boxed}{tags}", v.name, type_text(&v.ty))
}

fn field_text(f: &Field) -> String {
    let mut ty = type_text(f.ty.non_null());
    if f.boxed {
        ty = format!("Box<{ty}>");
    }
    for _ in 0..f.option_layers() {
        ty = format!("Option<{ty}>");
    }
    let mut notes = Vec::new();
    if f.wire != f.name {
        notes.push(format!("wire {:?}", f.wire));
    }
    if f.secret {
        notes.push("secret".into());
    }
    if !f.constraints.is_empty() {
        notes.push(constraints_text(&f.constraints));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("  [{}]", notes.join("; "))
    };
    format!("{}: {ty}{notes}", f.name)
}

fn constraints_text(c: &Constraints) -> String {
    let mut parts = Vec::new();
    if let Some(n) = c.min_length {
        parts.push(format!("minLength {n}"));
    }
    if let Some(n) = c.max_length {
        parts.push(format!("maxLength {n}"));
    }
    if let Some(p) = &c.pattern {
        parts.push(format!("pattern {p:?}"));
    }
    if let Some(b) = c.minimum {
        parts.push(format!(
            "{} {}",
            if b.exclusive { ">" } else { ">=" },
            b.value
        ));
    }
    if let Some(b) = c.maximum {
        parts.push(format!(
            "{} {}",
            if b.exclusive { "<" } else { "<=" },
            b.value
        ));
    }
    if let Some(n) = c.min_items {
        parts.push(format!("minItems {n}"));
    }
    if let Some(n) = c.max_items {
        parts.push(format!("maxItems {n}"));
    }
    if c.unique_items {
        parts.push("uniqueItems".into());
    }
    if c.email {
        parts.push("email".into());
    }
    if let Some(items) = &c.items {
        parts.push(format!("items: {}", constraints_text(items)));
    }
    parts.join(", ")
}

/// A type reference written as the Rust type it becomes.
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::Uuid => "Uuid".into(),
        TypeRef::DateTime => "DateTime<Utc>".into(),
        TypeRef::Date => "NaiveDate".into(),
        TypeRef::Bytes => "Base64".into(),
        TypeRef::Binary => "FilePart".into(),
        TypeRef::Json => "Json".into(),
        TypeRef::List(i) => format!("Vec<{}>", type_text(i)),
        TypeRef::Map(i) => format!("Map<{}>", type_text(i)),
        TypeRef::Nullable(i) => format!("Option<{}>", type_text(i)),
    }
}

fn location(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn scheme_text(kind: &SchemeKind) -> String {
    match kind {
        SchemeKind::ApiKey { location: l, param } => {
            format!("api key in {} `{param}`", location(*l))
        }
        SchemeKind::Bearer { format } => format!(
            "bearer{}",
            format
                .as_ref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default()
        ),
        SchemeKind::Basic => "basic".into(),
        SchemeKind::Http { scheme } => format!("http {scheme}"),
        SchemeKind::OAuth2 => "oauth2".into(),
        SchemeKind::OpenIdConnect { url } => format!("openIdConnect {url}"),
    }
}

/// How a body carries its value, in a word.
fn media_label(media: &Media) -> &'static str {
    match media {
        Media::Json => "JSON",
        Media::Form(_) => "form",
        Media::Multipart { .. } => "multipart",
        Media::Text => "text",
        Media::Bytes => "bytes",
        Media::Stream => "stream",
        Media::Events => "events",
    }
}
