import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { validate } from '../constructs/validate.ts';

export interface EdgeWafStackProps extends StackProps {
  /**
   * Requests from one address to `/s/*` in 5 minutes before WAF blocks it.
   * @default 300
   */
  readonly participantRateLimit?: number;
}

/** The region a web ACL for CloudFront must live in. */
export const WAF_REGION = 'us-east-1';

/**
 * The WAF in front of the CloudFront distribution (a CloudFront web ACL must be in us-east-1, so it
 * has this small stack of its own): AWS's common and known-bad-inputs rule groups and a rate rule
 * on the participant links. No WAF log: it would keep every participant's address (and the path,
 * which holds the link token); the rules' CloudWatch metrics count what they block.
 */
export class EdgeWafStack extends Stack {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWafStackProps = {}) {
    super(scope, id, props);
    const rateLimit = props.participantRateLimit ?? 300;
    validate([
      {
        condition: Number.isInteger(rateLimit) && rateLimit >= 10,
        message: `participantRateLimit must be a whole number ≥ 10 (WAF's minimum), received ${rateLimit}`,
      },
    ]);
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: false,
      metricName,
    });
    const managed = (priority: number, name: string): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Tandem: managed rules and a rate limit on participant links',
      // Sampled requests would keep whole request lines, link tokens included.
      visibilityConfig: visibility('tandem'),
      rules: [
        managed(0, 'AWSManagedRulesCommonRuleSet'),
        managed(1, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: 'ParticipantLinkRate',
          priority: 2,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: rateLimit,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/s/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('ParticipantLinkRate'),
        },
      ],
    });
  }
}

export interface EdgeDistributionProps {
  /** Host name of the HTTP API (`{id}.execute-api.{region}.amazonaws.com`). */
  readonly apiDomain: string;
  /** ARN of the CloudFront web ACL. */
  readonly webAclArn: string;
}

/** HSTS for two years with subdomains; the pages frame nothing and are framed by nothing. */
export const SECURITY_HEADERS: cloudfront.ResponseSecurityHeadersBehavior = {
  strictTransportSecurity: {
    accessControlMaxAge: Duration.days(730),
    includeSubdomains: true,
    preload: false,
    override: true,
  },
  contentTypeOptions: { override: true },
  frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
  referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
};

/**
 * CloudFront in front of the HTTP API: nothing cached (every answer is personal), every header,
 * cookie and query string passed on, HTTPS only, security headers on every answer, the WAF
 * attached. No access log: CloudFront's would keep the path, which holds a participant's token.
 */
export function edgeDistribution(
  scope: Construct,
  id: string,
  props: EdgeDistributionProps,
): cloudfront.Distribution {
  const headers = new cloudfront.ResponseHeadersPolicy(scope, `${id}Headers`, {
    comment: 'Tandem: HSTS and security headers',
    securityHeadersBehavior: SECURITY_HEADERS,
  });
  return new cloudfront.Distribution(scope, id, {
    comment: 'Tandem: participant pages, dashboards and the staff API',
    defaultBehavior: {
      origin: new origins.HttpOrigin(props.apiDomain, {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
    },
    webAclId: props.webAclArn,
    httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
    minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
    priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    enableLogging: false,
  });
}
