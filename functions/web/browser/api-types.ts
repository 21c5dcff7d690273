// The JSON the staff pages read, as DESIGN §5 and §6 give it. Types of Node-free shared modules are
// imported as they are; the enrolment use cases' own types cannot be (their modules need Node).

import type { SafetyFollowUp as DyadFollowUp } from '../../../shared/ports.ts';

export type { AuditEvent, ReleaseRecord } from '../../../shared/ports.ts';

export type Role = 'client' | 'therapist' | 'interpreter';

export interface SiteListing {
  study: { studyId: string; title: Record<string, string>; languages: string[]; defaultLanguage: string };
  sites: { siteId: string; name: string; targetDyads: number }[];
}

export interface ScheduleFigure {
  instrument: string;
  role: Role;
  level: 'dyad' | 'therapist';
  session: number;
  due: number;
  completed: number;
  responseRate: number | null;
}

export interface OverdueDyad {
  dyadId: string;
  therapistId: string;
  items: { role: Role; instrument: string; session: number; dueSince: string; daysDue: number | null }[];
}

export interface SafetyFollowUp {
  id: string;
  dyadId: string;
  therapistId: string;
  role: Role;
  openedOn: string;
}

export interface EnrolmentFigures {
  siteId: string;
  name: string;
  targetDyads: number;
  asOf: string;
  dyads: { enrolled: number; active: number; ended: number; withdrawn: number };
  therapists: { total: number; active: number };
  byMonth: { month: string; enrolled: number; cumulative: number }[];
  schedule: ScheduleFigure[];
  overdue: OverdueDyad[];
  safetyFollowUps: SafetyFollowUp[];
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
