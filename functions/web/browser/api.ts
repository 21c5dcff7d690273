import { authFetch } from './auth.ts';

// Calls to Tandem's API from the staff pages: a failed call becomes an Error whose message is the
// API's own, with each invalid field's path.

interface ApiErrorBody {
  error?: { message?: string; details?: { path: string; message: string }[] };
}

function describe(body: ApiErrorBody | null, status: number): string {
  const error = body?.error;
  if (!error?.message) return `The request failed (${status}).`;
  const details = (error.details ?? []).map((d) => `${d.path}: ${d.message}`).join('; ');
  return error.message + (details ? ` (${details})` : '');
}

/** The response of a successful call; an Error with the API's message otherwise. */
export async function apiResponse(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await authFetch(path, init);
  if (response.ok) return response;
  const body = (await response.json().catch(() => null)) as ApiErrorBody | null;
  throw new Error(describe(body, response.status));
}

/** The JSON body of a successful call. The caller names the shape DESIGN §6 gives the route. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await apiResponse(path, init)).json()) as T;
}

/** The message of anything thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
