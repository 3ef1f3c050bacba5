//! Resource addresses: what findings name as their `resource`, and what fingerprints hash.
//!
//! A Terraform address is the module path, the local name and the instance key, exactly as
//! Terraform prints it (`module.trail.aws_cloudtrail.this[0]`, `aws_s3_bucket.logs["a"]`). A
//! CloudFormation address is the logical ID. A standalone policy document is addressed by its
//! file path.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Address {
    /// Module call names from the root, outermost first (`["trail"]` for `module.trail`), with
    /// the instance key of a call with `count`/`for_each` (`cloudtrail["eu"]`).
    pub module: Vec<String>,
    /// `aws_cloudtrail.this`, a logical ID, or a file path.
    pub local: String,
    /// The instance key of a resource expanded by `count` or `for_each`.
    pub index: Option<InstanceKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstanceKey {
    Int(i64),
    Str(String),
}

impl Address {
    pub fn local(local: impl Into<String>) -> Address {
        Address {
            module: Vec::new(),
            local: local.into(),
            index: None,
        }
    }
}

impl InstanceKey {
    /// How Terraform writes it after a name: `[0]`, `["eu"]`.
    pub fn suffix(&self) -> String {
        match self {
            InstanceKey::Int(i) => format!("[{i}]"),
            InstanceKey::Str(s) => format!("[\"{s}\"]"),
        }
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.module {
            write!(f, "module.{m}.")?;
        }
        f.write_str(&self.local)?;
        match &self.index {
            None => Ok(()),
            Some(k) => f.write_str(&k.suffix()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_terraform() {
        let a = Address {
            module: vec!["trail".into()],
            local: "aws_cloudtrail.this".into(),
            index: Some(InstanceKey::Int(0)),
        };
        assert_eq!(a.to_string(), "module.trail.aws_cloudtrail.this[0]");
        let b = Address {
            index: Some(InstanceKey::Str("a".into())),
            ..Address::local("aws_s3_bucket.logs")
        };
        assert_eq!(b.to_string(), "aws_s3_bucket.logs[\"a\"]");
    }
}
