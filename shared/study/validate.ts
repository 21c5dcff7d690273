import { readFile } from 'node:fs/promises';
import { type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import * as z from 'zod/mini';
import { isTimeZone } from '../dates.ts';
import { detailsFromIssues, type ErrorDetail } from '../errors.ts';
import { isPageLanguage } from '../i18n/languages.ts';
import { BUILTIN_INSTRUMENTS } from '../instruments/builtins.ts';
import type { InstrumentDefinition, LocalizedText } from '../instruments/schema.ts';
import { scaleItems } from '../instruments/score.ts';
import { Study } from './schema.ts';
import { parseSessions } from './sessions.ts';

/** One problem of a study definition: where, what, and the value found there. */
export type StudyProblem = ErrorDetail;

export type StudyValidation =
  | {
      ok: true;
      study: Study;
      /** Every instrument the study knows (built-ins and its own), by id. */
      instruments: Map<string, InstrumentDefinition>;
      warnings: StudyProblem[];
      errors: [];
    }
  | { ok: false; warnings: StudyProblem[]; errors: StudyProblem[] };

const problem = (path: (string | number)[], message: string, received?: unknown): StudyProblem =>
  received === undefined ? { path: path.join('.'), message } : { path: path.join('.'), message, received };

/**
 * Checks a parsed `study.json`: the schema (every issue with its path and received value), then the
 * cross-checks the schema cannot express. Unknown keys are warnings, not errors.
 */
export function validateStudy(json: unknown): StudyValidation {
  const warnings: StudyProblem[] = [];
  unknownKeys(Study, json, [], warnings);
  const parsed = Study.safeParse(json, { reportInput: true });
  if (!parsed.success) return { ok: false, warnings, errors: detailsFromIssues(parsed.error.issues) };

  const study = parsed.data;
  const errors: StudyProblem[] = [];
  checkLanguages(study, errors, warnings);
  checkSites(study, errors);
  const instruments = checkInstruments(study, errors, warnings);
  checkSchedule(study, instruments, errors, warnings);
  return errors.length === 0
    ? { ok: true, study, instruments, warnings, errors: [] }
    : { ok: false, warnings, errors };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks the value alongside the schema and reports keys the schema does not know. */
function unknownKeys(schema: z.core.$ZodType, value: unknown, path: string[], out: StudyProblem[]): void {
  const def = schema._zod.def;
  switch (def.type) {
    case 'default':
    case 'optional':
    case 'nullable':
      unknownKeys((def as z.core.$ZodDefaultDef).innerType, value, path, out);
      return;
    case 'object': {
      if (!isRecord(value)) return;
      const shape = (def as z.core.$ZodObjectDef).shape;
      for (const [key, child] of Object.entries(value)) {
        // Own keys only: `__proto__` or `constructor` in a study file would reach Object.prototype.
        const childSchema = Object.hasOwn(shape, key) ? shape[key] : undefined;
        if (childSchema) unknownKeys(childSchema, child, [...path, key], out);
        else out.push(problem([...path, key], 'unknown key; it is ignored'));
      }
      return;
    }
    case 'array':
      if (Array.isArray(value))
        value.forEach((element, index) => {
          unknownKeys((def as z.core.$ZodArrayDef).element, element, [...path, String(index)], out);
        });
      return;
    case 'record':
      if (isRecord(value))
        for (const [key, child] of Object.entries(value))
          unknownKeys((def as z.core.$ZodRecordDef).valueType, child, [...path, key], out);
      return;
    case 'union': {
      // The option the value parses as decides which keys are known.
      const match = (def as z.core.$ZodUnionDef).options.find((option) => z.safeParse(option, value).success);
      if (match) unknownKeys(match, value, path, out);
      return;
    }
    default:
      return;
  }
}

function checkLanguages(study: Study, errors: StudyProblem[], warnings: StudyProblem[]): void {
  const { languages, defaultLanguage } = study;
  if (!languages.includes(defaultLanguage)) {
    errors.push(
      problem(
        ['defaultLanguage'],
        `must be one of the study's languages (${languages.join(', ')})`,
        defaultLanguage,
      ),
    );
  }
  languages.forEach((language, index) => {
    if (languages.indexOf(language) !== index)
      errors.push(problem(['languages', index], 'listed twice', language));
    else if (!isPageLanguage(language))
      warnings.push(
        problem(
          ['languages', index],
          'the participant pages have no translation; they show English',
          language,
        ),
      );
  });
  const texts: [(string | number)[], LocalizedText][] = [
    [['title'], study.title],
    [['safety', 'crisisText'], study.safety.crisisText],
    ...study.consent.map((consent, index): [(string | number)[], LocalizedText] => [
      ['consent', index, 'text'],
      consent.text,
    ]),
  ];
  for (const [path, text] of texts) {
    if (!text[defaultLanguage]?.trim())
      errors.push(problem(path, `needs text in the default language ${defaultLanguage}`));
    const missing = languages.filter((language) => language !== defaultLanguage && !text[language]?.trim());
    if (missing.length > 0)
      warnings.push(problem(path, `no text in ${missing.join(', ')}; participants see ${defaultLanguage}`));
  }
  const versions = study.consent.map((consent) => consent.version);
  versions.forEach((version, index) => {
    if (versions.indexOf(version) !== index)
      errors.push(problem(['consent', index, 'version'], 'consent versions must be unique', version));
  });
  if (!isTimeZone(study.timezone))
    errors.push(problem(['timezone'], 'not an IANA time zone', study.timezone));
}

function checkSites(study: Study, errors: StudyProblem[]): void {
  const seen = new Set<string>();
  study.sites.forEach((site, index) => {
    if (seen.has(site.siteId))
      errors.push(problem(['sites', index, 'siteId'], 'site ids must be unique', site.siteId));
    seen.add(site.siteId);
    if (site.timezone !== undefined && !isTimeZone(site.timezone))
      errors.push(problem(['sites', index, 'timezone'], 'not an IANA time zone', site.timezone));
  });
}

/** Checks the study's own instrument definitions and returns every instrument it knows. */
function checkInstruments(
  study: Study,
  errors: StudyProblem[],
  warnings: StudyProblem[],
): Map<string, InstrumentDefinition> {
  const known = new Map(BUILTIN_INSTRUMENTS);
  const defined = new Set<string>();
  study.instruments.forEach((entry, index) => {
    if (typeof entry === 'string') return;
    if (defined.has(entry.id))
      errors.push(problem(['instruments', index, 'id'], 'defined twice in this study', entry.id));
    defined.add(entry.id);
    checkDefinition(entry, ['instruments', index], errors);
    known.set(entry.id, entry);
  });
  study.instruments.forEach((entry, index) => {
    if (typeof entry === 'string' && !known.has(entry))
      errors.push(problem(['instruments', index], 'not a built-in instrument nor one defined here', entry));
  });
  study.schedule.forEach((entry, index) => {
    const def = known.get(entry.instrument);
    if (!def) return;
    const texts = [def.title, ...def.items.map((item) => item.text)];
    const missing = study.languages.filter((language) => texts.some((text) => !text[language]?.trim()));
    if (missing.length > 0)
      warnings.push(
        problem(
          ['schedule', index, 'instrument'],
          `${def.id} has no wording in ${missing.join(', ')}; pages fall back to another language`,
          entry.instrument,
        ),
      );
  });
  return known;
}

function checkDefinition(def: InstrumentDefinition, at: (string | number)[], errors: StudyProblem[]): void {
  const { min, max, labels } = def.scale;
  if (min >= max) errors.push(problem([...at, 'scale', 'max'], `must be greater than min (${min})`, max));
  for (const [language, list] of Object.entries(labels ?? {})) {
    if (list.length !== 2 && list.length !== max - min + 1)
      errors.push(
        problem(
          [...at, 'scale', 'labels', language],
          `needs ${max - min + 1} labels (one per point) or 2 (the ends)`,
          list.length,
        ),
      );
  }
  const itemIds = def.items.map((item) => item.id);
  itemIds.forEach((id, index) => {
    if (itemIds.indexOf(id) !== index)
      errors.push(problem([...at, 'items', index, 'id'], 'item ids must be unique', id));
  });
  for (const [name, ids] of Object.entries(def.subscales ?? {})) {
    if (name === 'total') errors.push(problem([...at, 'subscales', name], '"total" is reserved for the sum'));
    ids.forEach((id, index) => {
      if (!itemIds.includes(id)) errors.push(problem([...at, 'subscales', name, index], 'no such item', id));
    });
  }
  const scales = Object.keys(scaleItems(def));
  (def.flags ?? []).forEach((flag, index) => {
    const path = [...at, 'flags', index];
    if ((flag.item === undefined) === (flag.scale === undefined))
      errors.push(problem(path, 'a flag names exactly one of item or scale'));
    if (flag.item !== undefined && !itemIds.includes(flag.item))
      errors.push(problem([...path, 'item'], 'no such item', flag.item));
    if (flag.scale !== undefined && !scales.includes(flag.scale))
      errors.push(problem([...path, 'scale'], `no such scale (${scales.join(', ') || 'none'})`, flag.scale));
  });
  (def.bands ?? []).forEach((band, index, bands) => {
    const previous = bands[index - 1];
    if (previous && band.from <= previous.from)
      errors.push(
        problem([...at, 'bands', index, 'from'], `bands must ascend (after ${previous.from})`, band.from),
      );
  });
  if (def.bands && def.total !== 'sum') errors.push(problem([...at, 'bands'], 'bands need total "sum"'));
}

function checkSchedule(
  study: Study,
  instruments: Map<string, InstrumentDefinition>,
  errors: StudyProblem[],
  warnings: StudyProblem[],
): void {
  const seen = new Set<string>();
  const listed = new Set(study.instruments.map((entry) => (typeof entry === 'string' ? entry : entry.id)));
  study.schedule.forEach((entry, index) => {
    const at = ['schedule', index];
    const def = instruments.get(entry.instrument);
    if (def && !listed.has(entry.instrument))
      warnings.push(
        problem(
          [...at, 'instrument'],
          `${entry.instrument} is not listed in "instruments"; add it there so the study names every instrument it uses`,
          entry.instrument,
        ),
      );
    if (!def) {
      errors.push(
        problem(
          [...at, 'instrument'],
          'not a built-in instrument nor one defined in this study',
          entry.instrument,
        ),
      );
      return;
    }
    if (!def.roles.includes(entry.role))
      errors.push(problem([...at, 'role'], `${def.id} is answered by ${def.roles.join(', ')}`, entry.role));
    if ('sessions' in entry) {
      const parsed = parseSessions(entry.sessions);
      if (!parsed.ok) errors.push(problem([...at, 'sessions'], parsed.message, entry.sessions));
      if (def.level === 'therapist')
        errors.push(
          problem([...at, 'sessions'], `${def.id} is therapist-level: schedule it with "every": "month"`),
        );
    } else if (def.level === 'dyad') {
      errors.push(
        problem([...at, 'every'], `${def.id} is dyad-level: schedule it with "sessions"`, entry.every),
      );
    }
    const key = `${entry.instrument}#${entry.role}`;
    if (seen.has(key))
      warnings.push(
        problem(at, `${entry.instrument} for ${entry.role} is scheduled twice; the sessions are merged`),
      );
    seen.add(key);
  });
}

/** What jsonc-parser's error codes mean, in the words `study validate` prints. */
// Keyed by printParseErrorCode's names: the codes themselves are a const enum, erased at build time.
const SYNTAX_MESSAGES: Record<string, string> = {
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':' after the key",
  CommaExpected: "expected ',' between entries",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  PropertyNameExpected: 'expected a key in double quotes',
  EndOfFileExpected: 'expected the end of the file',
  InvalidSymbol: 'unexpected character',
  UnexpectedEndOfString: 'a string is not closed',
  InvalidCommentToken: 'JSON has no comments',
};

/**
 * Where JSON.parse failed, as "line L, column C: what" (both from 1). V8 does not always say where,
 * so jsonc-parser, in strict JSON mode, finds the first error and its offset.
 */
export function jsonSyntaxProblem(text: string): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  const offset = first?.offset ?? text.length;
  const lines = text.slice(0, offset).split('\n');
  const what = first
    ? (SYNTAX_MESSAGES[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error))
    : 'the file ends too early';
  return `line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1}: ${what}`;
}

/** Formats one problem as a line: `path: message (received: value)`. */
export function formatProblem(p: StudyProblem): string {
  return p.received === undefined
    ? `${p.path}: ${p.message}`
    : `${p.path}: ${p.message} (received: ${JSON.stringify(p.received)})`;
}

/** `tandem study validate FILE`: the lines to print and the exit code (0 valid, 1 not), and the study when valid. */
export async function validateStudyFile(
  path: string,
): Promise<{ lines: string[]; exitCode: number; study?: Study }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? String(cause.code) : 'unreadable';
    return { lines: [`error: cannot read ${path} (${reason})`], exitCode: 1 };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { lines: [`error: ${path} is not JSON: ${jsonSyntaxProblem(text)}`], exitCode: 1 };
  }
  const result = validateStudy(json);
  const lines = [
    ...result.errors.map((p) => `error: ${formatProblem(p)}`),
    ...result.warnings.map((p) => `warning: ${formatProblem(p)}`),
  ];
  const counts = `${result.errors.length} error(s), ${result.warnings.length} warning(s)`;
  if (result.ok) {
    const { study } = result;
    lines.push(
      `${path}: valid — ${study.studyId} v${study.version}, ${study.sites.length} site(s), ${study.schedule.length} schedule entr${study.schedule.length === 1 ? 'y' : 'ies'}; ${counts}`,
    );
    return { lines, exitCode: 0, study };
  }
  lines.push(`${path}: not valid; ${counts}`);
  return { lines, exitCode: 1 };
}
