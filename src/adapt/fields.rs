//! What both adapters do with a field once they have its raw value: coerce it to the schema type
//! (CloudFormation and Terraform both accept `"true"` for a boolean and `"30"` for a number), and
//! fill documented defaults when it is not set.

use crate::model::schema::{Field, Lit, Ty};
use crate::model::{Format, Origin, V, Val, policy};
use crate::source::Span;

/// Coerce a written value to the field's type. Values of the wrong type are kept as they are,
/// so that rules report what was written.
/// A boolean or number given as a symbolic text (an `Fn::ImportValue`, an attribute of another
/// resource, the account ID…): no rule can compare it with `true` or `365`, so it is unknown, with
/// what was written as its expression. Left as text it would compare unequal to everything.
fn symbolic_scalar(t: &crate::model::Text, what: &str, val: Val) -> Val {
    Val {
        v: V::Unknown(Box::new(crate::model::Unknown {
            expr: t.to_string(),
            reason: format!("its value is only known at deployment, and must be {what}"),
        })),
        ..val
    }
}

pub fn coerce(val: Val, ty: &Ty, source: &'static str) -> Val {
    let mut val = match ty {
        Ty::Bool => match &val.v {
            V::Str(s) if s.eq_ignore_ascii_case("true") => Val {
                v: V::Bool(true),
                ..val
            },
            V::Str(s) if s.eq_ignore_ascii_case("false") => Val {
                v: V::Bool(false),
                ..val
            },
            V::Text(t) => symbolic_scalar(t, "a boolean", val.clone()),
            _ => val,
        },
        Ty::Num => match &val.v {
            V::Str(s) => match s.trim().parse::<f64>() {
                Ok(n) => Val { v: V::Num(n), ..val },
                Err(_) => val,
            },
            V::Text(t) => symbolic_scalar(t, "a number", val.clone()),
            _ => val,
        },
        Ty::Str => match &val.v {
            V::Num(n) => Val {
                v: V::Str(crate::model::value::fmt_num(*n)),
                ..val
            },
            V::Bool(b) => Val {
                v: V::Str(b.to_string()),
                ..val
            },
            _ => val,
        },
        Ty::StrList => match &val.v {
            V::List(items) => Val {
                v: V::List(items.iter().map(|i| coerce(i.clone(), &Ty::Str, "")).collect()),
                ..val
            },
            V::Str(_) | V::Text(_) | V::Num(_) => Val {
                v: V::List(vec![coerce(val.clone(), &Ty::Str, "")]),
                ..val
            },
            _ => val,
        },
        Ty::Policy => policy::normalize(val),
        Ty::Obj(_) | Ty::List(_) => val,
    };
    val.source = source;
    val
}

/// The documented default of a field for a format, pointed at `header`.
pub fn default_for(field: &Field, format: Format, header: Span, source: &'static str) -> Option<Val> {
    let lit = match format {
        Format::Terraform => field.tf_default,
        Format::CloudFormation => field.cfn_default,
        Format::PolicyJson => None,
    }?;
    let v = match lit {
        Lit::Bool(b) => V::Bool(b),
        Lit::Num(n) => V::Num(n),
        Lit::Str(s) => V::Str(s.to_string()),
    };
    Some(Val::defaulted(v, header, source))
}

/// Fill the defaults of `fields` that `map` lacks or that are written as null.
pub fn fill_defaults(map: &mut Val, fields: &'static [Field], format: Format, header: Span) {
    for f in fields {
        let source = source_name(f, format);
        match map.get(f.name) {
            None => {
                if let Some(d) = default_for(f, format, header, source) {
                    map.insert(f.name, d);
                }
            }
            Some(v) if v.is_null() => {
                let at = v.span;
                let source = if v.source.is_empty() { source } else { v.source };
                if let Some(mut d) = default_for(f, format, at, source) {
                    d.origin = Origin::NullDefaulted;
                    map.insert(f.name, d);
                }
            }
            Some(_) => {}
        }
    }
}

/// Insert a field value. A written value that evaluates to null (Terraform `null`,
/// CloudFormation `AWS::NoValue`) is kept: the field is not set, but the finding can point at
/// the expression that leaves it unset, and [`fill_defaults`] gives it the default there.
pub fn set(map: &mut Val, name: &str, val: Val) {
    map.insert(name, val);
}

/// The name a format uses for a field.
pub fn source_name(f: &Field, format: Format) -> &'static str {
    match format {
        Format::Terraform => f.tf,
        _ => f.cfn,
    }
}

/// Coerce an object value (a CloudFormation mapping, a Terraform object attribute) to nested
/// fields, by the names the format uses. `header` is where defaults point.
pub fn coerce_object(o: Val, sub: &'static [Field], format: Format, header: Span, source: &'static str) -> Val {
    let V::Map(entries) = o.v else {
        return o.with_source(source);
    };
    let mut map = Val::new(V::Map(Vec::new()), o.span);
    for (k, v) in entries {
        let Some(fd) = sub
            .iter()
            .find(|s| !source_name(s, format).is_empty() && source_name(s, format) == k)
        else {
            continue;
        };
        let name = source_name(fd, format);
        let v = match fd.ty {
            Ty::Obj(inner) => {
                let h = v.span;
                coerce_object(v, inner, format, h, name)
            }
            Ty::List(inner) => match v.v {
                V::List(items) => Val::new(
                    V::List(
                        items
                            .into_iter()
                            .map(|i| {
                                let h = i.span;
                                coerce_object(i, inner, format, h, name)
                            })
                            .collect(),
                    ),
                    v.span,
                )
                .with_source(name),
                _ => v.with_source(name),
            },
            _ => coerce(v, &fd.ty, name),
        };
        set(&mut map, fd.name, v);
    }
    fill_defaults(&mut map, sub, format, header);
    map.with_source(source)
}
