use proptest::prelude::*;

use super::*;

fn ctl(id: &str) -> &'static Control {
    control(id).unwrap_or_else(|| panic!("no control {id}"))
}

fn missing(pattern: &str, id: &str) -> Vec<String> {
    match covers(pattern, ctl(id)) {
        Coverage::Missing(names) => names,
        other => panic!("expected Missing for {pattern:?} against {id}, got {other:?}"),
    }
}

fn assert_covered(pattern: &str, id: &str) {
    assert_eq!(covers(pattern, ctl(id)), Coverage::Covered, "{pattern:?} against {id}");
}

fn parse_err(pattern: &str) -> ParseError {
    match parse(pattern) {
        Err(e) => e,
        Ok(p) => panic!("{pattern:?} parsed: {p:?}"),
    }
}

// --- parser ---

#[test]
fn parses_the_issue_example_with_spans() {
    let src = r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#;
    let Pattern::Json { expr, span } = parse(src).unwrap() else {
        panic!("not JSON")
    };
    assert_eq!(
        span,
        Span {
            start: 0,
            end: src.len()
        }
    );
    let Expr::And(terms, _) = expr else { panic!("not &&") };
    let Expr::Cmp(first) = &terms[0] else { panic!() };
    assert_eq!(
        &src[first.span.start..first.span.end],
        r#"$.eventName = "ConsoleLogin""#
    );
    assert_eq!(&src[first.selector.span.start..first.selector.span.end], "$.eventName");
    assert_eq!(first.test, Test::Eq(Value::Str("ConsoleLogin".into())));
    let Expr::Cmp(second) = &terms[1] else { panic!() };
    assert_eq!(second.selector.to_string(), "$.additionalEventData.MFAUsed");
    assert_eq!(second.test, Test::Ne(Value::Str("Yes".into())));
}

#[test]
fn parses_every_documented_form() {
    let cases: &[(&str, Test)] = &[
        ("{ $.latency >= 500 }", Test::Ge(500.0)),
        ("{ $.numbers[0] < 10e3 }", Test::Lt(10e3)),
        ("{ $.numbers[0] < 10e-3 }", Test::Lt(10e-3)),
        ("{ $.processes[4].averageRuntime <= 55.5 }", Test::Le(55.5)),
        ("{ $.errorCode = 400 }", Test::Eq(Value::Num(400.0))),
        ("{ $.errorCode != 500 }", Test::Ne(Value::Num(500.0))),
        ("{ $.latency > +1000 }", Test::Gt(1000.0)),
        ("{ $.SomeObject IS NULL }", Test::IsNull),
        ("{ $.SomeOtherObject NOT EXISTS }", Test::NotExists),
        ("{ $.ThisFlag IS TRUE }", Test::IsTrue),
        ("{ $.ThisFlag IS FALSE }", Test::IsFalse),
        (
            "{ $.sourceIPAddress != 123.123.* }",
            Test::Ne(Value::Str("123.123.*".into())),
        ),
        ("{ $.arrayKey[0] = \"value\" }", Test::Eq(Value::Str("value".into()))),
        (
            "{ $.eventSource = kms.amazonaws.com }",
            Test::Eq(Value::Str("kms.amazonaws.com".into())),
        ),
        ("{ $.latency = * }", Test::Eq(Value::Str("*".into()))),
        (
            r#"{ $.m = "a \"quoted\" \\ word" }"#,
            Test::Eq(Value::Str(r#"a "quoted" \ word"#.into())),
        ),
        ("{ $.m = %ERROR[0-9]+% }", Test::Eq(Value::Regex("ERROR[0-9]+".into()))),
    ];
    for (src, test) in cases {
        let Ok(Pattern::Json { expr: Expr::Cmp(c), .. }) = parse(src) else {
            panic!("{src:?} did not parse to one comparison: {:?}", parse(src))
        };
        assert_eq!(&c.test, test, "{src}");
    }
    let Ok(Pattern::Json { expr: Expr::Cmp(c), .. }) = parse("{ $.objectList[1].id = 2 }") else {
        panic!()
    };
    assert_eq!(
        c.selector.path,
        vec![
            Segment::Field("objectList".into()),
            Segment::Index(1),
            Segment::Field("id".into())
        ]
    );
}

#[test]
fn and_binds_tighter_than_or() {
    let Ok(Pattern::Json { expr, .. }) = parse("{ $.a = 1 || $.b = 2 && $.c = 3 }") else {
        panic!()
    };
    let Expr::Or(terms, _) = expr else {
        panic!("top is not ||")
    };
    assert!(matches!(terms[0], Expr::Cmp(_)));
    assert!(matches!(&terms[1], Expr::And(t, _) if t.len() == 2));
}

#[test]
fn non_json_patterns_are_recognised() {
    assert_eq!(parse(""), Ok(Pattern::All));
    assert_eq!(parse("  \n "), Ok(Pattern::All));
    assert_eq!(parse("ERROR"), Ok(Pattern::Terms));
    assert_eq!(parse("\"Failed authentication\""), Ok(Pattern::Terms));
    assert_eq!(parse("[ip, user, status_code = 4*]"), Ok(Pattern::SpaceDelimited));
}

#[test]
fn syntax_errors_point_at_the_offending_byte() {
    let cases: &[(&str, usize, &str)] = &[
        // missing closing brace
        ("{ $.eventName = ConsoleLogin ", 29, "unclosed `{`"),
        // missing closing parenthesis
        ("{ ($.eventName = ConsoleLogin }", 30, "expected `)`"),
        // no selector
        ("{ eventName = ConsoleLogin }", 2, "expected a selector"),
        // no value
        ("{ $.eventName = }", 16, "expected a value"),
        // numeric operator on a string
        ("{ $.latency > fast }", 14, "compares numbers"),
        // unterminated string
        ("{ $.eventName = \"ConsoleLogin }", 16, "unterminated string"),
        // `==`
        ("{ $.eventName == ConsoleLogin }", 14, "`==`"),
        // a single `&`
        ("{ $.a = 1 & $.b = 2 }", 10, "expected `&&`, `||` or `}`"),
        // junk after the closing brace
        ("{ $.a = 1 } x", 12, "after the closing"),
        // IS without NULL/TRUE/FALSE
        ("{ $.a IS MAYBE }", 9, "after `IS`"),
        // NOT without EXISTS
        ("{ $.a NOT THERE }", 10, "after `NOT`"),
        // empty braces
        ("{ }", 2, "expected a selector"),
        // bad array index
        ("{ $.a[x] = 1 }", 6, "array index"),
        // selector with a bad character
        ("{ $.a@b = 1 }", 5, "in a selector"),
        // && with nothing after it
        ("{ $.a = 1 && }", 13, "expected a selector"),
    ];
    for (src, offset, message) in cases {
        let e = parse_err(src);
        assert_eq!(e.offset, *offset, "{src:?}: {e}");
        assert!(e.message.contains(message), "{src:?}: {e}");
    }
}

#[test]
fn nesting_is_capped() {
    let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert!(parse(&deep).is_ok());
    let too_deep = format!(
        "{{ {}$.a = 1{} }}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    let e = parse_err(&too_deep);
    assert_eq!(e.offset, 2 + MAX_DEPTH);
    assert!(e.message.contains("nest deeper"));
    // Far deeper input fails cleanly too, without exhausting the stack.
    let e = parse_err(&format!("{{ {} }}", "(".repeat(100_000)));
    assert!(e.message.contains("nest deeper"));
}

proptest! {
    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC*") {
        if let Ok(p) = parse(&s) {
            for c in CONTROLS {
                let _ = covers_parsed(&p, c);
            }
        }
    }

    #[test]
    fn pattern_like_strings_never_panic(s in "[{}()$.a-c\\[\\]0-9 =!<>&|\"*%\\\\ISNULTRUEFAXO]{0,40}") {
        if let Ok(p) = parse(&s) {
            let _ = covers_parsed(&p, ctl("4.7"));
        }
    }
}

// --- CIS table ---

#[test]
fn every_reference_parses_and_covers_itself() {
    assert_eq!(CONTROLS.len(), 15);
    for c in CONTROLS {
        let p = parse(c.reference).unwrap_or_else(|e| panic!("CIS {}: {e}", c.cis));
        assert!(matches!(p, Pattern::Json { .. }), "CIS {}", c.cis);
        assert_eq!(covers(c.reference, c), Coverage::Covered, "CIS {}", c.cis);
    }
}

#[test]
fn ids_are_unique_and_looked_up_every_way() {
    for (i, c) in CONTROLS.iter().enumerate() {
        assert_eq!(c.cis, format!("4.{}", i + 1));
        assert_eq!(control(c.id), Some(c));
        assert_eq!(control(c.cis), Some(c));
        if let Some(sh) = c.security_hub {
            assert_eq!(control(sh), Some(c));
        }
    }
    let mut sh: Vec<_> = CONTROLS.iter().filter_map(|c| c.security_hub).collect();
    sh.sort_by_key(|s| s[11..].parse::<u32>().unwrap());
    let want: Vec<String> = (1..=14).map(|n| format!("CloudWatch.{n}")).collect();
    assert_eq!(sh, want);
    assert_eq!(ctl("CloudWatch.1").id, "root-account-usage");
    assert_eq!(ctl("3.4").id, "iam-policy-changes");
    assert_eq!(ctl("4.15").ids(), "CIS 4.15");
    assert_eq!(ctl("4.4").ids(), "CIS 4.4, Security Hub CloudWatch.4");
}

// --- coverage ---

#[test]
fn reformatted_requoted_and_reordered_variants_cover() {
    // CloudTrail changes: quotes, spacing, newlines, order, redundant parentheses.
    assert_covered(
        r#"{
            ( ( $.eventName = "StopLogging" ) ) ||
            $.eventName = "StartLogging" || ($.eventName = DeleteTrail)
            || (($.eventName=UpdateTrail) || ($.eventName = "CreateTrail"))
        }"#,
        "cloudtrail-configuration-changes",
    );
    // CMK: && operands swapped, inner || reordered.
    assert_covered(
        r#"{ (($.eventName = "ScheduleKeyDeletion") || ($.eventName = "DisableKey")) && $.eventSource = "kms.amazonaws.com" }"#,
        "4.7",
    );
    // CMK: distributed form.
    assert_covered(
        "{ ($.eventSource=kms.amazonaws.com && $.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion && $.eventSource=kms.amazonaws.com) }",
        "4.7",
    );
    // Root: the CloudFormation quick-start layout.
    assert_covered(
        "{\n    $.userIdentity.type = \"Root\" &&\n    $.userIdentity.invokedBy NOT EXISTS &&\n    $.eventType != \"AwsServiceEvent\"\n    }",
        "root-account-usage",
    );
    // Every reference, reversed term by term.
    for c in CONTROLS {
        let reversed = reverse_or_terms(c.reference);
        assert_eq!(covers(&reversed, c), Coverage::Covered, "CIS {}: {reversed}", c.cis);
    }
}

/// Reverse the order of the top-level `||` terms of a `{ … }` pattern (a test helper: good
/// enough for the reference patterns, whose top-level operators are all one kind).
fn reverse_or_terms(src: &str) -> String {
    let inner = src.trim().trim_start_matches('{').trim_end_matches('}');
    let mut depth = 0i32;
    let mut parts = Vec::new();
    let mut start = 0;
    let b = inner.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'|' if depth == 0 && b.get(i + 1) == Some(&b'|') => {
                parts.push(&inner[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&inner[start..]);
    parts.reverse();
    format!("{{{}}}", parts.join("||"))
}

#[test]
fn a_missing_event_name_is_named() {
    // IAM policy changes without DetachGroupPolicy and PutUserPolicy.
    let pattern = "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)}";
    assert_eq!(
        missing(pattern, "iam-policy-changes"),
        vec!["PutUserPolicy", "DetachGroupPolicy"]
    );
    // Every reference with one event name dropped misses exactly that name.
    for c in CONTROLS {
        let names: Vec<&str> = c.reference.split("eventName").skip(1).collect();
        if names.len() < 2 {
            continue;
        }
        let reference = parse(c.reference).unwrap();
        let Pattern::Json { expr, .. } = &reference else {
            panic!()
        };
        let dnf = dnf(expr).unwrap();
        let first = dnf[0].clone();
        let dropped = super::coverage::render(&first);
        let rest: Vec<String> = dnf[1..]
            .iter()
            .map(|c| format!("({})", super::coverage::render(c)))
            .collect();
        let pattern = format!("{{ {} }}", rest.join(" || "));
        let got = missing(&pattern, c.id);
        assert_eq!(got.len(), 1, "CIS {}: {got:?}", c.cis);
        assert!(dropped.contains(&got[0]), "CIS {}: {dropped} vs {got:?}", c.cis);
    }
}

#[test]
fn the_nist_quickstart_unauthorized_pattern_misses_the_wildcards() {
    // nist_logging.yaml: exact values where the reference has wildcards.
    let got = missing(
        "{($.errorCode=AccessDenied)||($.errorCode=UnauthorizedOperation)}",
        "4.1",
    );
    assert_eq!(
        got,
        vec![
            r#"$.errorCode = "*UnauthorizedOperation""#,
            r#"$.errorCode = "AccessDenied*""#
        ]
    );
    // A wider wildcard covers.
    assert_covered(
        r#"{ $.errorCode = "*Unauthorized*" || $.errorCode = "Access*" }"#,
        "4.1",
    );
    assert_covered(r#"{ $.errorCode = * }"#, "4.1");
}

#[test]
fn wider_patterns_cover() {
    // Extra || terms.
    assert_covered(
        "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging) || ($.eventName=PutEventSelectors) || ($.eventName=ConsoleLogin)}",
        "4.5",
    );
    // A dropped && restriction (any source) is wider.
    assert_covered("{($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion)}", "4.7");
    // The two-term CIS v1.2.0 pattern covers the four-term Security Hub one.
    assert_covered(
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
        "console-signin-without-mfa",
    );
    // `!= "Failure"` is implied by `= "Success"`.
    assert_covered(
        r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.responseElements.ConsoleLogin != "Failure") }"#,
        "4.2",
    );
    // Wildcards that include the reference's names.
    assert_covered(r#"{ $.eventName = "*SecurityGroup*" }"#, "security-group-changes");
    assert_covered(r#"{ $.eventName = "*Route*" }"#, "route-table-changes");
    // The empty pattern matches every event.
    assert_covered("", "4.12");
    // A term split by a second field still covers when the split is exhaustive.
    assert_covered(
        "{ ($.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\" && $.sourceIPAddress = \"1.2.3.4\") || ($.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\" && $.sourceIPAddress != \"1.2.3.4\") || ($.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\") }",
        "4.6",
    );
}

#[test]
fn narrower_patterns_do_not_cover() {
    // An extra && restriction.
    assert_eq!(
        missing(
            r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.sourceIPAddress != "10.0.0.1") }"#,
            "4.6"
        ),
        vec!["ConsoleLogin"]
    );
    assert_eq!(
        missing(
            "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion)) && ($.awsRegion = us-east-1)}",
            "4.7"
        ),
        vec!["DisableKey", "ScheduleKeyDeletion"]
    );
    // The CloudFormation CIS quick start: excludes SAML sign-ins, which the reference does not.
    assert_eq!(
        missing(
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.responseElements.ConsoleLogin != "Failure") && ($.additionalEventData.SamlProviderArn NOT EXISTS) }"#,
            "4.2"
        ),
        vec!["ConsoleLogin"]
    );
    // Root usage without the service-event exclusion is wider (covers); with an extra one, not.
    assert_covered(r#"{ $.userIdentity.type = "Root" }"#, "4.3");
    assert_eq!(
        missing(
            r#"{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" && $.sourceIPAddress != "1.1.1.1" }"#,
            "4.3"
        ),
        vec![
            r#"$.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent""#
        ]
    );
    // A wildcard that is narrower than the reference's.
    assert_eq!(
        missing(
            r#"{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDeniedException*" }"#,
            "4.1"
        ),
        vec![r#"$.errorCode = "AccessDenied*""#]
    );
    // A different field entirely.
    assert!(matches!(covers("{ $.eventType = AwsApiCall }", ctl("4.5")), Coverage::Missing(n) if n.len() == 5));
}

#[test]
fn mid_string_stars_are_literal() {
    // AWS: "Ev*ent will only match the actual string Ev*ent".
    assert_eq!(
        missing(
            "{ $.eventName = Delete*Policy || $.eventName = DeleteRolePolicy }",
            "4.4"
        )
        .len(),
        15
    );
}

#[test]
fn undecided_and_unparsable_are_kept_apart() {
    assert!(matches!(covers("ConsoleLogin", ctl("4.6")), Coverage::Unknown(_)));
    assert!(matches!(covers("[a, b]", ctl("4.6")), Coverage::Unknown(_)));
    assert!(
        matches!(covers("{ $.eventName = %Console.*% }", ctl("4.6")), Coverage::Unknown(r) if r.contains("regular expression"))
    );
    match covers("{ ($.eventName = ConsoleLogin }", ctl("4.6")) {
        Coverage::Unparsable(e) => assert_eq!(e.offset, 30),
        other => panic!("{other:?}"),
    }
}

#[test]
fn numeric_and_keyword_atoms_are_decided() {
    let reference = parse("{ $.status >= 500 && $.flag IS TRUE }").unwrap();
    let yes = |s: &str| decide(&parse(s).unwrap(), &reference) == Decision::Covered;
    assert!(yes("{ $.status > 499 }"));
    assert!(yes("{ $.status >= 500 || $.x IS NULL }"));
    assert!(yes("{ $.status != 100 && $.flag IS TRUE }"));
    assert!(!yes("{ $.status > 500 }"));
    assert!(!yes("{ $.status >= 500 && $.flag IS FALSE }"));
    assert!(!yes("{ $.status = \"500\" }"));
    let reference = parse("{ $.a NOT EXISTS }").unwrap();
    assert_eq!(
        decide(&parse("{ $.a NOT EXISTS || $.a IS NULL }").unwrap(), &reference),
        Decision::Covered
    );
    assert!(matches!(
        decide(&parse("{ $.a IS NULL }").unwrap(), &reference),
        Decision::Uncovered(_)
    ));
}

#[test]
fn dnf_distributes_and_over_or() {
    let Pattern::Json { expr, .. } = parse("{ ($.a = 1 || $.b = 2) && ($.c = 3 || $.d = 4) }").unwrap() else {
        panic!()
    };
    let d = dnf(&expr).unwrap();
    assert_eq!(d.len(), 4);
    assert!(d.iter().all(|c| c.len() == 2));
}

#[test]
fn a_pattern_meant_for_a_control_is_told_from_others() {
    let p = |s: &str| parse(s).unwrap();
    let trail = ctl("cloudtrail-configuration-changes");
    // The quickstart's CloudTrail pattern adds `$.eventSource` and names none of the CIS
    // events: it matches some of them, but ctlint cannot tell it was meant for them.
    let quickstart =
        p("{($.eventSource = cloudtrail.amazonaws.com) && (($.eventName != Describe*) && ($.eventName != Get*))}");
    assert_eq!(overlaps(&quickstart, &p(trail.reference)), Some(true));
    assert_eq!(crate::filter_pattern::intended_for(&quickstart, trail), Some(false));
    assert_eq!(
        crate::filter_pattern::intended_for(&quickstart, ctl("vpc-changes")),
        Some(false)
    );
    assert_eq!(
        crate::filter_pattern::extra_fields(&quickstart, trail),
        ["$.eventSource"]
    );
    assert!(matches!(covers_parsed(&quickstart, trail), Coverage::Missing(_)));
    // Exact error codes instead of the CIS wildcards: overlapping, not covering.
    let exact = p("{($.errorCode=AccessDenied)||($.errorCode=UnauthorizedOperation)}");
    let unauthorized = ctl("unauthorized-api-calls");
    assert_eq!(crate::filter_pattern::intended_for(&exact, unauthorized), Some(true));
    assert!(matches!(covers_parsed(&exact, unauthorized), Coverage::Missing(m) if m.len() == 2));
    // A filter about something else matches none of the control's events.
    let keys = p("{($.eventName=CreateAccessKey)}");
    assert_eq!(crate::filter_pattern::intended_for(&keys, trail), Some(false));
    assert_eq!(crate::filter_pattern::intended_for(&keys, unauthorized), Some(false));
    // The unauthorized-calls pattern matches failed VPC changes too, but is not about them.
    let cis_unauthorized = p(unauthorized.reference);
    assert_eq!(
        overlaps(&cis_unauthorized, &p(ctl("vpc-changes").reference)),
        Some(true)
    );
    assert_eq!(
        crate::filter_pattern::intended_for(&cis_unauthorized, ctl("vpc-changes")),
        Some(false)
    );
    // IAM's `CreatePolicy` and `DeletePolicy` are two of eighteen AWS Organizations events.
    let iam_ref = p(ctl("iam-policy-changes").reference);
    assert_eq!(
        crate::filter_pattern::intended_for(&iam_ref, ctl("organizations-changes")),
        Some(false)
    );
    // Console authentication failures name one of four conditions of sign-in without MFA.
    let failures = p(ctl("console-authentication-failures").reference);
    assert_eq!(
        crate::filter_pattern::intended_for(&failures, ctl("console-signin-without-mfa")),
        Some(false)
    );
    // IAM's `CreatePolicy` and `DeletePolicy` are two of eighteen AWS Organizations events.
    let iam_ref = p(ctl("iam-policy-changes").reference);
    assert_eq!(
        crate::filter_pattern::intended_for(&iam_ref, ctl("organizations-changes")),
        Some(false)
    );
    // Console authentication failures name one of four conditions of sign-in without MFA.
    let failures = p(ctl("console-authentication-failures").reference);
    assert_eq!(
        crate::filter_pattern::intended_for(&failures, ctl("console-signin-without-mfa")),
        Some(false)
    );
    // A pattern missing one event name is meant for its control.
    let iam = ctl("iam-policy-changes")
        .reference
        .replace(" || ($.eventName=DetachGroupPolicy)", "");
    assert_eq!(
        crate::filter_pattern::intended_for(&p(&iam), ctl("iam-policy-changes")),
        Some(true)
    );
    assert_eq!(crate::filter_pattern::intended_for(&Pattern::All, trail), Some(true));
    assert_eq!(crate::filter_pattern::intended_for(&Pattern::Terms, trail), None);
}
