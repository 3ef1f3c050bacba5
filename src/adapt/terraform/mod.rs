//! Terraform → model.
//!
//! A module is every `.tf` and `.tf.json` file of one directory. Its blocks are collected, the
//! evaluation context is built (variables, locals, resources, data sources, the `aws` provider's
//! region), and every resource of a modelled type becomes a [`Resource`] whose fields are filled
//! from the schema: the generic part ([`fill`]) reads attribute and block names from
//! [`crate::model::schema`], and the per-service files add what the schema cannot say (legacy
//! inline blocks and the split resources folded into buckets, keys and roles).
//!
//! Resources with a known `count`/`for_each` become one instance per element (none for
//! `count = 0`); with an unknown collection the body is evaluated once with the iterator unknown.

pub mod body;
pub mod eval;
pub mod functions;
mod iam;
mod kms;
pub mod policy_document;
mod providers;
mod s3;
mod spelling;

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;

use body::{Attr, Block, Body, ExprKind};
use eval::{Ctx, Variable};
use hcl_edit::expr::Expression;

use super::fields::{coerce, coerce_object, fill_defaults, set};
use crate::model::address::InstanceKey;
use crate::model::checked::CheckedBlock;
use crate::model::schema::{self, Field, Ty};
use crate::model::{Address, Format, Instance, Kind, Part, Resource, ScopeId, UnreadModule, V, Val};
use crate::parse::{self, Node};
use crate::source::Span;

/// The Terraform resource types that become a model resource of their own, and their kinds.
pub const KINDS: [(&str, Kind); 11] = [
    ("aws_cloudtrail", Kind::Trail),
    ("aws_s3_bucket", Kind::Bucket),
    ("aws_cloudwatch_log_group", Kind::LogGroup),
    ("aws_kms_key", Kind::Key),
    ("aws_kms_alias", Kind::KeyAlias),
    ("aws_iam_role", Kind::Role),
    ("aws_iam_policy", Kind::Policy),
    ("aws_cloudwatch_log_metric_filter", Kind::MetricFilter),
    ("aws_cloudwatch_metric_alarm", Kind::Alarm),
    ("aws_sns_topic", Kind::Topic),
    ("aws_sns_topic_subscription", Kind::Subscription),
];

/// The Terraform resource types that fold into a model resource: the split S3 resources of
/// provider 4+ into their bucket ([`s3::fold_split`]), `aws_kms_key_policy` into its key, the
/// role policies and attachments into their roles.
pub const FOLDED: [&str; 12] = [
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_logging",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_acl",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_object_lock_configuration",
    "aws_kms_key_policy",
    "aws_iam_role_policy",
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
];

/// The model kind of a Terraform resource type that becomes a resource of its own.
pub fn kind_of(type_name: &str) -> Option<Kind> {
    KINDS.iter().find(|(t, _)| *t == type_name).map(|(_, k)| *k)
}

/// Values given from outside the module: `--var`, tfvars files.
pub type VarValues = HashMap<String, Val>;

/// The parsed Terraform modules of a scan, by directory: what `module` blocks with a local
/// source instantiate. Each directory is parsed once, however often it is called.
#[derive(Default)]
pub struct Modules<'a> {
    pub dirs: HashMap<PathBuf, Vec<Body<'a>>>,
    /// Directories that were called but not read, and why.
    pub missing: HashMap<PathBuf, String>,
    /// Where `terraform init` put the modules of a root module (its directory): by module key
    /// (`trail`, `baseline.trail`), from `.terraform/modules/modules.json`.
    pub installed: HashMap<PathBuf, HashMap<String, PathBuf>>,
    /// Where files may be read from when a module is not in a git repository: the directory
    /// holding every input (canonical).
    pub fallback_root: PathBuf,
}

impl Modules<'_> {
    /// The repository holding module directory `dir` (its git root, else the scanned
    /// directory): nothing outside it is read, neither modules nor `file()` nor tfvars.
    pub fn repository(&self, dir: &Path) -> PathBuf {
        crate::scan::repository_root(dir, &self.fallback_root)
    }
}

/// `path` when it is a regular file inside `repository` once links and `..` are resolved;
/// else why it is not read.
pub fn inside(path: &Path, repository: &Path, shown: &str) -> Result<PathBuf, String> {
    let real = std::fs::canonicalize(path).map_err(|e| format!("cannot read `{shown}`: {e}"))?;
    if !real.starts_with(repository) {
        return Err(format!(
            "`{shown}` is outside the repository being scanned (`{}`) and is not read",
            repository.display()
        ));
    }
    Ok(real)
}

/// The module directories `terraform init` recorded in `<root>/.terraform/modules/modules.json`,
/// by key, as paths from the current directory (`Dir` is relative to the root module).
pub fn installed_modules(root: &Path) -> HashMap<String, PathBuf> {
    let path = root.join(".terraform").join("modules").join("modules.json");
    let small = std::fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
    let Some(text) = small.then(|| std::fs::read_to_string(&path).ok()).flatten() else {
        return HashMap::new();
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return HashMap::new();
    };
    json.get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let key = m.get("Key")?.as_str()?;
            let dir = m.get("Dir")?.as_str()?;
            (!key.is_empty() && !Path::new(dir).is_absolute())
                .then(|| (key.to_string(), crate::source::normalize(&root.join(dir))))
        })
        .collect()
}

/// What the module instances of one root module share.
pub struct Tree<'a> {
    pub modules: &'a Modules<'a>,
    /// The root module's directory.
    pub root: PathBuf,
    /// The repository it is in: files outside it are not read.
    pub repository: PathBuf,
    pub unread: RefCell<Vec<UnreadModule>>,
    /// How many more module instances may be created (a module calling itself twice per level
    /// doubles them).
    pub budget: Cell<usize>,
    /// What the run should say about the expansion (caps, unknown collections), in order.
    pub notes: RefCell<Vec<String>>,
    /// The resource blocks checked for names their type does not have (CT901), in order, each
    /// once; and their headers.
    pub checked: RefCell<Vec<CheckedBlock>>,
    pub checked_headers: RefCell<std::collections::HashSet<Span>>,
}

impl Tree<'_> {
    fn note(&self, note: String) {
        let mut notes = self.notes.borrow_mut();
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
}

/// The most module instances one root module expands to.
const MAX_INSTANCES: usize = 10_000;
/// The most instances one `count`/`for_each` expands to (resource and module blocks): beyond
/// it the rest are not checked, and a note says so, so that `count = 50000000` costs nothing.
pub const MAX_BLOCK_INSTANCES: usize = 10_000;
/// The deepest module nesting followed.
const MAX_MODULE_DEPTH: usize = 32;

/// The arguments of a `module` block that are not the callee's variables.
const META_ARGUMENTS: [&str; 6] = ["source", "version", "count", "for_each", "providers", "depends_on"];

/// A module directory named by a `source`, relative to the calling module's directory: `None`
/// when the source is not a local path.
pub fn local_source(caller_dir: &Path, source: &str) -> Option<PathBuf> {
    (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..")
        .then(|| crate::source::normalize(&caller_dir.join(source)))
}

/// The `source` of every `module` block of a module, when written as a literal string.
pub fn module_sources(bodies: &[Body<'_>]) -> Vec<String> {
    let ctx = Ctx::new(u32::MAX);
    bodies
        .iter()
        .flat_map(|b| b.top_blocks())
        .filter(|b| b.ident == "module")
        .filter_map(|b| ctx.eval(b.body.attr("source")?.expr).as_str().map(str::to_string))
        .collect()
}

/// What one root module adapts to.
pub struct RootModule {
    pub resources: Vec<Resource>,
    /// The region its default `aws` provider fixes.
    pub region: Option<String>,
    /// The module calls that could not be read.
    pub unread: Vec<UnreadModule>,
    /// Caps reached and collections not known while expanding instances.
    pub notes: Vec<String>,
    /// Its resource blocks and those of the modules it instantiates, checked against their
    /// types' names (CT901).
    pub checked: Vec<CheckedBlock>,
}

/// Build the model resources of one root module and its module instances (read from `dir`,
/// where `file()` paths start).
pub fn adapt_module<'a>(
    bodies: &[Body<'a>],
    scope: ScopeId,
    vars: &VarValues,
    dir: &Path,
    modules: &'a Modules<'a>,
) -> RootModule {
    let tree = Rc::new(Tree {
        modules,
        root: crate::source::normalize(dir),
        repository: modules.repository(dir),
        unread: RefCell::new(Vec::new()),
        budget: Cell::new(MAX_INSTANCES),
        notes: RefCell::new(Vec::new()),
        checked: RefCell::new(Vec::new()),
        checked_headers: RefCell::new(std::collections::HashSet::new()),
    });
    let mut ctx = build_ctx(bodies, scope, dir, &|name| vars.get(name).cloned().map(|v| (v, None)));
    ctx.tree = Some(tree.clone());
    ctx.chain = vec![crate::source::normalize(dir)];
    ctx.provider_regions = providers::own(&ctx, HashMap::new(), true);
    let mut out = Vec::new();
    collect(&ctx, &mut out);
    let region = match ctx.provider_regions.get("aws") {
        Some(Part::Lit(r)) => Some(r.clone()),
        _ => None,
    };
    drop(ctx);
    let mut unread = tree.unread.take();
    let mut seen = std::collections::HashSet::new();
    unread.retain(|u| seen.insert((u.span, u.call.clone())));
    RootModule {
        resources: out,
        region,
        unread,
        notes: tree.notes.take(),
        checked: tree.checked.take(),
    }
}

/// A variable's value from outside the module, and what it is when a module argument.
type Given<'g> = dyn Fn(&str) -> Option<(Val, Option<String>)> + 'g;

/// The evaluation context of one module instance: its variables (`given` returns the value
/// and, for a module argument, what it is), locals, resources, data sources, calls and outputs.
fn build_ctx<'a>(bodies: &[Body<'a>], scope: ScopeId, dir: &Path, given: &Given<'_>) -> Ctx<'a> {
    let blocks: Vec<Block<'a>> = bodies.iter().flat_map(|b| b.top_blocks()).collect();
    let mut ctx = Ctx::new(scope);
    ctx.module_dir = Some(dir.to_path_buf());
    for b in blocks {
        match (b.ident, b.labels.as_slice()) {
            ("variable", [name]) => {
                let mut passed = given(name);
                // `null` leaves a variable with `nullable = false` at its default.
                let nullable = b
                    .body
                    .attr("nullable")
                    .is_none_or(|a| ctx.eval(a.expr).as_bool() != Some(false));
                if !nullable && passed.as_ref().is_some_and(|(v, _)| v.is_null()) {
                    passed = None;
                }
                let (value, from_call) = match passed {
                    Some((v, what)) => (Some(v), what),
                    None => (None, None),
                };
                ctx.variables.insert(
                    name,
                    Variable {
                        default: b.body.attr("default").map(|a| a.expr),
                        value,
                        from_call,
                    },
                );
            }
            ("locals", []) => {
                for a in b.body.attrs() {
                    ctx.locals.insert(a.name, a.expr);
                }
            }
            ("resource", [ty, name]) => {
                ctx.resources.insert(format!("{ty}.{name}"));
                ctx.resource_blocks.push(b);
            }
            ("data", [ty, name]) => {
                ctx.data.insert(format!("data.{ty}.{name}"), b.clone());
            }
            ("module", [name]) => {
                let name = *name;
                ctx.calls.push((name, b));
            }
            ("output", [name]) => {
                if let Some(a) = b.body.attr("value") {
                    ctx.outputs.insert(name, a.expr);
                }
            }
            ("provider", _) => ctx.providers.push(b),
            _ => {}
        }
    }
    ctx
}

/// The instances of one module call: one per `count`/`for_each` element, or one.
pub struct Call<'a> {
    /// The call has `count` or `for_each`: references name an instance (`module.x[0]`).
    pub repeated: bool,
    pub instances: Vec<(Option<InstanceKey>, Rc<Ctx<'a>>)>,
    /// Set when its collection is not known: the one instance stands for all of them.
    pub unknown: Option<String>,
}

/// The instances of module call `name` of `parent`, created on first use: the callee's files
/// with its variables bound to the call's arguments (evaluated in `parent`, once per
/// `count`/`for_each` element). `Err` says why they cannot be (and the call is recorded as
/// unread once).
pub(crate) fn instantiate<'a>(parent: &Ctx<'a>, name: &str) -> Result<Rc<Call<'a>>, String> {
    if let Some(r) = parent.instances.borrow().get(name) {
        return r.clone();
    }
    let key = format!("#module.{name}");
    if !parent.active.borrow_mut().insert(key.clone()) {
        return Err(format!("module `{name}` depends on its own outputs"));
    }
    let r = create_call(parent, name).map(Rc::new);
    parent.active.borrow_mut().remove(&key);
    parent.instances.borrow_mut().insert(name.to_string(), r.clone());
    r
}

fn create_call<'a>(parent: &Ctx<'a>, name: &str) -> Result<Call<'a>, String> {
    let Some(tree) = parent.tree.clone() else {
        return Err("module outputs are not resolved here".into());
    };
    let Some((_, block)) = parent.calls.iter().find(|(n, _)| *n == name) else {
        return Err(format!("module `{name}` is not called in this module"));
    };
    let address = format!("{}module.{name}", parent.prefix());
    let source_val = block.body.attr("source").map(|a| parent.eval(a.expr));
    let source = source_val
        .as_ref()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let record = |reason: String, cycle: bool| {
        tree.unread.borrow_mut().push(UnreadModule {
            span: block.header,
            call: address.clone(),
            source: source.clone(),
            reason: reason.clone(),
            cycle,
        });
        Err(format!("module `{address}` is not read: {reason}"))
    };
    let unread = |reason: String| record(reason, false);
    if source.is_empty() {
        return unread("its `source` is not a known string".into());
    }
    let parent_dir = parent.module_dir.clone().unwrap_or_default();
    // `modules.json` keys name calls without instance keys (`baseline.trail`).
    let key: Vec<&str> = parent
        .module_path
        .iter()
        .map(|m| m.split('[').next().unwrap_or(m))
        .chain([name])
        .collect();
    let key = key.join(".");
    let installed = || {
        tree.modules
            .installed
            .get(&tree.root)
            .and_then(|m| m.get(&key))
            .cloned()
    };
    let Some(dir) = local_source(&parent_dir, &source).or_else(installed) else {
        let json = tree.root.join(".terraform/modules/modules.json");
        let json = json.display();
        let listed = tree.modules.installed.get(&tree.root).is_some_and(|m| !m.is_empty());
        return unread(if listed {
            format!(
                "`{source}` is not a local path (`./`, `../`) and `{json}` has no entry `{key}` (run `terraform init`)"
            )
        } else {
            format!(
                "`{source}` is not a local path (`./`, `../`) and there is no `{json}` saying where `terraform init` put it"
            )
        });
    };
    if parent.chain.contains(&dir) {
        return record(
            format!(
                "`{source}` is `{}`, which is already being instantiated: the modules call each other in a cycle",
                dir.display()
            ),
            true,
        );
    }
    if parent.chain.len() >= MAX_MODULE_DEPTH {
        return unread(format!("modules nest more than {MAX_MODULE_DEPTH} deep"));
    }
    let Some(bodies) = tree.modules.dirs.get(&dir) else {
        let why = tree
            .modules
            .missing
            .get(&dir)
            .cloned()
            .unwrap_or_else(|| format!("`{}` holds no Terraform files that were read", dir.display()));
        return unread(why);
    };
    if tree.budget.get() == 0 {
        return unread(format!("the root module already has {MAX_INSTANCES} module instances"));
    }
    let expansion = expand(parent, block, &address);
    if let Some(why) = &expansion.unknown {
        tree.note(format!(
            "`{address}`: {why}; it is checked as one instance, and what depends on `count`/`each` is unknown"
        ));
    }
    let mut instances = Vec::with_capacity(expansion.items.len());
    for (index, iter) in expansion.items {
        if tree.budget.get() == 0 {
            let _ = unread(format!(
                "the root module already has {MAX_INSTANCES} module instances; the call's other instances are not read"
            ));
            break;
        }
        tree.budget.set(tree.budget.get() - 1);
        let ctx = instance_ctx(parent, block, name, index.as_ref(), iter, &dir, bodies);
        instances.push((index, Rc::new(ctx)));
    }
    Ok(Call {
        repeated: expansion.repeated,
        instances,
        unknown: expansion.unknown,
    })
}

/// One instance of a module call: its arguments are evaluated in `parent` with the instance's
/// `count`/`each` bound.
fn instance_ctx<'a>(
    parent: &Ctx<'a>,
    block: &Block<'a>,
    name: &str,
    index: Option<&InstanceKey>,
    iter: Vec<Binding>,
    dir: &Path,
    bodies: &[Body<'a>],
) -> Ctx<'a> {
    let segment = match index {
        Some(k) => format!("{name}{}", k.suffix()),
        None => name.to_string(),
    };
    let address = format!("{}module.{segment}", parent.prefix());
    let n = iter.len();
    parent.iterators.borrow_mut().extend(iter);
    let args: HashMap<&str, Val> = block
        .body
        .attrs()
        .into_iter()
        .filter(|a| !META_ARGUMENTS.contains(&a.name))
        .map(|a| (a.name, parent.eval(a.expr)))
        .collect();
    let inherited = providers::passed(parent, block);
    let len = parent.iterators.borrow().len();
    parent.iterators.borrow_mut().truncate(len - n);
    let mut ctx = build_ctx(bodies, parent.scope, dir, &|var| {
        args.get(var)
            .cloned()
            .map(|v| (v, Some(format!("argument `{var}` of {address}"))))
    });
    ctx.tree = parent.tree.clone();
    ctx.module_path = parent.module_path.iter().cloned().chain([segment]).collect();
    ctx.call_chain = parent.call_chain.clone();
    ctx.call_chain.push((block.header, address));
    ctx.chain = parent.chain.clone();
    ctx.chain.push(dir.to_path_buf());
    // The module's own provider blocks win over what it is given or inherits.
    ctx.provider_regions = providers::own(&ctx, inherited, false);
    ctx
}

/// The resources of a module instance, then those of the instances it calls, depth first.
fn collect(ctx: &Ctx<'_>, out: &mut Vec<Resource>) {
    let mut mine = instance_resources(ctx);
    if !ctx.module_path.is_empty() {
        let instance = Arc::new(Instance {
            calls: ctx.call_chain.clone(),
            args: ctx.trace.borrow().clone(),
        });
        for r in &mut mine {
            r.instance = Some(instance.clone());
        }
    }
    out.extend(mine);
    for (name, _) in &ctx.calls {
        if let Ok(call) = instantiate(ctx, name) {
            for (_, child) in &call.instances {
                collect(child, out);
            }
        }
    }
}

/// The modelled resources of one module instance.
pub(crate) fn instance_resources(ctx: &Ctx<'_>) -> Vec<Resource> {
    let resources = &ctx.resource_blocks;
    let scope = ctx.scope;
    let mut out = Vec::new();
    for b in resources {
        let (ty, name) = (b.labels[0], b.labels[1]);
        let Some(kind) = kind_of(ty) else { continue };
        let what = format!("{}{ty}.{name}", ctx.prefix());
        let region = providers::of_block(ctx, b);
        for (index, iter) in expand(ctx, b, &what).items {
            let bindings = iter.len();
            ctx.iterators.borrow_mut().extend(iter);
            let address = Address {
                module: ctx.module_path.clone(),
                local: format!("{ty}.{name}"),
                index: index.clone(),
            };
            let mut r = Resource::new(kind, Format::Terraform, ty, address, scope, b.header);
            r.region = Some(region.clone());
            r.fields = fill(ctx, &b.body, schema::fields(kind), b.header);
            match kind {
                Kind::Bucket => s3::legacy_blocks(ctx, b, &mut r),
                Kind::Key => kms::default_policy(&mut r),
                Kind::Role => iam::inline_policies(ctx, b, &mut r),
                _ => {}
            }
            let len = ctx.iterators.borrow().len();
            ctx.iterators.borrow_mut().truncate(len - bindings);
            out.push(r);
        }
    }
    // Split resources fold into what they configure, once every resource exists.
    let mut owners: Vec<(Span, Span)> = Vec::new();
    let targets = iam::Targets::new(&out);
    for b in resources {
        let ty = b.labels[0];
        let owner = match ty {
            "aws_kms_key_policy" => kms::fold_key_policy(ctx, b, &mut out, &targets),
            "aws_iam_role_policy" | "aws_iam_role_policy_attachment" => {
                iam::fold_role_policy(ctx, b, &mut out, &targets)
            }
            "aws_iam_policy_attachment" => iam::fold_policy_attachment(ctx, b, &mut out, &targets),
            // The rest of the list: the split S3 resources.
            _ if FOLDED.contains(&ty) => s3::fold_split(ctx, b, &mut out, &targets),
            _ => None,
        };
        if let Some(i) = owner {
            owners.push((b.header, out[i].header));
        }
    }
    super::attach_managed_policies(&mut out);
    if let Some(tree) = &ctx.tree {
        check_names(ctx, tree, &owners);
    }
    out
}

/// CT901: the names of each resource block of the instance that its type does not have, once
/// per block for the whole root module (a module's blocks are the same in all its instances).
/// `owners` maps the header of each folded split resource to that of the resource it folded into.
fn check_names(ctx: &Ctx<'_>, tree: &Tree<'_>, owners: &[(Span, Span)]) {
    for b in &ctx.resource_blocks {
        let (ty, name) = (b.labels[0], b.labels[1]);
        if !tree.checked_headers.borrow_mut().insert(b.header) {
            continue;
        }
        let Some(unknown) = spelling::check(b, ty) else {
            continue;
        };
        let owner = if kind_of(ty).is_some() {
            Some(b.header)
        } else {
            owners.iter().find(|(h, _)| *h == b.header).map(|(_, o)| *o)
        };
        tree.checked.borrow_mut().push(CheckedBlock {
            format: Format::Terraform,
            type_name: ty.to_string(),
            address: format!("{}{ty}.{name}", ctx.prefix()),
            header: b.header,
            owner,
            unknown,
        });
    }
}

type Binding = (String, Val);

/// The instances of a resource or module block.
struct Expansion {
    /// `(instance key, iterator bindings)`, at most [`MAX_BLOCK_INSTANCES`].
    items: Vec<(Option<InstanceKey>, Vec<Binding>)>,
    /// The block has `count` or `for_each`.
    repeated: bool,
    /// Why its collection is not known (one instance, iterators unknown).
    unknown: Option<String>,
}

/// Expand `count`/`for_each` of block `b` (named `what` in notes): one instance per element
/// (none for `count = 0`), at most [`MAX_BLOCK_INSTANCES`], or one with the iterators unknown.
fn expand(ctx: &Ctx<'_>, b: &Block<'_>, what: &str) -> Expansion {
    let capped = |total: usize| {
        if total > MAX_BLOCK_INSTANCES
            && let Some(tree) = &ctx.tree
        {
            tree.note(format!(
                "`{what}` has {total} instances; only the first {MAX_BLOCK_INSTANCES} are checked"
            ));
        }
    };
    let why = |v: &Val, arg: &str| match v.unknown_info() {
        Some(u) => format!("its `{arg}` depends on `{}`: {}", u.expr, u.reason),
        None => format!(
            "its `{arg}` is not a known {}",
            if arg == "count" {
                "number"
            } else {
                "map or set of strings"
            }
        ),
    };
    if let Some(count) = b.body.attr("count") {
        let v = ctx.eval(count.expr);
        return match v.as_num() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                let total = if n > usize::MAX as f64 { usize::MAX } else { n as usize };
                capped(total);
                let items = (0..total.min(MAX_BLOCK_INSTANCES))
                    .map(|i| {
                        let index = Val::new(V::Num(i as f64), count.span);
                        (
                            Some(InstanceKey::Int(i as i64)),
                            vec![("count".to_string(), map_of(vec![("index", index)], count.span))],
                        )
                    })
                    .collect();
                Expansion {
                    items,
                    repeated: true,
                    unknown: None,
                }
            }
            _ => {
                let reason = why(&v, "count");
                let unknown = Val::unknown("count.index", reason.clone(), count.span);
                Expansion {
                    items: vec![(
                        None,
                        vec![("count".to_string(), map_of(vec![("index", unknown)], count.span))],
                    )],
                    repeated: true,
                    unknown: Some(reason),
                }
            }
        };
    }
    if let Some(fe) = b.body.attr("for_each") {
        let v = ctx.eval(fe.expr);
        let items: Option<Vec<(String, Val)>> = match &v.v {
            V::Map(entries) => {
                // Keys are unique; the last of a repeated key wins, as in an object constructor.
                Some(eval::last_wins(entries.iter().cloned()))
            }
            V::List(items) => string_set(items),
            V::Null => Some(Vec::new()),
            _ => None,
        };
        return match items {
            Some(mut items) => {
                capped(items.len());
                items.truncate(MAX_BLOCK_INSTANCES);
                Expansion {
                    items: items
                        .into_iter()
                        .map(|(k, val)| {
                            let key = Val::new(V::Str(k.clone()), fe.span);
                            (
                                Some(InstanceKey::Str(k)),
                                vec![("each".to_string(), map_of(vec![("key", key), ("value", val)], fe.span))],
                            )
                        })
                        .collect(),
                    repeated: true,
                    unknown: None,
                }
            }
            None => {
                let reason = why(&v, "for_each");
                let unknown = Val::unknown("each", reason.clone(), fe.span);
                Expansion {
                    items: vec![(
                        None,
                        vec![(
                            "each".to_string(),
                            map_of(vec![("key", unknown.clone()), ("value", unknown)], fe.span),
                        )],
                    )],
                    repeated: true,
                    unknown: Some(reason),
                }
            }
        };
    }
    Expansion {
        items: vec![(None, Vec::new())],
        repeated: false,
        unknown: None,
    }
}

/// A `for_each` set of strings as `(key, element)` pairs, each element once; `None` when an
/// element is not a known string.
fn string_set(items: &[Val]) -> Option<Vec<(String, Val)>> {
    let mut seen = std::collections::HashSet::new();
    let mut unique = Vec::new();
    for i in items {
        let s = i.as_str()?;
        if seen.insert(s) {
            unique.push((s.to_string(), i.clone()));
        }
    }
    Some(unique)
}

fn map_of(entries: Vec<(&str, Val)>, span: Span) -> Val {
    Val::new(
        V::Map(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()),
        span,
    )
}

/// Fill the fields of a resource or nested block from its body, following the schema.
pub fn fill(ctx: &Ctx<'_>, body: &Body<'_>, fields: &'static [Field], header: Span) -> Val {
    let mut map = Val::new(V::Map(Vec::new()), header);
    for f in fields.iter().filter(|f| !f.tf.is_empty()) {
        match f.ty {
            Ty::Obj(sub) => {
                if let Some(v) = nested(ctx, body, f, sub).into_iter().next() {
                    set(&mut map, f.name, v);
                }
            }
            Ty::List(sub) => {
                let items = nested(ctx, body, f, sub);
                let (dynamic, empty) = dynamic_items(ctx, body, f, sub);
                if !items.is_empty() || !dynamic.is_empty() {
                    let span = items.first().or(dynamic.first()).map_or(header, |v| v.span);
                    let mut all = items;
                    all.extend(dynamic);
                    set(&mut map, f.name, Val::new(V::List(all), span).with_source(f.tf));
                } else if let Some(empty) = empty {
                    // Only `dynamic` blocks over empty collections: no block, as if unset, but
                    // findings point at the `for_each` that makes it so.
                    set(&mut map, f.name, empty);
                }
            }
            Ty::Policy => {
                if let Some(a) = body.attr(f.tf) {
                    set(&mut map, f.name, policy_attr(ctx, &a).with_source(f.tf));
                }
            }
            _ => {
                if let Some(a) = body.attr(f.tf) {
                    set(&mut map, f.name, coerce(ctx.eval(a.expr), &f.ty, f.tf));
                }
            }
        }
    }
    fill_defaults(&mut map, fields, Format::Terraform, header);
    map
}

/// A nested object or list of objects: blocks of that name, or an attribute holding objects.
fn nested(ctx: &Ctx<'_>, body: &Body<'_>, f: &Field, sub: &'static [Field]) -> Vec<Val> {
    let blocks = body.blocks(f.tf);
    if !blocks.is_empty() {
        return blocks
            .iter()
            .map(|blk| fill(ctx, &blk.body, sub, blk.header).with_source(f.tf))
            .collect();
    }
    let Some(a) = body.attr(f.tf) else {
        return Vec::new();
    };
    let v = ctx.eval(a.expr);
    let objects = match v.v {
        V::List(items) => items,
        V::Map(_) => vec![v],
        V::Null => Vec::new(),
        _ => return vec![v.with_source(f.tf)],
    };
    objects
        .into_iter()
        .map(|o| {
            let h = o.span;
            coerce_object(o, sub, Format::Terraform, h, f.tf)
        })
        .collect()
}

/// `dynamic "<name>" { for_each = …; content { … } }` blocks: one item per element, or one
/// unknown item when the collection is not known; and the first `for_each` that is an empty
/// collection, as an empty list at that expression (its `source` is `for_each`).
fn dynamic_items(ctx: &Ctx<'_>, body: &Body<'_>, f: &Field, sub: &'static [Field]) -> (Vec<Val>, Option<Val>) {
    let mut out = Vec::new();
    let mut empty = None;
    for d in body
        .blocks("dynamic")
        .into_iter()
        .filter(|d| d.labels.first() == Some(&f.tf))
    {
        let Some(content) = d.body.blocks("content").into_iter().next() else {
            continue;
        };
        let iter_name = d
            .body
            .attr("iterator")
            .and_then(|a| match a.expr.kind {
                ExprKind::Hcl(Expression::Variable(v)) => Some(v.value().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| f.tf.to_string());
        let Some(fe) = d.body.attr("for_each") else { continue };
        let coll = ctx.eval(fe.expr);
        let elements: Option<Vec<(Val, Val)>> = match &coll.v {
            V::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::new(V::Num(i as f64), fe.span), v.clone()))
                    .collect(),
            ),
            V::Map(entries) => Some(
                entries
                    .iter()
                    .map(|(k, v)| (Val::new(V::Str(k.clone()), fe.span), v.clone()))
                    .collect(),
            ),
            _ => None,
        };
        match elements {
            Some(elements) if elements.is_empty() => {
                empty.get_or_insert(
                    Val {
                        v: V::List(Vec::new()),
                        ..coll
                    }
                    .with_source("for_each"),
                );
            }
            Some(elements) => {
                for (key, value) in elements {
                    ctx.iterators
                        .borrow_mut()
                        .push((iter_name.clone(), map_of(vec![("key", key), ("value", value)], fe.span)));
                    out.push(fill(ctx, &content.body, sub, d.header).with_source(f.tf));
                    ctx.iterators.borrow_mut().pop();
                }
            }
            None => {
                let why = coll.unknown_info().map_or_else(
                    || "its `for_each` is not a known collection".to_string(),
                    |u| format!("its `for_each` depends on `{}`: {}", u.expr, u.reason),
                );
                out.push(Val::unknown(format!("dynamic \"{}\"", f.tf), why, fe.span).with_source(f.tf));
            }
        }
    }
    (out, empty)
}

/// A policy attribute: heredoc JSON is parsed from the source so that statements keep exact
/// spans; anything else is evaluated (`jsonencode`, a policy document data source, a variable).
pub fn policy_attr(ctx: &Ctx<'_>, a: &Attr<'_>) -> Val {
    if let ExprKind::Hcl(Expression::HeredocTemplate(_)) = a.expr.kind
        && let Some(v) = heredoc_json(ctx, a)
    {
        return crate::model::policy::normalize(v);
    }
    crate::model::policy::normalize(ctx.eval(a.expr))
}

fn heredoc_json(ctx: &Ctx<'_>, a: &Attr<'_>) -> Option<Val> {
    let span = a.expr.span();
    let text = a.expr.src.text.get(span.start as usize..span.end as usize)?;
    let body_start = text.find('\n')? + 1;
    let body_end = text.rfind('\n')?;
    if body_end <= body_start {
        return None;
    }
    let inner = &text[body_start..body_end];
    let mut node: Node = parse::json::parse(inner, span.file).ok()?;
    node.shift(span.start + body_start as u32);
    // Re-evaluate through the JSON evaluator so `${…}` inside strings resolves; the node must
    // outlive the evaluation only for its duration.
    let v = ctx.eval(body::Expr {
        kind: ExprKind::Json(&node),
        src: a.expr.src,
    });
    Some(v)
}

/// Is `name` a variables file Terraform loads by itself from a root module's directory?
pub fn is_auto_tfvars(name: &str) -> bool {
    name == "terraform.tfvars"
        || name == "terraform.tfvars.json"
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

/// The variable values Terraform loads by itself from a root module's directory, in its order of
/// precedence (later wins): `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars` and
/// `*.auto.tfvars.json` in lexical order. Files outside `repository` (through a link) are not
/// read, and a note says so (the second value). A file that cannot be parsed gives no values;
/// discovery reads the same files and reports it as a CT000 (see [`crate::load`]).
pub fn auto_tfvars(dir: &std::path::Path, repository: &Path) -> (VarValues, Vec<String>) {
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let mut notes = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (VarValues::new(), notes);
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| is_auto_tfvars(n))
        .collect();
    names.sort_by_key(|n| (!n.starts_with("terraform.tfvars"), n.clone()));
    let mut out = VarValues::new();
    for name in names {
        let path = dir.join(&name);
        let shown = crate::source::display_path(&path, Path::new(""));
        let real = match inside(&path, repository, &shown) {
            Ok(real) => real,
            Err(why) => {
                notes.push(format!("{why}: its variable values are not used"));
                continue;
            }
        };
        let small = std::fs::metadata(&real).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20);
        let Some(text) = small.then(|| std::fs::read_to_string(&real).ok()).flatten() else {
            continue;
        };
        let text = text.trim_start_matches('\u{feff}');
        let vars = if name.ends_with(".json") {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), crate::model::value::from_json(v, Span::default())))
                    .collect(),
                _ => continue,
            }
        } else {
            match tfvars(text, "") {
                Ok(v) => v,
                Err(_) => continue,
            }
        };
        out.extend(vars.into_iter().map(|(k, v)| (k, v.given_by(shown.clone()))));
    }
    (out, notes)
}

/// The variables of a `.tfvars` file (`file` as shown): every top-level attribute, evaluated
/// without context.
pub fn tfvars(text: &str, file: &str) -> Result<VarValues, crate::diagnostic::Diagnostic> {
    let body = parse::hcl::parse(text, crate::source::FileId(0))
        .map_err(|e| crate::diagnostic::Diagnostic::at_offset(file, text, e.span.start as usize, e.message))?;
    let src = crate::source::Src {
        file: crate::source::FileId(0),
        text,
    };
    let ctx = Ctx::new(u32::MAX);
    let b = Body::Hcl(&body, src);
    Ok(b.attrs()
        .into_iter()
        .map(|a| (a.name.to_string(), ctx.eval(a.expr).respan(Span::default())))
        .collect())
}
