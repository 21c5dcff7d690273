import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { StaffRole } from '../routes.ts';

/** The API Gateway HTTP API v2 event, with the JWT authorizer's claims on staff routes. */
export type HttpEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayProxyEventV2['requestContext'] & {
    authorizer?: {
      jwt?: { claims: Record<string, string | number | boolean | string[]>; scopes?: string[] | null };
    };
  };
};

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

/** Who is calling a staff route, from the JWT claims. */
export interface Principal {
  subject: string;
  roles: StaffRole[];
  /** Sites the caller may see; a lead sees all. */
  sites: string[] | 'all';
}
