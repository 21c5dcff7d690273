// The enrolment figures' JSON (DESIGN §6), in a module without Node imports, so that the staff
// pages' browser code (functions/web/browser/) reads the same types the use case returns.
import type { Role } from '../instruments/schema.ts';

/** Due and completed administrations of one scheduled (instrument, role, session). */
export interface ScheduleFigure {
  instrument: string;
  role: Role;
  /** `dyad`: a dyad session; `therapist`: a therapist's monthly administration number. */
  level: 'dyad' | 'therapist';
  session: number;
  /** Administrations that have come due (answered or not). */
  due: number;
  completed: number;
  /** completed / due; null when nothing has come due. */
  responseRate: number | null;
}

export interface OverdueDyad {
  dyadId: string;
  therapistId: string;
  items: {
    role: Role;
    instrument: string;
    session: number;
    dueSince: string | null;
    daysDue: number | null;
  }[];
}

/** DESIGN §6 for one site: counts and completion status, never an answer. */
export interface EnrolmentFigures {
  siteId: string;
  name: string;
  targetDyads: number;
  /** The site's date the figures were computed for. */
  asOf: string;
  dyads: { enrolled: number; active: number; ended: number; withdrawn: number };
  therapists: { total: number; active: number };
  /** Every month from the first enrolment to `asOf`: enrolled that month, and in total so far. */
  byMonth: { month: string; enrolled: number; cumulative: number }[];
  schedule: ScheduleFigure[];
  overdue: OverdueDyad[];
  /** Open safety follow-ups, withdrawn dyads' included (duty of care), oldest first. */
  safetyFollowUps: OpenFollowUp[];
}

/** An open safety follow-up as the figures list it (DESIGN §6). */
export interface OpenFollowUp {
  id: string;
  dyadId: string;
  therapistId: string;
  role: Role;
  openedOn: string;
}
