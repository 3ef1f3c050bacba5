//! Evaluation of Terraform expressions into model values.
//!
//! Within one module: literals, string templates, `var.*` (declared defaults), `local.*`,
//! references to resources and data sources (kept as symbols: `aws_s3_bucket.logs.id` is "the id
//! of that bucket", resolved to a link or a name later), the symbolic data sources
//! (`aws_caller_identity`, `aws_region`, `aws_partition`), `aws_iam_policy_document`, operators,
//! conditionals, `for` expressions over known collections and the functions in
//! [`super::functions`].
//!
//! Anything else evaluates to [`V::Unknown`] with the expression and the reason, never to a
//! guess: a variable without a default, a module output, a grouping `for` expression, an
//! unsupported function.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::expr::{BinaryOperator, UnaryOperator};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};

use super::body::{Block, Expr, ExprKind};
use super::functions;
use crate::model::address::InstanceKey;
use crate::model::{AttrRef, Part, ScopeId, Sym, Text, V, Val, ViaKind, arn};
use crate::parse::{Node, NodeKind};
use crate::source::Span;
use crate::source::Src;

/// How deep expressions may nest in evaluation (locals referring to locals…).
const MAX_EVAL_DEPTH: u32 = 64;

/// A declared input variable.
#[derive(Debug, Clone)]
pub struct Variable<'a> {
    pub default: Option<Expr<'a>>,
    /// A value given by the caller (tfvars, `--var`, a module argument): wins over the default.
    pub value: Option<Val>,
    /// Set when the value is a module argument: what it is (`argument `x` of module.y`). Its
    /// value keeps pointing at the argument in the caller.
    pub from_call: Option<String>,
}

/// What `var.<name>` stands for.
enum VarValue {
    /// A module argument, pointing at the argument in the caller.
    AsPassed(Val),
    /// A value with no place of its own: an unknown, pointing at the use.
    Here(Val),
    /// A default or a value given from outside the module, at the place that sets it.
    Set(Val, ViaKind),
}

/// Everything expressions of one module can refer to.
pub struct Ctx<'a> {
    pub scope: ScopeId,
    pub variables: HashMap<&'a str, Variable<'a>>,
    pub locals: HashMap<&'a str, Expr<'a>>,
    /// `type.name` of every managed resource of the module.
    pub resources: HashSet<String>,
    /// `type.name` of every data source of the module.
    pub data: HashMap<String, Block<'a>>,
    /// The regions of the `aws` provider configurations this module instance has (`aws`,
    /// `aws.west`), see [`super::providers`].
    pub provider_regions: HashMap<String, Part>,
    cache: RefCell<HashMap<String, Val>>,
    pub(super) active: RefCell<HashSet<String>>,
    depth: RefCell<u32>,
    /// Iterator variables of `dynamic` blocks and `for` expressions being evaluated.
    pub iterators: RefCell<Vec<(String, Val)>>,
    /// The module's directory: `file()` reads relative paths from there.
    pub module_dir: Option<std::path::PathBuf>,
    /// Module call names from the root, outermost first (empty in the root module).
    pub module_path: Vec<String>,
    /// The `module` blocks of the module, by name, in source order.
    pub calls: Vec<(&'a str, Block<'a>)>,
    /// The `resource` blocks of the module.
    pub resource_blocks: Vec<Block<'a>>,
    /// The `provider` blocks.
    pub providers: Vec<Block<'a>>,
    /// The `output` blocks' values.
    pub outputs: HashMap<&'a str, Expr<'a>>,
    /// The module tree this module instance belongs to (absent outside a scan: tfvars).
    pub tree: Option<Rc<super::Tree<'a>>>,
    /// The `module` blocks leading here from the root, with their addresses.
    pub call_chain: Vec<(Span, String)>,
    /// The directories of this instance and its callers (cycles).
    pub chain: Vec<std::path::PathBuf>,
    /// Instantiated module calls, by name (`Err`: why not).
    pub instances: RefCell<HashMap<String, Result<Rc<super::Call<'a>>, String>>>,
    /// Module arguments used as they are: (the value in the caller, the use here, what).
    pub trace: RefCell<Vec<(Span, Span, String)>>,
}

const TOO_DEEP: &str = "the template has a syntax error nested too deep to be parsed";

/// The most text a `%{ for }` directive renders (nested loops multiply).
const MAX_TEMPLATE_BYTES: usize = 1 << 20;

/// The largest file `file()` reads: policies and templates, not binaries.
const MAX_FILE_FUNCTION_BYTES: u64 = 1 << 20;

impl<'a> Ctx<'a> {
    /// `file(path)`: the text of a file of the repository, relative to the module's directory
    /// (`path.module` is `.`). The value points at the call, the place that sets it. Absolute
    /// paths, missing, large or non-UTF-8 files give unknown values that say why.
    fn read_file(&self, args: &[Val], span: Span, snippet: &str) -> Val {
        match args {
            [path] => match self.module_file(path) {
                Ok(text) => Val::new(V::Str(text), span),
                Err(why) => Val::unknown(snippet, why, span),
            },
            _ => Val::unknown(snippet, "`file` takes one argument", span),
        }
    }

    /// `templatefile(path, vars)`: the file rendered as a string template with `vars` in scope.
    /// A template that is one interpolation (`${jsonencode({…})}`) gives that value itself, as
    /// a `jsonencode` written inline does. Everything points at the call.
    fn render_template_file(&self, args: &[Val], src: Src<'_>, span: Span) -> Val {
        let unknown = |why: String| Val::unknown(src.snippet(span), why, span);
        let [path, vars] = args else {
            return unknown("`templatefile` takes a path and a map of variables".into());
        };
        let text = match self.module_file(path) {
            Ok(t) => t,
            Err(why) => return unknown(why),
        };
        let Some(vars) = vars.as_map() else {
            return unknown(match vars.unknown_info() {
                Some(u) => format!("its variables depend on `{}`: {}", u.expr, u.reason),
                None => "its variables are not a known map".into(),
            });
        };
        let template = match crate::parse::hcl::parse_template_bounded(&text) {
            Some(Ok(t)) => t,
            Some(Err(e)) => return unknown(format!("the template does not parse: {e}")),
            None => return unknown(TOO_DEEP.into()),
        };
        let inner = Src {
            file: src.file,
            text: &text,
        };
        let n = vars.len();
        self.iterators.borrow_mut().extend(vars.iter().cloned());
        let mut significant = template.iter().filter(|el| match el {
            Element::Literal(l) => !l.value().trim().is_empty(),
            _ => true,
        });
        let v = match (significant.next(), significant.next()) {
            (Some(Element::Interpolation(i)), None) => self.eval_hcl(&i.expr, inner, 0),
            _ => self.eval_template(&template, inner, 0),
        };
        let len = self.iterators.borrow().len();
        self.iterators.borrow_mut().truncate(len - n);
        v.respan_deep(span)
    }

    /// The text of a file named relative to the module's directory.
    fn module_file(&self, path: &Val) -> Result<String, String> {
        if let Some(u) = path.unknown_info() {
            return Err(format!("the path depends on `{}`: {}", u.expr, u.reason));
        }
        let Some(rel) = path.as_str() else {
            return Err("the path is not a known string".into());
        };
        let rel = std::path::Path::new(rel);
        if rel.is_absolute() {
            return Err("files outside the repository (absolute paths) are not read".into());
        }
        let path = self
            .module_dir
            .as_deref()
            .unwrap_or(std::path::Path::new("."))
            .join(rel);
        let shown = path.display().to_string();
        // Nothing outside the repository: not through `..`, not through a link.
        let path = match &self.tree {
            Some(tree) => super::inside(&path, &tree.repository, &shown)?,
            None => return Err("files are not read here".into()),
        };
        match std::fs::metadata(&path) {
            Ok(m) if !m.is_file() => return Err(format!("`{shown}` is not a file")),
            Ok(m) if m.len() > MAX_FILE_FUNCTION_BYTES => {
                return Err(format!("`{shown}` is larger than {MAX_FILE_FUNCTION_BYTES} bytes"));
            }
            Ok(_) => {}
            Err(e) => return Err(format!("cannot read `{shown}`: {e}")),
        }
        std::fs::read_to_string(&path)
            .map(|t| t.trim_start_matches('\u{feff}').to_string())
            .map_err(|e| format!("cannot read `{shown}`: {e}"))
    }

    pub fn new(scope: ScopeId) -> Ctx<'a> {
        Ctx {
            scope,
            variables: HashMap::new(),
            locals: HashMap::new(),
            resources: HashSet::new(),
            data: HashMap::new(),
            provider_regions: HashMap::new(),
            cache: RefCell::new(HashMap::new()),
            active: RefCell::new(HashSet::new()),
            depth: RefCell::new(0),
            iterators: RefCell::new(Vec::new()),
            module_dir: None,
            module_path: Vec::new(),
            calls: Vec::new(),
            resource_blocks: Vec::new(),
            providers: Vec::new(),
            outputs: HashMap::new(),
            tree: None,
            call_chain: Vec::new(),
            chain: Vec::new(),
            instances: RefCell::new(HashMap::new()),
            trace: RefCell::new(Vec::new()),
        }
    }

    /// `module.a.module.b.` in a module instance, empty in the root module.
    pub fn prefix(&self) -> String {
        self.module_path.iter().map(|m| format!("module.{m}.")).collect()
    }

    /// The value of output `name` of this module instance.
    fn output(&self, name: &str, src: Src<'_>, span: Span) -> Val {
        let key = format!("#output.{name}");
        if let Some(v) = self.cache.borrow().get(&key) {
            return v.clone().respan(span);
        }
        let Some(e) = self.outputs.get(name).copied() else {
            return self.unknown(
                src,
                span,
                format!("module `{}` has no output `{name}`", self.module_path.join(".")),
            );
        };
        if !self.active.borrow_mut().insert(key.clone()) {
            return self.unknown(src, span, format!("output `{name}` refers to itself"));
        }
        let v = self.eval(e);
        self.active.borrow_mut().remove(&key);
        self.cache.borrow_mut().insert(key, v.clone());
        v.respan(span)
    }

    /// The region of the module's default `aws` provider: literal, "this region", or unknown.
    pub fn region_part(&self) -> Part {
        super::providers::region(self, "aws")
    }

    pub fn eval(&self, e: Expr<'_>) -> Val {
        {
            let mut d = self.depth.borrow_mut();
            if *d >= MAX_EVAL_DEPTH {
                return Val::unknown(
                    e.src.snippet(e.span()),
                    "expression nests too deeply to evaluate",
                    e.span(),
                );
            }
            *d += 1;
        }
        let v = match e.kind {
            ExprKind::Hcl(x) => self.eval_hcl(x, e.src, 0),
            ExprKind::Json(n) => self.eval_json(n, e.src),
            ExprKind::Value(v) => v.clone(),
        };
        *self.depth.borrow_mut() -= 1;
        v
    }

    fn unknown(&self, src: Src<'_>, span: Span, reason: impl Into<String>) -> Val {
        Val::unknown(src.snippet(span), reason, span)
    }

    // --- JSON syntax ---

    fn eval_json(&self, n: &Node, src: Src<'_>) -> Val {
        let v = match &n.kind {
            NodeKind::Null => V::Null,
            NodeKind::Bool(b) => V::Bool(*b),
            NodeKind::Number(s) => s.parse::<f64>().map_or_else(|_| V::Str(s.clone()), V::Num),
            NodeKind::String(s) if s.contains("${") || s.contains("%{") => {
                return self.eval_json_template(s, n.span, src);
            }
            NodeKind::String(s) => V::Str(s.clone()),
            NodeKind::Array(items) => V::List(items.iter().map(|i| self.eval_json(i, src)).collect()),
            NodeKind::Object(entries) => {
                // A repeated key: the last one wins.
                V::Map(last_wins(
                    entries.iter().map(|(k, v)| (k.name.clone(), self.eval_json(v, src))),
                ))
            }
        };
        Val::new(v, n.span)
    }

    /// A JSON string holding a template: parse it as HCL, offset into the file (exact unless the
    /// string uses escapes before the interpolation).
    fn eval_json_template(&self, s: &str, span: Span, src: Src<'_>) -> Val {
        match crate::parse::hcl::parse_template_bounded(s).unwrap_or_else(|| Err(TOO_DEEP.into())) {
            Ok(t) => {
                let base = span.start + 1;
                if let Some(Element::Interpolation(i)) = t.as_single_element() {
                    return self.eval_hcl(&i.expr, src, base).respan(span);
                }
                let mut val = self.eval_template(&t, src, base);
                val.span = span;
                val
            }
            Err(e) => self.unknown(src, span, format!("invalid template: {e}")),
        }
    }

    // --- native syntax ---

    fn eval_hcl(&self, x: &Expression, src: Src<'_>, base: u32) -> Val {
        let span = src.span(x.span(), base);
        let v = match x {
            Expression::Null(_) => V::Null,
            Expression::Bool(b) => V::Bool(*b.value()),
            Expression::Number(n) => V::Num(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => V::Str(s.value().to_string()),
            Expression::Array(a) => V::List(a.iter().map(|i| self.eval_hcl(i, src, base)).collect()),
            Expression::Object(o) => {
                let mut entries: Vec<(String, Val)> = Vec::new();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => {
                            written_key(src, base, i.span(), i.value()).unwrap_or_else(|| i.value().to_string())
                        }
                        ObjectKey::Expression(ke @ Expression::String(parsed)) => {
                            match written_key(src, base, ke.span(), parsed.value()) {
                                Some(k) => k,
                                None => match self.eval_hcl(ke, src, base).as_str() {
                                    Some(k) => k.to_string(),
                                    None => return self.unknown(src, span, "an object key cannot be evaluated"),
                                },
                            }
                        }
                        ObjectKey::Expression(ke) => {
                            let kv = self.eval_hcl(ke, src, base);
                            match kv.text().and_then(|t| t.as_lit().map(str::to_string)) {
                                Some(s) => s,
                                None => {
                                    return self.unknown(src, span, "an object key cannot be evaluated");
                                }
                            }
                        }
                    };
                    entries.push((key, self.eval_hcl(v.expr(), src, base)));
                }
                // A repeated key: the last one wins, as in Terraform.
                V::Map(last_wins(entries))
            }
            Expression::StringTemplate(t) => {
                // `"${x}"` is `x` itself, with its type (Terraform unwraps a lone interpolation).
                if let [Element::Interpolation(i)] = t.iter().collect::<Vec<_>>()[..] {
                    return self.eval_hcl(&i.expr, src, base).respan(span);
                }
                let mut text = Text::default();
                let elements: Vec<&Element> = t.iter().collect();
                if let Err(u) = self.render(&elements, src, base, false, false, &mut text) {
                    return u;
                }
                return Val::new(text.into_v(), span);
            }
            Expression::HeredocTemplate(h) => {
                let mut val = self.eval_template(&h.template, src, base);
                val.span = span;
                return val;
            }
            Expression::Parenthesis(p) => return self.eval_hcl(p.inner(), src, base).respan(span),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                if let Some(val) = self.iterator(name) {
                    return val.respan(span);
                }
                return self.unknown(src, span, format!("`{name}` is not known here"));
            }
            Expression::Conditional(c) => {
                let cond = self.eval_hcl(&c.cond_expr, src, base);
                return match cond.as_bool() {
                    Some(true) => self.eval_hcl(&c.true_expr, src, base),
                    Some(false) => self.eval_hcl(&c.false_expr, src, base),
                    None => {
                        let a = self.eval_hcl(&c.true_expr, src, base);
                        let b = self.eval_hcl(&c.false_expr, src, base);
                        if a.same_value(&b) && !a.has_unknown() {
                            a.respan(span)
                        } else {
                            let why = cond.unknown_info().map_or_else(
                                || "the condition is not a known boolean".to_string(),
                                |u| format!("the condition depends on `{}`: {}", u.expr, u.reason),
                            );
                            self.unknown(src, span, why)
                        }
                    }
                };
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.value().as_str();
                if !f.name.namespace.is_empty() {
                    return self.unknown(src, span, format!("provider function `{name}` is not evaluated"));
                }
                if f.args.expand_final() {
                    return self.unknown(src, span, "argument expansion (`...`) is not evaluated");
                }
                let args: Vec<Val> = f.args.iter().map(|a| self.eval_hcl(a, src, base)).collect();
                match name {
                    "file" => return self.read_file(&args, span, &src.snippet(span)),
                    "templatefile" => return self.render_template_file(&args, src, span),
                    _ => {}
                }
                return functions::call(name, args, span, &src.snippet(span));
            }
            Expression::Traversal(t) => return self.eval_traversal(&t.expr, &t.operators, src, base, span),
            Expression::UnaryOp(u) => {
                let val = self.eval_hcl(&u.expr, src, base);
                match (u.operator.value(), &val.v) {
                    (UnaryOperator::Not, V::Bool(b)) => V::Bool(!b),
                    (UnaryOperator::Neg, V::Num(n)) => V::Num(-n),
                    _ if val.has_unknown() => return val.respan(span),
                    _ => return self.unknown(src, span, "operand has the wrong type"),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval_hcl(&b.lhs_expr, src, base);
                let r = self.eval_hcl(&b.rhs_expr, src, base);
                return binary(*b.operator.value(), l, r, span).unwrap_or_else(|why| self.unknown(src, span, why));
            }
            Expression::ForExpr(f) => return self.eval_for(f, src, base, span),
        };
        Val::new(v, span)
    }

    /// Evaluate a template (heredoc or string with directives).
    pub fn eval_template(&self, t: &Template, src: Src<'_>, base: u32) -> Val {
        let mut text = Text::default();
        let mut span = None::<Span>;
        for el in t.iter() {
            let s = match el {
                Element::Literal(l) => src.span(l.span(), base),
                Element::Interpolation(i) => src.span(i.expr.span(), base),
                Element::Directive(_) => Span::new(src.file, base as usize, base as usize),
            };
            span = Some(span.map_or(s, |sp| sp.to(s)));
        }
        let elements: Vec<&Element> = t.iter().collect();
        if let Err(u) = self.render(&elements, src, base, false, false, &mut text) {
            return u;
        }
        Val::new(text.into_v(), span.unwrap_or_default())
    }

    /// Render template elements into `text`: literals, interpolations and the `%{ if }` /
    /// `%{ for }` directives, with the `~` strip markers trimming the whitespace beside them.
    /// `lead`/`tail` trim the start of the first and the end of the last literal (a marker of
    /// the enclosing directive). An interpolation that cannot be put in a string makes the
    /// whole template unknown (`Err`); an unknown condition or collection is an unknown part.
    fn render(
        &self,
        elements: &[&Element],
        src: Src<'_>,
        base: u32,
        lead: bool,
        tail: bool,
        text: &mut Text,
    ) -> Result<(), Val> {
        let opens_stripped = |el: Option<&&Element>| match el {
            Some(Element::Interpolation(i)) => i.strip.strip_start(),
            Some(Element::Directive(d)) => match d.as_ref() {
                Directive::If(d) => d.if_expr.strip.strip_start(),
                Directive::For(d) => d.for_expr.strip.strip_start(),
            },
            _ => false,
        };
        let mut strip_next = lead;
        for (n, el) in elements.iter().enumerate() {
            let next = elements.get(n + 1);
            match el {
                Element::Literal(l) => {
                    let mut v: &str = l.value();
                    if strip_next {
                        v = v.trim_start();
                    }
                    if opens_stripped(next) || (next.is_none() && tail) {
                        v = v.trim_end();
                    }
                    text.push(Part::Lit(v.to_string()));
                    strip_next = false;
                }
                Element::Interpolation(i) => {
                    let v = self.eval_hcl(&i.expr, src, base);
                    interpolate(v, text).map_err(|why| {
                        let span = src.span(i.expr.span(), base);
                        self.unknown(src, span, why)
                    })?;
                    strip_next = i.strip.strip_end();
                }
                Element::Directive(directive) => match directive.as_ref() {
                    Directive::If(d) => {
                        let cond = self.eval_hcl(&d.if_expr.cond_expr, src, base);
                        match cond.as_bool() {
                            Some(true) => {
                                let until = match &d.else_expr {
                                    Some(e) => e.strip.strip_start(),
                                    None => d.endif_expr.strip.strip_start(),
                                };
                                let body: Vec<&Element> = d.if_expr.template.iter().collect();
                                self.render(&body, src, base, d.if_expr.strip.strip_end(), until, text)?;
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    let body: Vec<&Element> = e.template.iter().collect();
                                    self.render(
                                        &body,
                                        src,
                                        base,
                                        e.strip.strip_end(),
                                        d.endif_expr.strip.strip_start(),
                                        text,
                                    )?;
                                }
                            }
                            None => text.push(Part::Unknown(Box::new(crate::model::Unknown {
                                expr: "%{ if … }".into(),
                                reason: match cond.unknown_info() {
                                    Some(u) => format!("its condition depends on `{}`: {}", u.expr, u.reason),
                                    None => "its condition is not a known boolean".into(),
                                },
                            }))),
                        }
                        strip_next = d.endif_expr.strip.strip_end();
                    }
                    Directive::For(d) => {
                        self.render_for(d, src, base, text)?;
                        strip_next = d.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }

    /// `%{ for k, v in coll }…%{ endfor }`: the body once per element, a list by index, a map
    /// in key order; at most [`MAX_TEMPLATE_BYTES`] of text.
    fn render_for(
        &self,
        d: &hcl_edit::template::ForDirective,
        src: Src<'_>,
        base: u32,
        text: &mut Text,
    ) -> Result<(), Val> {
        let f = &d.for_expr;
        let unknown = |reason: String| {
            Part::Unknown(Box::new(crate::model::Unknown {
                expr: "%{ for … }".into(),
                reason,
            }))
        };
        let coll = self.eval_hcl(&f.collection_expr, src, base);
        let items: Vec<(Val, Val)> = match &coll.v {
            V::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::new(V::Num(i as f64), v.span), v.clone()))
                .collect(),
            V::Map(entries) => {
                let mut entries: Vec<&(String, Val)> = entries.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries
                    .into_iter()
                    .map(|(k, v)| (Val::new(V::Str(k.clone()), v.span), v.clone()))
                    .collect()
            }
            _ => {
                text.push(unknown(match coll.unknown_info() {
                    Some(u) => format!("it iterates over `{}`: {}", u.expr, u.reason),
                    None => "it iterates over a value that is not a known list or map".into(),
                }));
                return Ok(());
            }
        };
        let body: Vec<&Element> = f.template.iter().collect();
        let (lead, tail) = (f.strip.strip_end(), d.endfor_expr.strip.strip_start());
        let mut out = Text::default();
        for (key, value) in items {
            let mut bindings = vec![(f.value_var.value().as_str().to_string(), value)];
            if let Some(k) = &f.key_var {
                bindings.insert(0, (k.value().as_str().to_string(), key));
            }
            let n = bindings.len();
            self.iterators.borrow_mut().extend(bindings);
            let r = self.render(&body, src, base, lead, tail, &mut out);
            let len = self.iterators.borrow().len();
            self.iterators.borrow_mut().truncate(len - n);
            r?;
            let size: usize = out
                .0
                .iter()
                .map(|p| if let Part::Lit(l) = p { l.len() } else { 1 })
                .sum();
            if size > MAX_TEMPLATE_BYTES {
                text.push(unknown(format!("it renders more than {MAX_TEMPLATE_BYTES} bytes")));
                return Ok(());
            }
        }
        text.append(out);
        Ok(())
    }

    /// `[for k, v in coll : value if cond]` and `{for k, v in coll : key => value if cond}`.
    /// A list binds index and element, a map key and value (in key order, as Terraform
    /// iterates). An unknown collection, condition or key makes the whole result unknown: which
    /// elements exist is then not known.
    fn eval_for(&self, f: &hcl_edit::expr::ForExpr, src: Src<'_>, base: u32, span: Span) -> Val {
        if f.grouping {
            return self.unknown(src, span, "grouping `for` expressions (`...`) are not evaluated");
        }
        let coll = self.eval_hcl(&f.intro.collection_expr, src, base);
        let items: Vec<(Val, Val)> = match (&coll.v, coll.unknown_info()) {
            (_, Some(u)) if matches!(coll.v, V::Unknown(_)) => {
                return self.unknown(src, span, format!("it iterates over `{}`: {}", u.expr, u.reason));
            }
            (V::List(items), _) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Val::new(V::Num(i as f64), v.span), v.clone()))
                .collect(),
            (V::Map(entries), _) => {
                let mut entries: Vec<&(String, Val)> = entries.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                entries
                    .into_iter()
                    .map(|(k, v)| (Val::new(V::Str(k.clone()), v.span), v.clone()))
                    .collect()
            }
            _ => return self.unknown(src, span, "it iterates over a value that is not a known list or map"),
        };
        let key_var = f.intro.key_var.as_ref().map(|k| k.value().as_str().to_string());
        let value_var = f.intro.value_var.value().as_str().to_string();
        let mut list = Vec::new();
        let mut map: Vec<(String, Val)> = Vec::new();
        for (key, value) in items {
            let bindings = match &key_var {
                Some(k) => vec![(k.clone(), key), (value_var.clone(), value)],
                None => vec![(value_var.clone(), value)],
            };
            let n = bindings.len();
            self.iterators.borrow_mut().extend(bindings);
            let result = self.for_element(f, src, base);
            let len = self.iterators.borrow().len();
            self.iterators.borrow_mut().truncate(len - n);
            match result {
                Err(why) => return self.unknown(src, span, why),
                Ok(None) => {}
                Ok(Some((None, v))) => list.push(v),
                Ok(Some((Some(k), v))) => {
                    if map.iter().any(|(existing, _)| *existing == k) {
                        return self.unknown(src, span, format!("the key `{k}` is produced twice"));
                    }
                    map.push((k, v));
                }
            }
        }
        match f.key_expr {
            Some(_) => Val::new(V::Map(map), span),
            None => Val::new(V::List(list), span),
        }
    }

    /// One element of a `for` expression, with its iterators bound: `None` when the condition
    /// drops it, the key (object `for`) and the value otherwise.
    fn for_element(
        &self,
        f: &hcl_edit::expr::ForExpr,
        src: Src<'_>,
        base: u32,
    ) -> Result<Option<(Option<String>, Val)>, String> {
        if let Some(cond) = &f.cond {
            let c = self.eval_hcl(&cond.expr, src, base);
            match c.as_bool() {
                Some(true) => {}
                Some(false) => return Ok(None),
                None => {
                    return Err(match c.unknown_info() {
                        Some(u) => format!("its `if` condition depends on `{}`: {}", u.expr, u.reason),
                        None => "its `if` condition is not a known boolean".into(),
                    });
                }
            }
        }
        let key = match &f.key_expr {
            Some(k) => {
                let k = self.eval_hcl(k, src, base);
                match (&k.v, k.as_str()) {
                    (_, Some(s)) => Some(s.to_string()),
                    (V::Num(n), _) => Some(crate::model::value::fmt_num(*n)),
                    (V::Bool(b), _) => Some(b.to_string()),
                    _ => return Err("a key it produces is not known".into()),
                }
            }
            None => None,
        };
        Ok(Some((key, self.eval_hcl(&f.value_expr, src, base))))
    }

    fn iterator(&self, name: &str) -> Option<Val> {
        self.iterators
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    fn eval_traversal(
        &self,
        root: &Expression,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src<'_>,
        base: u32,
        span: Span,
    ) -> Val {
        let Expression::Variable(root_ident) = root else {
            // `(expr).attr`, `[..][0]`: evaluate the root and walk into it.
            let v = self.eval_hcl(root, src, base);
            return self.apply_ops(v, ops, src, base, span);
        };
        let root_name = root_ident.value().as_str();
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(id)) => Some(id.value().as_str()),
            _ => None,
        };
        match root_name {
            "var" => {
                let Some(name) = attr(0) else {
                    return self.unknown(src, span, "malformed variable reference");
                };
                match self.variable(name, src, span) {
                    VarValue::AsPassed(v) if ops.len() == 1 => v,
                    VarValue::AsPassed(v) | VarValue::Here(v) => self.apply_ops(v, &ops[1..], src, base, span),
                    VarValue::Set(v, kind) => {
                        self.through(v, format!("variable `{name}`"), kind, &ops[1..], (src, base, span))
                    }
                }
            }
            "local" => {
                let Some(name) = attr(0) else {
                    return self.unknown(src, span, "malformed local reference");
                };
                let v = self.local(name, src, span);
                self.through(
                    v,
                    format!("local `{name}`"),
                    ViaKind::Local,
                    &ops[1..],
                    (src, base, span),
                )
            }
            "data" => {
                let (Some(ty), Some(name)) = (attr(0), attr(1)) else {
                    return self.unknown(src, span, "malformed data source reference");
                };
                let mut rest = 2;
                if matches!(
                    ops.get(rest).map(|o| o.value()),
                    Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                ) {
                    rest += 1;
                }
                let Some(field) = attr(rest) else {
                    return self.symbol(format!("data.{ty}.{name}"), String::new(), span);
                };
                let v = self.data_attr(ty, name, field, span);
                self.apply_ops(v, &ops[rest + 1..], src, base, span)
            }
            "module" => {
                let Some(name) = attr(0) else {
                    return self.unknown(src, span, "malformed module reference");
                };
                let call = match super::instantiate(self, name) {
                    Ok(call) => call,
                    Err(why) => return self.unknown(src, span, why),
                };
                if call.repeated
                    && let Some(TraversalOperator::FullSplat(_) | TraversalOperator::AttrSplat(_)) =
                        ops.get(1).map(|o| o.value())
                {
                    return self.module_splat(&call, name, ops, src, base, span);
                }
                let (child, rest) = match self.module_instance(&call, name, ops.get(1), src, base) {
                    Ok(found) => found,
                    Err(why) => return self.unknown(src, span, why),
                };
                let Some(output) = attr(rest) else {
                    return self.unknown(
                        src,
                        span,
                        "a whole module object is not evaluated; name one of its outputs",
                    );
                };
                let v = child.output(output, src, span);
                self.apply_ops(v, &ops[rest + 1..], src, base, span)
            }
            // `path.module` is where `file()` reads from: the module's directory, `.` to it.
            "path" => match attr(0) {
                Some("module") => Val::new(V::Str(".".into()), span),
                // The root module's directory, as a path from this module's (where `file()`
                // reads from); the working directory depends on where Terraform runs: a named
                // value, like "this region".
                Some("root") => match self.root_from_module() {
                    Some(p) => Val::new(V::Str(p), span),
                    None => self.named("path.root".into(), span),
                },
                Some("cwd") => self.named("path.cwd".into(), span),
                _ => self.unknown(src, span, "`path` has only `module`, `root` and `cwd`"),
            },
            "terraform" => match attr(0) {
                Some("workspace") => self.named("terraform.workspace".into(), span),
                _ => self.unknown(src, span, "`terraform` has only `workspace`"),
            },
            "count" | "each" | "self" => match self.iterator(root_name) {
                Some(v) => self.apply_ops(v, ops, src, base, span),
                None => self.unknown(src, span, format!("`{root_name}` is not known here")),
            },
            ty => {
                if let Some(v) = self.iterator(ty) {
                    return self.apply_ops(v, ops, src, base, span);
                }
                let Some(name) = attr(0) else {
                    return self.unknown(src, span, format!("`{ty}` is not known here"));
                };
                let mut rest = 1;
                if matches!(
                    ops.get(rest).map(|o| o.value()),
                    Some(
                        TraversalOperator::Index(_)
                            | TraversalOperator::LegacyIndex(_)
                            | TraversalOperator::AttrSplat(_)
                            | TraversalOperator::FullSplat(_)
                    )
                ) {
                    rest += 1;
                }
                let mut path = Vec::new();
                for op in &ops[rest..] {
                    match op.value() {
                        TraversalOperator::GetAttr(id) => path.push(id.value().to_string()),
                        _ => break,
                    }
                }
                self.symbol(format!("{ty}.{name}"), path.join("."), span)
            }
        }
    }

    /// The instance of `call` a reference names (`module.x` alone, `module.x[0]`,
    /// `module.x["eu"]` when the call has `count`/`for_each`), and where the output name is in
    /// the traversal. With an unknown collection the one instance stands for every key.
    /// `module.x[*].out` (and the legacy `module.x.*.out`) over a module with `count`: the list
    /// of every instance's output, in index order; the operators after `[*]` apply to each
    /// instance (after `.*`, only the attribute names do, as in Terraform). A module with
    /// `for_each` is a map, which a splat does not spread (Terraform makes it a one-element list
    /// of the map): unknown, with the `for` expression to write instead.
    fn module_splat(
        &self,
        call: &Rc<super::Call<'a>>,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src<'_>,
        base: u32,
        span: Span,
    ) -> Val {
        let address = format!("{}module.{name}", self.prefix());
        if let Some(why) = &call.unknown {
            return self.unknown(src, span, format!("the instances of `{address}` are not known: {why}"));
        }
        if call
            .instances
            .iter()
            .any(|(k, _)| matches!(k, Some(InstanceKey::Str(_))))
        {
            return self.unknown(
                src,
                span,
                format!(
                    "`{address}` has `for_each`, so it is a map that `[*]` does not spread; use `[for m in {address} : m.<output>]` or `{address}[\"key\"]`"
                ),
            );
        }
        let rest = &ops[2..];
        let each = if matches!(ops[1].value(), TraversalOperator::AttrSplat(_)) {
            rest.iter()
                .take_while(|o| matches!(o.value(), TraversalOperator::GetAttr(_)))
                .count()
        } else {
            rest.len()
        };
        let Some(TraversalOperator::GetAttr(output)) = rest.first().map(|o| o.value()) else {
            return self.unknown(
                src,
                span,
                "a whole module object is not evaluated; name one of its outputs",
            );
        };
        let items = call
            .instances
            .iter()
            .map(|(_, child)| {
                let v = child.output(output.value().as_str(), src, span);
                self.apply_ops(v, &rest[1..each], src, base, span)
            })
            .collect();
        self.apply_ops(Val::new(V::List(items), span), &rest[each..], src, base, span)
    }

    fn module_instance(
        &self,
        call: &Rc<super::Call<'a>>,
        name: &str,
        op: Option<&hcl_edit::Decorated<TraversalOperator>>,
        src: Src<'_>,
        base: u32,
    ) -> Result<(Rc<Ctx<'a>>, usize), String> {
        let address = format!("{}module.{name}", self.prefix());
        if !call.repeated {
            return call
                .instances
                .first()
                .map(|(_, c)| (c.clone(), 1))
                .ok_or_else(|| format!("`{address}` has no instance"));
        }
        let key = match op.map(|o| o.value()) {
            Some(TraversalOperator::Index(ix)) => {
                let k = self.eval_hcl(ix, src, base);
                match &k.v {
                    V::Num(n) if *n >= 0.0 && n.fract() == 0.0 => Some(InstanceKey::Int(*n as i64)),
                    V::Str(s) => Some(InstanceKey::Str(s.clone())),
                    _ => None,
                }
            }
            Some(TraversalOperator::LegacyIndex(n)) => Some(InstanceKey::Int(*n.value() as i64)),
            _ => {
                return Err(format!(
                    "`{address}` has `count` or `for_each`: only one instance's outputs are evaluated (`{address}[0].x`, `{address}[\"key\"].x`)"
                ));
            }
        };
        if call.unknown.is_some()
            && let [(_, only)] = call.instances.as_slice()
        {
            return Ok((only.clone(), 2));
        }
        let Some(key) = key else {
            return Err(format!("the instance key of `{address}` is not known"));
        };
        call.instances
            .iter()
            .find(|(k, _)| k.as_ref() == Some(&key))
            .map(|(_, c)| (c.clone(), 2))
            .ok_or_else(|| format!("`{address}` has no instance `{address}{}`", key.suffix()))
    }

    /// `path.root` as a path relative to this module's directory: `.` in the root module.
    fn root_from_module(&self) -> Option<String> {
        use std::path::Component;
        if self.module_path.is_empty() {
            return Some(".".into());
        }
        let here = self.module_dir.as_deref()?;
        let root = self.tree.as_ref().map(|t| t.root.as_path())?;
        let (h, r): (Vec<Component<'_>>, Vec<Component<'_>>) =
            (here.components().collect(), root.components().collect());
        let common = h.iter().zip(&r).take_while(|(a, b)| a == b).count();
        if h[common..]
            .iter()
            .chain(&r[common..])
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let mut parts: Vec<String> = vec!["..".into(); h.len() - common];
        parts.extend(r[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
        Some(if parts.is_empty() { ".".into() } else { parts.join("/") })
    }

    /// A value that exists but is chosen when Terraform runs (`terraform.workspace`,
    /// `path.root`): a symbol that equals only itself, never a guessed string.
    fn named(&self, name: String, span: Span) -> Val {
        Val::new(
            V::Text(Text::sym(Sym::Attr(Box::new(AttrRef {
                scope: self.scope,
                target: name,
                attr: String::new(),
            })))),
            span,
        )
    }

    fn symbol(&self, target: String, attr: String, span: Span) -> Val {
        let target = if self.module_path.is_empty() {
            target
        } else {
            format!("{}{target}", self.prefix())
        };
        Val::new(
            V::Text(Text::sym(Sym::Attr(Box::new(AttrRef {
                scope: self.scope,
                target,
                attr,
            })))),
            span,
        )
    }

    fn apply_ops(
        &self,
        v: Val,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src<'_>,
        base: u32,
        span: Span,
    ) -> Val {
        self.walk(v, ops, src, base, span).respan(span)
    }

    /// The value `ops` select in `v`, where it is written (an error, at `span`).
    fn walk(
        &self,
        mut v: Val,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src<'_>,
        base: u32,
        span: Span,
    ) -> Val {
        for op in ops {
            if v.has_unknown() && !matches!(v.v, V::Map(_) | V::List(_)) {
                return v.respan(span);
            }
            v = match op.value() {
                TraversalOperator::GetAttr(id) => match v.get(id.value().as_str()) {
                    Some(x) => x.clone(),
                    None if matches!(v.v, V::Text(_)) => {
                        return self.unknown(src, span, "attribute of a symbolic value");
                    }
                    None => return self.unknown(src, span, format!("no attribute `{}`", id.value().as_str())),
                },
                TraversalOperator::Index(ix) => {
                    let key = self.eval_hcl(ix, src, base);
                    match (&v.v, &key.v) {
                        (V::List(items), V::Num(n)) if *n >= 0.0 && (*n as usize) < items.len() => {
                            items[*n as usize].clone()
                        }
                        (V::Map(_), V::Str(k)) => match v.get(k) {
                            Some(x) => x.clone(),
                            None => return self.unknown(src, span, format!("no key `{k}`")),
                        },
                        _ => return self.unknown(src, span, "index cannot be evaluated"),
                    }
                }
                TraversalOperator::LegacyIndex(n) => match &v.v {
                    V::List(items) if (*n.value() as usize) < items.len() => items[*n.value() as usize].clone(),
                    _ => return self.unknown(src, span, "index cannot be evaluated"),
                },
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    return self.unknown(src, span, "splat expressions are not evaluated yet");
                }
            };
        }
        v
    }

    /// The value of `var.<name>`: a module argument kept pointing at the caller, a value set
    /// by the default or from outside the module (at the place that sets it), or an unknown.
    fn variable(&self, name: &str, src: Src<'_>, span: Span) -> VarValue {
        let Some(var) = self.variables.get(name) else {
            return VarValue::Here(self.unknown(
                src,
                span,
                format!("variable `{name}` is not declared in this module"),
            ));
        };
        if let Some(v) = &var.value {
            if let Some(what) = &var.from_call {
                // The value points at the argument in the caller, the line the user owns; the
                // use here is remembered for the finding's related location.
                if !v.span.is_empty() {
                    let entry = (v.span, span, what.clone());
                    let mut trace = self.trace.borrow_mut();
                    if !trace.contains(&entry) {
                        trace.push(entry);
                    }
                    return VarValue::AsPassed(v.clone());
                }
                return VarValue::Here(v.clone().respan(span));
            }
            let by = v.given().unwrap_or("--var").to_string();
            return VarValue::Set(v.clone(), ViaKind::VariableGiven(by));
        }
        match var.default {
            Some(d) => VarValue::Set(self.eval(d), ViaKind::VariableDefault),
            None if !self.module_path.is_empty() => VarValue::Here(self.unknown(
                src,
                span,
                format!(
                    "variable `{name}` has no default and module `{}` is not given it",
                    self.module_path.join(".")
                ),
            )),
            None => VarValue::Here(self.unknown(
                src,
                span,
                format!("variable `{name}` has no default (give it a value in a .tfvars file or with --var)"),
            )),
        }
    }

    /// A variable's or local's value (at the place that sets it) used at `span`, after the
    /// traversal `ops` (`var.config.enabled`): pointed at the use, saying where it comes from.
    fn through(
        &self,
        v: Val,
        name: String,
        kind: ViaKind,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        (src, base, span): (Src<'_>, u32, Span),
    ) -> Val {
        let v = self.walk(v, ops, src, base, span);
        if v.has_unknown() {
            return v.respan(span);
        }
        v.through(src.snippet(span), name, kind, span)
    }

    /// The value of `local.<name>`, at the local's expression.
    fn local(&self, name: &str, src: Src<'_>, span: Span) -> Val {
        if let Some(v) = self.cache.borrow().get(name) {
            return v.clone();
        }
        let Some(e) = self.locals.get(name).copied() else {
            return self.unknown(src, span, format!("local `{name}` is not defined in this module"));
        };
        if !self.active.borrow_mut().insert(name.to_string()) {
            return self.unknown(src, span, format!("local `{name}` refers to itself"));
        }
        let v = self.eval(e);
        self.active.borrow_mut().remove(name);
        self.cache.borrow_mut().insert(name.to_string(), v.clone());
        v
    }

    fn data_attr(&self, ty: &str, name: &str, field: &str, span: Span) -> Val {
        let sym = |s: Sym| Val::new(V::Text(Text::sym(s)), span);
        match (ty, field) {
            ("aws_caller_identity", "account_id") => sym(Sym::Account),
            ("aws_region", "name" | "id" | "region") => {
                let region = match self.data.get(&format!("data.{ty}.{name}")) {
                    Some(b) => super::providers::of_block(self, b),
                    None => self.region_part(),
                };
                Val::new(Text(vec![region]).into_v(), span)
            }
            // A provider region fixes the partition (`eu-west-1` is in `aws`).
            ("aws_partition", "partition") => match arn::partition_of(&self.region_part()) {
                Part::Lit(p) => Val::new(V::Str(p), span),
                _ => sym(Sym::Partition),
            },
            ("aws_partition", "dns_suffix") => sym(Sym::UrlSuffix),
            ("aws_iam_policy_document", "json" | "minified_json") => {
                let key = format!("data.{ty}.{name}");
                match self.data.get(&key).cloned() {
                    Some(block) => {
                        let cache_key = format!("#{key}");
                        if let Some(v) = self.cache.borrow().get(&cache_key) {
                            return v.clone().respan(span);
                        }
                        if !self.active.borrow_mut().insert(cache_key.clone()) {
                            return Val::unknown(key, "policy document refers to itself", span);
                        }
                        let v = super::policy_document::evaluate(self, &block);
                        self.active.borrow_mut().remove(&cache_key);
                        self.cache.borrow_mut().insert(cache_key, v.clone());
                        // The statements keep their own spans; the document points at its use.
                        v.respan(span)
                    }
                    None => Val::unknown(
                        format!("{key}.{field}"),
                        "the policy document is not defined in this module",
                        span,
                    ),
                }
            }
            ("aws_cloudwatch_log_group" | "aws_s3_bucket", _) => self
                .looked_up_attr(ty, name, field, span)
                .unwrap_or_else(|| self.symbol(format!("data.{ty}.{name}"), field.to_string(), span)),
            _ => self.symbol(format!("data.{ty}.{name}"), field.to_string(), span),
        }
    }

    /// Attributes of data sources that look an object up by name, in this module's account and
    /// region: the name, and the ARN built from it. `None` when the data source uses another
    /// provider (account or region unknown) or its name is not known.
    fn looked_up_attr(&self, ty: &str, name: &str, field: &str, span: Span) -> Option<Val> {
        let block = self.data.get(&format!("data.{ty}.{name}"))?;
        if block.body.attr("provider").is_some() {
            return None;
        }
        let key = if ty == "aws_s3_bucket" { "bucket" } else { "name" };
        let looked_up = self.eval(block.body.attr(key)?.expr);
        let looked_up = looked_up.text().filter(|t| t.first_unknown().is_none())?.into_owned();
        let text = match (ty, field) {
            (_, "id" | "name" | "bucket") => looked_up,
            ("aws_s3_bucket", "arn") => arn::bucket(arn::partition_of(&self.region_part()), looked_up),
            ("aws_cloudwatch_log_group", "arn") => {
                let mut res = Text::lit("log-group:");
                res.append(looked_up);
                let region = self.region_part();
                arn::build(
                    "logs",
                    arn::partition_of(&region),
                    Some(region),
                    Some(Part::Sym(Sym::Account)),
                    res,
                )
            }
            _ => return None,
        };
        Some(Val::new(text.into_v(), span))
    }
}

/// Object entries with each key once, in first-seen order, holding the value of its last
/// occurrence (Terraform's rule for a repeated key). Linear, for objects of any size.
pub(super) fn last_wins(entries: impl IntoIterator<Item = (String, Val)>) -> Vec<(String, Val)> {
    let mut out: Vec<(String, Val)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (k, v) in entries {
        match at.get(&k) {
            Some(&i) => out[i].1 = v,
            None => {
                at.insert(k.clone(), out.len());
                out.push((k, v));
            }
        }
    }
    out
}

/// An object key as written in the source: an identifier, or a quoted string without escapes
/// or interpolations. The parser may have seen a renamed copy of a repeated key (see
/// [`crate::parse::hcl`]); the source has its real name.
fn written_key(src: Src<'_>, base: u32, range: Option<std::ops::Range<usize>>, parsed: &str) -> Option<String> {
    let span = src.span(range, base);
    let text = src.text.get(span.start as usize..span.end as usize)?.trim();
    let written = if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        (!inner.contains(['\\', '"', '$', '%'])).then(|| inner.to_string())?
    } else {
        let ident = !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
        ident.then(|| text.to_string())?
    };
    // The parsed copy differs from the original only in a renamed key's last character; any
    // other difference means the offsets do not point at this key (a template inside an
    // escaped JSON string), and the parsed key is the right one.
    let (w, p) = (written.as_bytes(), parsed.as_bytes());
    let same_but_last = w.len() == p.len() && !w.is_empty() && w[..w.len() - 1] == p[..p.len() - 1];
    same_but_last.then_some(written)
}

/// Append a value to a template's text.
fn interpolate(v: Val, text: &mut Text) -> Result<(), String> {
    match v.v {
        V::Str(s) => text.push(Part::Lit(s)),
        V::Num(n) => text.push(Part::Lit(crate::model::value::fmt_num(n))),
        V::Bool(b) => text.push(Part::Lit(b.to_string())),
        V::Text(t) => text.append(t),
        V::Unknown(u) => text.push(Part::Unknown(u)),
        V::Null => return Err("interpolates a null value".into()),
        V::List(_) | V::Map(_) => return Err("interpolates a list or object".into()),
    }
    Ok(())
}

fn binary(op: BinaryOperator, l: Val, r: Val, span: Span) -> Result<Val, String> {
    use BinaryOperator as B;
    let v = match (op, &l.v, &r.v) {
        (B::And, V::Bool(false), _) | (B::And, _, V::Bool(false)) => V::Bool(false),
        (B::Or, V::Bool(true), _) | (B::Or, _, V::Bool(true)) => V::Bool(true),
        _ if l.has_unknown() => return Ok(l.respan(span)),
        _ if r.has_unknown() => return Ok(r.respan(span)),
        (B::Eq, _, _) if is_literal(&l) && is_literal(&r) => V::Bool(l.v == r.v),
        (B::NotEq, _, _) if is_literal(&l) && is_literal(&r) => V::Bool(l.v != r.v),
        (B::Eq | B::NotEq, _, _) => return Err("compares symbolic values".into()),
        (B::And, V::Bool(_), V::Bool(_)) => V::Bool(l.as_bool() == Some(true) && r.as_bool() == Some(true)),
        (B::Or, V::Bool(_), V::Bool(_)) => V::Bool(l.as_bool() == Some(true) || r.as_bool() == Some(true)),
        (_, V::Num(a), V::Num(b)) => match op {
            B::Plus => V::Num(a + b),
            B::Minus => V::Num(a - b),
            B::Mul => V::Num(a * b),
            B::Div => V::Num(a / b),
            B::Mod => V::Num(a % b),
            B::Less => V::Bool(a < b),
            B::LessEq => V::Bool(a <= b),
            B::Greater => V::Bool(a > b),
            B::GreaterEq => V::Bool(a >= b),
            _ => return Err("operator does not apply to numbers".into()),
        },
        _ => return Err("operands have the wrong types".into()),
    };
    Ok(Val::new(v, span))
}

fn is_literal(v: &Val) -> bool {
    !matches!(v.v, V::Text(_) | V::Unknown(_))
}
