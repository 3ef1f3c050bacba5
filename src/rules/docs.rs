//! A rule's documentation as Markdown: for `ctlint explain` and SARIF's `help.markdown`.

use super::Rule;
use crate::finding::Severity;

pub fn markdown(rule: &Rule, severity: Severity) -> String {
    let d = &rule.docs;
    let mut out = format!("# {} {}\n\n{}\n\n", rule.code, rule.name, rule.title);
    out.push_str(&format!(
        "Severity: **{severity}**. {}\n\n",
        if rule.enabled {
            "On by default."
        } else {
            "Off by default."
        }
    ));
    out.push_str(&format!("## What it does\n\n{}\n\n", d.what.trim()));
    // The requirements a builtin judges one by one (CT207's controls) come from the code.
    for c in &rule.checks {
        if let super::predicate::Predicate::Builtin(b) = &c.expect
            && let Some((heading, doc)) = b.parts_doc()
        {
            out.push_str(&format!("## {heading}\n\n{}\n", doc.trim_end()));
            out.push('\n');
        }
    }
    out.push_str(&format!("## Why it matters\n\n{}\n\n", d.why.trim()));
    for (title, lang, fd) in [
        ("Terraform", "hcl", &d.terraform),
        ("CloudFormation", "yaml", &d.cloudformation),
    ] {
        let Some(fd) = fd else { continue };
        out.push_str(&format!("## How to fix it in {title}\n\n{}\n\n", fd.fix.trim()));
        if let Some(bad) = &fd.bad {
            out.push_str(&format!("Bad:\n\n```{lang}\n{}\n```\n\n", bad.trim()));
        }
        if let Some(good) = &fd.good {
            out.push_str(&format!("Good:\n\n```{lang}\n{}\n```\n\n", good.trim()));
        }
    }
    if !d.references.is_empty() {
        out.push_str("## References\n\n");
        for r in &d.references {
            out.push_str(&format!("- <{r}>\n"));
        }
    }
    out.trim_end().to_string() + "\n"
}
