import type { StaffRole } from '../../functions/routes.ts';
import { type LocalServer, startLocalServer } from '../../infra/local/server.ts';
import type { StudyInput } from '../../shared/study/schema.ts';

/**
 * A whole local stack for a test file: in-memory emulators, a free port, no output. The handlers read
 * process-wide configuration, so run one stack at a time in a process (one after another is fine).
 */
export async function startTestStack(options: { study?: StudyInput } = {}): Promise<LocalServer> {
  return startLocalServer({
    port: 0,
    dataDir: undefined,
    quiet: true,
    ...(options.study === undefined ? {} : { seed: true, study: options.study }),
  });
}

/** A demo username, or roles and sites for a made-up staff member. */
export type Who = string | { roles: StaffRole[]; sites?: string[]; username?: string };

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Sign the request as this user (a Bearer ID token from the dev identity provider). */
  as?: Who;
  headers?: Record<string, string>;
}

/** Helpers that talk to a stack over HTTP, as a browser or script would. */
export function api(stack: LocalServer) {
  const token = (who: Who): string => {
    if (typeof who === 'string') {
      const roles: Record<string, StaffRole> = { lead: 'lead', researcher: 'researcher', analyst: 'analyst' };
      const coordinatorOf = /^coordinator-(.+)$/.exec(who)?.[1];
      if (coordinatorOf)
        return stack.identity.issue({ username: who, roles: ['coordinator'], sites: [coordinatorOf] });
      const role = roles[who];
      if (!role) throw new Error(`${who} is not a demo user`);
      return stack.identity.issue({ username: who, roles: [role], sites: [] });
    }
    return stack.identity.issue({
      username: who.username ?? who.roles.join('-'),
      roles: who.roles,
      sites: who.sites ?? [],
    });
  };

  const request = async <T = unknown>(
    method: string,
    path: string,
    body: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.as !== undefined) headers.authorization = `Bearer ${token(options.as)}`;
    let payload: string | undefined;
    if (typeof body === 'string') payload = body;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(new URL(path, stack.url), {
      method,
      headers,
      redirect: 'manual',
      ...(payload === undefined ? {} : { body: payload }),
    });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: (isJson && text ? JSON.parse(text) : text) as T,
    };
  };

  return {
    token,
    request,
    get: <T = unknown>(path: string, options?: RequestOptions) => request<T>('GET', path, undefined, options),
    post: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('POST', path, body, options),
    patch: <T = unknown>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('PATCH', path, body, options),
  };
}

/** A therapist added at `siteId` by the lead: their id and the path of their own link. */
export async function addTherapist(
  http: ReturnType<typeof api>,
  siteId = 'berlin',
): Promise<{ therapistId: string; link: string }> {
  const added = await http.post<{ therapist: { therapistId: string }; link: string }>(
    `/api/v1/sites/${siteId}/therapists`,
    {},
    { as: 'lead' },
  );
  if (added.status !== 201) throw new Error(`adding a therapist answered ${added.status}: ${added.text}`);
  return { therapistId: added.body.therapist.therapistId, link: new URL(added.body.link).pathname };
}

/** A dyad enrolled by the lead: its id and the paths of its links (interpreter only with one). */
export async function enrolDyad(
  http: ReturnType<typeof api>,
  options: { therapistId: string; siteId?: string; interpreter?: boolean; language?: string },
): Promise<{ dyadId: string; links: { client: string; therapist: string; interpreter?: string } }> {
  const { therapistId, siteId = 'berlin', interpreter = false, language = 'en' } = options;
  const enrolled = await http.post<{ dyad: { dyadId: string }; links: Record<string, string> }>(
    `/api/v1/sites/${siteId}/dyads`,
    { therapistId, modality: 'online', interpreter, language },
    { as: 'lead' },
  );
  if (enrolled.status !== 201)
    throw new Error(`enrolling a dyad answered ${enrolled.status}: ${enrolled.text}`);
  const path = (role: string): string => new URL(enrolled.body.links[role] ?? '').pathname;
  return {
    dyadId: enrolled.body.dyad.dyadId,
    links: {
      client: path('client'),
      therapist: path('therapist'),
      ...(interpreter ? { interpreter: path('interpreter') } : {}),
    },
  };
}
