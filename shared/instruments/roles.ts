// The roles that answer questionnaires, without the schema library: modules that run in the
// release's worker threads import this, and loading zod there cost each worker about 0.1 s.

export const ROLES = ['client', 'therapist', 'interpreter'] as const;
export type Role = (typeof ROLES)[number];
