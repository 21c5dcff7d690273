import type { InstrumentDefinition, LocalizedText } from './schema.ts';

// Wording written for Tandem ("demo"): it follows the published structure of each scale but is not
// the licensed text. A study supplies licensed wording through its own instrument definitions.

const agree5: Record<string, string[]> = {
  en: ['Seldom', 'Sometimes', 'Fairly often', 'Very often', 'Always'],
};
const freq4: Record<string, string[]> = {
  en: ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'],
};

/** WAI-SR structure: task 1,2,10,12; bond 3,5,7,9; goal 4,6,8,11. */
const allianceSubscales = {
  task: ['i1', 'i2', 'i10', 'i12'],
  bond: ['i3', 'i5', 'i7', 'i9'],
  goal: ['i4', 'i6', 'i8', 'i11'],
};

function items(texts: LocalizedText[]): InstrumentDefinition['items'] {
  return texts.map((text, index) => ({ id: `i${index + 1}`, text }));
}

function alliance(id: string, role: 'client' | 'therapist' | 'interpreter', title: LocalizedText, texts: LocalizedText[]): InstrumentDefinition {
  return {
    id,
    title,
    level: 'dyad',
    roles: [role],
    items: items(texts),
    scale: { min: 1, max: 5, labels: agree5 },
    subscales: allianceSubscales,
    total: 'sum',
    wording: 'demo',
  };
}

export const allianceClient = alliance('alliance-client', 'client', { en: 'How our work together is going' }, [
  { en: 'We agree on what I need to work on in these sessions.' },
  { en: 'What we do in our sessions gives me new ways to look at my situation.' },
  { en: 'I feel that my therapist likes me.' },
  { en: 'My therapist and I work towards goals we both agreed on.' },
  { en: 'I feel my therapist respects me.' },
  { en: 'We are working on the goals that matter to me.' },
  { en: 'I feel my therapist cares about me, even when I do things they may not approve of.' },
  { en: 'We agree on what is important for me to work on.' },
  { en: 'My therapist and I trust one another.' },
  { en: 'My therapist and I agree on what my problems are.' },
  { en: 'We have a good understanding of the changes that would be good for me.' },
  { en: 'I believe the way we are working on my problem is right.' },
]);

export const allianceTherapist = alliance('alliance-therapist', 'therapist', { en: 'The working alliance with this client' }, [
  { en: 'My client and I agree on what the client needs to work on in these sessions.' },
  { en: 'Our sessions give my client new ways to look at their situation.' },
  { en: 'I feel that my client likes me.' },
  { en: 'My client and I work towards goals we both agreed on.' },
  { en: 'I respect my client as a person.' },
  { en: 'We are working on the goals that matter to my client.' },
  { en: 'I appreciate my client as a person, whatever they do.' },
  { en: 'We agree on what is important for my client to work on.' },
  { en: 'My client and I trust one another.' },
  { en: 'My client and I agree on what their problems are.' },
  { en: 'We share an understanding of the changes that would be good for my client.' },
  { en: 'My client believes the way we are working on their problem is right.' },
]);

export const allianceInterpreter = alliance(
  'alliance-interpreter',
  'interpreter',
  { en: 'The working alliance in this session, as you saw it' },
  [
    { en: 'Client and therapist agree on what the client needs to work on.' },
    { en: 'The sessions give the client new ways to look at their situation.' },
    { en: 'The client seems to feel liked by the therapist.' },
    { en: 'Client and therapist work towards goals they both agreed on.' },
    { en: 'The therapist treats the client with respect.' },
    { en: 'They are working on the goals that matter to the client.' },
    { en: 'The therapist seems to care about the client.' },
    { en: 'They agree on what is important for the client to work on.' },
    { en: 'Client and therapist seem to trust one another.' },
    { en: 'Client and therapist agree on what the problems are.' },
    { en: 'They share an understanding of the changes that would be good for the client.' },
    { en: 'The client seems to believe the way they are working is right.' },
  ],
);

export const sessionRating: InstrumentDefinition = {
  id: 'session-rating',
  title: { en: 'How was today’s session?' },
  level: 'dyad',
  roles: ['client'],
  items: items([
    { en: 'I felt heard, understood and respected today.' },
    { en: 'We worked on and talked about what I wanted to work on today.' },
    { en: 'The therapist’s approach is a good fit for me.' },
    { en: 'Overall, today’s session was right for me.' },
  ]),
  scale: { min: 0, max: 10, labels: { en: ['Not at all', 'Completely'] } },
  total: 'sum',
  flags: [{ scale: 'total', op: '<', value: 36, label: { en: 'Session rated below 36' } }],
  wording: 'demo',
};

export const phq9: InstrumentDefinition = {
  id: 'phq9',
  title: { en: 'Over the last two weeks, how often have you been bothered by the following?' },
  level: 'dyad',
  roles: ['client'],
  items: items([
    { en: 'Little interest or pleasure in doing things' },
    { en: 'Feeling down, depressed or hopeless' },
    { en: 'Trouble falling or staying asleep, or sleeping too much' },
    { en: 'Feeling tired or having little energy' },
    { en: 'Poor appetite or overeating' },
    { en: 'Feeling bad about yourself, or that you are a failure or have let yourself or your family down' },
    { en: 'Trouble concentrating on things, such as reading or watching television' },
    { en: 'Moving or speaking so slowly that other people could have noticed, or the opposite: being so restless that you have been moving around a lot more than usual' },
    { en: 'Thoughts that you would be better off dead, or of hurting yourself' },
  ]),
  scale: { min: 0, max: 3, labels: freq4 },
  total: 'sum',
  bands: [
    { from: 0, label: { en: 'minimal' } },
    { from: 5, label: { en: 'mild' } },
    { from: 10, label: { en: 'moderate' } },
    { from: 15, label: { en: 'moderately severe' } },
    { from: 20, label: { en: 'severe' } },
  ],
  flags: [{ item: 'i9', op: '>=', value: 1, label: { en: 'Thoughts of death or self-harm' }, safety: true }],
  wording: 'demo',
};

export const gad7: InstrumentDefinition = {
  id: 'gad7',
  title: { en: 'Over the last two weeks, how often have you been bothered by the following?' },
  level: 'dyad',
  roles: ['client'],
  items: items([
    { en: 'Feeling nervous, anxious or on edge' },
    { en: 'Not being able to stop or control worrying' },
    { en: 'Worrying too much about different things' },
    { en: 'Trouble relaxing' },
    { en: 'Being so restless that it is hard to sit still' },
    { en: 'Becoming easily annoyed or irritable' },
    { en: 'Feeling afraid, as if something awful might happen' },
  ]),
  scale: { min: 0, max: 3, labels: freq4 },
  total: 'sum',
  bands: [
    { from: 0, label: { en: 'minimal' } },
    { from: 5, label: { en: 'mild' } },
    { from: 10, label: { en: 'moderate' } },
    { from: 15, label: { en: 'severe' } },
  ],
  wording: 'demo',
};

export const therapistWellbeing: InstrumentDefinition = {
  id: 'therapist-wellbeing',
  title: { en: 'Your wellbeing at work this month' },
  level: 'therapist',
  roles: ['therapist'],
  items: [
    { id: 'i1', text: { en: 'I feel emotionally drained by my work.' } },
    { id: 'i2', text: { en: 'I feel used up at the end of a working day.' } },
    { id: 'i3', text: { en: 'I dread facing another day of sessions.' } },
    { id: 'i4', text: { en: 'I take time to recover after difficult sessions.' } },
    { id: 'i5', text: { en: 'I neglect my own needs because of work.' }, reverse: true },
    { id: 'i6', text: { en: 'I have too little time for rest and the things I enjoy.' }, reverse: true },
  ],
  scale: { min: 1, max: 5, labels: { en: ['Never', 'Rarely', 'Sometimes', 'Often', 'Always'] } },
  subscales: { exhaustion: ['i1', 'i2', 'i3'], 'self-care': ['i4', 'i5', 'i6'] },
  total: 'none',
  wording: 'demo',
};

/** The built-in instruments, by id. A study's own definitions may add to (or replace) these. */
export const BUILTIN_INSTRUMENTS: ReadonlyMap<string, InstrumentDefinition> = new Map(
  [allianceClient, allianceTherapist, allianceInterpreter, sessionRating, phq9, gad7, therapistWellbeing].map(
    (def) => [def.id, def],
  ),
);
