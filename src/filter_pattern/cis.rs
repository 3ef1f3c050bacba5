//! The monitoring controls of CIS AWS Foundations Benchmark §4 (v1.4.0 and v3.0.0 number them
//! 4.1–4.15; v1.2.0 numbered the first fourteen 3.1–3.14) and the AWS Security Hub controls
//! CloudWatch.1–14 that check them, each with the reference filter pattern it prescribes.
//!
//! The patterns are the ones AWS Security Hub documents for CloudWatch.1–14, copied verbatim
//! ("Security Hub controls for Amazon CloudWatch",
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html>), and,
//! for AWS Organizations changes (CIS 4.15, no Security Hub control), the pattern of the CIS
//! benchmark's audit procedure. Where the two sources differ (console sign-in without MFA:
//! CIS v1.2.0 3.2 has two terms, Security Hub four) the narrower is the reference: a pattern
//! that covers the wider one covers it too.

/// One monitoring control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Control {
    /// A stable identifier, for configuration and messages: `root-account-usage`.
    pub id: &'static str,
    /// What the alarm is for, as CIS titles it after "Ensure a log metric filter and alarm
    /// exist for".
    pub title: &'static str,
    /// The recommendation in CIS AWS Foundations Benchmark v1.4.0 and v3.0.0: `4.3`.
    pub cis: &'static str,
    /// The recommendation in CIS AWS Foundations Benchmark v1.2.0, if it had one: `3.3`.
    pub cis_v1_2: Option<&'static str>,
    /// The AWS Security Hub control: `CloudWatch.1`.
    pub security_hub: Option<&'static str>,
    /// The reference filter pattern.
    pub reference: &'static str,
    /// Where the reference pattern is documented.
    pub source: &'static str,
}

const SECURITY_HUB: &str = "https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html";
const CIS: &str = "https://www.cisecurity.org/benchmark/amazon_web_services";

/// The controls, in CIS v1.4.0/v3.0.0 order.
pub const CONTROLS: &[Control] = &[
    Control {
        id: "unauthorized-api-calls",
        title: "unauthorized API calls",
        cis: "4.1",
        cis_v1_2: Some("3.1"),
        security_hub: Some("CloudWatch.2"),
        reference: r#"{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}"#,
        source: SECURITY_HUB,
    },
    Control {
        id: "console-signin-without-mfa",
        title: "Management Console sign-in without MFA",
        cis: "4.2",
        cis_v1_2: Some("3.2"),
        security_hub: Some("CloudWatch.3"),
        reference: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        source: SECURITY_HUB,
    },
    Control {
        id: "root-account-usage",
        title: "usage of the \"root\" account",
        cis: "4.3",
        cis_v1_2: Some("3.3"),
        security_hub: Some("CloudWatch.1"),
        reference: r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
        source: SECURITY_HUB,
    },
    Control {
        id: "iam-policy-changes",
        title: "IAM policy changes",
        cis: "4.4",
        cis_v1_2: Some("3.4"),
        security_hub: Some("CloudWatch.4"),
        reference: "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "cloudtrail-configuration-changes",
        title: "CloudTrail configuration changes",
        cis: "4.5",
        cis_v1_2: Some("3.5"),
        security_hub: Some("CloudWatch.5"),
        reference: "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "console-authentication-failures",
        title: "AWS Management Console authentication failures",
        cis: "4.6",
        cis_v1_2: Some("3.6"),
        security_hub: Some("CloudWatch.6"),
        reference: r#"{($.eventName=ConsoleLogin) && ($.errorMessage="Failed authentication")}"#,
        source: SECURITY_HUB,
    },
    Control {
        id: "cmk-disable-or-deletion",
        title: "disabling or scheduled deletion of customer created CMKs",
        cis: "4.7",
        cis_v1_2: Some("3.7"),
        security_hub: Some("CloudWatch.7"),
        reference: "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
        source: SECURITY_HUB,
    },
    Control {
        id: "s3-bucket-policy-changes",
        title: "S3 bucket policy changes",
        cis: "4.8",
        cis_v1_2: Some("3.8"),
        security_hub: Some("CloudWatch.8"),
        reference: "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}",
        source: SECURITY_HUB,
    },
    Control {
        id: "config-changes",
        title: "AWS Config configuration changes",
        cis: "4.9",
        cis_v1_2: Some("3.9"),
        security_hub: Some("CloudWatch.9"),
        reference: "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}",
        source: SECURITY_HUB,
    },
    Control {
        id: "security-group-changes",
        title: "security group changes",
        cis: "4.10",
        cis_v1_2: Some("3.10"),
        security_hub: Some("CloudWatch.10"),
        reference: "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "nacl-changes",
        title: "changes to Network Access Control Lists (NACL)",
        cis: "4.11",
        cis_v1_2: Some("3.11"),
        security_hub: Some("CloudWatch.11"),
        reference: "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "network-gateway-changes",
        title: "changes to network gateways",
        cis: "4.12",
        cis_v1_2: Some("3.12"),
        security_hub: Some("CloudWatch.12"),
        reference: "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "route-table-changes",
        title: "route table changes",
        cis: "4.13",
        cis_v1_2: Some("3.13"),
        security_hub: Some("CloudWatch.13"),
        reference: "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "vpc-changes",
        title: "VPC changes",
        cis: "4.14",
        cis_v1_2: Some("3.14"),
        security_hub: Some("CloudWatch.14"),
        reference: "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}",
        source: SECURITY_HUB,
    },
    Control {
        id: "organizations-changes",
        title: "AWS Organizations changes",
        cis: "4.15",
        cis_v1_2: None,
        security_hub: None,
        reference: r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
        source: CIS,
    },
];

/// The control with this id (`iam-policy-changes`), CIS number (`4.4`, or v1.2.0 `3.4`) or
/// Security Hub id (`CloudWatch.4`).
pub fn control(key: &str) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| {
        c.id == key
            || c.cis == key
            || c.cis_v1_2 == Some(key)
            || c.security_hub.is_some_and(|s| s.eq_ignore_ascii_case(key))
    })
}

impl Control {
    /// "CIS 4.4, Security Hub CloudWatch.4" (for messages).
    pub fn ids(&self) -> String {
        match self.security_hub {
            Some(sh) => format!("CIS {}, Security Hub {sh}", self.cis),
            None => format!("CIS {}", self.cis),
        }
    }
}
