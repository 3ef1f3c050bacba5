//! `insights_selected` (CT011): does the trail log both types of Insights events?
//!
//! `insight_selector` / `InsightSelectors` lists the types: `ApiCallRateInsight` (unusual
//! volumes of write management calls) and `ApiErrorRateInsight` (unusual volumes of calls that
//! fail). Each sees what the other does not, so both are required. No selector: Insights are off.

use super::Outcome;
use crate::finding::Verdict;
use crate::model::{Resource, V, Val};
use crate::rules::describe;
use crate::source::SourceMap;

const TYPES: [&str; 2] = ["ApiCallRateInsight", "ApiErrorRateInsight"];

pub fn check(trail: &Resource, sources: &SourceMap) -> Outcome {
    let field = trail.field("insight_selectors");
    let unknown = |v: &Val, name: &str| Outcome {
        verdict: Verdict::Unknown,
        span: v.span,
        state: describe::state(Some(v), name, sources),
        attribute: "insight_selectors".into(),
    };
    let Some(list) = field else {
        return Outcome {
            verdict: Verdict::Fail,
            span: trail.header,
            state: "no Insights type is selected (`insight_selector` / `InsightSelectors` is not set), so Insights events are not logged".into(),
            attribute: "insight_selectors".into(),
        };
    };
    if matches!(list.v, V::Unknown(_)) {
        return unknown(list, "insight_selectors");
    }
    let mut found = [false; 2];
    let mut first_unknown = None;
    for s in list.as_list().unwrap_or(&[]) {
        if matches!(s.v, V::Unknown(_)) {
            first_unknown.get_or_insert_with(|| unknown(s, "insight_selectors"));
            continue;
        }
        match s.get("insight_type") {
            Some(t) if t.has_unknown() => {
                first_unknown.get_or_insert_with(|| unknown(t, "insight_type"));
            }
            Some(t) => {
                if let Some(i) = TYPES.iter().position(|ty| t.as_str() == Some(*ty)) {
                    found[i] = true;
                }
            }
            None => {}
        }
    }
    if found == [true, true] {
        return Outcome::pass(trail);
    }
    if let Some(u) = first_unknown {
        return u;
    }
    let missing: Vec<String> = TYPES
        .iter()
        .zip(found)
        .filter(|(_, f)| !f)
        .map(|(t, _)| format!("`{t}`"))
        .collect();
    let state = if found == [false, false] {
        "no Insights type is selected, so Insights events are not logged".to_string()
    } else {
        format!("{} is not selected", missing.join(" and "))
    };
    // At the first selector: the list's own span covers every entry.
    let at = list.as_list().and_then(<[Val]>::first).unwrap_or(list);
    Outcome {
        verdict: Verdict::Fail,
        span: at.span,
        state,
        attribute: "insight_selectors".into(),
    }
}
