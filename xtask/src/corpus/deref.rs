//! How big a spec grows when every `$ref` is replaced by its target, as Prism does before it
//! listens. Stripe's operations share a graph of 775 schemas, and inline to some 10^10 nodes:
//! Prism then works for hours and never listens. GitHub's 13 MB inline to under 10^6.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

/// Above this many nodes Prism is not started: it would not listen in any useful time.
pub const LIMIT: u64 = 100_000_000;
/// Deeper than this, a document is taken to be too big as well.
const DEPTH_LIMIT: usize = 4_096;

/// Nodes of `paths` with every local `$ref` replaced by its target. A reference back into its
/// own expansion counts as one node, since cycles stay references. Saturates at `u64::MAX`.
pub fn dereferenced_size(document: &Value) -> u64 {
    let mut walk = Walk {
        document,
        sizes: HashMap::new(),
        open: HashSet::new(),
        cut: false,
        walked: 0,
    };
    document.get("paths").map_or(1, |paths| walk.size(paths, 0))
}

struct Walk<'a> {
    document: &'a Value,
    /// Sizes of references whose expansion cut no cycle: those are the same wherever used.
    sizes: HashMap<&'a str, u64>,
    open: HashSet<&'a str>,
    /// Whether a cycle was cut since the flag was last cleared.
    cut: bool,
    /// Nodes walked: sizes that cut cycles are not reused, so the walk stops past the limit.
    walked: u64,
}

impl<'a> Walk<'a> {
    fn size(&mut self, node: &'a Value, depth: usize) -> u64 {
        self.walked += 1;
        if depth > DEPTH_LIMIT || self.walked > LIMIT {
            return u64::MAX;
        }
        match node {
            Value::Object(members) => {
                if let Some(Value::String(reference)) = members.get("$ref") {
                    return self.reference(reference, depth);
                }
                let inner = members.values().map(|v| self.size(v, depth + 1));
                inner.fold(1, u64::saturating_add)
            }
            Value::Array(items) => {
                let inner = items.iter().map(|v| self.size(v, depth + 1));
                inner.fold(1, u64::saturating_add)
            }
            _ => 1,
        }
    }

    fn reference(&mut self, reference: &'a str, depth: usize) -> u64 {
        if let Some(&size) = self.sizes.get(reference) {
            return size;
        }
        let Some(target) = reference
            .strip_prefix('#')
            .and_then(|pointer| self.document.pointer(pointer))
        else {
            return 1;
        };
        if !self.open.insert(reference) {
            self.cut = true;
            return 1;
        }
        let outer_cut = std::mem::take(&mut self.cut);
        let size = self.size(target, depth + 1);
        self.open.remove(reference);
        // A size that counted a cycle as one node depends on where the walk entered it.
        if !self.cut {
            self.sizes.insert(reference, size);
        }
        self.cut |= outer_cut;
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shared_schemas_count_once_per_use_and_cycles_once() {
        // `Pair` uses `Leaf` twice; `Node` refers to itself.
        let document = json!({
            "paths": {"/a": {"$ref": "#/components/schemas/Pair"}, "/b": {"$ref": "#/components/schemas/Node"}},
            "components": {"schemas": {
                "Leaf": {"type": "string"},
                "Pair": {"properties": {"x": {"$ref": "#/components/schemas/Leaf"}, "y": {"$ref": "#/components/schemas/Leaf"}}},
                "Node": {"properties": {"next": {"$ref": "#/components/schemas/Node"}}}
            }}
        });
        // paths 1 + Pair (1 + properties 1 + 2 × Leaf 2) + Node (1 + properties 1 + cycle 1).
        assert_eq!(dereferenced_size(&document), 1 + 6 + 3);
    }

    #[test]
    fn mutually_recursive_schemas_are_counted_the_same_from_either_end() {
        // `A` and `B` refer to each other; entered from `A`, `B`'s size cuts the cycle at `A`
        // and must not be reused for the entry at `B`.
        let document = json!({
            "paths": {"/a": {"$ref": "#/components/schemas/A"}, "/b": {"$ref": "#/components/schemas/B"}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"properties": {"a": {"$ref": "#/components/schemas/A"}, "x": {"type": "string"}}}
            }}
        });
        // From A: A 1 + properties 1 + B (1 + properties 1 + cut 1 + x 2) = 7.
        // From B: B 1 + properties 1 + A (1 + properties 1 + cut 1) + x 2 = 7.
        assert_eq!(dereferenced_size(&document), 1 + 7 + 7);
    }

    #[test]
    fn a_graph_of_shared_schemas_grows_exponentially() {
        // Each level uses the one below twice: 2^40 leaves, far over the limit.
        let mut schemas = serde_json::Map::new();
        schemas.insert("L0".into(), json!({"type": "string"}));
        for level in 1..=40 {
            let below = format!("#/components/schemas/L{}", level - 1);
            schemas.insert(
                format!("L{level}"),
                json!({"allOf": [{"$ref": below}, {"$ref": below}]}),
            );
        }
        let document = json!({
            "paths": {"/a": {"$ref": "#/components/schemas/L40"}},
            "components": {"schemas": schemas}
        });
        assert!(dereferenced_size(&document) > LIMIT);
    }
}
