//! Recursive types: a field or variant that (directly) contains its own type again is boxed;
//! an alias that refers to itself becomes a newtype, since Rust aliases cannot recurse.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind, TypeRef};

/// Boxes recursive fields and variants, turns self-referring aliases into newtypes, and
/// returns the origins of aliases that only refer to each other with nothing in between (no
/// list or map), which no Rust type can represent.
pub(super) fn box_cycles(types: &mut [TypeDef]) -> Vec<String> {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let pure_cycles = newtype_alias_cycles(types, &index);
    box_recursive(types, &index);
    pure_cycles
}

/// Turns aliases in a cycle into newtypes; returns the origins of those in a cycle that no
/// list or map breaks.
fn newtype_alias_cycles(types: &mut [TypeDef], index: &HashMap<String, usize>) -> Vec<String> {
    let alias_edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Alias(target) => names_within(target)
                .into_iter()
                .filter_map(|n| index.get(n).copied())
                .filter(|&i| matches!(types[i].kind, TypeKind::Alias(_)))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let alias_components = strongly_connected(&alias_edges);
    let mut pure_cycles = Vec::new();
    for (i, t) in types.iter_mut().enumerate() {
        if let TypeKind::Alias(target) = &t.kind {
            if in_cycle(i, &alias_components, &alias_edges) {
                if target.direct_name().is_some() {
                    pure_cycles.push(t.origin.clone());
                }
                t.kind = TypeKind::Newtype(target.clone());
            }
        }
    }
    // A cycle is representable when at least one of its members wraps the next in a list or map.
    let wrapped_components: Vec<usize> = types
        .iter()
        .enumerate()
        .filter(
            |(_, t)| matches!(&t.kind, TypeKind::Newtype(target) if target.direct_name().is_none()),
        )
        .map(|(i, _)| alias_components[i])
        .collect();
    pure_cycles.retain(|origin| {
        let i = types.iter().position(|t| &t.origin == origin).unwrap_or(0);
        !wrapped_components.contains(&alias_components[i])
    });
    pure_cycles
}

/// Boxes each field and variant that holds a type of its owner's cycle inline.
fn box_recursive(types: &mut [TypeDef], index: &HashMap<String, usize>) {
    let direct_edges: Vec<Vec<usize>> = types
        .iter()
        .map(|t| {
            direct_names(t)
                .into_iter()
                .filter_map(|n| index.get(n).copied())
                .collect()
        })
        .collect();
    let component = strongly_connected(&direct_edges);
    for (owner, t) in types.iter_mut().enumerate() {
        let recursive = |ty: &TypeRef| {
            ty.direct_name()
                .and_then(|n| index.get(n))
                .is_some_and(|&target| component[target] == component[owner])
        };
        match &mut t.kind {
            TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| f.boxed = recursive(&f.ty)),
            TypeKind::Union(u) => u
                .variants
                .iter_mut()
                .for_each(|v| v.boxed = recursive(&v.ty)),
            _ => {}
        }
    }
}

fn in_cycle(node: usize, component: &[usize], edges: &[Vec<usize>]) -> bool {
    edges[node].contains(&node) || component.iter().filter(|&&c| c == component[node]).count() > 1
}

/// Named types held inline (not behind a `Vec` or map) by a type.
fn direct_names(t: &TypeDef) -> Vec<&str> {
    match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| f.ty.direct_name()).collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|v| v.ty.direct_name())
            .collect(),
        TypeKind::Alias(target) | TypeKind::Newtype(target) => {
            target.direct_name().into_iter().collect()
        }
        TypeKind::Enum(_) => Vec::new(),
    }
}

/// Every named type mentioned anywhere in a type.
fn names_within(ty: &TypeRef) -> Vec<&str> {
    match ty {
        TypeRef::Named(name) => vec![name.as_str()],
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => {
            names_within(inner)
        }
        _ => Vec::new(),
    }
}

/// Tarjan's algorithm, iterative so deep specs cannot overflow the stack. Returns the
/// component id of each node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((node, edge)) = work.pop() {
            if edge == 0 {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(edge) {
                work.push((node, edge + 1));
                if index[next] == usize::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn finds_cycles_and_singletons() {
        let edges = vec![vec![1], vec![0, 2], vec![], vec![3]];
        let c = strongly_connected(&edges);
        assert_eq!(c[0], c[1]);
        assert_ne!(c[0], c[2]);
        assert_ne!(c[2], c[3]);
    }
}
