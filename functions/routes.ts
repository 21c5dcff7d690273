import type { Uses } from './uses.ts';

/** Staff roles, as Cognito groups (`cognito:groups`) in AWS and the dev identity provider locally. */
export const STAFF_ROLES = ['lead', 'coordinator', 'researcher', 'analyst'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH';
  /** API Gateway HTTP API path, with `{param}` placeholders. */
  path: string;
  /** Module (repository-relative) whose `handler` export serves the route; one Lambda per module. */
  handler: string;
  /** `public` routes carry no JWT authorizer; the others need a valid token with one of these roles. */
  access: 'public' | readonly StaffRole[];
  /** Participant routes have the small-bundle budget (DESIGN §11). */
  participant?: true;
  /** The table and bucket operations the handler makes: exactly what its function is granted. */
  uses: Uses;
}

const site: readonly StaffRole[] = ['lead', 'coordinator'];
// The lead reads releases too: the open tier (shared/releases.ts decides by tier).
const readers: readonly StaffRole[] = ['researcher', 'analyst', 'lead'];

/**
 * Every HTTP route of Tandem. The CDK stack makes one function and one API route of each entry; the
 * local server dispatches the same table to the same modules.
 */
export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/healthz', handler: 'functions/web/health.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/signin', handler: 'functions/web/pages.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/coordinator/', handler: 'functions/web/pages.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/researcher/', handler: 'functions/web/pages.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/audit/', handler: 'functions/web/pages.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/assets/{name}', handler: 'functions/web/pages.ts', access: 'public', uses: {} },
  { method: 'GET', path: '/favicon.ico', handler: 'functions/web/pages.ts', access: 'public', uses: {} },

  {
    method: 'GET',
    path: '/s/{token}',
    handler: 'functions/participant/page.ts',
    access: 'public',
    participant: true,
    uses: { table: ['GetItem', 'UpdateItem', 'Query'], attemptSecret: true },
  },
  {
    method: 'POST',
    path: '/s/{token}',
    handler: 'functions/participant/submit.ts',
    access: 'public',
    participant: true,
    // The compensating delete of DESIGN §4: a response whose owner withdrew meanwhile is removed.
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'], attemptSecret: true },
  },
  {
    method: 'POST',
    path: '/s/{token}/consent',
    handler: 'functions/participant/consent.ts',
    access: 'public',
    participant: true,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], attemptSecret: true },
  },
  {
    method: 'POST',
    path: '/s/{token}/withdraw',
    handler: 'functions/participant/withdraw.ts',
    access: 'public',
    participant: true,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'], attemptSecret: true },
  },

  {
    method: 'GET',
    path: '/api/v1/sites',
    handler: 'functions/coordinator/list-sites.ts',
    access: site,
    uses: { table: ['Query'], leadingKeys: ['STUDY'] },
  },
  {
    method: 'GET',
    path: '/api/v1/sites/{siteId}/enrolment',
    handler: 'functions/coordinator/enrolment.ts',
    access: site,
    uses: { table: ['Query', 'QuerySiteIndex'] },
  },
  {
    method: 'GET',
    path: '/api/v1/sites/{siteId}/dyads',
    handler: 'functions/coordinator/list-dyads.ts',
    access: site,
    uses: { table: ['Query', 'QuerySiteIndex'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads',
    handler: 'functions/coordinator/enrol-dyad.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'Query'] },
  },
  {
    method: 'GET',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}',
    handler: 'functions/coordinator/get-dyad.ts',
    access: site,
    uses: { table: ['GetItem', 'Query'] },
  },
  {
    method: 'PATCH',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}',
    handler: 'functions/coordinator/update-dyad.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/links/{role}/rotate',
    handler: 'functions/coordinator/rotate-link.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/follow-ups/{followUpId}/close',
    handler: 'functions/coordinator/close-follow-up.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/dyads/{dyadId}/card',
    handler: 'functions/coordinator/card.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] },
  },
  {
    method: 'GET',
    path: '/api/v1/sites/{siteId}/therapists',
    handler: 'functions/coordinator/list-therapists.ts',
    access: site,
    uses: { table: ['Query'], leadingKeys: ['SITE#*'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/therapists',
    handler: 'functions/coordinator/add-therapist.ts',
    access: site,
    uses: { table: ['PutItem', 'Query'] },
  },
  {
    method: 'POST',
    path: '/api/v1/sites/{siteId}/therapists/{therapistId}/links/rotate',
    handler: 'functions/coordinator/rotate-therapist-link.ts',
    access: site,
    uses: { table: ['GetItem', 'PutItem', 'Query'] },
  },
  {
    method: 'GET',
    path: '/api/v1/audit',
    handler: 'functions/coordinator/audit.ts',
    access: ['lead'],
    uses: { table: ['Query'], leadingKeys: ['AUDIT#*'] },
  },

  {
    method: 'GET',
    path: '/api/v1/releases',
    handler: 'functions/researcher/list-releases.ts',
    access: readers,
    uses: {
      table: ['Query'],
      leadingKeys: ['RELEASE'],
      objects: { 'releases/': ['GetObject'] },
      listBucket: true,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/releases/{releaseId}',
    handler: 'functions/researcher/get-release.ts',
    access: readers,
    uses: { objects: { 'releases/': ['GetObject'] }, listBucket: true },
  },
  {
    method: 'GET',
    path: '/api/v1/releases/{releaseId}/files/{name}',
    handler: 'functions/researcher/download.ts',
    access: readers,
    uses: {
      table: ['PutItem'],
      leadingKeys: ['AUDIT#*'],
      objects: { 'releases/': ['GetObject'] },
      listBucket: true,
    },
  },
];
