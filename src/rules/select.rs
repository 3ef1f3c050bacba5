//! Which rules run, with which severity: on by default, by a profile or by a configuration
//! switch (a rule's `enabled_by`), or selected; minus ignored ones. A non-empty selection
//! replaces the default set (as Checkov's `--check` does).

use super::Registry;
use super::eval::Active;
use crate::Options;

pub fn active<'r>(registry: &'r Registry, opts: &Options) -> Vec<Active<'r>> {
    let select: Vec<&String> = opts.config.select.iter().chain(&opts.select).collect();
    let ignore: Vec<&String> = opts.config.ignore.iter().chain(&opts.ignore).collect();
    let profiles: Vec<&String> = opts.config.profiles.iter().chain(&opts.profiles).collect();
    registry
        .rules
        .iter()
        .filter(|r| {
            let on = if select.is_empty() {
                r.enabled
                    || r.profiles.iter().any(|p| profiles.contains(&p))
                    || r.enabled_by.as_deref().is_some_and(|s| opts.config.switch(s))
            } else {
                select.iter().any(|s| r.is(s))
            };
            on && !ignore.iter().any(|s| r.is(s))
        })
        .map(|rule| {
            let severity = opts
                .config
                .severity
                .iter()
                .rev()
                .find(|(id, _)| rule.is(id))
                .map_or(rule.severity, |(_, s)| *s);
            Active { rule, severity }
        })
        .collect()
}
