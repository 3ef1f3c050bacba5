//! Whether one filter pattern matches every event another one matches.
//!
//! The reference is normalised to a disjunction of conjunctions of atoms (selector, test).
//! Each conjunction constrains each selector independently, so the events it matches form a
//! product of per-selector value sets. For every selector the candidate or the conjunction
//! mentions, a finite set of witness values is built that realises every combination of
//! truth values of the atoms on that selector (see [`witnesses`]); the candidate is then
//! evaluated on every point of the conjunction's product. A point where the conjunction
//! holds and the candidate does not is a counterexample: the conjunction is not covered.
//!
//! Selectors are treated as independent variables (`$.a` and `$.a.b` are unrelated). That can
//! only add combinations no real event has, so a *covered* answer is never wrong; it could in
//! principle report a counterexample no real event realises, for a candidate whose coverage
//! depends on a field and its own sub-field together.

use std::collections::BTreeMap;

use super::parse::{Comparison, Expr, Pattern, Segment, Test, Value};

/// At most this many conjunctions in a disjunctive form; more is undecided, not an error.
pub const MAX_DISJUNCTS: usize = 4096;
/// At most this many candidate evaluations for one conjunction of the reference.
pub const MAX_POINTS: usize = 1 << 20;
/// At most this many distinct wildcard strings on one selector (witnesses grow as 2^n).
pub const MAX_WILDCARDS: usize = 10;

/// One condition of a conjunction.
#[derive(Debug, Clone, PartialEq)]
pub struct Atom {
    pub selector: Vec<Segment>,
    pub test: Test,
}

/// A disjunction of conjunctions.
pub type Dnf = Vec<Vec<Atom>>;

/// The disjunctive form of an expression, or `None` past [`MAX_DISJUNCTS`].
pub fn dnf(expr: &Expr) -> Option<Dnf> {
    match expr {
        Expr::Cmp(Comparison { selector, test, .. }) => Some(vec![vec![Atom {
            selector: selector.path.clone(),
            test: test.clone(),
        }]]),
        Expr::Or(terms, _) => {
            let mut out = Vec::new();
            for t in terms {
                out.extend(dnf(t)?);
                if out.len() > MAX_DISJUNCTS {
                    return None;
                }
            }
            Some(out)
        }
        Expr::And(terms, _) => {
            let mut acc: Dnf = vec![Vec::new()];
            for t in terms {
                let d = dnf(t)?;
                if acc.len().saturating_mul(d.len()) > MAX_DISJUNCTS {
                    return None;
                }
                let mut next = Vec::with_capacity(acc.len() * d.len());
                for a in &acc {
                    for b in &d {
                        let mut c = a.clone();
                        for atom in b {
                            if !c.contains(atom) {
                                c.push(atom.clone());
                            }
                        }
                        next.push(c);
                    }
                }
                acc = next;
            }
            Some(acc)
        }
    }
}

/// The outcome of comparing a candidate with a reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Every event the reference matches, the candidate matches.
    Covered,
    /// These conjunctions of the reference have events the candidate does not match.
    Uncovered(Vec<Vec<Atom>>),
    /// Not decided, and why.
    Unknown(String),
}

/// Does `candidate` match every event `reference` matches?
pub fn decide(candidate: &Pattern, reference: &Pattern) -> Decision {
    let cand = match candidate {
        Pattern::All => return Decision::Covered,
        Pattern::Json { expr, .. } => expr,
        Pattern::Terms => {
            return Decision::Unknown("a pattern of terms matches the event text, not JSON fields: not decided".into());
        }
        Pattern::SpaceDelimited => {
            return Decision::Unknown("a space-delimited pattern does not apply to JSON events".into());
        }
    };
    let reference = match reference {
        Pattern::Json { expr, .. } => expr,
        Pattern::All => {
            return Decision::Unknown("the reference matches every event: compare against a JSON pattern".into());
        }
        _ => return Decision::Unknown("the reference is not a JSON pattern".into()),
    };
    let Some(ref_dnf) = dnf(reference) else {
        return Decision::Unknown(format!("the reference has more than {MAX_DISJUNCTS} alternatives"));
    };
    let mut cand_atoms: BTreeMap<Vec<Segment>, Vec<Test>> = BTreeMap::new();
    collect(cand, &mut cand_atoms);

    let mut uncovered = Vec::new();
    for conj in ref_dnf {
        match conj_covered(&conj, cand, &cand_atoms) {
            Ok(true) => {}
            Ok(false) => uncovered.push(conj),
            Err(reason) => return Decision::Unknown(reason),
        }
    }
    if uncovered.is_empty() {
        Decision::Covered
    } else {
        Decision::Uncovered(uncovered)
    }
}

fn collect(expr: &Expr, out: &mut BTreeMap<Vec<Segment>, Vec<Test>>) {
    match expr {
        Expr::Cmp(c) => {
            let tests = out.entry(c.selector.path.clone()).or_default();
            if !tests.contains(&c.test) {
                tests.push(c.test.clone());
            }
        }
        Expr::And(ts, _) | Expr::Or(ts, _) => ts.iter().for_each(|t| collect(t, out)),
    }
}

fn conj_covered(conj: &[Atom], cand: &Expr, cand_atoms: &BTreeMap<Vec<Segment>, Vec<Test>>) -> Result<bool, String> {
    // Covered: no event of the conjunction that the candidate does not match.
    Ok(!conj_has_point(conj, cand, cand_atoms, false)?)
}

/// Is there an event the conjunction matches on which the candidate evaluates to `want`?
fn conj_has_point(
    conj: &[Atom],
    cand: &Expr,
    cand_atoms: &BTreeMap<Vec<Segment>, Vec<Test>>,
    want: bool,
) -> Result<bool, String> {
    let mut by_sel: BTreeMap<&Vec<Segment>, Vec<&Test>> = BTreeMap::new();
    for a in conj {
        by_sel.entry(&a.selector).or_default().push(&a.test);
    }
    // Selectors only the reference constrains: only satisfiability matters.
    for (sel, tests) in &by_sel {
        if cand_atoms.contains_key(*sel) {
            continue;
        }
        let ws = witnesses(tests.iter().copied())?;
        if !any_satisfies(&ws, tests)? {
            return Ok(false); // the conjunction matches no event
        }
    }
    // Selectors the candidate reads: enumerate the witnesses the conjunction allows.
    let mut axes: Vec<(&Vec<Segment>, Vec<W>)> = Vec::new();
    for (sel, cand_tests) in cand_atoms {
        let ref_tests: Vec<&Test> = by_sel.get(sel).cloned().unwrap_or_default();
        let ws = witnesses(ref_tests.iter().copied().chain(cand_tests.iter()))?;
        let mut allowed = Vec::new();
        for w in ws {
            if all_hold(&ref_tests, &w)? {
                allowed.push(w);
            }
        }
        if allowed.is_empty() {
            return Ok(false);
        }
        axes.push((sel, allowed));
    }
    let points = axes.iter().try_fold(1usize, |n, (_, ws)| {
        n.checked_mul(ws.len()).filter(|&n| n <= MAX_POINTS)
    });
    if points.is_none() {
        return Err(format!("more than {MAX_POINTS} combinations of field values to check"));
    }
    let mut idx = vec![0usize; axes.len()];
    loop {
        let lookup = |sel: &Vec<Segment>| -> &W {
            axes.iter()
                .zip(&idx)
                .find(|((s, _), _)| *s == sel)
                .map(|((_, ws), &i)| &ws[i])
                .unwrap_or(&W::Missing)
        };
        match eval(cand, &lookup) {
            Some(v) if v == want => return Ok(true),
            Some(_) => {}
            None => return Err("the pattern uses a regular expression value: not decided".into()),
        }
        // Next point.
        let mut k = 0;
        loop {
            if k == axes.len() {
                return Ok(false);
            }
            idx[k] += 1;
            if idx[k] < axes[k].1.len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
    }
}

/// Does `candidate` match at least one event that `reference` matches? `None` when that is not
/// decided (as for [`decide`]). CT207 uses it to tell a filter meant for a control that misses
/// some of its events from a filter about something else.
pub fn overlaps(candidate: &Pattern, reference: &Pattern) -> Option<bool> {
    let cand = match candidate {
        Pattern::All => return Some(true),
        Pattern::Json { expr, .. } => expr,
        _ => return None,
    };
    let Pattern::Json { expr: reference, .. } = reference else {
        return None;
    };
    let ref_dnf = dnf(reference)?;
    let mut cand_atoms: BTreeMap<Vec<Segment>, Vec<Test>> = BTreeMap::new();
    collect(cand, &mut cand_atoms);
    for conj in ref_dnf {
        if conj_has_point(&conj, cand, &cand_atoms, true).ok()? {
            return Some(true);
        }
    }
    Some(false)
}

/// Is `candidate` meant for what `reference` matches, even if it misses some of it? It must
/// match some of the reference's events, and at least half of the reference's alternatives must
/// be matched in full or named: an alternative is named when the candidate tests at least half
/// of its fields for the same (wildcard-free) value, as `$.errorCode = "AccessDenied"` names
/// `$.errorCode = "AccessDenied*"`. A pattern about something else that happens to overlap (an
/// unauthorized-call filter matches failed VPC changes; an IAM filter names `CreatePolicy`,
/// one of eighteen AWS Organizations events) is not. `None` when not decided.
pub fn meant_for(candidate: &Pattern, reference: &Pattern) -> Option<bool> {
    if !overlaps(candidate, reference)? {
        return Some(false);
    }
    let (Pattern::Json { expr: cand, .. }, Pattern::Json { expr: refx, .. }) = (candidate, reference) else {
        return Some(true);
    };
    let alternatives = dnf(refx)?;
    let missed = match decide(candidate, reference) {
        Decision::Covered => return Some(true),
        Decision::Uncovered(missed) => missed,
        Decision::Unknown(_) => return None,
    };
    let mut cand_atoms = BTreeMap::new();
    collect(cand, &mut cand_atoms);
    let lit = |t: &Test| match t {
        Test::Eq(Value::Str(s)) | Test::Ne(Value::Str(s)) => Some(glob(s).lit.to_string()).filter(|l| !l.is_empty()),
        _ => None,
    };
    let named = |conj: &Vec<Atom>| {
        let literal: Vec<(&Vec<Segment>, String)> =
            conj.iter().filter_map(|a| Some((&a.selector, lit(&a.test)?))).collect();
        let shared = literal
            .iter()
            .filter(|(sel, l)| {
                cand_atoms
                    .get(*sel)
                    .is_some_and(|ts: &Vec<Test>| ts.iter().filter_map(lit).any(|c| c == *l))
            })
            .count();
        !literal.is_empty() && shared * 2 >= literal.len()
    };
    let met = alternatives
        .iter()
        .filter(|conj| !missed.contains(conj) || named(conj))
        .count();
    Some(met * 2 >= alternatives.len())
}

/// The fields a pattern tests, as `$.a.b`.
pub fn selectors(pattern: &Pattern) -> Vec<String> {
    let Pattern::Json { expr, .. } = pattern else {
        return Vec::new();
    };
    let mut atoms = BTreeMap::new();
    collect(expr, &mut atoms);
    atoms.keys().map(|sel| render_selector(sel)).collect()
}

fn any_satisfies(ws: &[W], tests: &[&Test]) -> Result<bool, String> {
    for w in ws {
        if all_hold(tests, w)? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn all_hold(tests: &[&Test], w: &W) -> Result<bool, String> {
    for t in tests {
        match holds(t, w) {
            Some(true) => {}
            Some(false) => return Ok(false),
            None => return Err("the reference uses a regular expression value: not decided".into()),
        }
    }
    Ok(true)
}

fn eval<'a>(expr: &Expr, value: &impl Fn(&Vec<Segment>) -> &'a W) -> Option<bool> {
    match expr {
        Expr::Cmp(c) => holds(&c.test, value(&c.selector.path)),
        Expr::And(ts, _) => {
            let mut unknown = false;
            for t in ts {
                match eval(t, value) {
                    Some(false) => return Some(false),
                    None => unknown = true,
                    Some(true) => {}
                }
            }
            if unknown { None } else { Some(true) }
        }
        Expr::Or(ts, _) => {
            let mut unknown = false;
            for t in ts {
                match eval(t, value) {
                    Some(true) => return Some(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown { None } else { Some(false) }
        }
    }
}

/// A value a selector can take in an event, up to what the atoms can tell apart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum W {
    Missing,
    Null,
    True,
    False,
    /// An object or an array: `=` and `!=` both fail on it (AWS: the selector must point to a
    /// value node).
    Composite,
    Num(f64),
    Str(String),
}

/// A string value with its wildcards: `*` at the start and/or end matches any text; a `*`
/// elsewhere is a literal character (AWS: "Ev*ent will only match the actual string Ev*ent").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glob<'a> {
    lead: bool,
    trail: bool,
    lit: &'a str,
}

pub(crate) fn glob(text: &str) -> Glob<'_> {
    let lead = text.starts_with('*');
    let rest = if lead { &text[1..] } else { text };
    let trail = rest.ends_with('*');
    let lit = if trail { &rest[..rest.len() - 1] } else { rest };
    Glob { lead, trail, lit }
}

impl Glob<'_> {
    fn is_any(&self) -> bool {
        (self.lead || self.trail) && self.lit.is_empty()
    }
    fn matches(&self, s: &str) -> bool {
        match (self.lead, self.trail) {
            (false, false) => s == self.lit,
            (false, true) => s.starts_with(self.lit),
            (true, false) => s.ends_with(self.lit),
            (true, true) => s.contains(self.lit),
        }
    }
}

/// Does `test` hold of `w`? `None` for a regular expression (not decided).
pub(crate) fn holds(test: &Test, w: &W) -> Option<bool> {
    let scalar = matches!(w, W::Str(_) | W::Num(_) | W::True | W::False);
    Some(match test {
        Test::Eq(Value::Regex(_)) | Test::Ne(Value::Regex(_)) => return None,
        Test::Eq(Value::Str(g)) => {
            let g = glob(g);
            match w {
                W::Str(s) => g.matches(s),
                _ => scalar && g.is_any(),
            }
        }
        Test::Ne(Value::Str(g)) => match w {
            W::Str(s) => !glob(g).matches(s),
            _ => false,
        },
        Test::Eq(Value::Num(n)) => matches!(w, W::Num(x) if x == n),
        Test::Ne(Value::Num(n)) => matches!(w, W::Num(x) if x != n),
        Test::Lt(n) => matches!(w, W::Num(x) if x < n),
        Test::Le(n) => matches!(w, W::Num(x) if x <= n),
        Test::Gt(n) => matches!(w, W::Num(x) if x > n),
        Test::Ge(n) => matches!(w, W::Num(x) if x >= n),
        Test::IsNull => *w == W::Null,
        Test::IsTrue => *w == W::True,
        Test::IsFalse => *w == W::False,
        Test::NotExists => *w == W::Missing,
    })
}

/// Values of one selector that realise every satisfiable combination of the tests.
///
/// Strings: an exact value is its own witness. For wildcard values (prefix `a*`, suffix `*a`,
/// infix `*a*`), every subset S of them has the witness `P f I1 f … f S` — the longest prefix,
/// the infixes and the longest suffix of S joined by a filler character `f` that occurs in no
/// value. If a wildcard value outside S matched that witness, its text would lie inside one
/// piece, so it would match every string that satisfies S: the witness is as far from the
/// other values as any string satisfying S can be. Numbers: each constant, the midpoints
/// between them, and one beyond each end.
pub(crate) fn witnesses<'a>(tests: impl Iterator<Item = &'a Test>) -> Result<Vec<W>, String> {
    let mut out = vec![W::Missing, W::Null, W::True, W::False, W::Composite];
    let mut nums: Vec<f64> = Vec::new();
    let mut exact: Vec<String> = Vec::new();
    let mut wild: Vec<(bool, bool, String)> = Vec::new();
    for t in tests {
        match t {
            Test::Eq(Value::Num(n)) | Test::Ne(Value::Num(n)) => nums.push(*n),
            Test::Lt(n) | Test::Le(n) | Test::Gt(n) | Test::Ge(n) => nums.push(*n),
            Test::Eq(Value::Str(s)) | Test::Ne(Value::Str(s)) => {
                let g = glob(s);
                if !(g.lead || g.trail) {
                    if !exact.iter().any(|e| e == g.lit) {
                        exact.push(g.lit.to_string());
                    }
                } else if !g.lit.is_empty() {
                    let key = (g.lead, g.trail, g.lit.to_string());
                    if !wild.contains(&key) {
                        wild.push(key);
                    }
                }
            }
            _ => {}
        }
    }
    nums.sort_by(f64::total_cmp);
    nums.dedup();
    match (nums.first(), nums.last()) {
        (Some(&lo), Some(&hi)) => {
            out.push(W::Num(lo - 1.0));
            out.push(W::Num(hi + 1.0));
            for (i, &n) in nums.iter().enumerate() {
                out.push(W::Num(n));
                if let Some(&next) = nums.get(i + 1) {
                    out.push(W::Num(n / 2.0 + next / 2.0));
                }
            }
        }
        _ => out.push(W::Num(0.0)),
    }
    if wild.len() > MAX_WILDCARDS {
        return Err(format!("more than {MAX_WILDCARDS} wildcard values on one field"));
    }
    let filler = ['\u{1}', '\u{2}', '\u{3}', '\u{7f}', '~', '#']
        .into_iter()
        .find(|f| !exact.iter().chain(wild.iter().map(|w| &w.2)).any(|s| s.contains(*f)))
        .ok_or("no filler character is free: not decided")?;
    for mask in 0u32..(1u32 << wild.len()) {
        let chosen: Vec<&(bool, bool, String)> = wild
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, w)| w)
            .collect();
        let longest = |lead: bool, trail: bool| {
            chosen
                .iter()
                .filter(|w| w.0 == lead && w.1 == trail)
                .map(|w| w.2.as_str())
                .max_by_key(|s| s.len())
                .unwrap_or("")
        };
        let mut s = String::from(longest(false, true));
        s.push(filler);
        for w in chosen.iter().filter(|w| w.0 && w.1) {
            s.push_str(&w.2);
            s.push(filler);
        }
        s.push_str(longest(true, false));
        out.push(W::Str(s));
    }
    out.extend(exact.into_iter().map(W::Str));
    Ok(out)
}

/// `$.a = "x" && $.b NOT EXISTS`: a conjunction as pattern text.
pub fn render(conj: &[Atom]) -> String {
    conj.iter().map(render_atom).collect::<Vec<_>>().join(" && ")
}

fn render_selector(selector: &[Segment]) -> String {
    let mut sel = String::from("$");
    for seg in selector {
        match seg {
            Segment::Field(f) => {
                sel.push('.');
                sel.push_str(f);
            }
            Segment::Index(i) => sel.push_str(&format!("[{i}]")),
        }
    }
    sel
}

fn render_atom(a: &Atom) -> String {
    let sel = render_selector(&a.selector);
    let v = |v: &Value| match v {
        Value::Str(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Value::Num(n) => n.to_string(),
        Value::Regex(r) => format!("%{r}%"),
    };
    match &a.test {
        Test::Eq(x) => format!("{sel} = {}", v(x)),
        Test::Ne(x) => format!("{sel} != {}", v(x)),
        Test::Lt(n) => format!("{sel} < {n}"),
        Test::Le(n) => format!("{sel} <= {n}"),
        Test::Gt(n) => format!("{sel} > {n}"),
        Test::Ge(n) => format!("{sel} >= {n}"),
        Test::IsNull => format!("{sel} IS NULL"),
        Test::IsTrue => format!("{sel} IS TRUE"),
        Test::IsFalse => format!("{sel} IS FALSE"),
        Test::NotExists => format!("{sel} NOT EXISTS"),
    }
}
