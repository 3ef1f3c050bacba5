//! `Principal` and `NotPrincipal` against the caller
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html>).
//!
//! - `"*"` and `{"AWS": "*"}` are everyone, anonymous callers and services included.
//! - An account, as `arn:<partition>:iam::<account>:root` or as the bare ID (AWS: "the account
//!   ARN and the shortened account ID behave the same way"), delegates to the whole account:
//!   here it matches a caller that is that account or any identity (role, user, session) whose
//!   ARN is in it. Whether that identity's own IAM policies also allow the request is outside a
//!   single policy; rules that need "only the root" must look at the entry themselves.
//! - A role or user ARN matches that exact ARN.
//! - Service principals match the exact service name: `logs.us-east-1.amazonaws.com` is not
//!   `logs.eu-west-1.amazonaws.com`, and `logs.<region>.amazonaws.com` matches only the same
//!   symbolic region.
//! - Wildcards other than a lone `*` are not principals IAM accepts; such entries are `Maybe`.

use crate::model::{Part, Sym, Text};

use super::pattern;
use super::request::Principal;
use super::statement::{PrincipalEntry, PrincipalKind, Principals, Statement};
use super::tri::Tri;

/// Does the statement's `Principal`/`NotPrincipal` cover the caller? A statement with neither
/// (an identity policy) applies to whoever holds it.
pub fn statement_matches(st: &Statement, caller: &Principal) -> Tri {
    match (&st.principal, &st.not_principal) {
        (None, None) => Tri::Yes,
        (Some(p), None) => any_entry(p, caller),
        (None, Some(np)) => any_entry(np, caller).not(),
        (Some(_), Some(_)) => Tri::Maybe,
    }
}

fn any_entry(p: &Principals, caller: &Principal) -> Tri {
    Tri::any(p.entries.iter().map(|e| entry_matches(e, caller)))
}

/// Does one principal entry name the caller?
pub fn entry_matches(e: &PrincipalEntry, caller: &Principal) -> Tri {
    let star = e.text.as_lit() == Some("*");
    match e.kind {
        PrincipalKind::Unknown => Tri::Maybe,
        PrincipalKind::Aws if star => Tri::Yes,
        PrincipalKind::Aws | PrincipalKind::Service if has_wildcard(&e.text) => match (e.kind, caller) {
            (_, Principal::Unknown) | (PrincipalKind::Aws, Principal::Aws(_)) => Tri::Maybe,
            (PrincipalKind::Service, Principal::Service(_)) => Tri::Maybe,
            _ => Tri::No,
        },
        PrincipalKind::Aws => match caller {
            Principal::Aws(c) => aws_matches(&e.text, c),
            Principal::Unknown => Tri::Maybe,
            Principal::Service(_) | Principal::Anonymous => Tri::No,
        },
        PrincipalKind::Service => match caller {
            Principal::Service(c) => pattern::equals(&e.text, c, false),
            Principal::Unknown => Tri::Maybe,
            Principal::Aws(_) | Principal::Anonymous => Tri::No,
        },
        // A canonical user ID is another name for an account; which one is not known here.
        PrincipalKind::CanonicalUser => match caller {
            Principal::Aws(_) | Principal::Unknown => Tri::Maybe,
            Principal::Service(_) | Principal::Anonymous => Tri::No,
        },
        PrincipalKind::Federated => match caller {
            Principal::Unknown => Tri::Maybe,
            _ => Tri::No,
        },
    }
}

fn has_wildcard(t: &Text) -> bool {
    t.0.iter().any(|p| matches!(p, Part::Lit(s) if s.contains(['*', '?'])))
}

fn aws_matches(entry: &Text, caller: &Text) -> Tri {
    let Some(account) = account_of_entry(entry) else {
        return pattern::equals(entry, caller, false);
    };
    match caller_account(caller) {
        Some(c) => {
            let same_partition = match (&account.partition, &c.partition) {
                (Some(a), Some(b)) => pattern::equals(a, b, false),
                _ => Tri::Yes,
            };
            pattern::equals(&account.id, &c.id, false).and(same_partition)
        }
        // The caller's account is not visible in its text (a symbolic role ARN).
        None => Tri::Maybe,
    }
}

struct Account {
    id: Text,
    partition: Option<Text>,
}

/// The account an entry names as a whole: a bare ID or `arn:…:iam::<id>:root`.
fn account_of_entry(t: &Text) -> Option<Account> {
    if is_account_id(t) {
        return Some(Account {
            id: t.clone(),
            partition: None,
        });
    }
    let c = t.split(":");
    let lit = |i: usize, s: &str| c.get(i).and_then(Text::as_lit) == Some(s);
    if c.len() == 6 && lit(0, "arn") && lit(2, "iam") && lit(3, "") && lit(5, "root") {
        return Some(Account {
            id: c[4].clone(),
            partition: Some(c[1].clone()),
        });
    }
    None
}

/// The account of a caller: itself when it is an account, else the account field of its ARN.
fn caller_account(t: &Text) -> Option<Account> {
    if is_account_id(t) {
        return Some(Account {
            id: t.clone(),
            partition: None,
        });
    }
    let c = t.split(":");
    if c.len() >= 6 && c[0].as_lit() == Some("arn") && c[4].is_present() == Some(true) {
        return Some(Account {
            id: c[4].clone(),
            partition: Some(c[1].clone()),
        });
    }
    None
}

fn is_account_id(t: &Text) -> bool {
    match t.0.as_slice() {
        [Part::Sym(Sym::Account)] => true,
        [Part::Lit(s)] => s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn entry(kind: PrincipalKind, t: Text) -> PrincipalEntry {
        PrincipalEntry {
            kind,
            text: t,
            span: Span::default(),
        }
    }

    fn aws(s: &str) -> PrincipalEntry {
        entry(PrincipalKind::Aws, Text::lit(s))
    }

    fn service(t: Text) -> PrincipalEntry {
        entry(PrincipalKind::Service, t)
    }

    fn logs(region: Part) -> Text {
        let mut t = Text::lit("logs.");
        t.push(region);
        t.push(Part::Lit(".amazonaws.com".into()));
        t
    }

    fn caller(s: &str) -> Principal {
        Principal::Aws(Text::lit(s))
    }

    #[test]
    fn everyone() {
        let star = aws("*");
        for c in [
            caller("111111111111"),
            Principal::Anonymous,
            Principal::Service(Text::lit("cloudtrail.amazonaws.com")),
            Principal::Unknown,
        ] {
            assert_eq!(entry_matches(&star, &c), Tri::Yes);
        }
    }

    #[test]
    fn accounts_and_roles() {
        let root = aws("arn:aws:iam::111111111111:root");
        let bare = aws("111111111111");
        let role = "arn:aws:iam::111111111111:role/reader";
        for e in [&root, &bare] {
            assert_eq!(entry_matches(e, &caller("111111111111")), Tri::Yes);
            assert_eq!(entry_matches(e, &caller("arn:aws:iam::111111111111:root")), Tri::Yes);
            assert_eq!(entry_matches(e, &caller(role)), Tri::Yes);
            assert_eq!(
                entry_matches(e, &caller("arn:aws:iam::222222222222:role/reader")),
                Tri::No
            );
            assert_eq!(entry_matches(e, &Principal::Anonymous), Tri::No);
            assert_eq!(
                entry_matches(e, &Principal::Service(Text::lit("cloudtrail.amazonaws.com"))),
                Tri::No
            );
        }
        assert_eq!(
            entry_matches(&root, &caller("arn:aws-cn:iam::111111111111:role/reader")),
            Tri::No
        );
        assert_eq!(entry_matches(&aws(role), &caller(role)), Tri::Yes);
        assert_eq!(
            entry_matches(&aws(role), &caller("arn:aws:iam::111111111111:role/writer")),
            Tri::No
        );
        assert_eq!(entry_matches(&aws(role), &caller("111111111111")), Tri::No);
    }

    #[test]
    fn symbolic_account_root() {
        let root = entry(PrincipalKind::Aws, crate::model::arn::account_root());
        let mut role = Text::lit("arn:");
        role.push(Part::Sym(Sym::Partition));
        role.push(Part::Lit(":iam::".into()));
        role.push(Part::Sym(Sym::Account));
        role.push(Part::Lit(":role/r".into()));
        assert_eq!(entry_matches(&root, &Principal::Aws(role)), Tri::Yes);
        assert_eq!(entry_matches(&root, &Principal::Aws(Text::sym(Sym::Account))), Tri::Yes);
        assert_eq!(entry_matches(&root, &caller("111111111111")), Tri::Maybe);
        assert_eq!(
            entry_matches(&root, &caller("arn:aws:iam::111111111111:root")),
            Tri::Maybe
        );
    }

    #[test]
    fn services_match_exactly() {
        let ct = Principal::Service(Text::lit("cloudtrail.amazonaws.com"));
        assert_eq!(
            entry_matches(&service(Text::lit("cloudtrail.amazonaws.com")), &ct),
            Tri::Yes
        );
        assert_eq!(entry_matches(&service(Text::lit("config.amazonaws.com")), &ct), Tri::No);
        assert_eq!(
            entry_matches(&service(Text::lit("cloudtrail.amazonaws.com")), &caller("111111111111")),
            Tri::No
        );
        let east = service(Text::lit("logs.us-east-1.amazonaws.com"));
        let west = Principal::Service(Text::lit("logs.eu-west-1.amazonaws.com"));
        assert_eq!(entry_matches(&east, &west), Tri::No);
        let sym = service(logs(Part::Sym(Sym::Region)));
        assert_eq!(
            entry_matches(&sym, &Principal::Service(logs(Part::Sym(Sym::Region)))),
            Tri::Yes
        );
        assert_eq!(entry_matches(&sym, &west), Tri::Maybe);
        assert_eq!(entry_matches(&sym, &ct), Tri::No);
    }

    #[test]
    fn partial_wildcards_are_maybe() {
        assert_eq!(
            entry_matches(
                &aws("arn:aws:iam::111111111111:role/*"),
                &caller("arn:aws:iam::111111111111:role/x")
            ),
            Tri::Maybe
        );
    }
}
