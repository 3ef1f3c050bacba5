//! The policy documents of a resource, by the kind of policy each one is, for the rules that
//! read every policy (CT401 policy-allows-trail-tampering, CT402 policy-action-resource-mismatch,
//! CT403 policy-malformed), and the helpers they share.

use crate::model::{Edge, Kind, Link, Origin, Part, Resource, Text, Unknown, Val};
use crate::policy::{Statement, Values};
use crate::rules::eval::Ctx;

/// What a document is for: IAM's rules differ (an identity policy has no `Principal`, a
/// resource-based policy must have one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// A permissions policy attached to an identity: `aws_iam_policy`, a role's inline or
    /// attached policy, an `AWS::IAM::Policy`/`ManagedPolicy`, a standalone policy file.
    Identity,
    /// A role's trust policy.
    Trust,
    Bucket,
    Key,
    /// A standalone policy JSON file: it may be any of the above, so nothing that depends on
    /// the kind is required of it. Read as an identity policy by CT401.
    Standalone,
}

impl DocKind {
    /// With its article: "an identity policy", "a key policy".
    pub fn a(self) -> String {
        match self {
            DocKind::Identity => "an identity policy".into(),
            k => format!("a {}", k.noun()),
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            DocKind::Identity => "identity policy",
            DocKind::Trust => "trust policy",
            DocKind::Bucket => "bucket policy",
            DocKind::Key => "key policy",
            DocKind::Standalone => "policy",
        }
    }
}

/// One document of a resource.
pub struct Doc<'a> {
    pub kind: DocKind,
    pub val: &'a Val,
    /// The model field it is in, for the fingerprint (`document`, `policies`, `policy`).
    pub field: &'static str,
}

/// The written documents of `r` (only its identity policies when `identity_only`). A document
/// the provider or AWS fills in (the default key policy) is not the user's and is left out, and
/// so is a role's attached managed policy that the scan defines: it is judged as that `policy`,
/// once, however many roles attach it.
pub fn documents<'a>(r: &'a Resource, identity_only: bool, cx: &Ctx<'_>) -> Vec<Doc<'a>> {
    let mut out = Vec::new();
    let doc = |kind, val, field| Doc { kind, val, field };
    match r.kind {
        Kind::Policy => {
            let kind = if r.format == crate::model::Format::PolicyJson {
                DocKind::Standalone
            } else {
                DocKind::Identity
            };
            out.extend(r.field("document").map(|v| doc(kind, v, "document")));
        }
        Kind::Role => {
            if let Some(items) = r.field("policies").and_then(Val::as_list) {
                out.extend(
                    items
                        .iter()
                        .filter_map(|i| i.get("document"))
                        .map(|d| doc(DocKind::Identity, d, "policies")),
                );
            }
            if !identity_only {
                out.extend(
                    r.field("assume_role_policy")
                        .map(|v| doc(DocKind::Trust, v, "assume_role_policy")),
                );
            }
        }
        Kind::Bucket if !identity_only => out.extend(r.field("policy").map(|v| doc(DocKind::Bucket, v, "policy"))),
        Kind::Key if !identity_only => out.extend(r.field("policy").map(|v| doc(DocKind::Key, v, "policy"))),
        _ => {}
    }
    out.retain(|d| d.val.origin != Origin::Defaulted && !d.val.is_null());
    if r.kind == Kind::Role {
        let managed = cx.memo.managed_policies.get_or_init(|| {
            cx.model
                .of_kind(Kind::Policy)
                .filter_map(|(_, p)| p.field("document").map(|d| d.span))
                .collect()
        });
        out.retain(|d| d.field != "policies" || !managed.contains(&d.val.span));
    }
    out
}

/// A part standing for any value.
pub fn any(what: &str) -> Part {
    Part::Unknown(Box::new(Unknown {
        expr: what.into(),
        reason: "any value".into(),
    }))
}

/// Does the text hold a part nothing tells (an unresolved variable or parameter)?
pub fn has_unknown(t: &Text) -> bool {
    t.first_unknown().is_some()
}

/// The statement with the attribute symbols of its actions and resources replaced by their
/// values (`${aws_s3_bucket.logs.arn}/*` → `arn:aws:s3:::logs/*`), so that they can be matched.
pub fn expanded(st: &Statement, cx: &Ctx<'_>) -> Statement {
    let mut s = st.clone();
    for v in [&mut s.action, &mut s.not_action, &mut s.resource, &mut s.not_resource]
        .into_iter()
        .flatten()
    {
        expand_values(v, cx);
    }
    s
}

fn expand_values(v: &mut Values, cx: &Ctx<'_>) {
    for i in &mut v.items {
        i.text = cx.resolver.expand(&i.text);
    }
}

/// Does an element of the statement hold an unresolved value, so that whether it applies
/// is not known?
pub fn statement_has_unknown(st: &Statement) -> bool {
    [&st.action, &st.not_action, &st.resource, &st.not_resource]
        .into_iter()
        .flatten()
        .any(|v| v.items.iter().any(|i| has_unknown(&i.text)))
}

/// How a statement is named in messages: "statement `Sid`", "statement 2".
pub fn statement_name(st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("statement `{sid}`"),
        None => format!("statement {}", st.index + 1),
    }
}

/// Where a trail writes its log files: its bucket's name (computed from the bucket when it is in
/// the scan, else as the trail names it) and its log prefix (`<s3_key_prefix>/AWSLogs/`).
#[derive(Debug, Clone)]
pub struct TrailBucket {
    pub name: Text,
    pub logs_prefix: Text,
}

/// The buckets of every trail in the scan, each once, with an index by literal name so that a
/// rule asking about the buckets one statement names does not walk every trail (computed once
/// per run).
#[derive(Debug, Default)]
pub struct TrailBuckets {
    pub list: Vec<TrailBucket>,
    /// The buckets whose name is a literal, by that name.
    by_name: std::collections::HashMap<String, Vec<usize>>,
    /// The other buckets (a name with a symbol or an unresolved value in it), by the literal
    /// text their name starts with (`""` when it starts with a symbol): a literal pattern can
    /// name them only if it starts with that text.
    by_lead: std::collections::HashMap<String, Vec<usize>>,
    /// Every bucket, by its literal name or (for the others) the literal text its name starts
    /// with, in order: a pattern that starts with a literal `L` can name only the buckets whose
    /// key starts with `L`, besides the others whose lead is shorter than `L`.
    by_key: std::collections::BTreeMap<String, Vec<usize>>,
    /// The buckets whose name starts with a symbol, by that symbol: only they can certainly
    /// match a pattern that starts with the same symbol.
    by_first_sym: std::collections::HashMap<crate::model::Sym, Vec<usize>>,
    /// The buckets whose name holds no unresolved value, by that name with its literal runs
    /// joined: a name is certainly the same as one of them only if it spells the same.
    by_text: std::collections::HashMap<Text, Vec<usize>>,
}

impl TrailBuckets {
    fn new(list: Vec<TrailBucket>) -> TrailBuckets {
        // Trails whose bucket names differ only in which unresolved value they hold (`var.a`,
        // `var.b`) ask the same question of a policy: a value ctlint cannot resolve matches
        // like any other. The first of them stands for the rest, so a scan with many such
        // trails does not ask it once per trail.
        let mut seen = std::collections::HashSet::new();
        let list: Vec<TrailBucket> = list
            .into_iter()
            .filter(|b| {
                !(has_unknown(&b.name) || has_unknown(&b.logs_prefix))
                    || seen.insert((opaque(&b.name), opaque(&b.logs_prefix)))
            })
            .collect();
        let mut set = TrailBuckets {
            list,
            ..TrailBuckets::default()
        };
        for (i, b) in set.list.iter().enumerate() {
            if !has_unknown(&b.name) {
                set.by_text.entry(joined(&b.name)).or_default().push(i);
            }
            match b.name.as_lit() {
                Some(n) => {
                    set.by_name.entry(n.to_string()).or_default().push(i);
                    set.by_key.entry(n.to_string()).or_default().push(i);
                }
                None => {
                    let lead = match b.name.0.first() {
                        Some(Part::Lit(l)) => l.clone(),
                        _ => String::new(),
                    };
                    set.by_lead.entry(lead.clone()).or_default().push(i);
                    if let Some(Part::Sym(first)) = b.name.0.first() {
                        set.by_first_sym.entry(first.clone()).or_default().push(i);
                    }
                    set.by_key.entry(lead).or_default().push(i);
                }
            }
        }
        set
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The buckets a bucket-name pattern from a policy may name, in order and each once: by
    /// lookup when the pattern is a literal without wildcards, by the literal text it starts
    /// with otherwise (every bucket when that is empty). The caller still compares each
    /// candidate. With `certain`, only the buckets the pattern may certainly name: a pattern
    /// that starts with a symbol certainly names only a bucket whose name starts with it, and
    /// one that starts with a literal only a bucket whose literal start is at least as long
    /// (it may name the others, for a caller that also needs those).
    pub fn candidates<'p>(&self, patterns: impl IntoIterator<Item = &'p Text>, certain: bool) -> Vec<usize> {
        let mut out = Vec::new();
        for p in patterns {
            let (lead, whole) = pattern_lead(p);
            if lead.is_empty() && !whole {
                match p.0.first() {
                    Some(Part::Sym(first)) if certain => {
                        out.extend(self.by_first_sym.get(first).into_iter().flatten().copied());
                        continue;
                    }
                    _ => return (0..self.list.len()).collect(),
                }
            }
            if whole {
                out.extend(self.by_name.get(lead).into_iter().flatten().copied());
            } else {
                // Any name that starts with the lead, and (below) the names whose literal
                // start is shorter than the lead.
                let starting = self
                    .by_key
                    .range::<str, _>((std::ops::Bound::Included(lead), std::ops::Bound::Unbounded));
                for (_, ids) in starting.take_while(|(k, _)| k.starts_with(lead)) {
                    out.extend(ids.iter().copied());
                }
            }
            // A name whose literal start is shorter than the lead goes on with a symbol where
            // the pattern goes on with a character: it may match, never certainly.
            if certain {
                continue;
            }
            let leads = lead.char_indices().map(|(i, _)| i).chain([lead.len()]);
            for end in leads {
                out.extend(self.by_lead.get(&lead[..end]).into_iter().flatten().copied());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl TrailBuckets {
    /// The buckets whose name is certainly the same as one of `names` (in order, each once):
    /// spelt the same, character for character and symbol for symbol.
    pub fn same_as<'p>(&self, names: impl IntoIterator<Item = &'p Text>) -> Vec<usize> {
        let mut out: Vec<usize> = names
            .into_iter()
            .filter(|n| !has_unknown(n))
            .flat_map(|n| self.by_text.get(&joined(n)).into_iter().flatten().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The literal text a bucket-name pattern starts with (up to its first wildcard, symbol or
/// unresolved value), and whether that is the whole pattern.
fn pattern_lead(p: &Text) -> (&str, bool) {
    let first = match p.0.first() {
        None => return ("", true),
        Some(Part::Lit(l)) => l.as_str(),
        Some(_) => return ("", false),
    };
    match first.find(['*', '?']) {
        Some(at) => (&first[..at], false),
        None => (first, p.0.len() == 1),
    }
}

/// The text with adjacent literal parts joined, so that two spellings of one text compare equal.
fn joined(t: &Text) -> Text {
    let mut out = Text::default();
    for p in &t.0 {
        out.push(p.clone());
    }
    out
}

/// The text with every unresolved part made the same, for comparing what two texts can match.
fn opaque(t: &Text) -> Text {
    Text(
        t.0.iter()
            .map(|p| match p {
                Part::Unknown(_) => any(""),
                p => p.clone(),
            })
            .collect(),
    )
}

/// The buckets of every trail in the scan (computed once per run).
pub fn trail_buckets<'c>(cx: &'c Ctx<'_>) -> &'c TrailBuckets {
    cx.memo
        .trail_buckets
        .get_or_init(|| TrailBuckets::new(compute_trail_buckets(cx)))
}

fn compute_trail_buckets(cx: &Ctx<'_>) -> Vec<TrailBucket> {
    let mut out: Vec<TrailBucket> = Vec::new();
    let mut seen: std::collections::HashSet<(Text, Text)> = std::collections::HashSet::new();
    let template = crate::rules::path::Template::parse("{trail.logs_prefix}", &["trail"]);
    for (id, trail) in cx.model.of_kind(Kind::Trail) {
        let name = match cx.model.link(id, Edge::Bucket).map(|l| &l.link) {
            Some(Link::Resolved(b)) => cx.resolver.expand(&cx.resolver.name_text(*b)),
            _ => match trail.field("s3_bucket_name").and_then(|v| v.text()) {
                Some(t) => cx.resolver.expand(&t),
                None => Text(vec![any("the trail's bucket")]),
            },
        };
        let path = crate::rules::path::Path {
            steps: vec![("trail", id)],
        };
        let logs_prefix = template
            .as_ref()
            .map(|t| t.render(&path, cx.resolver))
            .unwrap_or_default();
        if seen.insert((name.clone(), logs_prefix.clone())) {
            out.push(TrailBucket { name, logs_prefix });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sym;
    use crate::policy::Tri;

    fn bucket(parts: Vec<Part>) -> TrailBucket {
        TrailBucket {
            name: Text(parts),
            logs_prefix: Text::lit("AWSLogs/"),
        }
    }

    /// The index narrows the buckets a pattern is compared with, and must never drop one that
    /// the pattern may match (or, with `certain`, certainly matches).
    #[test]
    fn candidates_keep_every_bucket_a_pattern_can_name() {
        let lit = |s: &str| Part::Lit(s.into());
        let set = TrailBuckets::new(vec![
            bucket(vec![lit("acme-logs")]),                      // 0
            bucket(vec![lit("acme-"), Part::Sym(Sym::Account)]), // 1
            bucket(vec![Part::Sym(Sym::Account), lit("-logs")]), // 2
            bucket(vec![lit("other")]),                          // 3
            bucket(vec![Part::Sym(Sym::Region), lit("-trail")]), // 4
        ]);
        let ask = |p: Vec<Part>, certain| set.candidates(&[Text(p)], certain);
        // A literal: its own name, and (only when maybes count) the names that go on with a
        // symbol after a shorter literal start.
        assert_eq!(ask(vec![lit("acme-logs")], true), vec![0]);
        assert_eq!(ask(vec![lit("acme-logs")], false), vec![0, 1, 2, 4]);
        // A literal start with a wildcard: every name or lead that starts with it.
        assert_eq!(ask(vec![lit("acme-*")], true), vec![0, 1]);
        assert_eq!(ask(vec![lit("ot*")], true), vec![3]);
        // A symbol first: the names that start with the same symbol, or all of them.
        assert_eq!(ask(vec![Part::Sym(Sym::Account), lit("-logs")], true), vec![2]);
        assert_eq!(ask(vec![Part::Sym(Sym::Account), lit("-logs")], false).len(), 5);
        assert_eq!(ask(vec![lit("*")], true).len(), 5);
        // Each candidate list holds every bucket the matcher says the pattern may name.
        let patterns = [
            vec![lit("acme-logs")],
            vec![lit("acme-*")],
            vec![lit("acme-"), Part::Sym(Sym::Account)],
            vec![Part::Sym(Sym::Region), lit("-trail")],
            vec![lit("a"), Part::Sym(Sym::Account), lit("-logs")],
        ];
        for p in patterns {
            let t = Text(p);
            for certain in [true, false] {
                let got = set.candidates(std::slice::from_ref(&t), certain);
                for (i, b) in set.list.iter().enumerate() {
                    let m = crate::policy::matches(&t, &b.name, crate::policy::Mode::GLOB);
                    let needed = if certain { m == Tri::Yes } else { m != Tri::No };
                    assert!(!needed || got.contains(&i), "{t} {certain} misses {}", b.name);
                }
            }
        }
    }
}
