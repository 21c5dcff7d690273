// The JSON the staff pages read, as DESIGN §5 and §6 give it. Types come from Node-free shared
// modules (ports.ts, enrolment/figure-types.ts); the rest are declared here.

import type { SafetyFollowUp as DyadFollowUp } from '../../../shared/ports.ts';

export type {
  EnrolmentFigures,
  OpenFollowUp as SafetyFollowUp,
  OverdueDyad,
  ScheduleFigure,
} from '../../../shared/enrolment/figure-types.ts';
export type { AuditEvent, ReleaseRecord } from '../../../shared/ports.ts';

export type Role = 'client' | 'therapist' | 'interpreter';

export interface SiteListing {
  study: { studyId: string; title: Record<string, string>; languages: string[]; defaultLanguage: string };
  sites: { siteId: string; name: string; targetDyads: number }[];
}

export interface DyadView {
  dyadId: string;
  therapistId: string;
  modality: string;
  interpreter: boolean;
  language: string;
  enrolledOn: string;
  status: 'active' | 'ended' | 'withdrawn';
  lastSession?: number;
  currentSession: number;
  /** The dyad's safety follow-ups, open and closed (a closed one has `closedAt`). */
  safetyFollowUps: DyadFollowUp[];
  due: Partial<Record<Role, { items: unknown[]; overdue: number }>>;
}

export interface TherapistListing {
  therapistId: string;
  enrolledOn: string;
  status: 'active' | 'left';
  activeDyads: number;
}

export interface EnrolResult {
  dyad: { dyadId: string };
  links: { client: string; therapist: string; interpreter?: string };
}

export interface ManifestFile {
  name: string;
  tier: 'open' | 'analyst';
  bytes: number;
  rows?: number | null;
}

export interface Manifest {
  releaseId: string;
  studyId: string;
  createdAt: string;
  suppressionK: number;
  inputs: { dyads: number; responses: number; skipped: number };
  files: ManifestFile[];
}
