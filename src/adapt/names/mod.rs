//! The attribute and property names of every resource type the adapters read, taken from the real
//! schemas (the Terraform AWS provider's and CloudFormation's, in [`generated`], made by
//! `scripts/gen-attribute-names.py`), and the nearest valid name to one that is not (CT901).
//!
//! Every look-up is a binary search in a sorted table; suggestions are computed only for the
//! names that are not valid, over the names of their own block.

mod generated;

use crate::model::Format;

/// The names one block accepts: a resource's top level, a nested Terraform block, or a
/// CloudFormation property that holds an object (or a list of objects) with known properties.
#[derive(Debug)]
pub struct Block {
    /// Names that may be written, sorted: arguments and nested block types (Terraform),
    /// properties (CloudFormation, read-only ones included, as cfn-lint accepts them).
    pub names: &'static [&'static str],
    /// Names the schema has that cannot be written, sorted: Terraform computed-only attributes.
    pub read_only: &'static [&'static str],
    /// Names that must be written, sorted.
    pub required: &'static [&'static str],
    /// The blocks whose names are known too, sorted by name.
    pub nested: &'static [(&'static str, &'static Block)],
}

impl Block {
    pub fn has(&self, name: &str) -> bool {
        self.names.binary_search(&name).is_ok()
    }

    pub fn is_read_only(&self, name: &str) -> bool {
        self.read_only.binary_search(&name).is_ok()
    }

    pub fn is_required(&self, name: &str) -> bool {
        self.required.binary_search(&name).is_ok()
    }

    pub fn nested(&self, name: &str) -> Option<&'static Block> {
        self.nested
            .binary_search_by(|(n, _)| n.cmp(&name))
            .ok()
            .map(|i| self.nested[i].1)
    }

    /// The valid name `name` most likely stands for: see [`suggest`].
    pub fn suggest(&self, name: &str) -> Option<&'static str> {
        suggest(name, self.names)
    }
}

/// The names of a Terraform or CloudFormation resource type; `None` for a type the adapters do
/// not read (its attributes are not checked).
pub fn resource(format: Format, type_name: &str) -> Option<&'static Block> {
    let table = match format {
        Format::Terraform => generated::TERRAFORM,
        Format::CloudFormation => generated::CLOUDFORMATION,
        Format::PolicyJson => return None,
    };
    table
        .binary_search_by(|(t, _)| t.cmp(&type_name))
        .ok()
        .map(|i| table[i].1)
}

/// The candidate `name` was most likely meant to be: one that differs only in case, or in `_`
/// and `-` (a CloudFormation name written in Terraform, or the other way round), else the
/// nearest by edit distance (transpositions count once) when it is close for the name's length.
pub fn suggest(name: &str, candidates: &[&'static str]) -> Option<&'static str> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c);
    }
    let folded = fold(name);
    if let Some(c) = candidates.iter().find(|c| fold(c) == folded) {
        return Some(c);
    }
    // A name cut short or run on (`RotationPeriod` for `RotationPeriodInDays`): the shortest
    // candidate that extends it, or that it extends.
    if folded.len() >= 6
        && let Some(c) = candidates
            .iter()
            .filter(|c| {
                let f = fold(c);
                f.starts_with(&folded) || (folded.starts_with(&f) && f.len() >= 6)
            })
            .min_by_key(|c| c.len())
    {
        return Some(c);
    }
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 4).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Lowercase, without `_` and `-`.
fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> bool {
        names.windows(2).all(|w| w[0] < w[1])
    }

    fn check_sorted(what: &str, b: &Block) {
        assert!(sorted(b.names), "{what}: names not sorted");
        assert!(sorted(b.read_only), "{what}: read_only not sorted");
        assert!(sorted(b.required), "{what}: required not sorted");
        assert!(
            b.nested.windows(2).all(|w| w[0].0 < w[1].0),
            "{what}: nested not sorted"
        );
        for r in b.required {
            assert!(b.has(r), "{what}: required `{r}` is not a name");
        }
        for (n, sub) in b.nested {
            assert!(b.has(n), "{what}: nested `{n}` is not a name");
            check_sorted(&format!("{what}.{n}"), sub);
        }
    }

    #[test]
    fn tables_are_sorted() {
        for (format, table) in [
            ("terraform", generated::TERRAFORM),
            ("cloudformation", generated::CLOUDFORMATION),
        ] {
            assert!(table.windows(2).all(|w| w[0].0 < w[1].0), "{format}: types not sorted");
            for (t, b) in table {
                check_sorted(t, b);
            }
        }
    }

    /// Every type the adapters read has its names, and the table has no type they do not read
    /// (scripts/gen-attribute-names.py lists the same types).
    #[test]
    fn tables_cover_every_type_the_adapters_read() {
        let mut tf: Vec<&str> = generated::TERRAFORM.iter().map(|(t, _)| *t).collect();
        let mut read: Vec<&str> = crate::adapt::terraform::KINDS
            .iter()
            .map(|(t, _)| *t)
            .chain(crate::adapt::terraform::FOLDED)
            .collect();
        read.sort_unstable();
        tf.sort_unstable();
        assert_eq!(tf, read);
        let mut cfn: Vec<&str> = generated::CLOUDFORMATION.iter().map(|(t, _)| *t).collect();
        let mut read: Vec<&str> = crate::adapt::cloudformation::KINDS
            .iter()
            .map(|(t, _)| *t)
            .chain(crate::adapt::cloudformation::FOLDED)
            .collect();
        read.sort_unstable();
        cfn.sort_unstable();
        assert_eq!(cfn, read);
    }

    /// The schema's names are the adapters' names: every field the model reads from a format is
    /// a valid name of that format's resource (a typo in `schema.rs` would read nothing).
    #[test]
    fn model_fields_are_valid_names() {
        use crate::model::schema::{self, Ty};
        fn walk(kind: crate::model::Kind, fields: &[schema::Field], block: Option<&Block>, format: Format, at: &str) {
            let Some(block) = block else { return };
            for f in fields {
                let name = match format {
                    Format::Terraform => f.tf,
                    _ => f.cfn,
                };
                if name.is_empty() || (format == Format::Terraform && name == "provider") {
                    continue;
                }
                assert!(block.has(name), "{kind} {format:?}: `{at}{name}` is not in the schema");
                if let Ty::Obj(sub) | Ty::List(sub) = f.ty {
                    walk(kind, sub, block.nested(name), format, &format!("{at}{name}."));
                }
            }
        }
        for (t, kind) in crate::adapt::terraform::KINDS {
            walk(
                kind,
                schema::fields(kind),
                resource(Format::Terraform, t),
                Format::Terraform,
                "",
            );
        }
        for (t, kind) in crate::adapt::cloudformation::KINDS {
            walk(
                kind,
                schema::fields(kind),
                resource(Format::CloudFormation, t),
                Format::CloudFormation,
                "",
            );
        }
    }

    #[test]
    fn lookups() {
        let trail = resource(Format::CloudFormation, "AWS::CloudTrail::Trail").unwrap();
        assert!(trail.has("KMSKeyId") && !trail.has("KmsKeyId"));
        assert!(trail.is_required("IsLogging") && trail.is_required("S3BucketName"));
        let selector = trail.nested("EventSelectors").unwrap();
        assert!(selector.has("ReadWriteType"));
        assert_eq!(selector.suggest("ReadWriteTyp"), Some("ReadWriteType"));
        let tf = resource(Format::Terraform, "aws_cloudtrail").unwrap();
        assert!(tf.is_read_only("arn") && !tf.has("arn"));
        assert!(tf.nested("event_selector").unwrap().has("read_write_type"));
        assert!(resource(Format::Terraform, "aws_instance").is_none());
        assert!(resource(Format::PolicyJson, "aws_cloudtrail").is_none());
    }

    #[test]
    fn suggestions() {
        let names = &["KMSKeyId", "IsLogging", "IsMultiRegionTrail", "S3BucketName"];
        assert_eq!(suggest("KmsKeyId", names), Some("KMSKeyId"));
        assert_eq!(suggest("isLoging", names), Some("IsLogging"));
        assert_eq!(suggest("is_multi_region_trail", names), Some("IsMultiRegionTrail"));
        assert_eq!(suggest("S3BuckteName", names), Some("S3BucketName"));
        assert_eq!(suggest("Description", names), None);
        assert_eq!(
            suggest("RotationPeriod", &["RotationPeriodInDays", "Origin"]),
            Some("RotationPeriodInDays")
        );
        assert_eq!(suggest("S3BucketNameX", names), Some("S3BucketName"));
        let tf = &["enable_log_file_validation", "enable_logging", "is_multi_region_trail"];
        assert_eq!(suggest("is_multiregion_trail", tf), Some("is_multi_region_trail"));
        assert_eq!(suggest("enable_loging", tf), Some("enable_logging"));
        assert_eq!(suggest("x", tf), None);
    }
}
