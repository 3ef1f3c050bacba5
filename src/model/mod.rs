//! The format-agnostic model of a CloudTrail logging setup.
//!
//! Adapters turn Terraform modules, CloudFormation templates and standalone policy documents
//! into [`Resource`]s of a few [`Kind`]s. Every resource keeps its fields as one [`Val`] map
//! whose keys and types are listed in [`schema`]; rules query that map with JSONPath and never
//! see the syntax it came from. Links between resources (trail → bucket, trail → log group,
//! trail → role, trail → key, log group → key; metric filter → log group, alarm → metric filter,
//! alarm → SNS topic, subscription → topic) are resolved by [`crate::resolve`] before any rule
//! runs and stored in [`Model::links`].

pub(crate) mod address;
pub(crate) mod arn;
pub mod checked;
pub mod dump;
pub(crate) mod policy;
pub(crate) mod schema;
pub(crate) mod value;

use std::fmt;

pub use address::Address;
pub use value::{AttrRef, Origin, Part, ScopeId, Sym, Text, Unknown, V, Val, Via, ViaKind};

use crate::source::{FileId, Span};

/// What a resource is, whatever it was written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// `aws_cloudtrail`, `AWS::CloudTrail::Trail`
    Trail,
    /// `aws_s3_bucket` (+ split resources), `AWS::S3::Bucket` (+ `AWS::S3::BucketPolicy`)
    Bucket,
    /// `aws_cloudwatch_log_group`, `AWS::Logs::LogGroup`
    LogGroup,
    /// `aws_kms_key` (+ `aws_kms_key_policy`), `AWS::KMS::Key`
    Key,
    /// `aws_kms_alias`, `AWS::KMS::Alias`: only to resolve `alias/…` references to keys.
    KeyAlias,
    /// `aws_iam_role` (+ inline and attached policies), `AWS::IAM::Role`
    Role,
    /// A standalone policy document: `aws_iam_policy`, `AWS::IAM::ManagedPolicy`, a policy JSON
    /// file.
    Policy,
    /// `aws_cloudwatch_log_metric_filter`, `AWS::Logs::MetricFilter`
    MetricFilter,
    /// `aws_cloudwatch_metric_alarm`, `AWS::CloudWatch::Alarm`
    Alarm,
    /// `aws_sns_topic`, `AWS::SNS::Topic` (with its inline `Subscription`s)
    Topic,
    /// `aws_sns_topic_subscription`, `AWS::SNS::Subscription`
    Subscription,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Trail,
        Kind::Bucket,
        Kind::LogGroup,
        Kind::Key,
        Kind::KeyAlias,
        Kind::Role,
        Kind::Policy,
        Kind::MetricFilter,
        Kind::Alarm,
        Kind::Topic,
        Kind::Subscription,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Trail => "trail",
            Kind::Bucket => "bucket",
            Kind::LogGroup => "log_group",
            Kind::Key => "key",
            Kind::KeyAlias => "key_alias",
            Kind::Role => "role",
            Kind::Policy => "policy",
            Kind::MetricFilter => "metric_filter",
            Kind::Alarm => "alarm",
            Kind::Topic => "topic",
            Kind::Subscription => "subscription",
        }
    }

    /// How messages name it: "trail", "bucket", "log group"…
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Trail => "trail",
            Kind::Bucket => "bucket",
            Kind::LogGroup => "log group",
            Kind::Key => "KMS key",
            Kind::KeyAlias => "KMS alias",
            Kind::Role => "IAM role",
            Kind::Policy => "policy",
            Kind::MetricFilter => "metric filter",
            Kind::Alarm => "CloudWatch alarm",
            Kind::Topic => "SNS topic",
            Kind::Subscription => "SNS subscription",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    Terraform,
    CloudFormation,
    PolicyJson,
}

/// Index of a resource in [`Model::resources`].
pub type ResourceId = usize;

#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: Kind,
    pub format: Format,
    /// `aws_cloudtrail`, `AWS::S3::Bucket`…
    pub type_name: String,
    pub address: Address,
    pub scope: ScopeId,
    /// The resource header: `resource "aws_cloudtrail" "main" {` or the logical ID key. Defaulted
    /// values and "should be set here" findings point at it.
    pub header: Span,
    /// The fields listed in [`schema::fields`] for this kind, as a [`V::Map`].
    pub fields: Val,
    /// The name references use in its scope: the address without the instance key
    /// (`aws_s3_bucket.logs`, `module.trail.aws_s3_bucket.logs`, a logical ID).
    pub name: String,
    /// The Terraform module instance it belongs to, when not the root module.
    pub instance: Option<std::sync::Arc<Instance>>,
    /// The region it is deployed in when its own provider says (a Terraform resource's
    /// `provider`, inherited or passed into its module); `None`: its scope's.
    pub region: Option<Part>,
}

/// Where a Terraform module instance comes from, for the locations of its findings.
#[derive(Debug, Clone, Default)]
pub struct Instance {
    /// The `module` blocks that lead to it from the root module, outermost first, with their
    /// addresses (`module.baseline`, `module.baseline.module.trail`).
    pub calls: Vec<(Span, String)>,
    /// Values that came in through a module argument: the argument's value in the caller, the
    /// place in the module that uses it, and what it is (`argument `multi_region` of module.trail`).
    pub args: Vec<(Span, Span, String)>,
}

impl Resource {
    pub fn new(
        kind: Kind,
        format: Format,
        type_name: &str,
        address: Address,
        scope: ScopeId,
        header: Span,
    ) -> Resource {
        let mut name = String::new();
        for m in &address.module {
            name.push_str("module.");
            name.push_str(m);
            name.push('.');
        }
        name.push_str(&address.local);
        Resource {
            kind,
            format,
            type_name: type_name.to_string(),
            name,
            instance: None,
            region: None,
            address,
            scope,
            header,
            fields: Val::new(V::Map(Vec::new()), header),
        }
    }

    pub fn field(&self, name: &str) -> Option<&Val> {
        self.fields.get(name)
    }

    pub fn file(&self) -> FileId {
        self.header.file
    }

    /// The name other resources use to reference this one in its scope: `aws_s3_bucket.logs`
    /// (`module.trail.aws_s3_bucket.logs` inside a module instance) or the logical ID.
    pub fn local_name(&self) -> &str {
        &self.name
    }
}

/// The edges rules follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Edge {
    /// trail → bucket (`s3_bucket_name`, `S3BucketName`)
    Bucket,
    /// trail → log group (`cloud_watch_logs_group_arn`, `CloudWatchLogsLogGroupArn`)
    LogGroup,
    /// trail → role (`cloud_watch_logs_role_arn`, `CloudWatchLogsRoleArn`)
    Role,
    /// trail → key, log group → key (`kms_key_id`, `KMSKeyId`, `KmsKeyId`)
    Key,
    /// alarm → metric filter: the filters whose metric transformation publishes the metric the
    /// alarm watches (the pair `namespace` + `metric_name`); one link per filter.
    MetricFilter,
    /// alarm → SNS topic, one link per entry of `alarm_actions`; subscription → topic
    /// (`topic_arn`, `TopicArn`)
    Topic,
}

impl Edge {
    pub fn as_str(self) -> &'static str {
        match self {
            Edge::Bucket => "bucket",
            Edge::LogGroup => "log_group",
            Edge::Role => "role",
            Edge::Key => "key",
            Edge::MetricFilter => "metric_filter",
            Edge::Topic => "topic",
        }
    }

    pub fn parse(s: &str) -> Option<Edge> {
        Some(match s {
            "bucket" => Edge::Bucket,
            "log_group" => Edge::LogGroup,
            "role" => Edge::Role,
            "key" => Edge::Key,
            "metric_filter" => Edge::MetricFilter,
            "topic" => Edge::Topic,
            _ => return None,
        })
    }

    /// The model field of a `from` resource that holds the link.
    pub fn field(self, from: Kind) -> &'static str {
        match (self, from) {
            (Edge::Bucket, _) => "s3_bucket_name",
            (Edge::LogGroup, Kind::MetricFilter) => "log_group_name",
            (Edge::LogGroup, _) => "cloud_watch_logs_group_arn",
            (Edge::Role, _) => "cloud_watch_logs_role_arn",
            (Edge::Key, _) => "kms_key_id",
            (Edge::MetricFilter, _) => "metric_name",
            (Edge::Topic, Kind::Alarm) => "alarm_actions",
            (Edge::Topic, _) => "topic_arn",
        }
    }

    pub fn target(self) -> Kind {
        match self {
            Edge::Bucket => Kind::Bucket,
            Edge::LogGroup => Kind::LogGroup,
            Edge::Role => Kind::Role,
            Edge::Key => Kind::Key,
            Edge::MetricFilter => Kind::MetricFilter,
            Edge::Topic => Kind::Topic,
        }
    }
}

/// Where a link leads.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    /// The attribute is not set: rules that need the target are not applicable.
    Absent,
    /// The target is defined in the scan.
    Resolved(ResourceId),
    /// The attribute names something that is not defined in the scan (a bucket in another
    /// account, an AWS managed key): rules that need it are not applicable.
    External(String),
    /// The attribute cannot be resolved: rules that need the target are unknown.
    Unknown(Unknown),
}

/// One resolved link, with the span of the attribute that sets it (for related locations).
#[derive(Debug, Clone)]
pub struct LinkInfo {
    pub edge: Edge,
    pub link: Link,
    pub span: Span,
}

/// One module instance or template.
#[derive(Debug, Clone)]
pub struct Scope {
    pub format: Format,
    /// The directory (Terraform) or file (CloudFormation, policy JSON) it was read from.
    pub origin: String,
    /// The region the scope deploys to, when a provider block or parameter fixes it.
    pub region: Option<String>,
    /// Its resource blocks of types whose names are known, checked against them (CT901);
    /// [`crate::adapt::assemble`] moves them to [`Model::checked`].
    pub checked: Vec<checked::CheckedBlock>,
}

#[derive(Debug, Default)]
pub struct Model {
    pub resources: Vec<Resource>,
    /// Per resource, the links it has (same indices as `resources`).
    pub links: Vec<Vec<LinkInfo>>,
    /// The other way round: per resolved target and edge, the resources that link to it (a
    /// bucket's trails), in model order. One edge can come from several kinds (a log group's
    /// trails and metric filters; a topic's alarms and subscriptions): filter by kind.
    pub incoming: std::collections::HashMap<(ResourceId, Edge), Vec<ResourceId>>,
    pub scopes: Vec<Scope>,
    /// Terraform module calls that could not be read: what they define is not in the model.
    pub unread_modules: Vec<UnreadModule>,
    /// What the adapters say about the model itself (instance caps, unknown expansions).
    pub notes: Vec<String>,
    /// Every resource block checked against its type's names, once (CT901), in scope order.
    pub checked: Vec<checked::CheckedBlock>,
    /// The blocks of `checked` with names their type does not have, by the header of the
    /// resource they set the fields of.
    pub misspelt: std::collections::HashMap<Span, Vec<usize>>,
}

/// A `module` block whose source ctlint could not read.
#[derive(Debug, Clone)]
pub struct UnreadModule {
    /// The block's header.
    pub span: Span,
    /// `module.trail`, `module.baseline.module.trail`.
    pub call: String,
    pub source: String,
    pub reason: String,
    /// The call leads back to a module being instantiated: it defines nothing new.
    pub cycle: bool,
}

impl Model {
    /// The first link of `edge` from `id` (the only one, for every edge but the list-valued
    /// [`Edge::MetricFilter`] and [`Edge::Topic`] of an alarm).
    pub fn link(&self, id: ResourceId, edge: Edge) -> Option<&LinkInfo> {
        self.links.get(id)?.iter().find(|l| l.edge == edge)
    }

    /// Every link of `edge` from `id`: one per entry of a list (an alarm's actions).
    pub fn links_of(&self, id: ResourceId, edge: Edge) -> impl Iterator<Item = &LinkInfo> {
        self.links.get(id).into_iter().flatten().filter(move |l| l.edge == edge)
    }

    /// The resources whose `edge` resolves to `target`.
    pub fn linked_from(&self, target: ResourceId, edge: Edge) -> &[ResourceId] {
        self.incoming.get(&(target, edge)).map_or(&[], Vec::as_slice)
    }

    /// The names written in the blocks that set the fields of `r` that their types do not have.
    pub fn unknown_attributes(&self, r: &Resource) -> impl Iterator<Item = &checked::UnknownAttribute> {
        self.misspelt
            .get(&r.header)
            .into_iter()
            .flatten()
            .flat_map(|&i| &self.checked[i].unknown)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = (ResourceId, &Resource)> {
        self.resources.iter().enumerate().filter(move |(_, r)| r.kind == kind)
    }
}
