//! Which operations of a spec become code: included or excluded by tag, by `operationId` and
//! by path prefix. The types no selected operation (or webhook) reaches are pruned, so a
//! crate for a few operations of a large API builds only what they use.

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Operation, TypeDef, TypeKind, TypeRef};

/// The operations to generate: those matching an `include` selector (every one when there
/// is none), minus those matching an `exclude` selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    #[serde(default)]
    pub include: Selectors,
    #[serde(default)]
    pub exclude: Selectors,
}

/// Ways to name operations; an operation matches when any one names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Selectors {
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub operations: Vec<String>,
    /// Path prefixes, matched segment by segment (`/repos` matches `/repos/{owner}`, not
    /// `/repositories`).
    #[serde(default)]
    pub path_prefixes: Vec<String>,
}

/// What the selector tells of one operation.
pub struct Candidate<'a> {
    pub tags: &'a [String],
    pub operation_id: Option<&'a str>,
    pub path: &'a str,
}

impl<'a> Candidate<'a> {
    /// The spec's operation at `path` (`""` for a webhook, which has none).
    pub fn of(operation: &'a openapiv3::Operation, path: &'a str) -> Self {
        Candidate {
            tags: &operation.tags,
            operation_id: operation.operation_id.as_deref(),
            path,
        }
    }
}

impl Selectors {
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty() && self.path_prefixes.is_empty()
    }

    /// Each selector that names `candidate`, as `kind` and value (`tag`, `repos`).
    fn naming<'s>(&'s self, candidate: &Candidate<'_>) -> Vec<(&'static str, &'s str)> {
        let tags = self
            .tags
            .iter()
            .filter(|t| candidate.tags.contains(t))
            .map(|t| ("tag", t.as_str()));
        let operations = self
            .operations
            .iter()
            .filter(|id| candidate.operation_id == Some(id.as_str()))
            .map(|id| ("operation", id.as_str()));
        let prefixes = self
            .path_prefixes
            .iter()
            .filter(|p| has_prefix(candidate.path, p))
            .map(|p| ("path prefix", p.as_str()));
        tags.chain(operations).chain(prefixes).collect()
    }

    fn all(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let tags = self.tags.iter().map(|t| ("tag", t.as_str()));
        let operations = self.operations.iter().map(|id| ("operation", id.as_str()));
        let prefixes = self
            .path_prefixes
            .iter()
            .map(|p| ("path prefix", p.as_str()));
        tags.chain(operations).chain(prefixes)
    }
}

/// `path` is `prefix` or goes on from it at a segment boundary.
fn has_prefix(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    match path.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/') || prefix.is_empty(),
        None => false,
    }
}

/// Decides operation by operation, and remembers which selectors named any.
#[derive(Default)]
pub struct Selector<'s> {
    selection: Option<&'s Selection>,
    used: BTreeSet<(&'static str, &'s str)>,
}

impl<'s> Selector<'s> {
    pub fn new(selection: &'s Selection) -> Self {
        let active = !(selection.include.is_empty() && selection.exclude.is_empty());
        Selector {
            selection: active.then_some(selection),
            used: BTreeSet::new(),
        }
    }

    /// Whether the selection takes no operation out.
    pub fn takes_all(&self) -> bool {
        self.selection.is_none()
    }

    pub fn selects(&mut self, candidate: &Candidate<'_>) -> bool {
        let Some(selection) = self.selection else {
            return true;
        };
        let included = selection.include.naming(candidate);
        let excluded = selection.exclude.naming(candidate);
        let selected =
            (selection.include.is_empty() || !included.is_empty()) && excluded.is_empty();
        self.used.extend(included);
        self.used.extend(excluded);
        selected
    }

    /// The selectors that named no operation, as `--tag repos` would be said.
    pub fn unmatched(&self) -> Vec<String> {
        let Some(selection) = self.selection else {
            return Vec::new();
        };
        let include = selection.include.all().map(|s| (s, ""));
        let exclude = selection.exclude.all().map(|s| (s, "exclude "));
        include
            .chain(exclude)
            .filter(|(selector, _)| !self.used.contains(selector))
            .map(|((kind, value), side)| format!("{side}{kind} `{value}`"))
            .collect()
    }
}

/// Whether every type `ty` names is among `kept`.
pub fn names_kept(ty: &TypeRef, kept: &BTreeSet<&str>) -> bool {
    let mut names = Vec::new();
    names_in(ty, &mut names);
    names.iter().all(|name| kept.contains(name))
}

/// Drops the types that no operation or hook of `api` reaches.
pub fn prune_types(types: Vec<TypeDef>, operations: &[&Operation]) -> Vec<TypeDef> {
    let mut roots = Vec::new();
    for op in operations {
        operation_refs(op, &mut |ty| roots.push(ty));
    }
    let reached: BTreeSet<String> = reached_from(&types, roots)
        .into_iter()
        .map(str::to_owned)
        .collect();
    types
        .into_iter()
        .filter(|t| reached.contains(&t.name))
        .collect()
}

/// The names of the types `roots` reach, through fields, items, variants and aliases.
pub fn reached_from<'t>(
    types: &'t [TypeDef],
    roots: impl IntoIterator<Item = &'t TypeRef>,
) -> BTreeSet<&'t str> {
    let index: BTreeMap<&str, &TypeDef> = types.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut reached = BTreeSet::new();
    let mut pending: Vec<&str> = Vec::new();
    roots.into_iter().for_each(|ty| names_in(ty, &mut pending));
    while let Some(name) = pending.pop() {
        let Some(def) = index.get(name) else { continue };
        if reached.insert(def.name.as_str()) {
            type_refs(def, &mut |ty| names_in(ty, &mut pending));
        }
    }
    reached
}

/// Each type an operation names: parameters, bodies, responses and their headers.
fn operation_refs<'o>(op: &'o Operation, visit: &mut impl FnMut(&'o TypeRef)) {
    op.parameters.iter().for_each(|p| visit(&p.ty));
    if let Some(body) = &op.body {
        body.ty.iter().for_each(&mut *visit);
        body.choices
            .iter()
            .flat_map(|c| &c.ty)
            .for_each(&mut *visit);
    }
    for response in &op.responses {
        response.ty.iter().for_each(&mut *visit);
        response.headers.iter().for_each(|h| visit(&h.ty));
        let keyed = response.keyed.iter().flat_map(|k| &k.events);
        keyed.flat_map(|e| &e.ty).for_each(&mut *visit);
    }
}

/// Each type a type definition names.
fn type_refs<'t>(def: &'t TypeDef, visit: &mut impl FnMut(&'t TypeRef)) {
    match &def.kind {
        TypeKind::Struct(s) => {
            for field in &s.fields {
                visit(&field.ty);
                field.seen_through.iter().for_each(&mut *visit);
            }
            s.additional.iter().for_each(&mut *visit);
        }
        TypeKind::Union(u) => u.variants.iter().for_each(|v| visit(&v.ty)),
        TypeKind::Alias(target) | TypeKind::Newtype(target) => visit(target),
        TypeKind::Enum(_) => {}
    }
}

fn names_in<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            names_in(inner, out)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_prefix_matches_whole_segments() {
        assert!(has_prefix("/repos", "/repos"));
        assert!(has_prefix("/repos/{owner}/{repo}", "/repos"));
        assert!(has_prefix("/repos/{owner}", "/repos/"));
        assert!(!has_prefix("/repositories", "/repos"));
        assert!(!has_prefix("/user/repos", "/repos"));
        assert!(has_prefix("/anything", "/"));
    }

    #[test]
    fn includes_choose_excludes_remove_and_unused_selectors_are_told() {
        let selection = Selection {
            include: Selectors {
                tags: vec!["repos".into(), "gone".into()],
                ..Selectors::default()
            },
            exclude: Selectors {
                operations: vec!["repos/delete".into()],
                ..Selectors::default()
            },
        };
        let mut selector = Selector::new(&selection);
        assert!(!selector.takes_all());
        let repos = ["repos".to_owned()];
        let candidate = |operation_id, tags| Candidate {
            tags,
            operation_id: Some(operation_id),
            path: "/repos",
        };
        assert!(selector.selects(&candidate("repos/get", &repos)));
        assert!(!selector.selects(&candidate("repos/delete", &repos)));
        assert!(!selector.selects(&candidate("users/get", &[])));
        assert_eq!(selector.unmatched(), ["tag `gone`"]);
        let everything = Selection::default();
        let mut all = Selector::new(&everything);
        assert!(all.takes_all() && all.selects(&candidate("users/get", &[])));
        assert!(all.unmatched().is_empty());
    }
}
